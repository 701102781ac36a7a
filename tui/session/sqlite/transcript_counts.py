"""How many messages each transcript holds, kept up to date by reading only what was appended.

A reading of the SQLite store needs every session's message count (the
tree shows it, ``stats`` adds them up) but must not decode 10k
transcripts. A transcript's count is its number of lines, as
:func:`~tui.session.sqlite.transcripts.count_lines` counts them: newlines,
plus one for an unfinished last line. It is counted once from the whole
file, then, while the file keeps its inode and only grows (the bot and
this library only append), from the appended bytes alone; any other
change (smaller, same size but newer, another inode) counts the file
again. Every scan ``stat``\\ s each transcript: cheap, and the only way to
see an append.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .transcripts import SUFFIX

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class TranscriptFile:
    """One transcript as a scan saw it."""

    inode: int
    size: int
    mtime_ns: int
    #: Newlines in the first ``size`` bytes.
    newlines: int
    #: Whether those bytes end inside a line (a write under way, or cut short).
    open_end: bool

    @property
    def lines(self) -> int:
        """The messages the file holds, counted by line (not validated)."""
        return self.newlines + self.open_end


@dataclass(frozen=True, slots=True)
class TranscriptScan:
    """Every transcript of a directory, by file name, and what differs from the previous scan."""

    files: dict[str, TranscriptFile]
    #: File names added, changed or removed since the previous scan.
    changed: frozenset[str]
    #: Files that could not be read, one line each.
    problems: tuple[str, ...] = ()


def scan_transcripts(
    directory: Path,
    previous: dict[str, TranscriptFile] | None = None,
    only: Collection[str] | None = None,
) -> TranscriptScan:
    """Stat every ``*.jsonl`` in ``directory`` and count the lines of those that changed.

    ``previous`` is the ``files`` of the last scan of the same directory:
    an unchanged file keeps its count, a grown one is read from its old
    end. With ``only`` (file names; needs ``previous``), just those files
    are looked at and every other one is taken to be as ``previous`` saw
    it: for a caller that is told of every change (a watcher). A missing
    directory holds no transcripts.
    """
    if only is not None and previous is not None:
        return _scan_some(directory, previous, only)
    previous = previous or {}
    files: dict[str, TranscriptFile] = {}
    changed: set[str] = set()
    problems: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        entries = []
    except OSError as exc:
        return TranscriptScan({}, frozenset(previous), (f"{directory}: cannot list the transcripts: {exc.strerror}",))
    for entry in entries:
        name = entry.name
        if not name.endswith(SUFFIX):
            continue
        try:
            st = entry.stat()
        except OSError:
            continue  # removed between the listing and the stat
        old = previous.get(name)
        if old is not None and st.st_size == old.size and st.st_mtime_ns == old.mtime_ns and st.st_ino == old.inode:
            files[name] = old  # (compared inline: this runs 10k times a reading)
            continue
        try:
            files[name] = _count(entry.path, st, old)
        except OSError as exc:
            problems.append(f"{entry.path}: cannot read the transcript: {exc.strerror}")
            continue
        changed.add(name)
    changed.update(previous.keys() - files.keys())
    return TranscriptScan(files, frozenset(changed), tuple(problems))


def _scan_some(directory: Path, previous: dict[str, TranscriptFile], names: Collection[str]) -> TranscriptScan:
    """:func:`scan_transcripts` of the files ``names`` alone (the rest as ``previous`` saw them)."""
    files = previous
    changed: set[str] = set()
    problems: list[str] = []
    for name in names:
        if not name.endswith(SUFFIX) or os.sep in name:
            continue
        path = os.path.join(directory, name)
        old = previous.get(name)
        try:
            st = os.stat(path)
        except OSError:
            st = None  # gone (or not a file we can see): as a full scan would not list it
        if st is not None and old is not None and (st.st_size, st.st_mtime_ns, st.st_ino) == (old.size, old.mtime_ns, old.inode):
            continue
        if files is previous:
            files = dict(previous)  # copied once, on the first change: readings keep theirs
        if st is None:
            if files.pop(name, None) is not None:
                changed.add(name)
            continue
        try:
            files[name] = _count(path, st, old)
        except OSError as exc:
            problems.append(f"{path}: cannot read the transcript: {exc.strerror}")
            if files.pop(name, None) is not None:
                changed.add(name)
            continue
        changed.add(name)
    return TranscriptScan(files, frozenset(changed), tuple(problems))


def _count(path: str, st: os.stat_result, old: TranscriptFile | None) -> TranscriptFile:
    grown = old is not None and st.st_ino == old.inode and st.st_size > old.size
    offset = old.size if grown and old is not None else 0
    newlines = old.newlines if grown and old is not None else 0
    open_end = old.open_end if grown and old is not None else False
    # Only up to the size stat gave: bytes appended meanwhile are counted next
    # time, from this size, so no byte is counted twice. A transcript is read
    # in one call when it is small (nearly all are), else in large blocks.
    end = st.st_size
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        while offset < end:
            data = os.pread(fd, min(end - offset, _CHUNK), offset)
            if not data:
                break  # the file shrank meanwhile: its next stat differs, and it is counted again
            newlines += data.count(b"\n")
            open_end = data[-1] != 0x0A
            offset += len(data)
    finally:
        os.close(fd)
    return TranscriptFile(st.st_ino, st.st_size, st.st_mtime_ns, newlines, open_end)
