"""An exclusive lock on a sidecar ``<file>.lock``, shared by every process using the file."""

from __future__ import annotations

import fcntl
import os
import threading
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
    except BaseException:
        os.close(fd)
        raise
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(fd: int, lock_path: Path, timeout: float) -> None:
    """Take the lock, waiting at most ``timeout`` seconds.

    A blocked ``flock`` is woken by the kernel the moment the holder lets go,
    so a busy writer cannot starve the others the way polling would. The
    blocking call runs in a helper thread so that the wait can time out; if
    it does, the helper drops the lock as soon as it gets it.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    waiter_fd = os.dup(fd)  # the helper's own handle: it may outlive this call
    state = {"acquired": False, "abandoned": False, "error": None}
    guard = threading.Lock()
    done = threading.Event()

    def wait_for_lock() -> None:
        try:
            fcntl.flock(waiter_fd, fcntl.LOCK_EX)
        except OSError as exc:
            state["error"] = exc
        with guard:
            if state["abandoned"]:
                if state["error"] is None:
                    fcntl.flock(waiter_fd, fcntl.LOCK_UN)
            else:
                state["acquired"] = state["error"] is None
            done.set()
        os.close(waiter_fd)

    threading.Thread(target=wait_for_lock, name="flock-wait", daemon=True).start()
    done.wait(timeout)
    with guard:
        if done.is_set():
            if state["acquired"]:
                return  # the lock belongs to the open file description, shared with fd
            raise StoreAccessError(f"{lock_path}: cannot lock: {state['error']}")
        state["abandoned"] = True
    raise StoreLockTimeout(f"{lock_path}: another process held the lock for more than {timeout:g}s")
