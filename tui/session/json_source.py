"""``JSONSource``: a session file in the Go JSON format, as a :class:`~tui.session.Source`.

Its readings are :class:`~tui.session.snapshot.Snapshot` objects. Writers
replace the file by rename, so the file's directory is watched (filtered
on the file's name, and on a symlink's target), never the file itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .reading import Reading
from .errors import StoreAccessError
from .identity import file_identity
from .snapshot import Snapshot, read_snapshot
from .source import SourceKind
from .store import SessionStoreJSON


class JSONSource:
    """The JSON session file ``file`` (``named``: the path the user gave, when it was a directory)."""

    kind: SourceKind = "json"

    def __init__(self, file: str | os.PathLike[str], *, named: str | os.PathLike[str] | None = None) -> None:
        #: The session file.
        self.file = Path(file).expanduser()
        self.path = Path(named).expanduser() if named is not None else self.file

    def __repr__(self) -> str:
        return f"JSONSource({str(self.file)!r})"

    def describe(self) -> str:
        """``JSON session file <file>``."""
        return f"JSON session file {self.file}"

    def read(self, previous: Reading | None = None) -> Snapshot:
        """A :class:`Snapshot` of the file (see :func:`read_snapshot`)."""
        return read_snapshot(self.file, previous if isinstance(previous, Snapshot) else None)

    def read_first(self) -> Snapshot:
        """The first :meth:`read` (a file's message counts cost nothing extra)."""
        return self.read()

    def changed_since(self, reading: Reading) -> bool:
        """Whether the file's identity (device, inode, size, mtime) differs from the one ``reading`` read."""
        if not isinstance(reading, Snapshot) or reading.path != self.file:
            return True
        try:
            return file_identity(self.file) != reading.identity
        except StoreAccessError:
            return True  # reading says why

    def watch_paths(self) -> list[Path]:
        """The file's directory, and its target's when the file is a symlink."""
        return list(dict.fromkeys(target.parent for target in self._targets()))

    def is_relevant(self, path: Path) -> bool:
        """Whether ``path`` is the file (or its symlink's target), not a lock or temporary beside it."""
        changed = Path(path).absolute()
        return any(changed.parent == t.parent and changed.name == t.name for t in self._targets())

    def store(self, *, clock: Callable[[], datetime] | None = None, reading: Reading | None = None) -> SessionStoreJSON:
        """A :class:`SessionStoreJSON` on the file, starting from ``reading`` when it is a snapshot."""
        snapshot = reading if isinstance(reading, Snapshot) else None
        return SessionStoreJSON(self.file, clock=clock, snapshot=snapshot)

    def close(self) -> None:
        """Nothing stays open between readings of a file."""

    def _targets(self) -> list[Path]:
        # Computed each time: a symlink may be pointed elsewhere while watched.
        named = self.file.absolute()
        return list(dict.fromkeys((named, Path(os.path.realpath(named)))))
