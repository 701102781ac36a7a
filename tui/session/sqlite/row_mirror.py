"""``RowMirror``: the rows the last reading holds, copied into the reading connection's memory.

With the copy at hand SQLite itself finds the rows another process
changed, added or removed (a join over 10k rows takes milliseconds in C;
fetching them all into Python takes tens). The copy is a ``temp`` table
of the reading connection (in memory, never the database's file), written
only inside the read transaction that read the rows it copies, so it
always holds exactly what one reading holds. Columns are copied as
stored, with their types (the table has no column types, so no affinity
converts them); ``response`` is copied as its length, as readings hold it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from .rows import CLEAN_EXPRESSION
from .schema import COLUMNS, TABLE

_MIRROR = "temp.session_tui_seen_rows"
# The table's columns as the mirror holds them, and as expressions over the table.
_COPIED = tuple("length(response)" if name == "response" else name for name in COLUMNS)
_NAMES = tuple(f"seen_{name}" for name in COLUMNS)  # prefixed: never ambiguous in a join
_CREATE = f"CREATE TEMP TABLE IF NOT EXISTS session_tui_seen_rows ({', '.join(_NAMES)}, PRIMARY KEY (seen_id))"
_COPY = f"INSERT INTO {_MIRROR} SELECT {', '.join(_COPIED)} FROM main.{TABLE}"
#: Rows as a reading holds them (see :mod:`.reading`): response left out, text check, response length.
ROW_COLUMNS = (
    ", ".join("'' AS response" if name == "response" else name for name in COLUMNS)
    + f", {CLEAN_EXPRESSION}, length(response)"
)
_DIFFERS = " OR ".join(f"{seen} IS NOT {copied}" for seen, copied in zip(_NAMES[1:], _COPIED[1:]))
_CHANGED = (
    f"SELECT {ROW_COLUMNS} FROM main.{TABLE} LEFT JOIN {_MIRROR} ON seen_id = id "
    f"WHERE seen_id IS NULL OR {_DIFFERS}"
)
_REMOVED = f"SELECT seen_id FROM {_MIRROR} WHERE NOT EXISTS (SELECT 1 FROM main.{TABLE} WHERE id = seen_id)"
_CHUNK = 500


class RowMirror:
    """The copy of one reading's rows in one connection (see the module)."""

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = None
        self._rows: object = None  # the rows dict of the reading the copy holds

    def holds(self, conn: sqlite3.Connection, rows: object) -> bool:
        """Whether the copy in ``conn`` is of the reading whose rows are ``rows``."""
        return self._conn is conn and self._rows is rows

    def differences(self, conn: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
        """``(rows, removed_ids)``: rows (as readings hold them) that differ from the copy or are new,
        and ids of copied rows that are gone. Call inside the read transaction that goes on to :meth:`update`."""
        changed = conn.execute(_CHANGED).fetchall()
        if len(changed) <= _CHUNK:
            # Nothing removed when the table holds as many rows as the copy plus
            # the new ones: two counts instead of a lookup per copied row.
            ids = [row[0] for row in changed]
            known = 0
            if ids:
                marks = ", ".join("?" * len(ids))
                known = conn.execute(f"SELECT count(*) FROM {_MIRROR} WHERE seen_id IN ({marks})", ids).fetchone()[0]
            (total,) = conn.execute(f"SELECT count(*) FROM main.{TABLE}").fetchone()
            (copied,) = conn.execute(f"SELECT count(*) FROM {_MIRROR}").fetchone()
            if total == copied + len(ids) - known:
                return changed, []
        return changed, [row[0] for row in conn.execute(_REMOVED)]

    def update(self, conn: sqlite3.Connection, changed_ids: list[Any], removed_ids: list[Any]) -> None:
        """Bring the copy up to date with the transaction's version of those rows."""
        for chunk in _chunks([*changed_ids, *removed_ids]):
            conn.execute(f"DELETE FROM {_MIRROR} WHERE seen_id IN ({', '.join('?' * len(chunk))})", chunk)
        for chunk in _chunks(changed_ids):
            conn.execute(f"{_COPY} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)

    def reset(self, conn: sqlite3.Connection) -> None:
        """Copy every row of the transaction's version of the table."""
        if self._conn is not conn:
            conn.execute("PRAGMA temp_store = MEMORY")  # before the first temp table of this connection
        conn.execute(_CREATE)  # (again after a rolled back transaction took it away)
        conn.execute(f"DELETE FROM {_MIRROR}")
        conn.execute(_COPY)
        self._conn, self._rows = conn, None

    def now_holds(self, conn: sqlite3.Connection, rows: object) -> None:
        """Record that the copy in ``conn`` is of the reading whose rows are ``rows``."""
        self._conn, self._rows = conn, rows

    def forget(self) -> None:
        """The copy may not match any reading (a read failed half-way): copy afresh next time."""
        self._rows = None


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
