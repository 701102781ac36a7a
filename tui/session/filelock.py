"""An exclusive lock on a sidecar ``<file>.lock``, shared by every process using the file."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreAccessError, StoreLockTimeout


def lock_path_for(target: Path) -> Path:
    """The sidecar lock file of a session file."""
    return target.with_name(target.name + ".lock")


#: The mode of a lock made for a file that does not exist yet (like the file's).
NEW_LOCK_MODE = 0o600


@contextmanager
def exclusive_lock(lock_path: Path, timeout: float, like: os.stat_result | None = None) -> Iterator[int]:
    """Hold ``flock(LOCK_EX)`` on ``lock_path`` for the ``with`` block; yields its descriptor.

    The kernel drops the lock when its holder dies, so a killed writer never
    leaves the file locked. Raises :class:`StoreLockTimeout` after ``timeout``
    seconds of waiting. ``like`` is the ``stat`` of the session file: the
    lock gets its permission bits (and owner, where permitted), so that
    every user who may write the file may take its lock; a lock this user
    owns is brought to those bits. The descriptor is open for reading and
    writing (the writer record lives in the lock file, see :mod:`.writers`).
    """
    fd = open_lock(lock_path, like)
    try:
        _acquire(fd, lock_path, timeout)
    except BaseException:
        os.close(fd)
        raise
    try:
        yield fd
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def open_lock(lock_path: Path, like: os.stat_result | None = None) -> int:
    """Open (creating if needed) the lock file for reading and writing."""
    mode = NEW_LOCK_MODE if like is None else stat.S_IMODE(like.st_mode) & 0o666
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(10):
        try:
            fd = os.open(lock_path, flags)
        except FileNotFoundError:
            try:
                fd = os.open(lock_path, flags | os.O_CREAT | os.O_EXCL, NEW_LOCK_MODE)
            except FileExistsError:
                continue  # another process made it just now: open theirs
            except OSError as exc:
                raise StoreAccessError(f"{lock_path}: cannot create the lock file: {exc.strerror}") from None
            _give_like(fd, mode, like)
            return fd
        except PermissionError as exc:
            raise StoreAccessError(_denied(lock_path, exc, like)) from None
        except OSError as exc:
            raise StoreAccessError(f"{lock_path}: cannot open the lock file: {exc.strerror}") from None
        try:
            st = os.fstat(fd)
            if st.st_uid == os.geteuid() and like is not None and stat.S_IMODE(st.st_mode) != mode:
                os.fchmod(fd, mode)
        except OSError:
            pass  # the lock works whatever its mode
        return fd
    raise StoreAccessError(f"{lock_path}: cannot open the lock file: it keeps appearing and vanishing")


def _give_like(fd: int, mode: int, like: os.stat_result | None) -> None:
    """Give a new lock file the session file's permission bits and, where permitted, its owner."""
    try:
        os.fchmod(fd, mode)  # exactly: the umask must not take bits the file grants
        if like is not None and (like.st_uid, like.st_gid) != (os.geteuid(), os.getegid()):
            os.fchown(fd, like.st_uid, like.st_gid)
    except OSError:
        pass  # only root may give a file away


def _denied(lock_path: Path, exc: OSError, like: os.stat_result | None) -> str:
    try:
        st = os.stat(lock_path)
        whose = f" (owner uid {st.st_uid}, mode {stat.S_IMODE(st.st_mode):04o})"
    except OSError:
        whose = ""
    wanted = "" if like is None else f"chmod {stat.S_IMODE(like.st_mode) & 0o666:04o} {lock_path}, or "
    return (
        f"{lock_path}: cannot open the lock file for writing: {exc.strerror}{whose}; "
        f"its owner can give it the session file's permissions ({wanted}remove it while no session-tui writes)"
    )


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
