"""``Snapshot``: one immutable reading of a session file, and what changed since the last.

A snapshot keeps the file's bytes and, per session, the span of its JSON
value plus a :class:`SessionSummary`. Full sessions are decoded only on
request. Reading a file again with the previous snapshot reuses every
summary whose bytes did not change, which makes a reload cost little more
than comparing bytes, and yields the :class:`ChangeSet` a watcher needs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from .codec import FormatError, decode_session, decode_time, json_kind
from .errors import CorruptStoreError, StoreAccessError, UnsupportedVersionError, quoted
from .gotime import format_time
from .jsonbytes import dumps_compact, dumps_indented, loads_exact
from .incremental import reparse
from .layout import ItemsSplit, is_items_placeholder, render, split_items
from .model import Session
from .stats import count_statuses
from .summary import SessionSummary, summarize

SUPPORTED_VERSION = 1
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


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of the file at ``path`` now, or ``None`` if there is none."""
    try:
        return FileIdentity.of(os.stat(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot stat: {exc.strerror}") from None


class Snapshot:
    """An immutable reading of a session file.

    Use :func:`read_snapshot` to make one. ``changes`` says what differs
    from the snapshot passed as ``previous`` when this one was read.
    """

    __slots__ = ("path", "data", "exists", "version", "updated", "extras", "identity", "changes", "_entries", "_summaries")

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
    ) -> None:
        self.path = path
        #: The document's bytes; every session span points into them.
        self.data = data
        #: False when the file did not exist (the snapshot is then empty).
        self.exists = exists
        self.version = SUPPORTED_VERSION
        #: The file's ``updated`` time.
        self.updated = updated
        #: Top-level keys this version does not know, kept for writing back.
        self.extras: Mapping[str, object] = extras or {}
        self.identity = identity
        self.changes = changes
        self._entries = entries
        self._summaries = summaries

    # -- reading ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    #: Non-fatal problems found while reading (see :class:`~tui.session.Reading`): a file has none.
    warnings: tuple[str, ...] = ()

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

    def session(self, session_id: str) -> Session | None:
        """Decode one full session (history included), or ``None`` if absent."""
        raw = self.raw(session_id)
        if raw is None:
            return None
        try:
            return decode_session(loads_exact(raw))
        except (FormatError, ValueError) as exc:
            raise CorruptStoreError(f"{self._where(session_id)}: {exc}") from None
        except RecursionError:
            raise CorruptStoreError(f"{self._where(session_id)}: nested too deeply") from None

    def sessions(self) -> list[Session]:
        """Decode every session (expensive on large files; prefer summaries)."""
        return [s for s in map(self.session, self._entries) if s is not None]

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
        for session_id, obj in put.items():
            new_bytes[session_id] = dumps_indented(obj, 2)
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

        data, spans = render(SUPPORTED_VERSION, values(), dumps_compact(format_time(updated)), self.extras)
        entries = {sid: (start, end) for sid, start, end in spans}
        summaries = {sid: new_summaries.get(sid) or self._summaries[sid] for sid, _, _ in spans}
        return Snapshot(self.path, data, entries, summaries, updated=updated, extras=self.extras)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def empty_snapshot(path: Path, previous: Snapshot | None = None) -> Snapshot:
    """The snapshot of a file that does not exist."""
    removed = frozenset(previous or ())
    return Snapshot(path, b"", {}, {}, exists=False, changes=ChangeSet(removed=removed))


def read_snapshot(path: str | os.PathLike[str], previous: Snapshot | None = None) -> Snapshot:
    """Read and validate the session file at ``path``.

    With ``previous``, sessions whose bytes did not change reuse its
    summaries and ``changes`` lists what did. A missing file is an empty
    snapshot with ``exists=False``. Raises a :class:`StoreError` subclass
    for a file that cannot be read or is not a valid session file.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return empty_snapshot(path, previous)
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
        data = _read_all(fd, st.st_size, path)
    finally:
        os.close(fd)
    return parse_snapshot(data, path, previous, identity=FileIdentity.of(st))


def _read_all(fd: int, size_hint: int, path: Path) -> bytes:
    chunks = []
    try:
        while True:
            chunk = os.read(fd, max(size_hint, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as exc:
        raise StoreAccessError(f"{path}: cannot read: {exc.strerror}") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_snapshot(
    data: bytes,
    path: Path,
    previous: Snapshot | None = None,
    *,
    identity: FileIdentity | None = None,
) -> Snapshot:
    """Parse a session file's bytes (see :func:`read_snapshot`).

    With ``previous``, only the stretch of the file that differs from
    ``previous`` is split and parsed (:mod:`.incremental`); the result is the
    same, only cheaper.
    """
    if not data or data.isspace():
        raise CorruptStoreError(f"{path}: file is empty (a writer may be half-way through)")
    if data.startswith(_BOM):
        raise CorruptStoreError(f"{path}: starts with a UTF-8 byte order mark, which JSON does not allow")
    parsed = _reparse(data, path, previous) if previous is not None and len(previous) else None
    if parsed is None:
        split = split_items(data)
        parsed = _parse_split(data, split, path, previous) if split is not None else None
    if parsed is None:
        data, parsed = _parse_whole(data, path, previous)
    top, entries, summaries, changes = parsed
    return Snapshot(
        path,
        data,
        entries,
        summaries,
        updated=_updated(top, path),
        extras={k: v for k, v in top.items() if k not in _KNOWN_TOP_KEYS},
        identity=identity,
        changes=changes,
    )


_Parsed = tuple[dict[str, object], dict[str, _Span], dict[str, SessionSummary], ChangeSet]


def _reparse(data: bytes, path: Path, previous: Snapshot) -> _Parsed | None:
    """Only the sessions whose bytes changed since ``previous`` (see :mod:`.incremental`)."""
    found = reparse(data, previous)
    if found is None:
        return None
    head, entries, summaries, added, changed, removed = found
    try:
        top = loads_exact(head)
    except ValueError:
        return None
    if type(top) is not dict or not is_items_placeholder(top.get("items")):
        return None
    _check_version(top, path)
    return top, entries, summaries, ChangeSet(frozenset(added), frozenset(changed), frozenset(removed))


def _parse_split(
    data: bytes, split: ItemsSplit, path: Path, previous: Snapshot | None, *, locate: bool = True
) -> _Parsed | None:
    """The fast path; ``None`` when the split does not hold up (then parse whole)."""
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
    loads = orjson.loads
    for session_id, start, end in split.spans:
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
            summary = summarize(raw, session_id)
        except FormatError as exc:
            line = f" (line {_line_of(data, start)})" if locate else ""
            raise CorruptStoreError(f"{path}: session {quoted(session_id)}{line}: {exc}") from None
        entries[session_id] = (start, end)
        summaries[session_id] = summary
        (changed if old is not None else added).add(session_id)
    removed = frozenset(prev_entries.keys() - entries.keys())
    return top, entries, summaries, ChangeSet(frozenset(added), frozenset(changed), removed)


def _parse_whole(data: bytes, path: Path, previous: Snapshot | None) -> tuple[bytes, _Parsed]:
    """Parse any valid layout, then re-encode it canonically so spans exist."""
    try:
        top = loads_exact(data)
    except orjson.JSONDecodeError as exc:
        raise CorruptStoreError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise CorruptStoreError(f"{path}: {exc}") from None
    if type(top) is not dict:
        raise CorruptStoreError(f"{path}: the top level must be a JSON object, not {json_kind(top)}")
    _check_version(top, path)
    items = top.get("items")
    if items is None:
        items = {}
    elif type(items) is not dict:
        raise CorruptStoreError(f"{path}: items must be an object, not {json_kind(items)}")
    for session_id, raw in items.items():
        if type(raw) is not dict:
            raise CorruptStoreError(f"{path}: session {quoted(session_id)} must be an object, not {json_kind(raw)}")
    try:
        encoded = [(sid, dumps_indented(raw, 2)) for sid, raw in items.items()]
    except ValueError as exc:
        raise CorruptStoreError(f"{path}: {exc}") from None
    canonical, _ = render(SUPPORTED_VERSION, encoded, b'""', {})
    split = split_items(canonical)
    parsed = None if split is None else _parse_split(canonical, split, path, previous, locate=False)
    if parsed is None:  # pragma: no cover - render() always writes the split layout
        raise CorruptStoreError(f"{path}: internal error: cannot re-encode the file")
    return canonical, (top, parsed[1], parsed[2], parsed[3])


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
