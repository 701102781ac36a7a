"""``FileIdentity``: which version of a file a reading saw, from one ``stat``.

Device, inode, size and modification time in nanoseconds. A rename keeps all
four, so the identity a writer takes of its temporary file is the one
readers see once it is in place; any other write changes at least one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreAccessError

#: A :class:`FileIdentity` as plain integers ``(device, inode, size, mtime_ns)``, as records store it.
IdentityTuple = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What a cheap ``stat`` tells about a file version."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileIdentity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def as_tuple(self) -> IdentityTuple:
        """The four numbers, in field order."""
        return (self.device, self.inode, self.size, self.mtime_ns)


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of the file at ``path`` now, or ``None`` if there is none."""
    try:
        return FileIdentity.of(os.stat(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot stat: {exc.strerror}") from None
