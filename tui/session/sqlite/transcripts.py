"""Session transcripts: ``remote/transcripts/<key>.jsonl``, one Go-encoded message a line.

The key is the session id when it is non-empty and only ``[A-Za-z0-9_-]``,
else ``h-`` and the hex SHA-256 of the id (so that no id can name a path
outside the directory). Each line is Go's ``json.Marshal`` of a
``Message``: ``{"Role","Content","Summary","Timestamp"}``, compact, with
``<``, ``>``, ``&``, U+2028 and U+2029 escaped. The bot only appends; so
does this store, with one ``write`` on an ``O_APPEND`` descriptor per line.
New files are 0600, new directories 0700.

Reading is strict: a line that is not a complete message (a truncated
write, say) is a :class:`CorruptStoreError` naming the file and line; blank
lines are skipped. Appending to a file whose last line is incomplete is
refused, so that a new line is never glued onto a broken one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..codec import FormatError, decode_message, encode_message
from ..errors import CorruptStoreError, StoreAccessError, quoted
from ..jsonbytes import loads_exact
from ..model import Message

SUFFIX = ".jsonl"
FILE_MODE = 0o600
DIR_MODE = 0o700

_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]+\Z")
# What Go's encoder escapes beyond what Python's does, and lone surrogates
# (Go writes U+FFFD for text that is not UTF-8).
_GO_ESCAPES = re.compile("[<>&\u2028\u2029\ud800-\udfff]")
_ESCAPED = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def transcript_key(session_id: str) -> str:
    """The file name (without ``.jsonl``) of a session's transcript."""
    if _PLAIN_ID.match(session_id):
        return session_id
    return "h-" + hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def transcript_path(directory: Path, session_id: str) -> Path:
    """Where the transcript of ``session_id`` lives in ``directory``."""
    return directory / (transcript_key(session_id) + SUFFIX)


def go_json_line(message: Message) -> bytes:
    """One transcript line for ``message`` (newline included), as Go encodes it."""
    text = json.dumps(encode_message(message), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = _GO_ESCAPES.sub(lambda m: _ESCAPED.get(m.group(), "\ufffd"), text)
    return text.encode("utf-8") + b"\n"


def read_transcript(path: Path) -> list[Message]:
    """The messages of one transcript; a missing file is an empty history.

    Raises :class:`CorruptStoreError` naming the file and line of the first
    line that is not a complete message.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_transcript(data, path)


def parse_transcript(data: bytes, path: Path) -> list[Message]:
    """Decode the bytes of a transcript (see :func:`read_transcript`)."""
    messages: list[Message] = []
    lines = data.split(b"\n")
    last = len(lines) - 1
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = loads_exact(line)
        except ValueError:
            what = "truncated (no end of line)" if number - 1 == last else "not valid JSON"
            raise CorruptStoreError(f"{path}:{number}: {what}: {quoted(_text(line))}") from None
        try:
            messages.append(decode_message(raw, len(messages)))
        except FormatError as exc:
            raise CorruptStoreError(f"{path}:{number}: {exc}") from None
    return messages


def count_lines(path: Path) -> int:
    """How many messages a transcript holds, counted by line (not validated); 0 if missing."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    count = data.count(b"\n")
    return count + 1 if data and not data.endswith(b"\n") else count


def append_lines(path: Path, messages: Iterable[Message]) -> None:
    """Append messages to a transcript, creating it (0600, parents 0700) if missing.

    Each message is one ``write`` on an ``O_APPEND`` descriptor, so lines
    another writer appends at the same time never interleave with ours.
    Refuses (:class:`CorruptStoreError`) a file whose last line is incomplete.
    """
    lines = [go_json_line(m) for m in messages]
    if not lines:
        return
    ensure_directory(path.parent)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot open for appending: {exc.strerror}") from None
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            raise CorruptStoreError(f"{path}: the last line is incomplete (a write was cut short); not appending to it")
        for line in lines:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot append: {exc.strerror}") from None
    finally:
        os.close(fd)


def rewrite(path: Path, messages: Sequence[Message]) -> None:
    """Replace a transcript with exactly ``messages`` (atomically); none removes the file."""
    if not messages:
        remove(path)
        return
    ensure_directory(path.parent)
    write_atomic(path, b"".join(go_json_line(m) for m in messages))


def remove(path: Path) -> bool:
    """Delete a transcript; True if it was there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot remove: {exc.strerror}") from None
    return True


def ensure_directory(directory: Path) -> None:
    """Create ``directory`` and any missing parents with mode 0700."""
    if directory.is_dir():
        return
    missing = []
    here = directory
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for entry in reversed(missing):
        try:
            os.mkdir(entry, DIR_MODE)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StoreAccessError(f"{entry}: cannot create the directory: {exc.strerror}") from None


def stray_transcripts(directory: Path, session_ids: Iterable[str]) -> list[Path]:
    """Transcripts in ``directory`` that belong to none of ``session_ids``, sorted."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    known = {transcript_key(sid) + SUFFIX for sid in session_ids}
    return sorted(directory / n for n in names if n.endswith(SUFFIX) and n not in known)


def _text(line: bytes) -> Any:
    return line.decode("utf-8", "replace")
