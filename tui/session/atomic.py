"""Atomic, durable replacement of a file's contents."""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreAccessError
from .identity import FileIdentity

NEW_FILE_MODE = 0o600


def temp_prefix(target: Path) -> str:
    """The name prefix of this library's temp files for ``target``."""
    return f".{target.name}.tmp-"


def remove_stale_temps(target: Path) -> int:
    """Delete temp files a crashed writer left beside ``target``.

    Call only while holding the file's lock: live writers create temp files
    only under it, so any that exist then are stale.
    """
    prefix = temp_prefix(target)
    removed = 0
    try:
        names = os.listdir(target.parent)
    except OSError:
        return 0
    for name in names:
        if name.startswith(prefix):
            try:
                os.unlink(target.parent / name)
                removed += 1
            except OSError:
                pass
    return removed


@dataclass(frozen=True, slots=True)
class Replaced:
    """What :func:`replace_atomic` did."""

    #: The version written (the rename keeps a file's identity).
    identity: FileIdentity
    #: The version the rename replaced, when it could be told (``None``: no
    #: file was there, or this system cannot swap files atomically).
    displaced: FileIdentity | None = None
    #: Where that version was left (a temp name beside the file), for the
    #: caller to read and then remove with :func:`discard`.
    displaced_path: Path | None = None


def write_atomic(
    target: Path, data: bytes, *, before_rename: Callable[[FileIdentity], None] | None = None
) -> FileIdentity:
    """Replace ``target`` with ``data``: temp file, fsync, rename, fsync the directory.

    A new file gets mode 0600; an existing one keeps its mode (and owner,
    where permitted). Returns the identity of the file as written (the
    rename keeps it). ``before_rename`` is called with that identity once
    the temp file is durable, just before the rename; whatever it raises
    aborts the write (the temp file is removed, ``target`` is untouched).
    """
    replaced = replace_atomic(target, data, before_rename=before_rename)
    if replaced.displaced_path is not None:
        discard(replaced.displaced_path)
    return replaced.identity


def replace_atomic(
    target: Path,
    data: bytes,
    *,
    before_rename: Callable[[FileIdentity], None] | None = None,
    before_sync: Callable[[], None] | None = None,
    exchange: bool = True,
) -> Replaced:
    """:func:`write_atomic`, telling which version the rename replaced.

    Where the system can (Linux ``renameat2(RENAME_EXCHANGE)``, with
    ``exchange``), the temp file and ``target`` swap names in one atomic
    step, so the version replaced is known exactly even when a writer that
    takes no lock renamed its own in the instant before; it is left at the
    temp name (:attr:`Replaced.displaced_path`). Elsewhere a plain rename.
    ``before_sync`` is called once the data is written, before the fsync: a
    cheap early chance to abort, like ``before_rename``.
    """
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        try:
            old = os.stat(target)
        except FileNotFoundError:
            old = None
        tmp, fd = _create_temp(target)
        try:
            try:
                os.fchmod(fd, NEW_FILE_MODE if old is None else stat.S_IMODE(old.st_mode))
                if old is not None:
                    _keep_owner(fd, old)
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                if before_sync is not None:
                    before_sync()
                os.fsync(fd)
                identity = FileIdentity.of(os.fstat(fd))
            finally:
                os.close(fd)
            if before_rename is not None:
                before_rename(identity)
            if old is not None and exchange and rename_exchange(tmp, target):
                replaced = Replaced(identity, FileIdentity.of(os.stat(tmp)), tmp)
            else:
                os.replace(tmp, target)
                replaced = Replaced(identity)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        _fsync_directory(directory)
    except OSError as exc:
        raise StoreAccessError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return replaced


def discard(path: Path) -> None:
    """Remove a displaced version once read (see :attr:`Replaced.displaced_path`)."""
    _unlink_quietly(path)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2: Any = None


def rename_exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` atomically; False if this system cannot (nothing done).

    Raises ``OSError`` for any other failure (``b`` missing, say).
    """
    global _renameat2
    if _renameat2 is None:
        _renameat2 = _load_renameat2()
    if _renameat2 is False:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this file system (or kernel) cannot swap: a plain rename then
    raise OSError(err, os.strerror(err), os.fspath(b))


def _load_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return False
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc before glibc 2.28
        return False
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _create_temp(target: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = target.with_name(temp_prefix(target) + secrets.token_hex(8))
        try:
            return tmp, os.open(tmp, flags, NEW_FILE_MODE)
        except FileExistsError:
            continue


def _keep_owner(fd: int, old: os.stat_result) -> None:
    if (old.st_uid, old.st_gid) == (os.getuid(), os.getgid()):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except OSError:
        pass  # only root may give a file away; the contents still land


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
