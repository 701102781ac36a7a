"""``SQLiteReading``: one immutable reading of tingly-box's database, and what changed since the last.

Summaries come from the rows; message counts from the transcripts' lines
(:mod:`.transcript_counts`: counted once, then only what was appended).
Reading again with the previous reading is cheap:

- nothing is re-read when ``PRAGMA data_version`` is unchanged (no commit
  by any other connection) and no transcript changed (one ``stat`` each);
- otherwise the rows are fetched and compared with the previous ones as
  stored (every column but ``response``, which counts by its length), and
  only rows that differ are decoded; a session whose transcript changed is
  changed too.

A full session (:meth:`SQLiteReading.session`) is read on demand: its row
and transcript as stored at that moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model import Session
from ..snapshot import ChangeSet
from ..stats import count_statuses
from ..summary import SessionSummary
from .rows import CLEAN_EXPRESSION, decode_summary
from .schema import COLUMNS, TABLE
from .store import SessionStoreSQLite
from .transcript_counts import TranscriptFile, TranscriptScan, scan_transcripts
from .transcripts import SUFFIX, transcript_key

# The row as a summary needs it (response left out), whether its text columns
# hold text, and the length of the response: enough to see that it changed
# without fetching it.
_ROW_SELECT = (
    "SELECT "
    + ", ".join("'' AS response" if name == "response" else name for name in COLUMNS)
    + f", {CLEAN_EXPRESSION}, length(response) FROM {TABLE}"
)
#: At most this many stray transcripts are named in the warning about them.
STRAYS_NAMED = 3


class SQLiteReading:
    """An immutable reading of a SQLite store (a :class:`~tui.session.Reading`).

    Use :meth:`SQLiteSource.read <tui.session.sqlite.source.SQLiteSource.read>`
    to make one. Sessions are in the table's order.
    """

    __slots__ = (
        "path", "exists", "changes", "warnings", "transcripts", "data_version",
        "_reader", "_rows", "_summaries", "_names", "_files",
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
    ) -> None:
        #: The database file.
        self.path: Path = reader.path
        #: The transcripts directory.
        self.transcripts: Path = reader.transcripts
        #: False when there was no database (the reading is then empty).
        self.exists = exists
        #: ``PRAGMA data_version`` of the reader's connection when the rows were read.
        self.data_version = data_version
        self.changes = changes
        self.warnings = warnings
        self._reader = reader
        self._rows = rows
        self._summaries = summaries
        self._names = names  # session id -> transcript file name
        self._files = files  # transcript file name -> what its last scan saw

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
        """Every session's summary, in the table's order."""
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


def read_sqlite(reader: SessionStoreSQLite, previous: SQLiteReading | None = None) -> SQLiteReading:
    """Read the store ``reader`` opened; ``changes`` relative to ``previous``.

    Raises :class:`~tui.session.StoreError` subclasses as the store does
    (:class:`~tui.session.DatabaseBusyError` for a database locked past the
    reader's busy timeout).
    """
    version = reader.data_version()
    if version is None:  # no database (yet)
        removed = frozenset(previous or ())
        return SQLiteReading(
            reader, exists=False, data_version=None, rows={}, summaries={}, names={}, files={},
            changes=ChangeSet(removed=removed), warnings=(),
        )
    same_place = previous is not None and previous.exists and previous.transcripts == reader.transcripts
    scan = scan_transcripts(reader.transcripts, previous._files if same_place and previous is not None else None)
    table_unchanged = same_place and previous is not None and previous._reader is reader and previous.data_version == version
    if table_unchanged and previous is not None:
        if not scan.changed:
            return SQLiteReading(
                reader, exists=True, data_version=version, rows=previous._rows, summaries=previous._summaries,
                names=previous._names, files=previous._files, changes=ChangeSet(), warnings=previous.warnings,
            )
        rows = previous._rows
    else:
        # The store's query: its connection, lock and error translation (same package).
        rows = {row[0]: row for row in reader._query(_ROW_SELECT, (), "reading the sessions")}
    return _compare(reader, version, rows, scan, previous if same_place else None)


def _compare(
    reader: SessionStoreSQLite,
    version: int,
    rows: dict[str, Any],
    scan: TranscriptScan,
    previous: SQLiteReading | None,
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
        summaries[session_id] = decode_summary(path, row, 0 if transcript is None else transcript.lines)
        (changed if old is not None else added).add(session_id)
    removed = frozenset(prev_summaries.keys() - summaries.keys())
    return SQLiteReading(
        reader, exists=True, data_version=version, rows=rows, summaries=summaries, names=names, files=files,
        changes=ChangeSet(frozenset(added), frozenset(changed), removed),
        warnings=_warnings(reader.transcripts, files, names, scan.problems),
    )


def _warnings(
    directory: Path, files: dict[str, TranscriptFile], names: dict[str, str], problems: tuple[str, ...]
) -> tuple[str, ...]:
    strays = sorted(files.keys() - set(names.values()))
    if not strays:
        return problems
    shown = ", ".join(strays[:STRAYS_NAMED]) + (f" and {len(strays) - STRAYS_NAMED} more" if len(strays) > STRAYS_NAMED else "")
    noun = "transcript belongs" if len(strays) == 1 else "transcripts belong"
    return (f"{directory}: {len(strays)} {noun} to no session: {shown}", *problems)
