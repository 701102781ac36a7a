"""How big a store is on disk and when it was last written, for ``stats``."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from .reading import Reading
from .snapshot import Snapshot
from .sqlite.reading import SQLiteReading
from .sqlite.transcripts import SUFFIX


class Footprint(NamedTuple):
    """What a reading's store takes on disk."""

    #: Bytes on disk: the JSON file; or the database, its write-ahead log and the transcripts.
    bytes: int
    #: When the store was last written: the JSON file's ``updated`` field;
    #: for SQLite the newest modification time of those files. ``None``: unknown.
    updated: datetime | None


def store_footprint(reading: Reading) -> Footprint:
    """The :class:`Footprint` of the store ``reading`` was read from (``0, None`` when there is none)."""
    if isinstance(reading, Snapshot):
        return Footprint(len(reading.data), reading.updated)
    if not reading.exists:
        return Footprint(0, None)
    files: list[Path] = [reading.path, reading.path.with_name(reading.path.name + "-wal")]
    if isinstance(reading, SQLiteReading):
        try:
            files += [Path(e.path) for e in os.scandir(reading.transcripts) if e.name.endswith(SUFFIX)]
        except OSError:
            pass
    size, newest = 0, None
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        size += st.st_size
        newest = st.st_mtime_ns if newest is None else max(newest, st.st_mtime_ns)
    updated = None if newest is None else datetime.fromtimestamp(newest / 1e9, timezone.utc)
    return Footprint(size, updated)
