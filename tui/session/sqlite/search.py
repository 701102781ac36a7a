"""The text search of a SQLite reading (:meth:`SQLiteReading.search <tui.session.sqlite.reading.SQLiteReading.search>`).

What is searched and how far a byte match goes: :mod:`..text_search`. Here:

- the rows: one query asks SQLite for the rows whose ``request``,
  ``response`` or ``error`` holds the needle's plain run (``instr`` of
  ``lower()``, which folds ASCII only, as the run is); only those texts are
  compared in Python, casefolded;
- the transcripts (one compact Go JSON message a line) of the sessions not
  found in their row: each file's bytes, ASCII-lowered, are searched for the
  run, and only the lines it is on are decoded to confirm.

Rows and transcripts are as stored when searched (the reading's sessions
only), as :meth:`~tui.session.sqlite.reading.SQLiteReading.session` reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Protocol

import orjson

from ..text_search import CHECK_EVERY, Cancelled, any_holds, byte_run, message_texts, never
from .schema import TABLE
from .store import SessionStoreSQLite, fetch


class SQLiteReading(Protocol):
    """What the search reads of a :class:`~tui.session.sqlite.reading.SQLiteReading` (declared
    here, so the reading can import its search and not the other way round)."""

    transcripts: Path
    _reader: SessionStoreSQLite
    #: Session id → its transcript's file name.
    _names: Mapping[str, str]

    def __len__(self) -> int: ...

    def __contains__(self, session_id: object) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...


def search_sqlite(
    reading: SQLiteReading, needle: str, *, only: Iterable[str] | None = None, cancelled: Cancelled = never
) -> frozenset[str] | None:
    """Ids of the sessions of ``reading`` (among ``only``) whose texts hold ``needle``; ``None`` if cancelled."""
    folded = needle.casefold()
    if not folded or not len(reading):
        return frozenset()
    wanted = set(reading) if only is None else {session_id for session_id in only if session_id in reading}
    run = byte_run(needle)
    found = {session_id for session_id in _rows_holding(reading, folded, run) if session_id in wanted}
    for count, session_id in enumerate(wanted - found):
        if count % CHECK_EVERY == 0 and cancelled():
            return None
        if _transcript_holds(reading, session_id, folded, run):
            found.add(session_id)
    return None if cancelled() else frozenset(found)


def _rows_holding(reading: SQLiteReading, folded: str, run: bytes) -> list[str]:
    """Ids of the rows whose request, response or error holds ``folded`` (asking SQLite for ``run`` first)."""
    sql = f"SELECT id, request, response, error FROM main.{TABLE}"
    params: tuple[str, ...] = ()
    if run:
        sql += " WHERE instr(lower(request), ?1) OR instr(lower(response), ?1) OR instr(lower(error), ?1)"
        params = (run.decode("ascii"),)
    with reading._reader.read_transaction("searching the sessions' texts") as conn:
        rows = [] if conn is None else fetch(conn, sql, params)
    return [
        row[0] for row in rows if any_holds(folded, (text for text in row[1:] if isinstance(text, str)))
    ]


def _transcript_holds(reading: SQLiteReading, session_id: str, folded: str, run: bytes) -> bool:
    name = reading._names.get(session_id)
    if name is None:
        return False
    try:
        data = (reading.transcripts / name).read_bytes()
    except OSError:
        return False  # no transcript (yet), or unreadable: reading the session says why
    if not run:
        return any(_line_holds(line, folded) for line in data.splitlines())
    lowered = data.lower()
    at = lowered.find(run)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        if _line_holds(data[start:end], folded):
            return True
        at = lowered.find(run, end)
    return False


def _line_holds(line: bytes, folded: str) -> bool:
    try:
        message = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False  # a broken line: reading the session says where
    return any_holds(folded, message_texts([message]))
