"""``SQLiteReading``: one immutable reading of tingly-box's database, and what changed since the last.

Summaries come from the rows; message counts from the transcripts' lines
(:mod:`.transcript_counts`: counted once, then only what was appended).
Reading again with the previous reading is cheap:

- nothing is re-read when ``PRAGMA data_version`` is unchanged (no commit
  by any other connection) and no transcript changed (one ``stat`` each,
  or, under a watcher that names the files that changed, one per changed
  transcript: see :class:`~.source.SQLiteSource`);
- otherwise SQLite compares the table with a copy of the previous
  reading's rows in the reading connection's memory (:mod:`.row_mirror`:
  every column but ``response``, which counts by its length) and returns
  only the rows that differ, which alone are decoded; a session whose
  transcript changed is changed too. Without that copy (the first
  reading, or ``previous`` not the last one read) every row is fetched
  and compared in Python.

A full session (:meth:`SQLiteReading.session`) is read on demand: its row
and transcript as stored at that moment.

A reading may leave the message counts out (``counted`` false, every
``message_count`` ``None``; :func:`read_sqlite` with ``count=False``): the
rows alone, to show them sooner. The next reading built on it counts the
transcripts and has every session among its changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..model import Session
from ..snapshot import ChangeSet
from ..stats import count_statuses
from ..summary import SessionSummary
from .row_mirror import ROW_COLUMNS, RowMirror
from .rows import decode_summary
from .schema import TABLE
from .search import TranscriptIndex, search_index, search_sqlite
from .store import SessionStoreSQLite, fetch
from .transcript_counts import TranscriptFile, TranscriptScan, scan_transcripts
from .transcripts import SUFFIX, transcript_key

# The row as a summary needs it (response left out), whether its text columns
# hold text, and the length of the response: enough to see that it changed
# without fetching it.
_ROW_SELECT = f"SELECT {ROW_COLUMNS} FROM main.{TABLE}"
#: At most this many stray transcripts are named in the warning about them.
STRAYS_NAMED = 3


class SQLiteReading:
    """An immutable reading of a SQLite store (a :class:`~tui.session.Reading`).

    Use :meth:`SQLiteSource.read <tui.session.sqlite.source.SQLiteSource.read>`
    to make one. Sessions are in the table's order when first read; sessions
    added later come after them.
    """

    __slots__ = (
        "path", "exists", "changes", "warnings", "transcripts", "data_version", "counted",
        "_reader", "_rows", "_summaries", "_names", "_files", "_search_index",
    )

    #: Every writer of a SQLite store is safe (SQLite serialises them): nobody to warn about.
    writer: object | None = None

    def __init__(
        self,
        reader: SessionStoreSQLite,
        *,
        exists: bool,
        data_version: int | None,
        rows: dict[str, Any],
        summaries: dict[str, SessionSummary],
        names: dict[str, str],
        files: dict[str, TranscriptFile],
        changes: ChangeSet,
        warnings: tuple[str, ...],
        counted: bool = True,
    ) -> None:
        #: The database file.
        self.path: Path = reader.path
        #: The transcripts directory.
        self.transcripts: Path = reader.transcripts
        #: False when there was no database (the reading is then empty).
        self.exists = exists
        #: ``PRAGMA data_version`` of the reader's connection when the rows were read.
        self.data_version = data_version
        #: False when the message counts were left out (each summary's ``message_count`` is ``None``).
        self.counted = counted
        self.changes = changes
        self.warnings = warnings
        self._reader = reader
        self._rows = rows
        self._summaries = summaries
        self._names = names  # session id -> transcript file name
        self._files = files  # transcript file name -> what its last scan saw
        self._search_index: list[TranscriptIndex] = []  # made by the first search

    def __repr__(self) -> str:
        return f"<SQLiteReading {str(self.path)!r}: {len(self)} sessions>"

    def __len__(self) -> int:
        return len(self._summaries)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._summaries

    def __iter__(self) -> Iterator[str]:
        return iter(self._summaries)

    def summary(self, session_id: str) -> SessionSummary | None:
        """The summary of one session, or ``None`` if the reading does not hold it."""
        return self._summaries.get(session_id)

    def summaries(self) -> list[SessionSummary]:
        """Every session's summary (in the order of the class docstring)."""
        return list(self._summaries.values())

    def session(self, session_id: str) -> Session | None:
        """One session of this reading, its row and transcript as stored now.

        ``None`` if this reading does not hold it, or it was deleted since.
        Raises :class:`~tui.session.CorruptStoreError` naming the file and
        line of a transcript line that is not a complete message.
        """
        if session_id not in self._summaries:
            return None
        session = self._reader.get(session_id)
        if session is not None:
            session.messages  # noqa: B018 - read the transcript now, so that its errors are raised here
        return session

    def stats(self) -> dict[str, int]:
        """Counts per status plus ``total`` (see :func:`~tui.session.count_statuses`)."""
        return count_statuses(summary.status for summary in self._summaries.values())

    def search(
        self, needle: str, *, only: Iterable[str] | None = None, cancelled: Callable[[], bool] | None = None
    ) -> frozenset[str] | None:
        """Ids of the sessions (among ``only``) whose request, response, error or a message holds
        ``needle`` (casefolded), from the rows and transcripts (see :mod:`.search`); ``None`` if
        ``cancelled()`` became true on the way."""
        return search_sqlite(self, needle, only=only, cancelled=cancelled or (lambda: False))

    def prepare_search(self) -> None:
        """Read and ASCII-lower the transcripts for :meth:`search` now (they are kept with the reading)."""
        search_index(self).load(self._names.values())


def read_sqlite(
    reader: SessionStoreSQLite,
    previous: SQLiteReading | None = None,
    mirror: RowMirror | None = None,
    only: Collection[str] | None = None,
    *,
    count: bool = True,
) -> SQLiteReading:
    """Read the store ``reader`` opened; ``changes`` relative to ``previous``.

    ``mirror`` (kept by the caller from one reading to the next, with the
    same ``reader``) lets SQLite find the rows that changed since
    ``previous`` instead of fetching every row. ``only`` names the
    transcript files that may have changed since ``previous`` (every other
    one is taken as ``previous`` saw it; see
    :func:`~.transcript_counts.scan_transcripts`). With ``count`` false
    no transcript is looked at (see the module). Raises
    :class:`~tui.session.StoreError` subclasses as the store does
    (:class:`~tui.session.DatabaseBusyError` for a database locked past the
    reader's busy timeout). What ``previous`` searches kept of the
    transcripts that did not change is kept for this reading's.
    """
    reading = _read(reader, previous, mirror, only, count)
    if (
        previous is not None
        and previous._search_index
        and reading is not previous
        and reading.counted
        and previous.transcripts == reading.transcripts
    ):
        held = previous._search_index[0]
        reading._search_index.append(held.carried(previous._files, reading._files, reading._names))
    return reading


def _read(
    reader: SessionStoreSQLite, previous: SQLiteReading | None, mirror: RowMirror | None, only: Collection[str] | None, count: bool
) -> SQLiteReading:
    """:func:`read_sqlite` but for what its searches keep."""
    version = reader.data_version()
    if version is None:  # no database (yet)
        return _empty(reader, previous)
    if previous is not None and not (previous.exists and previous.transcripts == reader.transcripts):
        previous = None  # nothing to build on: compare in full
    if not count:
        previous = None  # (only a first reading leaves the counts out)
        scan = TranscriptScan({}, frozenset())
    else:
        if previous is not None and not previous.counted:
            only = None  # nothing was counted: count every transcript
        scan = scan_transcripts(reader.transcripts, previous._files if previous is not None else None, only)
    if previous is not None and previous._reader is reader and previous.data_version == version:
        # No commit since: only transcripts can have changed.
        if not scan.changed and previous.counted:
            return SQLiteReading(
                reader, exists=True, data_version=version, rows=previous._rows, summaries=previous._summaries,
                names=previous._names, files=previous._files, changes=ChangeSet(), warnings=previous.warnings,
            )
        return _update(reader, version, previous, [], [], scan)  # the same rows: a mirror of them still holds
    with reader.read_transaction("reading the sessions") as conn:
        if conn is None:  # pragma: no cover - the connection is open once data_version was read
            return _empty(reader, previous)
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])  # this transaction's version
        if mirror is not None and previous is not None and mirror.holds(conn, previous._rows):
            changed_rows, removed_ids = mirror.differences(conn)
            mirror.update(conn, [row[0] for row in changed_rows], removed_ids)
            reading = _update(reader, version, previous, changed_rows, removed_ids, scan)
        else:
            rows = {row[0]: row for row in fetch(conn, _ROW_SELECT)}
            if mirror is not None:
                mirror.reset(conn)
            reading = _compare(reader, version, rows, scan, previous, count)
        if mirror is not None:
            mirror.now_holds(conn, reading._rows)
    return reading


def _empty(reader: SessionStoreSQLite, previous: SQLiteReading | None) -> SQLiteReading:
    return SQLiteReading(
        reader, exists=False, data_version=None, rows={}, summaries={}, names={}, files={},
        changes=ChangeSet(removed=frozenset(previous or ())), warnings=(),
    )


def _update(
    reader: SessionStoreSQLite,
    version: int,
    previous: SQLiteReading,
    changed_rows: list[Any],
    removed_ids: list[Any],
    scan: TranscriptScan,
) -> SQLiteReading:
    """``previous`` with the rows that differ (or are new), those removed, and the transcripts that changed."""
    path = reader.path
    files = scan.files
    summaries = dict(previous._summaries)
    rows, names = previous._rows, previous._names
    if changed_rows or removed_ids:
        rows, names = dict(rows), dict(names)
    added: set[str] = set()
    changed: set[str] = set()
    for session_id in removed_ids:
        rows.pop(session_id, None)
        summaries.pop(session_id, None)
        names.pop(session_id, None)
    for row in changed_rows:
        session_id = row[0]
        if type(session_id) is not str:
            decode_summary(path, row)  # raises: names the row and its bad id
        name = names[session_id] = transcript_key(session_id) + SUFFIX
        transcript = files.get(name)
        summary = decode_summary(path, row, 0 if transcript is None else transcript.lines)
        (changed if session_id in summaries else added).add(session_id)
        rows[session_id], summaries[session_id] = row, summary
    by_name: dict[str, str] | None = None
    for name in scan.changed:
        session_id = name[: -len(SUFFIX)]
        if names.get(session_id) != name:  # a hashed key, or no session
            if by_name is None:
                by_name = {n: sid for sid, n in names.items()}
            if name not in by_name:
                continue  # a transcript of no session: a warning below
            session_id = by_name[name]
        if session_id in added or session_id in changed:
            continue  # decoded above with the new count
        transcript = files.get(name)
        summaries[session_id] = summaries[session_id]._replace(message_count=0 if transcript is None else transcript.lines)
        changed.add(session_id)
    if not previous.counted:
        _count_the_rest(summaries, names, files, changed)
    return SQLiteReading(
        reader, exists=True, data_version=version, rows=rows, summaries=summaries, names=names, files=files,
        changes=ChangeSet(frozenset(added), frozenset(changed), frozenset(removed_ids) & previous._summaries.keys()),
        warnings=_warnings(reader.transcripts, files, names, scan.problems),
    )


def _compare(
    reader: SessionStoreSQLite,
    version: int,
    rows: dict[str, Any],
    scan: TranscriptScan,
    previous: SQLiteReading | None,
    count: bool = True,
) -> SQLiteReading:
    path = reader.path
    files, touched = scan.files, scan.changed
    prev_rows = previous._rows if previous is not None else {}
    prev_summaries = previous._summaries if previous is not None else {}
    prev_names = previous._names if previous is not None else {}
    summaries: dict[str, SessionSummary] = {}
    names: dict[str, str] = {}
    added: set[str] = set()
    changed: set[str] = set()
    for session_id, row in rows.items():
        old = prev_rows.get(session_id)
        if old is not None and old == row:
            name = names[session_id] = prev_names[session_id]
            if name not in touched:
                summaries[session_id] = prev_summaries[session_id]
                continue
            transcript = files.get(name)
            summaries[session_id] = prev_summaries[session_id]._replace(
                message_count=0 if transcript is None else transcript.lines
            )
            changed.add(session_id)
            continue
        if type(session_id) is not str:
            decode_summary(path, row)  # raises: names the row and its bad id
        name = names[session_id] = transcript_key(session_id) + SUFFIX
        transcript = files.get(name)
        summaries[session_id] = decode_summary(
            path, row, (0 if transcript is None else transcript.lines) if count else None
        )
        (changed if old is not None else added).add(session_id)
    if count and previous is not None and not previous.counted:
        _count_the_rest(summaries, names, files, changed)
    removed = frozenset(prev_summaries.keys() - summaries.keys())
    return SQLiteReading(
        reader, exists=True, data_version=version, rows=rows, summaries=summaries, names=names, files=files,
        changes=ChangeSet(frozenset(added), frozenset(changed), removed),
        warnings=_warnings(reader.transcripts, files, names, scan.problems) if count else (),
        counted=count,
    )


def _count_the_rest(
    summaries: dict[str, SessionSummary], names: dict[str, str], files: dict[str, TranscriptFile], changed: set[str]
) -> None:
    """Give every session still without a count (kept from a reading without counts) its count: a change."""
    for session_id, summary in summaries.items():
        if summary.message_count is None:
            transcript = files.get(names[session_id])
            summaries[session_id] = summary._replace(message_count=0 if transcript is None else transcript.lines)
            changed.add(session_id)


def _warnings(
    directory: Path, files: dict[str, TranscriptFile], names: dict[str, str], problems: tuple[str, ...]
) -> tuple[str, ...]:
    strays = sorted(files.keys() - set(names.values()))
    if not strays:
        return problems
    shown = ", ".join(strays[:STRAYS_NAMED]) + (f" and {len(strays) - STRAYS_NAMED} more" if len(strays) > STRAYS_NAMED else "")
    noun = "transcript belongs" if len(strays) == 1 else "transcripts belong"
    return (f"{directory}: {len(strays)} {noun} to no session: {shown}", *problems)
