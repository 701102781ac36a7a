"""An exclusive lock on a sidecar ``<file>.lock``, shared by every process using the file."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreAccessError, StoreLockTimeout


def lock_path_for(target: Path) -> Path:
    """The sidecar lock file of a session file."""
    return target.with_name(target.name + ".lock")


@contextmanager
def exclusive_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold ``flock(LOCK_EX)`` on ``lock_path`` for the ``with`` block.

    The kernel drops the lock when its holder dies, so a killed writer never
    leaves the file locked. Raises :class:`StoreLockTimeout` after ``timeout``
    seconds of waiting.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise StoreAccessError(f"{lock_path}: cannot open the lock file: {exc.strerror}") from None
    try:
        _acquire(fd, lock_path, timeout)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, lock_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StoreLockTimeout(
                f"{lock_path}: another process held the lock for more than {timeout:g}s"
            )
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.05)
