"""The SQLite store of current tingly-box (SPEC §7): ``db/tingly.db`` plus JSONL transcripts."""

from __future__ import annotations

from .errors import ContextNotStoredError, DatabaseBusyError
from .store import SessionStoreSQLite, default_transcripts
from .timetext import DB_ZERO_TIME, format_db_time, parse_db_time

__all__ = [
    "DB_ZERO_TIME",
    "ContextNotStoredError",
    "DatabaseBusyError",
    "SessionStoreSQLite",
    "default_transcripts",
    "format_db_time",
    "parse_db_time",
]
