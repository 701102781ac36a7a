"""Errors particular to the SQLite store (all :class:`~tui.session.StoreError` subclasses)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import CorruptStoreError, StoreAccessError, StoreError, StoreLockTimeout


class DatabaseBusyError(StoreLockTimeout):
    """Another connection held the database's write lock past the busy timeout."""


class ContextNotStoredError(StoreError):
    """A session's ``context`` was set, but the SQLite store has no column for it."""


def translate(exc: sqlite3.Error, path: Path, doing: str) -> StoreError:
    """The :class:`StoreError` for a ``sqlite3`` error met while ``doing`` something to ``path``."""
    text = str(exc) or type(exc).__name__
    code = getattr(exc, "sqlite_errorcode", None)
    code = None if code is None else code & 0xFF  # the primary code of an extended one
    busy = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text or "busy" in text
    if busy:
        return DatabaseBusyError(f"{path}: {doing}: the database is busy (another process holds its lock): {text}")
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or "not a database" in text or "malformed" in text:
        return CorruptStoreError(f"{path}: {doing}: not a valid SQLite database: {text}")
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR) or (
        "unable to open" in text or "readonly" in text or "disk I/O" in text
    ):
        return StoreAccessError(f"{path}: {doing}: {text}")
    return StoreError(f"{path}: {doing}: {text}")
