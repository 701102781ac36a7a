"""``open_store``: the right store for a path, be it a file or tingly-box's base directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .errors import StoreAccessError, StoreError
from .sqlite.schema import has_sqlite_header
from .sqlite.store import SessionStoreSQLite
from .store import SessionStoreJSON

#: Where, under a base directory (default ``~/.tingly-box``), each store lives.
JSON_NAME = "bot_sessions.json"
DB_RELATIVE = Path("db") / "tingly.db"
#: What the bot renames ``bot_sessions.json`` to once it imported it into the database.
MIGRATED_SUFFIX = ".migrated"


def open_store(
    path: str | os.PathLike[str], *, clock: Callable[[], datetime] | None = None
) -> SessionStoreJSON | SessionStoreSQLite:
    """Open the session store at ``path``.

    ``path`` may be a SQLite database (known by its 16-byte header), a JSON
    session file (a ``.json`` name, or text starting with ``{``), or a base
    directory holding ``bot_sessions.json`` or ``db/tingly.db`` (the JSON
    file first, as the bot of either version reads it). Anything else
    raises a one-line :class:`~tui.session.StoreError` saying what was
    looked for; bad contents raise the store's own errors.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        return _open_base(target, clock)
    if not target.exists():
        raise StoreAccessError(f"{target}: no such file or directory")
    if not target.is_file():
        raise StoreAccessError(f"{target}: not a regular file or a directory")
    if has_sqlite_header(target):
        return SessionStoreSQLite(target, clock=clock)
    if target.suffix.lower() == ".json" or _starts_like_json(target):
        return SessionStoreJSON(target, clock=clock)
    raise StoreError(f"{target}: neither a SQLite database nor a JSON session file")


def _open_base(base: Path, clock: Callable[[], datetime] | None) -> SessionStoreJSON | SessionStoreSQLite:
    json_path, db_path = base / JSON_NAME, base / DB_RELATIVE
    if json_path.is_file():
        return SessionStoreJSON(json_path, clock=clock)
    if db_path.is_file():
        return SessionStoreSQLite(db_path, clock=clock)
    migrated = json_path.with_name(JSON_NAME + MIGRATED_SUFFIX)
    note = f" ({migrated.name} is there: the bot moved its sessions to {DB_RELATIVE})" if migrated.exists() else ""
    raise StoreError(f"{base}: no session store here: neither {JSON_NAME} nor {DB_RELATIVE}{note}")


def _starts_like_json(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot read: {exc.strerror}") from None
    return head.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"{")
