"""The synthetic files a run measures, generated once per size into a temp directory."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.tools.synthetic import write_file
from tui.tools.synthetic_sqlite import write_sqlite

#: Sessions × messages of a full run: SPEC §4's library sizes and the UI's scale.
FULL_SIZES = ((1_000, 30), (10_000, 30), (50_000, 2))
#: A CI smoke run: the same shapes, small.
QUICK_SIZES = ((200, 30), (1_000, 30), (5_000, 2))

#: The SQLite stores (SPEC §7's targets are at 10k × 30).
SQLITE_FULL_SIZES = ((10_000, 30),)
SQLITE_QUICK_SIZES = ((1_000, 30),)

SEED = 6


@dataclass(frozen=True)
class BenchFile:
    """One generated file."""

    sessions: int
    messages: int
    path: Path
    size: int

    @property
    def label(self) -> str:
        return f"{self.sessions:,} × {self.messages}"


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"1000x30,10000x30,50000x2"`` (also ``10k×30``) as (sessions, messages) pairs."""
    sizes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"(\d+)(k?)\s*[x×*]\s*(\d+)", part.lower())
        if not match:
            raise ValueError(f"not a size: {part!r} (expected SESSIONSxMESSAGES, e.g. 10000x30 or 10kx30)")
        sessions = int(match[1]) * (1000 if match[2] else 1)
        sizes.append((sessions, int(match[3])))
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


class FileCache:
    """Generates each size once per run; hands out pristine files and scratch copies."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, keep: bool = False) -> None:
        self._own = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="session-tui-bench-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self._files: dict[tuple[int, int], BenchFile] = {}
        self._stores: dict[tuple[int, int], BenchFile] = {}
        self._copies = 0

    def get(self, sessions: int, messages: int) -> BenchFile:
        """The pristine file of this size (generated on first use). Do not modify it."""
        return self._generated(self._files, self.directory / f"sessions-{sessions}x{messages}.json", sessions, messages, write_file)

    def get_sqlite(self, sessions: int, messages: int) -> BenchFile:
        """The pristine SQLite store of this size (a base directory: db/tingly.db and transcripts). Do not modify it."""
        return self._generated(self._stores, self.directory / f"sqlite-{sessions}x{messages}", sessions, messages, write_sqlite)

    @staticmethod
    def _generated(
        made: dict[tuple[int, int], BenchFile], path: Path, sessions: int, messages: int, write: Callable[..., int]
    ) -> BenchFile:
        """The store of this size in ``made``, written at ``path`` by ``write`` on first use."""
        found = made.get((sessions, messages))
        if found is None:
            size = write(path, sessions, messages, seed=SEED, overwrite=True)
            found = made[(sessions, messages)] = BenchFile(sessions, messages, path, size)
        return found

    def scratch_sqlite(self, source: BenchFile, name: str) -> Path:
        """A fresh copy of a SQLite store's base directory (for measurements that write); :meth:`discard` it."""
        target = self._scratch_directory(name) / "base"
        shutil.copytree(source.path, target)
        return target

    def scratch(self, source: BenchFile, name: str) -> Path:
        """A fresh copy of ``source`` in its own directory (for measurements that write)."""
        target = self._scratch_directory(name) / "bot_sessions.json"
        shutil.copyfile(source.path, target)
        return target

    def _scratch_directory(self, name: str) -> Path:
        """A new, empty directory for one scratch copy."""
        self._copies += 1
        directory = self.directory / f"scratch-{self._copies}-{name}"
        directory.mkdir()
        return directory

    def discard(self, path: Path) -> None:
        """Remove a scratch copy's directory."""
        if path.parent.parent == self.directory and path.parent.name.startswith("scratch-"):
            shutil.rmtree(path.parent, ignore_errors=True)

    def close(self) -> None:
        if self._own and not self.keep:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> FileCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
