"""``tui.session``: the Go session package in Python, safe for several processes.

The public API mirrors the Go package (see ``SPEC.md`` §2): :class:`Manager`
over a :class:`SessionStore`, with :class:`SessionStoreJSON` reading and
writing the Go JSON file format losslessly, and :class:`SessionStoreSQLite`
for the SQLite database plus transcripts of current tingly-box;
:func:`open_store` picks the right one for a path. :func:`read_snapshot` gives a
cheap, immutable reading of a file and what changed since the last one,
for watchers.

Viewers use the store-neutral part: a :class:`Source` (from
:func:`open_source` or :func:`default_source`) gives immutable
:class:`Reading` objects with a :class:`ChangeSet` since the last one,
names what to watch (:func:`watch_source` watches it), and hands out the
store to put under a :class:`Manager` for edits. This package never
imports Textual.

Between session-tui processes no write undoes another's. A writer that
takes no lock (the Go bot) undoes every edit at its next write: each
reading's ``writer`` (a :class:`WriterInfo`) says when one wrote, and an
:class:`EditLedger` tells which edits a later reading shows undone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .batch_store import BatchSessionStore
from .discover import StoreLocations, default_path, default_source, open_source, open_store, store_locations
from .durations import format_age, parse_age
from .errors import (
    CorruptStoreError,
    StoreAccessError,
    StoreConflictError,
    StoreError,
    StoreLockTimeout,
    UnsupportedVersionError,
)
from .footprint import Footprint, store_footprint
from .gojson import plain_json
from .gotime import GO_ZERO_TIME, Clock, format_time, parse_time
from .ledger import Edit, EditKind, EditLedger, UndoneEdit
from .json_source import JSONSource
from .manager import Manager
from .model import Config, Message, Session
from .reading import Reading
from .snapshot import ChangeSet, Snapshot, read_snapshot
from .source import Source, SourceKind
from .sqlite import ContextNotStoredError, DatabaseBusyError, SessionStoreSQLite
from .sqlite.reading import SQLiteReading
from .sqlite.source import SQLiteSource
from .stats import count_statuses, status_stats
from .stored import extra_fields, stored_object, stored_time
from .status import LIVE_STATUSES, Status, parse_status
from .store import SessionStore, SessionStoreJSON
from .summary import SessionSummary, cleanup_candidates
from .writers import FOREIGN_WINDOW, UNKNOWN_WRITER, WriterInfo

if TYPE_CHECKING:
    from .watching import watch_source


def __getattr__(name: str) -> Any:
    # watchfiles takes tens of milliseconds to import: only for those who watch.
    if name == "watch_source":
        from .watching import watch_source

        globals()[name] = watch_source
        return watch_source
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FOREIGN_WINDOW",
    "GO_ZERO_TIME",
    "LIVE_STATUSES",
    "BatchSessionStore",
    "ChangeSet",
    "Clock",
    "Config",
    "ContextNotStoredError",
    "CorruptStoreError",
    "DatabaseBusyError",
    "Edit",
    "EditKind",
    "EditLedger",
    "Footprint",
    "JSONSource",
    "Manager",
    "Message",
    "Reading",
    "SQLiteReading",
    "SQLiteSource",
    "Session",
    "SessionStore",
    "SessionStoreJSON",
    "SessionStoreSQLite",
    "SessionSummary",
    "Snapshot",
    "Source",
    "SourceKind",
    "Status",
    "StoreAccessError",
    "StoreConflictError",
    "StoreError",
    "StoreLocations",
    "StoreLockTimeout",
    "UNKNOWN_WRITER",
    "UndoneEdit",
    "UnsupportedVersionError",
    "WriterInfo",
    "cleanup_candidates",
    "count_statuses",
    "default_path",
    "default_source",
    "extra_fields",
    "format_age",
    "format_time",
    "open_source",
    "open_store",
    "parse_age",
    "parse_status",
    "parse_time",
    "plain_json",
    "read_snapshot",
    "status_stats",
    "store_footprint",
    "store_locations",
    "stored_object",
    "stored_time",
    "watch_source",
]
