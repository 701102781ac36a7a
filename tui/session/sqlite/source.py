"""``SQLiteSource``: tingly-box's database and transcripts, as a :class:`~tui.session.Source`.

Readings (:class:`~.reading.SQLiteReading`) go through one connection of
the source's own, kept open so that ``PRAGMA data_version`` can tell
whether anyone committed since the last reading. Edits go through a
:class:`SessionStoreSQLite` of their own (:meth:`SQLiteSource.store`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
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

    def __repr__(self) -> str:
        return f"SQLiteSource({str(self.db_path)!r})"

    def describe(self) -> str:
        """``SQLite database <db> (transcripts in <dir>)``."""
        return f"SQLite database {self.db_path} (transcripts in {self.transcripts})"

    def read(self, previous: Reading | None = None) -> SQLiteReading:
        """A :class:`SQLiteReading` of the store now (see :func:`~.reading.read_sqlite`).

        A missing database is an empty reading with ``exists=False``.
        """
        with self._lock:  # one reading at a time: the mirror follows one line of readings
            if self._reader is None:
                self._reader = SessionStoreSQLite(self.db_path, self.transcripts, busy_timeout=self.busy_timeout)
            return read_sqlite(self._reader, previous if isinstance(previous, SQLiteReading) else None, self._mirror)

    def changed_since(self, reading: Reading) -> bool:
        """Always ``True``: a reading with nothing new costs one ``PRAGMA data_version`` and a ``stat`` per transcript."""
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
        if reader is not None:
            reader.close()
