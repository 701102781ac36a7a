"""``SQLiteSource``: tingly-box's database and transcripts, as a :class:`~tui.session.Source`.

Readings (:class:`~.reading.SQLiteReading`) go through one connection of
the source's own, kept open so that ``PRAGMA data_version`` can tell
whether anyone committed since the last reading. Edits go through a
:class:`SessionStoreSQLite` of their own (:meth:`SQLiteSource.store`).

A watcher that is told of every change (:func:`~tui.session.watch_source`)
passes the files that changed (:meth:`SQLiteSource.track_changes`,
:meth:`SQLiteSource.note_changes`): a reading that follows the last one
then looks at those transcripts alone instead of ``stat``-ing them all.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path

from ..reading import Reading
from ..source import SourceKind
from .reading import SQLiteReading, read_sqlite
from .row_mirror import RowMirror
from .store import SessionStoreSQLite, default_transcripts
from .transcripts import SUFFIX

#: How long a reading waits for a lock (WAL readers rarely wait at all)
#: before it fails with :class:`~tui.session.DatabaseBusyError`; a viewer
#: shows that as a warning and reads again at the next change.
READ_BUSY_TIMEOUT = 1.0
#: Even with a watcher's list of changed files, every transcript is looked
#: at again this often (a safety net for events the system dropped).
FULL_SCAN_SECONDS = 30.0


class SQLiteSource:
    """The database ``db_path`` and its transcripts (``named``: the path the user gave, e.g. the base directory)."""

    kind: SourceKind = "sqlite"

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        transcripts: str | os.PathLike[str] | None = None,
        *,
        named: str | os.PathLike[str] | None = None,
        busy_timeout: float = READ_BUSY_TIMEOUT,
    ) -> None:
        #: The database file (``<base>/db/tingly.db``).
        self.db_path = Path(db_path).expanduser()
        #: The transcripts directory (default ``<base>/remote/transcripts``).
        self.transcripts = (
            Path(transcripts).expanduser() if transcripts is not None else default_transcripts(self.db_path)
        )
        self.path = Path(named).expanduser() if named is not None else self.db_path
        self.busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._reader: SessionStoreSQLite | None = None
        self._mirror = RowMirror()
        # What the watchers told (see track_changes): guarded by _hints_lock, not
        # _lock, so that a watcher never waits for a reading.
        self._hints_lock = threading.Lock()
        self._trackers = 0  # watchers reporting every change now
        self._epoch = 0  # changes when a watcher starts or stops reporting
        self._hinted: set[str] = set()  # transcripts changed since the last reading began
        self._base: SQLiteReading | None = None  # the last reading since which every change was hinted
        self._base_full_scan = 0.0  # when the transcripts were last all looked at

    def __repr__(self) -> str:
        return f"SQLiteSource({str(self.db_path)!r})"

    def describe(self) -> str:
        """``SQLite database <db> (transcripts in <dir>)``."""
        return f"SQLite database {self.db_path} (transcripts in {self.transcripts})"

    def read(self, previous: Reading | None = None) -> SQLiteReading:
        """A :class:`SQLiteReading` of the store now (see :func:`~.reading.read_sqlite`).

        A missing database is an empty reading with ``exists=False``.
        """
        return self._read(previous, count=True)

    def read_first(self) -> SQLiteReading:
        """The rows alone (:meth:`read_rows`): a large store spends about half of a first reading counting."""
        return self.read_rows()

    def read_rows(self) -> SQLiteReading:
        """A first reading without the message counts (``counted`` false, each ``message_count`` ``None``).

        The rows alone, to show them sooner: a large store spends about
        half of a first reading counting its transcripts' lines. Pass the
        result to :meth:`read` for the counts (every session is then among
        its changes).
        """
        return self._read(None, count=False)

    def _read(self, previous: Reading | None, *, count: bool) -> SQLiteReading:
        with self._lock:  # one reading at a time: the mirror follows one line of readings
            if self._reader is None:
                self._reader = SessionStoreSQLite(self.db_path, self.transcripts, busy_timeout=self.busy_timeout)
            with self._hints_lock:
                hinted, self._hinted = self._hinted, set()
                tracked, epoch = self._trackers > 0, self._epoch
            now = time.monotonic()
            only: Collection[str] | None = None
            if (
                tracked and previous is not None and previous is self._base
                and now - self._base_full_scan < FULL_SCAN_SECONDS
            ):
                only = hinted  # every transcript changed since `previous` began is in it
            try:
                reading = read_sqlite(
                    self._reader, previous if isinstance(previous, SQLiteReading) else None, self._mirror, only,
                    count=count,
                )
            except BaseException:
                with self._hints_lock:
                    self._hinted |= hinted  # not read after all: still to look at
                raise
            with self._hints_lock:
                # A base only if a watcher reported every change since this reading began.
                self._base = reading if tracked and self._epoch == epoch else None
            if only is None and count:
                self._base_full_scan = now
            return reading

    def track_changes(self, tracking: bool) -> None:
        """Called by a watcher: ``True`` once it reports every change to a relevant file
        through :meth:`note_changes` (before it says a change happened), ``False`` when it stops."""
        with self._hints_lock:
            self._trackers = max(0, self._trackers + (1 if tracking else -1))
            self._epoch += 1
            self._base = None  # readings made before cannot build on the hints

    def note_changes(self, paths: Collection[Path]) -> bool:
        """Called by a watcher with the relevant files that changed (see :meth:`track_changes`).

        True when the database or its log is among them: a commit's log is
        written before the index that makes it visible, so a reading right
        now may not see it yet, and the watcher should say "changed" once
        more a little later (:data:`~tui.session.watching.RECHECK_SECONDS`).
        """
        directory = self.transcripts.absolute()
        paths = [Path(p) for p in paths]
        names = {p.name for p in paths if p.parent == directory and p.name.endswith(SUFFIX)}
        if names:
            with self._hints_lock:
                self._hinted |= names
        return len(names) < len(paths)

    def changed_since(self, reading: Reading) -> bool:
        """Always ``True``: a reading with nothing new costs one ``PRAGMA data_version``
        and a ``stat`` per transcript (per changed transcript under a watcher)."""
        return True

    def watch_paths(self) -> list[Path]:
        """The database's directory and the transcripts directory."""
        return list(dict.fromkeys((self.db_path.absolute().parent, self.transcripts.absolute())))

    def is_relevant(self, path: Path) -> bool:
        """The database, its write-ahead log, or a transcript (not ``-shm``, which every reader touches)."""
        changed = Path(path).absolute()
        database = self.db_path.absolute()
        if changed.parent == database.parent and changed.name in (database.name, database.name + "-wal"):
            return True
        return changed.parent == self.transcripts.absolute() and changed.name.endswith(SUFFIX)

    def store(self, *, clock: Callable[[], datetime] | None = None, reading: Reading | None = None) -> SessionStoreSQLite:
        """A :class:`SessionStoreSQLite` for edits (``reading`` is not needed: edits read the rows they change)."""
        return SessionStoreSQLite(self.db_path, self.transcripts, clock=clock)

    def close(self) -> None:
        """Close the reading connection (the next :meth:`read` opens another)."""
        with self._lock:
            reader, self._reader = self._reader, None
            self._mirror = RowMirror()
            with self._hints_lock:
                self._base = None
        if reader is not None:
            reader.close()
