"""Atomic, durable replacement of a file's contents."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from .errors import StoreAccessError
from .snapshot import FileIdentity

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


def write_atomic(target: Path, data: bytes) -> FileIdentity:
    """Replace ``target`` with ``data``: temp file, fsync, rename, fsync the directory.

    A new file gets mode 0600; an existing one keeps its mode (and owner,
    where permitted). Returns the identity of the file as written.
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
                os.fsync(fd)
                identity = FileIdentity.of(os.fstat(fd))
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        _fsync_directory(directory)
    except OSError as exc:
        raise StoreAccessError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return identity


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
