"""``tui.session``: the Go session package in Python, safe for several processes.

The public API mirrors the Go package (see ``SPEC.md`` §2): :class:`Manager`
over a :class:`SessionStore`, with :class:`SessionStoreJSON` reading and
writing the Go JSON file format losslessly, and :class:`SessionStoreSQLite`
for the SQLite database plus transcripts of current tingly-box;
:func:`open_store` picks the right one for a path. :func:`read_snapshot` gives a
cheap, immutable reading of a file and what changed since the last one,
for watchers. This package never imports Textual.
"""

from __future__ import annotations

from .discover import open_store
from .durations import format_age, parse_age
from .errors import (
    CorruptStoreError,
    StoreAccessError,
    StoreError,
    StoreLockTimeout,
    UnsupportedVersionError,
)
from .gotime import GO_ZERO_TIME, format_time, parse_time
from .manager import Manager
from .model import Config, Message, Session
from .snapshot import ChangeSet, Snapshot, read_snapshot
from .sqlite import ContextNotStoredError, DatabaseBusyError, SessionStoreSQLite
from .stats import count_statuses, stat_summary
from .status import LIVE_STATUSES, Status, parse_status
from .store import SessionStore, SessionStoreJSON
from .summary import SessionSummary, cleanup_candidates

__all__ = [
    "GO_ZERO_TIME",
    "LIVE_STATUSES",
    "ChangeSet",
    "Config",
    "ContextNotStoredError",
    "CorruptStoreError",
    "DatabaseBusyError",
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
    "StoreError",
    "StoreLockTimeout",
    "UnsupportedVersionError",
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
