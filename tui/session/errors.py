"""Errors raised by the session library.

Every message says what is wrong and where (file, line and column, or
session id), in one line, so the CLI and the app can show it as it is.
"""

from __future__ import annotations


def quoted(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters so that a message stays one short line."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return f"{text[:limit]}...{size}"


class StoreError(Exception):
    """Base class of every error about a session file or store."""


class CorruptStoreError(StoreError):
    """The file is not a valid session file (bad JSON, wrong types, ...)."""


class UnsupportedVersionError(StoreError):
    """The file was written by a newer format version than this one reads."""


class StoreAccessError(StoreError):
    """The file cannot be read or written (missing permission, a directory...)."""


class StoreLockTimeout(StoreError):
    """Another process held the file's lock for too long."""


class StoreConflictError(StoreError):
    """The file kept changing during a write (a writer that takes no lock); nothing was written."""
