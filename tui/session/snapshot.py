"""``Snapshot``: one immutable reading of a session file, and what changed since the last.

A snapshot keeps the file's bytes and, per session, the span of its JSON
value plus a :class:`SessionSummary`. Full sessions are decoded only on
request. Reading a file again with the previous snapshot reuses every
summary whose bytes did not change, which makes a reload cost little more
than comparing bytes, and yields the :class:`ChangeSet` a watcher needs.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from .codec import FormatError, decode_session, decode_time, json_kind, session_from_summary, valid_stamps
from .errors import CorruptStoreError, StoreAccessError, UnsupportedVersionError, quoted
from .filelock import lock_path_for
from .gcpause import gc_paused
from .gotime import format_time
from .identity import FileIdentity
from .gojson import encode_key, encode_session_bytes
from .json_search import search_snapshot, text_index
from .jsonbytes import loads_exact
from .incremental import reparse
from .layout import ItemsSplit, is_items_placeholder, join_items, split_items
from .model import Session
from .stats import count_statuses
from .summary import SessionSummary, summarize, usual_summary
from .writers import UNKNOWN_WRITER, WriterInfo, info_for, read_record

SUPPORTED_VERSION = 1
#: Files larger than this are refused before they are read (a session file
#: of the Go bot is megabytes; a mistaken path may be a disk image).
DEFAULT_MAX_FILE_BYTES = 1 << 30
#: The environment variable that overrides :data:`DEFAULT_MAX_FILE_BYTES`.
MAX_FILE_BYTES_ENV = "SESSION_TUI_MAX_FILE_BYTES"
_KNOWN_TOP_KEYS = ("version", "items", "updated")
_BOM = b"\xef\xbb\xbf"

#: Where a session's JSON value is in the document: ``(start, end)``.
#: Kept apart from the summaries on purpose: a tuple of two ints is not
#: tracked by the garbage collector, a tuple holding a summary is, and a
#: reload would otherwise promote one new tracked tuple per session (50k on a
#: large file) to the oldest generation, triggering a full collection of
#: 50-200 ms on the UI thread every reload or two.
_Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Session ids added, changed and removed between two snapshots."""

    added: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class Snapshot:
    """An immutable reading of a session file.

    Use :func:`read_snapshot` to make one. ``changes`` says what differs
    from the snapshot passed as ``previous`` when this one was read.
    """

    __slots__ = (
        "path", "data", "exists", "updated", "extras", "identity", "changes", "newline", "writer",
        "_entries", "_summaries", "_odd_ids", "_warnings", "_parsed", "_text_index",
    )

    #: A file's reading always has its message counts (see :attr:`Reading.counted
    #: <tui.session.reading.Reading.counted>`).
    counted = True

    def __init__(
        self,
        path: Path,
        data: bytes,
        entries: dict[str, _Span],
        summaries: dict[str, SessionSummary],
        *,
        exists: bool = True,
        updated: datetime | None = None,
        extras: Mapping[str, object] | None = None,
        identity: FileIdentity | None = None,
        changes: ChangeSet = ChangeSet(),
        newline: bytes = b"\n",
        odd_ids: dict[str, object] | None = None,
        writer: WriterInfo = UNKNOWN_WRITER,
        parsed: dict[str, str] | None = None,
    ) -> None:
        self.path = path
        #: The document's bytes; every session span points into them.
        self.data = data
        #: False when the file did not exist (the snapshot is then empty).
        self.exists = exists
        #: The file's ``updated`` time.
        self.updated = updated
        #: Top-level keys this version does not know, kept for writing back.
        self.extras: Mapping[str, object] = extras or {}
        self.identity = identity
        self.changes = changes
        #: The file's line ending (``b"\r\n"`` for a Windows file): an edit keeps it.
        self.newline = newline
        #: Who wrote this version: a session-tui writer or one that took no
        #: lock (see :class:`~tui.session.WriterInfo`).
        self.writer = writer
        self._entries = entries
        self._summaries = summaries
        #: Sessions whose ``"ID"`` is not their ``items`` key: key → the ID in the file.
        self._odd_ids = odd_ids or {}
        self._warnings: tuple[str, ...] | None = None
        #: At most one dict: session id → its messages' timestamps, one per
        #: line, noted when the file was read (see ``keep_parsed``), for the
        #: first :meth:`sessions` to check instead of parsing the bytes again.
        #: In a list so that taking it (``pop``) is atomic.
        self._parsed: list[dict[str, str]] = [parsed] if parsed else []
        #: What this reading's text searches share, made at the first (see :mod:`.json_search`).
        self._text_index: list[object] = []

    # -- reading ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def summary(self, session_id: str) -> SessionSummary | None:
        """The summary of one session, or ``None`` if the file does not have it."""
        return self._summaries.get(session_id)

    def summaries(self) -> list[SessionSummary]:
        """Summaries of every session, in file order."""
        return list(self._summaries.values())

    def raw(self, session_id: str) -> memoryview | None:
        """The JSON bytes of one session as they are in the file."""
        span = self._entries.get(session_id)
        return None if span is None else memoryview(self.data)[span[0] : span[1]]

    def search(
        self, needle: str, *, only: Iterable[str] | None = None, cancelled: Callable[[], bool] | None = None
    ) -> frozenset[str] | None:
        """Ids of the sessions (among ``only``) whose request, response, error or a message holds
        ``needle`` (casefolded), from the file's bytes (see :mod:`.json_search`); ``None`` if
        ``cancelled()`` became true on the way."""
        return search_snapshot(self, needle, only=only, cancelled=cancelled or (lambda: False))

    def prepare_search(self) -> None:
        """Lower the file's bytes for :meth:`search` now (they are kept with the snapshot)."""
        text_index(self).lowered.ensure(0, len(self.data))

    def session(self, session_id: str) -> Session | None:
        """Decode one full session (history included), or ``None`` if absent.

        Its ``messages`` are checked now and decoded when first read.
        """
        if session_id not in self._entries:
            return None
        return self._decode(session_id, False)

    def sessions(self) -> list[Session]:
        """Every session, in file order; each is checked now, history included.

        A session is decoded field by field when its fields are first read:
        the ones its summary holds now, its ``response``, ``context`` and
        ``messages`` from its bytes in :attr:`data` (kept alive meanwhile).
        Raises :class:`CorruptStoreError` for a session that cannot be decoded
        (the first read of a field does, for one that cannot be read exactly:
        an integer beyond 64 bits some 1,000 levels deep).
        """
        try:
            stamps = self._parsed.pop()
        except IndexError:
            stamps = {}
        with gc_paused():
            decode = self._decode
            summaries = self._summaries
            odd_ids = self._odd_ids
            found = []
            append = found.append
            for session_id in self._entries:
                history = stamps.get(session_id)
                if history is None or not valid_stamps(history):
                    # Not noted when read (or a bad time, which the decoder names).
                    append(decode(session_id, True))
                    continue
                summary = summaries[session_id]
                session = _new(Session)
                session.__dict__ = {
                    "id": odd_ids.get(session_id, session_id),
                    "chat_id": summary.chat_id,
                    "agent": summary.agent,
                    "project": summary.project,
                    "status": summary.status,
                    "request": summary.request,
                    "error": summary.error,
                    "created_at": summary.created_at,
                    "last_activity": summary.last_activity,
                    "expires_at": summary.expires_at,
                    "permission_mode": summary.permission_mode,
                    "_pending": _PendingSession(self, session_id),
                }
                append(session)
            return found

    def release_parsed(self) -> None:
        """Drop what ``read_snapshot(keep_parsed=True)`` noted for :meth:`sessions`, if anything."""
        self._parsed.clear()

    def _decode(self, session_id: str, reread: bool) -> Session:
        """One session from its bytes; with ``reread`` (for :meth:`sessions`) its checked history
        is dropped and parsed again from the bytes when first read."""
        start, end = self._entries[session_id]
        view = memoryview(self.data)[start:end]
        try:
            raw = orjson.loads(view)
        except orjson.JSONDecodeError:
            raw = None
        if raw is not None:
            session = session_from_summary(raw, self._summaries[session_id], view, reread=reread)
            if session is not None:
                return session
        # Anything unusual: the exact parser and the decoder that names what is wrong.
        try:
            return decode_session(loads_exact(view))
        except (FormatError, ValueError) as exc:
            raise CorruptStoreError(f"{self._where(session_id)}: {exc}") from None
        except RecursionError:
            raise CorruptStoreError(f"{self._where(session_id)}: nested too deeply") from None

    @property
    def warnings(self) -> tuple[str, ...]:
        """What is odd about the file but does not stop reading it, one line each.

        Today: sessions whose ``"ID"`` differs from their key in ``items``
        (the key is what identifies a session, as in Go's store).
        """
        if self._warnings is None:
            self._warnings = tuple(self._find_warnings())
        return self._warnings

    def _find_warnings(self) -> list[str]:
        found = []
        line, counted = 1, 0
        for session_id, start in sorted(
            ((sid, self._entries[sid][0]) for sid in self._odd_ids if sid in self._entries), key=lambda x: x[1]
        ):
            line += self.data.count(b"\n", counted, start)
            counted = start
            found.append(
                f"{self.path}: session {quoted(session_id)} (line {line}) has the ID "
                f"{quoted(self._odd_ids[session_id])}; it is known by its key {quoted(session_id)}"
            )
        return found

    def stats(self) -> dict[str, int]:
        """Counts per status plus ``total`` (see :func:`count_statuses`)."""
        return count_statuses(summary.status for summary in self._summaries.values())

    def _where(self, session_id: str) -> str:
        span = self._entries.get(session_id)
        line = "" if span is None else f" (line {_line_of(self.data, span[0])})"
        return f"{self.path}: session {quoted(session_id)}{line}"

    # -- deriving -----------------------------------------------------------

    def edited(
        self,
        put: Mapping[str, dict[str, object]] | None = None,
        remove: Iterable[str] = (),
        *,
        updated: datetime,
    ) -> Snapshot:
        """A new snapshot with sessions replaced, added or removed (not written).

        ``put`` maps session ids to encoded session objects (see
        :func:`~tui.session.codec.encode_session`). Untouched sessions keep
        their bytes. Sessions are written sorted by id.
        """
        put = put or {}
        removed = set(remove)
        new_bytes: dict[str, bytes] = {}
        new_summaries: dict[str, SessionSummary] = {}
        newline = self.newline
        for session_id, obj in put.items():
            try:
                encoded = encode_session_bytes(obj, 2)
            except ValueError as exc:
                raise ValueError(f"session {quoted(session_id)}: {exc}") from None
            new_bytes[session_id] = encoded if newline == b"\n" else encoded.replace(b"\n", newline)
            new_summaries[session_id] = summarize(obj, session_id)
        view = memoryview(self.data)
        ids = sorted((set(self._entries) | set(new_bytes)) - removed)

        def values() -> Iterator[tuple[str, bytes | memoryview]]:
            for session_id in ids:
                if session_id in new_bytes:
                    yield session_id, new_bytes[session_id]
                else:
                    start, end = self._entries[session_id]
                    yield session_id, view[start:end]

        data, spans = join_items(
            SUPPORTED_VERSION, values(), encode_key(format_time(updated)), self.extras, newline=newline
        )
        entries = {sid: (start, end) for sid, start, end in spans}
        summaries = {sid: new_summaries.get(sid) or self._summaries[sid] for sid, _, _ in spans}
        odd_ids = {sid: found for sid, found in self._odd_ids.items() if sid in entries and sid not in put}
        for session_id, obj in put.items():
            if session_id in entries and obj.get("ID") != session_id:
                odd_ids[session_id] = obj.get("ID")
        return Snapshot(
            self.path, data, entries, summaries, updated=updated, extras=self.extras, newline=newline, odd_ids=odd_ids
        )


_new = object.__new__


class _PendingSession:
    """The fields :meth:`Snapshot.sessions` left in a session's bytes (a :class:`~.model.Pending`)."""

    __slots__ = ("_snapshot", "_session_id")

    def __init__(self, snapshot: Snapshot, session_id: str) -> None:
        self._snapshot = snapshot
        self._session_id = session_id

    def fields(self) -> dict[str, object]:
        # The session's bytes were checked when listed: this decodes them as
        # Snapshot.session does (exact for integers orjson cannot hold).
        session = self._snapshot._decode(self._session_id, False)
        return {
            "response": session.response,
            "context": session.context,
            "messages": session.messages,
            "_source": session._source,
        }


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def empty_snapshot(path: Path, previous: Snapshot | None = None, writer: WriterInfo = UNKNOWN_WRITER) -> Snapshot:
    """The snapshot of a file that does not exist."""
    removed = frozenset(previous or ())
    return Snapshot(path, b"", {}, {}, exists=False, changes=ChangeSet(removed=removed), writer=writer)


def max_file_bytes(override: int | None = None) -> int:
    """The size limit for a session file: ``override``, else ``$SESSION_TUI_MAX_FILE_BYTES``, else 1 GiB."""
    if override is not None:
        return override
    text = os.environ.get(MAX_FILE_BYTES_ENV, "").strip()
    if text:
        try:
            return int(text)
        except ValueError:
            raise StoreAccessError(f"{MAX_FILE_BYTES_ENV}={quoted(text)} is not a number of bytes") from None
    return DEFAULT_MAX_FILE_BYTES


def read_snapshot(
    path: str | os.PathLike[str],
    previous: Snapshot | None = None,
    *,
    max_bytes: int | None = None,
    resolved: Path | None = None,
    keep_parsed: bool = False,
) -> Snapshot:
    """Read and validate the session file at ``path``.

    With ``previous``, sessions whose bytes did not change reuse its
    summaries and ``changes`` lists what did. A missing file is an empty
    snapshot with ``exists=False``. Raises a :class:`StoreError` subclass
    for a file that cannot be read or is not a valid session file, and
    for one larger than ``max_bytes`` (see :func:`max_file_bytes`), which
    is refused before it is read. ``writer`` says whether a session-tui
    writer wrote the version read (see :mod:`.writers`). ``resolved`` is
    ``path`` with its symlinks resolved, when the caller has done it already
    (a writer, under the lock). ``keep_parsed`` notes each session's message
    timestamps (a few bytes a message) until the first
    :meth:`Snapshot.sessions` (or :meth:`Snapshot.release_parsed`), which then
    need not parse the file again: it checks those times, and each session
    decodes its bytes when the fields its summary does not hold are first read.
    """
    path = Path(path)
    limit = max_file_bytes(max_bytes)
    real = resolved if resolved is not None else Path(os.path.realpath(path))
    lock = lock_path_for(real)
    carried = previous.writer if previous is not None and previous.path == path else None
    before = read_record(lock)  # (how many commits go by while the file is opened and stat'ed)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return empty_snapshot(path, previous, info_for(lock, None, carried))
    except IsADirectoryError:
        raise StoreAccessError(f"{path}: is a directory, not a session file") from None
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot open: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise StoreAccessError(f"{path}: is a directory, not a session file")
        if not stat.S_ISREG(st.st_mode):
            raise StoreAccessError(f"{path}: is not a regular file, not a session file")
        if st.st_size > limit:
            raise StoreAccessError(_too_large(path, st.st_size, limit))
        identity = FileIdentity.of(st)
        # The record after the open: ours are recorded before their rename.
        writer = info_for(lock, identity, carried, before=before)
        data = _read_all(fd, st.st_size, path, limit)
    finally:
        os.close(fd)
    snap = parse_snapshot(data, path, previous, identity=identity, keep_parsed=keep_parsed)
    snap.writer = writer
    return snap


def _too_large(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: the file is {size:,} bytes ({_size(size)}), over the limit of {limit:,} bytes "
        f"({_size(limit)}); not reading it (set {MAX_FILE_BYTES_ENV} to allow more)"
    )


def _size(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _read_all(fd: int, size_hint: int, path: Path, limit: int) -> bytes:
    chunks = []
    total = 0
    try:
        while True:
            chunk = os.read(fd, max(min(size_hint, limit + 1 - total), 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise StoreAccessError(_too_large(path, total, limit))
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot read: {exc.strerror}") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_snapshot(
    data: bytes,
    path: Path,
    previous: Snapshot | None = None,
    *,
    identity: FileIdentity | None = None,
    keep_parsed: bool = False,
) -> Snapshot:
    """Parse a session file's bytes (see :func:`read_snapshot`).

    With ``previous``, only the stretch of the file that differs from
    ``previous`` is split and parsed (:mod:`.incremental`); the result is the
    same, only cheaper.
    """
    with gc_paused():
        return _parse_snapshot(data, path, previous, identity, keep_parsed)


def _parse_snapshot(
    data: bytes, path: Path, previous: Snapshot | None, identity: FileIdentity | None, keep_parsed: bool
) -> Snapshot:
    if not data or data.isspace():
        raise CorruptStoreError(f"{path}: file is empty (a writer may be half-way through)")
    if data.startswith(_BOM):
        raise CorruptStoreError(f"{path}: starts with a UTF-8 byte order mark, which JSON does not allow")
    kept: dict[str, str] | None = {} if keep_parsed else None
    parsed = _reparse(data, path, previous) if previous is not None and len(previous) else None
    if parsed is None:
        split = split_items(data)
        parsed = _parse_split(data, split, path, previous, kept=kept) if split is not None else None
    newline = _newline_of(data)
    if parsed is None:
        if kept:
            kept.clear()
        data, parsed = _parse_whole(data, path, previous, newline, kept)
    top, entries, summaries, changes, odd_ids = parsed
    if previous is not None and previous._odd_ids:
        for session_id, found in previous._odd_ids.items():
            if session_id in entries and session_id not in changes.changed and session_id not in odd_ids:
                odd_ids[session_id] = found
    return Snapshot(
        path,
        data,
        entries,
        summaries,
        updated=_updated(top, path),
        extras={k: v for k, v in top.items() if k not in _KNOWN_TOP_KEYS},
        identity=identity,
        changes=changes,
        newline=newline,
        odd_ids=odd_ids,
        parsed=kept,
    )


def _newline_of(data: bytes) -> bytes:
    """The line ending of the file: that of its first line."""
    first = data.find(b"\n")
    return b"\r\n" if first > 0 and data[first - 1] == 13 else b"\n"


#: The top-level object, spans, summaries, what changed, and the sessions
#: parsed now whose "ID" differs from their key.
_Parsed = tuple[dict[str, object], dict[str, _Span], dict[str, SessionSummary], ChangeSet, dict[str, object]]


def _reparse(data: bytes, path: Path, previous: Snapshot) -> _Parsed | None:
    """Only the sessions whose bytes changed since ``previous`` (see :mod:`.incremental`)."""
    found = reparse(data, previous)
    if found is None:
        return None
    head, entries, summaries, added, changed, removed, odd_ids = found
    try:
        top = loads_exact(head)
    except ValueError:
        return None
    if type(top) is not dict or not is_items_placeholder(top.get("items")):
        return None
    _check_version(top, path)
    return top, entries, summaries, ChangeSet(frozenset(added), frozenset(changed), frozenset(removed)), odd_ids


def _parse_split(
    data: bytes,
    split: ItemsSplit,
    path: Path,
    previous: Snapshot | None,
    *,
    locate: bool = True,
    kept: dict[str, str] | None = None,
) -> _Parsed | None:
    """The fast path; ``None`` when the split does not hold up (then parse whole).

    ``kept``, if given, receives the message timestamps of each usual session parsed.
    """
    try:
        top = loads_exact(split.head)
    except ValueError:
        return None
    if type(top) is not dict:
        return None
    items = top.get("items")
    if not (is_items_placeholder(items) or (items is None and not split.spans)):
        return None
    _check_version(top, path)
    prev_entries = previous._entries if previous is not None else {}
    prev_summaries = previous._summaries if previous is not None else {}
    prev_view = memoryview(previous.data) if previous is not None else memoryview(b"")
    view = memoryview(data)
    entries: dict[str, _Span] = {}
    summaries: dict[str, SessionSummary] = {}
    added: set[str] = set()
    changed: set[str] = set()
    odd_ids: dict[str, object] = {}
    loads = orjson.loads
    for session_id, start, end in split.spans:
        if session_id in entries:
            first = entries[session_id][0]
            where = f" (line {_line_of(data, start)}; first on line {_line_of(data, first)})" if locate else ""
            raise CorruptStoreError(f"{path}: session {quoted(session_id)}{where} appears twice in items")
        old = prev_entries.get(session_id)
        if old is not None and old[1] - old[0] == end - start and data.startswith(prev_view[old[0] : old[1]], start):
            entries[session_id] = old if old[0] == start else (start, end)
            summaries[session_id] = prev_summaries[session_id]
            continue
        try:
            raw = loads(view[start:end])
        except orjson.JSONDecodeError:
            return None
        try:
            summary = usual_summary(raw, session_id, kept)
            if summary is None:
                summary = summarize(raw, session_id)
        except (FormatError, RecursionError) as exc:
            line = f" (line {_line_of(data, start)})" if locate else ""
            why = "nested too deeply" if isinstance(exc, RecursionError) else exc
            raise CorruptStoreError(f"{path}: session {quoted(session_id)}{line}: {why}") from None
        if raw.get("ID") != session_id:
            odd_ids[session_id] = raw.get("ID")
        entries[session_id] = (start, end)
        summaries[session_id] = summary
        (changed if old is not None else added).add(session_id)
    removed = frozenset(prev_entries.keys() - entries.keys())
    return top, entries, summaries, ChangeSet(frozenset(added), frozenset(changed), removed), odd_ids


def _parse_whole(
    data: bytes, path: Path, previous: Snapshot | None, newline: bytes, kept: dict[str, str] | None = None
) -> tuple[bytes, _Parsed]:
    """Parse any valid layout, then re-encode it canonically so spans exist."""
    try:
        orjson.loads(data)  # the quick check, with the place of a syntax error
    except orjson.JSONDecodeError as exc:
        raise CorruptStoreError(f"{path}: {_syntax_error(data, exc)}") from None
    try:
        top, repeated = _loads_checking_keys(data)
    except ValueError as exc:  # nested too deeply for the exact parser
        raise CorruptStoreError(f"{path}: {_deepest_session(data)}{exc}") from None
    if type(top) is not dict:
        raise CorruptStoreError(f"{path}: the top level must be a JSON object, not {json_kind(top)}")
    _check_version(top, path)
    items = top.get("items")
    if items is None:
        items = {}
    elif type(items) is not dict:
        raise CorruptStoreError(f"{path}: items must be an object, not {json_kind(items)}")
    if id(items) in repeated:
        session_id = repeated[id(items)][1]
        line = _second_key_line(data, session_id)
        where = f" (line {line})" if line else ""
        raise CorruptStoreError(f"{path}: session {quoted(session_id)}{where} appears twice in items")
    for session_id, raw in items.items():
        if type(raw) is not dict:
            raise CorruptStoreError(f"{path}: session {quoted(session_id)} must be an object, not {json_kind(raw)}")
    try:
        encoded = [(sid, encode_session_bytes(raw, 2)) for sid, raw in items.items()]
    except ValueError as exc:
        raise CorruptStoreError(f"{path}: {exc}") from None
    if newline != b"\n":
        encoded = [(sid, value.replace(b"\n", newline)) for sid, value in encoded]
    canonical, _ = join_items(SUPPORTED_VERSION, encoded, b'""', {}, newline=newline)
    split = split_items(canonical)
    parsed = None if split is None else _parse_split(canonical, split, path, previous, locate=False, kept=kept)
    if parsed is None:  # pragma: no cover - join_items() always writes the split layout
        raise CorruptStoreError(f"{path}: internal error: cannot re-encode the file")
    return canonical, (top, parsed[1], parsed[2], parsed[3], parsed[4])


def _syntax_error(data: bytes, exc: orjson.JSONDecodeError) -> str:
    """Where and what a JSON syntax error is (orjson places invalid UTF-8 at the start)."""
    if "UTF-8" in exc.msg:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            line_start = data.rfind(b"\n", 0, bad.start) + 1
            column = len(data[line_start : bad.start].decode("utf-8", "replace")) + 1
            return (
                f"line {_line_of(data, bad.start)}, column {column}: invalid UTF-8 "
                f"(byte 0x{data[bad.start]:02x}: {bad.reason})"
            )
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"


def _loads_checking_keys(data: bytes) -> tuple[object, dict[int, tuple[dict[str, object], str]]]:
    """Parse exactly (every integer kept), noting each object that repeats a key.

    Returns the value and, by ``id``, each such object and its first repeated
    key. Raises ``ValueError`` if the nesting is too deep for this parser.
    """
    repeated: dict[int, tuple[dict[str, object], str]] = {}

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    repeated[id(obj)] = (obj, key)  # the object is kept, so its id stays unique
                    break
                seen.add(key)
        return obj

    try:
        return json.loads(data, object_pairs_hook=pairs_hook), repeated
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _second_key_line(data: bytes, key: str) -> int | None:
    """The line of a repeated session key's second occurrence, if it can be found."""
    pattern = re.compile(re.escape(orjson.dumps(key)) + rb"\s*:\s*\{")
    matches = pattern.finditer(data)
    if next(matches, None) is None:
        return None
    second = next(matches, None)
    return None if second is None else _line_of(data, second.start())


def _deepest_session(data: bytes) -> str:
    """``"session 'id': "`` for the most deeply nested session (for an error), or ``""``."""
    try:
        items = orjson.loads(data).get("items")
    except (orjson.JSONDecodeError, AttributeError):
        return ""
    if type(items) is not dict or not items:
        return ""
    deepest = max(items, key=lambda sid: _depth(items[sid]))
    return f"session {quoted(deepest)}: "


def _depth(value: object) -> int:
    deepest = 0
    pending = [(value, 1)]
    while pending:
        node, level = pending.pop()
        if type(node) is dict or type(node) is list:
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in (node.values() if type(node) is dict else node))
    return deepest


def _check_version(top: dict[str, object], path: Path) -> None:
    version = top.get("version")
    if version is None or version == SUPPORTED_VERSION and type(version) is int:
        return
    if type(version) is not int:
        raise CorruptStoreError(f"{path}: version must be an integer, not {json_kind(version)}")
    if version > SUPPORTED_VERSION:
        raise UnsupportedVersionError(
            f"{path}: format version {version} is newer than this program understands "
            f"(version {SUPPORTED_VERSION}); not reading or writing it"
        )
    raise CorruptStoreError(f"{path}: version {version} is not a valid format version")


def _updated(top: dict[str, object], path: Path) -> datetime | None:
    try:
        return decode_time(top.get("updated"), "updated")
    except FormatError as exc:
        raise CorruptStoreError(f"{path}: {exc}") from None
