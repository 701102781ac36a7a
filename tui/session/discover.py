"""The right store for a path, be it a file or tingly-box's base directory.

:func:`open_store` opens a store for edits; :func:`open_source` a
:class:`~tui.session.Source` for viewers, and :func:`default_source` the
one to use when no path is given (SPEC §7).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from .errors import StoreAccessError, StoreError
from .json_source import JSONSource
from .source import Source
from .sqlite.schema import has_sqlite_header
from .sqlite.source import SQLiteSource
from .sqlite.store import SessionStoreSQLite
from .store import SessionStoreJSON

#: Where, under a base directory (default ``~/.tingly-box``), each store lives.
JSON_NAME = "bot_sessions.json"
DB_RELATIVE = Path("db") / "tingly.db"
#: What the bot renames ``bot_sessions.json`` to once it imported it into the database.
MIGRATED_SUFFIX = ".migrated"
#: tingly-box's base directory when no path is given.
DEFAULT_BASE = Path("~/.tingly-box")
#: Names that say "a SQLite database" for a file that does not exist yet.
DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class StoreLocations(NamedTuple):
    """Where the stores of one base directory are, for a screen that found no sessions."""

    json_path: Path
    db_path: Path
    #: ``bot_sessions.json.migrated`` when it is there (the bot moved its sessions to the database).
    migrated_path: Path | None


def store_locations(base: str | os.PathLike[str] | None = None) -> StoreLocations:
    """Both stores' paths under ``base`` (default ``~/.tingly-box``), and the ``.migrated`` file if there is one."""
    root = Path(base if base is not None else DEFAULT_BASE).expanduser()
    json_path = root / JSON_NAME
    migrated = json_path.with_name(JSON_NAME + MIGRATED_SUFFIX)
    return StoreLocations(json_path, root / DB_RELATIVE, migrated if migrated.exists() else None)


def default_path(base: str | os.PathLike[str] | None = None) -> Path:
    """The store to use with no path (SPEC §7): ``bot_sessions.json`` under ``base`` if it exists, else ``db/tingly.db``.

    ``base`` defaults to ``~/.tingly-box``.
    """
    locations = store_locations(base)
    return locations.json_path if locations.json_path.exists() else locations.db_path


def default_source(base: str | os.PathLike[str] | None = None) -> Source:
    """The :class:`Source` of :func:`default_path`."""
    return open_source(default_path(base))


def open_source(path: str | os.PathLike[str]) -> Source:
    """The :class:`Source` for ``path``; never fails (reading it says what is wrong).

    - a directory is a base directory: its ``bot_sessions.json`` if that
      exists, else its ``db/tingly.db`` (also for a path ending in ``/``
      that does not exist yet);
    - an existing file is a SQLite database when it starts with SQLite's
      header or is named ``*.db`` (``.sqlite``, ``.sqlite3``), else a JSON
      session file;
    - a file that does not exist yet is a database by those names, else a
      JSON session file, as it always was.
    """
    text = os.fspath(path)
    target = Path(text).expanduser()
    if target.is_dir() or (text.endswith(("/", os.sep)) and not target.exists()):
        return _base_source(target)
    if target.suffix.lower() in DATABASE_SUFFIXES or (target.is_file() and has_sqlite_header(target)):
        return SQLiteSource(target)
    return JSONSource(target)


def _base_source(base: Path) -> Source:
    json_path, db_path = base / JSON_NAME, base / DB_RELATIVE
    if json_path.exists():
        return JSONSource(json_path, named=base)
    return SQLiteSource(db_path, named=base)


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
