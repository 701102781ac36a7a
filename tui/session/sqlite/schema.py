"""The ``remote_sessions`` table of current tingly-box (SPEC §7), and checks of a database file.

The DDL is what Go's ORM creates, byte for byte, so that a database this
library starts looks like one the bot started. A database of someone else
is only read: its schema is checked, never changed (extra columns, tables
and indexes are left alone).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import CorruptStoreError, StoreAccessError

TABLE = "remote_sessions"

#: The 16 bytes every SQLite 3 database file starts with.
SQLITE_HEADER = b"SQLite format 3\x00"

#: Text columns, in table order, with the ``Session`` attribute each holds.
TEXT_COLUMNS = (
    ("id", "id"),
    ("chat_id", "chat_id"),
    ("agent", "agent"),
    ("project", "project"),
    ("status", "status"),
    ("request", "request"),
    ("response", "response"),
    ("error", "error"),
    ("permission_mode", "permission_mode"),
)
#: ``datetime`` columns, with their attribute.
TIME_COLUMNS = (
    ("created_at", "created_at"),
    ("last_activity", "last_activity"),
    ("expires_at", "expires_at"),
)
COLUMNS = tuple(name for name, _ in TEXT_COLUMNS + TIME_COLUMNS)
TEXT_COLUMN_NAMES = frozenset(name for name, _ in TEXT_COLUMNS)

CREATE_STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS `remote_sessions` (`id` text,`chat_id` text,`agent` text,"
    "`project` text,`status` text,`request` text,`response` text,`error` text,"
    "`permission_mode` text,`created_at` datetime,`last_activity` datetime,"
    "`expires_at` datetime,PRIMARY KEY (`id`))",
    "CREATE INDEX IF NOT EXISTS `idx_remote_sessions_bind` ON `remote_sessions`"
    "(`chat_id`,`agent`,`project`,`last_activity`)",
    "CREATE INDEX IF NOT EXISTS `idx_remote_sessions_chat` ON `remote_sessions`(`chat_id`)",
    "CREATE INDEX IF NOT EXISTS `idx_remote_sessions_status` ON `remote_sessions`(`status`)",
)

#: Go opens the database with these; so does this store.
BUSY_TIMEOUT = 5.0


def has_sqlite_header(path: Path) -> bool:
    """Whether ``path`` is a file that starts like a SQLite 3 database."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def check_file(path: Path) -> bool:
    """Check that ``path`` may be opened as a database before SQLite touches it.

    Returns ``False`` when there is no database yet (no file, or an empty
    one, which SQLite itself treats as a new database), ``True`` when it is
    a SQLite file. Raises :class:`CorruptStoreError` for any other file and
    :class:`StoreAccessError` when it cannot be read.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot read: {exc.strerror}") from None
    if not os.path.isfile(path):
        raise StoreAccessError(f"{path}: not a regular file")
    if info.st_size == 0:
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot read: {exc.strerror}") from None
    if head != SQLITE_HEADER:
        raise CorruptStoreError(f"{path}: not a SQLite database (its first bytes are {head[:16]!r})")
    return True


def check_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Raise :class:`CorruptStoreError` unless ``remote_sessions`` has every column this store reads."""
    found = conn.execute(
        "SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", (TABLE,)
    ).fetchone()
    if found is None:
        raise CorruptStoreError(f"{path}: a SQLite database without a {TABLE} table (not a tingly-box database?)")
    if found[0] not in ("table", "view"):
        raise CorruptStoreError(f"{path}: {TABLE} is a {found[0]}, not a table")
    names = {row[1].lower() for row in conn.execute(f"PRAGMA table_info({TABLE})")}
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise CorruptStoreError(f"{path}: table {TABLE} has no column {', '.join(missing)}")


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the table and its indexes (inside the caller's transaction) if missing."""
    for statement in CREATE_STATEMENTS:
        conn.execute(statement)
