"""``tui.session``: the Go session package in Python, safe for several processes.

The public API mirrors the Go package (see ``SPEC.md`` §2): :class:`Manager`
over a :class:`SessionStore`, with :class:`SessionStoreJSON` reading and
writing the Go JSON file format losslessly, and :class:`SessionStoreSQLite`
for the SQLite database plus transcripts of current tingly-box;
:func:`open_store` picks the right one for a path. :func:`read_snapshot` gives a
cheap, immutable reading of a file and what changed since the last one,
for watchers. This package never imports Textual.

Between session-tui processes no write undoes another's. A writer that
takes no lock (the Go bot) undoes every edit at its next write: each
reading's :attr:`Snapshot.writer` (a :class:`WriterInfo`) says when one
wrote, and an :class:`EditLedger` tells which edits a later reading shows
undone.
"""

from __future__ import annotations

from .discover import open_store
from .durations import format_age, parse_age
from .errors import (
    CorruptStoreError,
    StoreAccessError,
    StoreConflictError,
    StoreError,
    StoreLockTimeout,
    UnsupportedVersionError,
)
from .gotime import GO_ZERO_TIME, format_time, parse_time
from .ledger import Edit, EditKind, EditLedger, UndoneEdit
from .manager import Manager
from .model import Config, Message, Session
from .snapshot import ChangeSet, Snapshot, read_snapshot
from .sqlite import ContextNotStoredError, DatabaseBusyError, SessionStoreSQLite
from .stats import count_statuses, stat_summary
from .status import LIVE_STATUSES, Status, parse_status
from .store import SessionStore, SessionStoreJSON
from .summary import SessionSummary, cleanup_candidates
from .writers import FOREIGN_WINDOW, UNKNOWN_WRITER, WriterInfo

__all__ = [
    "FOREIGN_WINDOW",
    "GO_ZERO_TIME",
    "LIVE_STATUSES",
    "ChangeSet",
    "Config",
    "ContextNotStoredError",
    "CorruptStoreError",
    "DatabaseBusyError",
    "Edit",
    "EditKind",
    "EditLedger",
    "Manager",
    "Message",
    "Session",
    "SessionStore",
    "SessionStoreJSON",
    "SessionStoreSQLite",
    "SessionSummary",
    "Snapshot",
    "Status",
    "StoreAccessError",
    "StoreConflictError",
    "StoreError",
    "StoreLockTimeout",
    "UNKNOWN_WRITER",
    "UndoneEdit",
    "UnsupportedVersionError",
    "WriterInfo",
    "cleanup_candidates",
    "count_statuses",
    "format_age",
    "format_time",
    "open_store",
    "parse_age",
    "parse_status",
    "parse_time",
    "read_snapshot",
    "stat_summary",
]
