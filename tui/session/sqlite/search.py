"""The text search of a SQLite reading (:meth:`SQLiteReading.search <tui.session.sqlite.reading.SQLiteReading.search>`).

What is searched and how far a byte match goes: :mod:`..text_search`. Here:

- the rows: one query asks SQLite for the rows whose ``request``,
  ``response`` or ``error`` holds the needle's plain run (``instr`` of
  ``lower()``, which folds ASCII only, as the run is); only those texts are
  compared in Python, casefolded;
- the transcripts (one compact Go JSON message a line) of the sessions not
  found in their row: each file's bytes, ASCII-lowered, are searched for
  each way JSON writes an ASCII needle (``<`` as is or as ``\\u003c``: see
  :func:`~..text_search.written_forms`), else for its plain run, and only
  the lines a hit is on are decoded, as stored, to confirm.

The lowered bytes are kept with the reading (:class:`TranscriptIndex`, made
at its first search or ahead by ``prepare_search``), so that the next
keystroke reads no file to find; so is the first line of each session that
held the last needle: a needle that extends it (a character typed) is
looked for in that line first, and from there on. A later reading keeps
both for the transcripts that did not change between the two readings'
scans (:meth:`TranscriptIndex.carried`).

Rows are as stored when searched; transcripts as they were when first
searched in this line of readings (a transcript that grows makes a new
reading, which reads it again).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

import orjson

from ..text_search import (
    CHECK_EVERY,
    Cancelled,
    any_holds,
    byte_run,
    message_texts,
    never,
    written_forms,
)
from .schema import TABLE
from .store import SessionStoreSQLite, fetch
from .transcript_counts import TranscriptFile


class SQLiteReading(Protocol):
    """What the search reads of a :class:`~tui.session.sqlite.reading.SQLiteReading` (declared
    here, so the reading can import its search and not the other way round)."""

    transcripts: Path
    _reader: SessionStoreSQLite
    #: Session id → its transcript's file name.
    _names: Mapping[str, str]
    #: At most one :class:`TranscriptIndex`, made by the first search.
    _search_index: list[TranscriptIndex]

    def __len__(self) -> int: ...

    def __contains__(self, session_id: object) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...


class _Held(NamedTuple):
    """The first line of a transcript that held a needle: where it is, and its texts, casefolded."""

    start: int
    end: int
    texts: tuple[str, ...]


class _Last(NamedTuple):
    """The last search that ran to its end: its needle (casefolded), and each session's first line that held it."""

    folded: str
    held: dict[str, _Held]


#: A transcript that could not be read (``TranscriptIndex.lowered``).
_UNREADABLE = b""


class TranscriptIndex:
    """What the searches of one reading share: each transcript's bytes, ASCII-lowered, and the last search's lines."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        #: Transcript file name → its bytes, ASCII-lowered (as long as the stored ones: offsets agree).
        self.lowered: dict[str, bytes] = {}
        self.last: _Last | None = None

    def lowered_bytes(self, name: str) -> bytes:
        """The file's bytes, ASCII-lowered (read at the first call; empty if it cannot be read)."""
        data = self.lowered.get(name)
        if data is None:
            try:
                data = (self.directory / name).read_bytes().lower()
            except OSError:
                data = _UNREADABLE  # no transcript (yet), or unreadable: reading the session says why
            self.lowered[name] = data
        return data

    def load(self, names: Iterable[str]) -> None:
        """Read and lower every transcript of ``names`` now."""
        for name in names:
            self.lowered_bytes(name)

    def stored(self, name: str) -> bytes:
        """The file's bytes as stored now (append-only: the offsets of the lowered bytes hold)."""
        try:
            return (self.directory / name).read_bytes()
        except OSError:
            return _UNREADABLE

    def carried(
        self, before: Mapping[str, TranscriptFile], after: Mapping[str, TranscriptFile], names: Mapping[str, str]
    ) -> TranscriptIndex:
        """This index for a later reading: the transcripts that did not change between the
        two readings' scans (``before``, ``after``: name → what each saw), and what the last
        search found in them, for the sessions ``names`` (id → transcript name) still has."""
        index = TranscriptIndex(self.directory)
        for name, data in dict(self.lowered).items():  # (a copy: a search of the last reading may still add)
            seen = after.get(name)
            if seen is not None and before.get(name) == seen and len(data) == seen.size:
                index.lowered[name] = data
        if self.last is not None:
            held = {sid: line for sid, line in self.last.held.items() if names.get(sid) in index.lowered}
            index.last = _Last(self.last.folded, held)
        return index


def search_index(reading: SQLiteReading) -> TranscriptIndex:
    """The reading's :class:`TranscriptIndex`, made at its first search."""
    held = reading._search_index
    if not held:
        held.append(TranscriptIndex(reading.transcripts))
    return held[0]


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
    forms = written_forms(needle)
    runs = forms if forms is not None else [run] if run else []
    index = search_index(reading)
    last = index.last
    # Every text that holds this needle holds the last one: none before the line that first held it.
    prior = last.held if last is not None and last.folded in folded else {}
    held: dict[str, _Held] = {}
    names = reading._names
    for count, session_id in enumerate(wanted - found):
        if count % CHECK_EVERY == 0 and cancelled():
            return None
        name = names.get(session_id)
        if name is None:
            continue
        line = _first_line_holding(index, name, folded, runs, prior.get(session_id))
        if line is not None:
            found.add(session_id)
            held[session_id] = line
    if cancelled():
        return None
    if last is not None and last.folded == folded:  # the same needle among some sessions (changed ones)
        held = {**{sid: line for sid, line in last.held.items() if sid not in wanted}, **held}
    index.last = _Last(folded, held)
    return frozenset(found)


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


def _first_line_holding(
    index: TranscriptIndex, name: str, folded: str, runs: list[bytes], prior: _Held | None
) -> _Held | None:
    """The first line of transcript ``name`` whose texts hold ``folded``, looking for ``runs`` in
    its lowered bytes (none: every line is decoded), from ``prior`` on (the first line that held
    the last needle) when given; ``None`` if no line does."""
    at = 0
    if prior is not None:
        if any(folded in text for text in prior.texts):
            return prior
        at = prior.end
    lowered = index.lowered_bytes(name)
    size = len(lowered)
    stored: bytes | None = None  # read when a line is to be decoded
    while at < size:
        if runs:
            hit = min((h for h in (lowered.find(run, at) for run in runs) if h >= 0), default=-1)
            if hit < 0:
                return None
            start = lowered.rfind(b"\n", 0, hit) + 1
        else:  # nothing to look for in the bytes: decode every line from there
            hit = start = at
        end = lowered.find(b"\n", hit)
        end = size if end < 0 else end
        if stored is None:
            stored = index.stored(name)
        line = _held(stored[start:end], start, end, folded)
        if line is not None:
            return line
        at = end + 1
    return None


def _held(line: bytes, start: int, end: int, folded: str) -> _Held | None:
    """The line at ``start:end`` (as stored), if one of its texts holds ``folded``."""
    try:
        message = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None  # a broken line: reading the session says where
    texts = tuple(text.casefold() for text in message_texts([message]))
    return _Held(start, end, texts) if any(folded in text for text in texts) else None
