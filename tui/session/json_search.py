"""The text search of a JSON reading (:meth:`Snapshot.search <tui.session.snapshot.Snapshot.search>`): one pass over the file's bytes.

What is searched and how far a byte match goes: :mod:`.text_search`. Here:

- An ASCII needle is looked for in each way JSON writers write it
  (:func:`written_forms`: ``<`` as is or as ``\\u003c``, ``"`` as ``\\"``...),
  so that a hit is the needle itself; any other needle, by its plain run
  (:func:`~.text_search.byte_run`), a hit being then only a place to look.
  Each is found with ``find`` in an ASCII-lowered copy of the file's bytes,
  one pass over the whole buffer (or over the spans of the sessions asked
  about, when they are a small part of it). The copy is made page by page
  as the search reaches them, in anonymous memory kept with the reading, so
  that the next keystroke's search finds it made: a needle found near each
  session's start lowers little of the file, a rare one lowers it all once.
- A hit's offset names its session by bisection over the sessions' spans.
- A hit is confirmed on its line. In the indented layout every writer uses
  (Go's ``MarshalIndent``, this library's), a line holds one key and its
  value, and a string never spans lines; the hit counts when its line is a
  searched key at the depth of a session's fields (``Request``,
  ``Response``, ``Error``) or of a message's (``Content``, ``Summary``,
  inside ``Messages``), and the value holds the needle: at once when the
  hit is the needle as written and no escape reaches into it, else the
  value is decoded alone and compared casefolded. Keys, times, ids and
  ``Context`` values never count; an escape that the raw bytes matched
  across (``\\n`` before an ``n``) does not either. A session in any other
  layout is decoded whole to confirm.
"""

from __future__ import annotations

import mmap
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from collections.abc import Mapping
from typing import NamedTuple, Protocol

import orjson

from .text_search import (
    CHECK_EVERY,
    MESSAGE_TEXTS,
    SESSION_TEXTS,
    Cancelled,
    any_holds,
    byte_run,
    never,
    texts_of,
    written_forms,
)


class Snapshot(Protocol):
    """What the search reads of a :class:`~tui.session.snapshot.Snapshot` (declared here, so
    the snapshot can import its search and not the other way round)."""

    data: bytes
    #: Session id → the span of its value in ``data``.
    _entries: Mapping[str, tuple[int, int]]
    #: At most one :class:`TextIndex`, made by the first search.
    _text_index: list[object]

    def raw(self, session_id: str) -> memoryview | None: ...

    def __len__(self) -> int: ...

    def __contains__(self, session_id: object) -> bool: ...

#: The lowered copy is made in pages of this many bytes.
PAGE = 1 << 14
#: Pages lowered by one call (about a millisecond's work: see ``LoweredBytes.ensure``).
CHUNK_PAGES = 32
#: A ``find`` looks this far ahead first, then twice as far each time, up to :data:`LAST_WINDOW`.
FIRST_WINDOW = 1 << 13
LAST_WINDOW = 1 << 21
#: Below this share of the file, the sessions asked about are searched span by span, not in one pass.
SPANS_SHARE = 0.5

_FIRST_KEY = re.compile(rb"\{\r?\n( +)\"")
_OBJECT_OPEN = re.compile(rb"[^\n]*\n *\{\r?\n( +)\"")
_TEXT_KEY = re.compile(rb"( *)\"(" + b"|".join(k.encode() for k in SESSION_TEXTS + MESSAGE_TEXTS) + rb")\": \"")
_SESSION_KEYS = frozenset(k.encode() for k in SESSION_TEXTS)


class LoweredBytes:
    """An ASCII-lowered copy of ``data``, made page by page as ``find`` needs it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        # Anonymous memory is zero pages until written: only what was lowered costs memory.
        self.copy = mmap.mmap(-1, max(1, len(data)))
        self._done = bytearray((len(data) + PAGE - 1) // PAGE)
        self._lock = threading.Lock()
        #: Every page lowered.
        self.complete = not data

    def ensure(self, start: int, end: int) -> None:
        """Lower ``data[start:end]`` (whole pages) if not done yet."""
        done = self._done
        first, last = start // PAGE, min(len(done), (end + PAGE - 1) // PAGE)
        page = done.find(0, first, last)
        if page < 0:
            return
        with self._lock:  # a cancelled search may still be lowering in another thread
            while 0 <= page < last:
                stop = done.find(1, page, last)
                # At most a chunk at a time: lower() holds the GIL, and the UI thread must not wait long.
                stop = min(last if stop < 0 else stop, page + CHUNK_PAGES)
                low, high = page * PAGE, min(len(self.data), stop * PAGE)
                self.copy[low:high] = self.data[low:high].lower()
                done[page:stop] = b"\x01" * (stop - page)
                page = done.find(0, stop, last)
            self.complete = done.find(0) < 0

    def find(self, run: bytes, start: int, end: int) -> int:
        """The first offset of ``run`` in the lowered ``data[start:end]``, or -1."""
        # Window by window, also once all is lowered: find() holds the GIL, and the UI thread must not wait long.
        complete = self.complete
        window = LAST_WINDOW if complete else FIRST_WINDOW
        reach = len(run) - 1
        while start < end:
            stop = min(end, start + window)
            if not complete:
                self.ensure(start, min(end, stop + reach))
            found = self.copy.find(run, start, min(end, stop + reach))
            if found >= 0:
                return found
            start = stop
            window = min(LAST_WINDOW, window * 2)
        return -1


class TextIndex:
    """What the searches of one reading share: the sessions' spans in file order, and the lowered bytes."""

    def __init__(self, data: bytes, entries: dict[str, tuple[int, int]]) -> None:
        spans = sorted(entries.items(), key=lambda item: item[1][0])
        self.ids = [session_id for session_id, _ in spans]
        self.starts = [span[0] for _, span in spans]
        self.ends = [span[1] for _, span in spans]
        self.lowered = LoweredBytes(data)
        #: Session start → its shape (see ``_shape``), found at the first hit in it.
        self.shapes: dict[int, tuple[int, int, int]] = {}
        #: The last search's needle as written (each way) → what it searched and found.
        self.searched: dict[bytes, _Searched] = {}

    def prior(self, run: bytes) -> _Searched | None:
        """What the last search found of a needle that ``run`` extends (``None``: it did not search one)."""
        return next((searched for form, searched in self.searched.items() if run.startswith(form)), None)


class _Searched(NamedTuple):
    """One written form's search: among which sessions (``None``: all), which held it, and where as written."""

    scope: set[str] | None
    found: frozenset[str]
    hits: dict[str, int]


def text_index(snapshot: Snapshot) -> TextIndex:
    """The reading's :class:`TextIndex`, made at its first search."""
    held = snapshot._text_index
    if not held:
        held.append(TextIndex(snapshot.data, snapshot._entries))
    return held[0]


def search_snapshot(
    snapshot: Snapshot, needle: str, *, only: Iterable[str] | None = None, cancelled: Cancelled = never
) -> frozenset[str] | None:
    """Ids of the sessions of ``snapshot`` (among ``only``) whose texts hold ``needle``; ``None`` if cancelled."""
    folded = needle.casefold()
    if not folded or not len(snapshot):
        return frozenset()
    wanted = None if only is None else {session_id for session_id in only if session_id in snapshot}
    forms = written_forms(needle)
    if forms is not None:  # each way JSON writes the needle: a hit is the needle itself
        runs = [(form, True) for form in forms]
    else:  # its plain run: a hit is a place to decode and look
        run = byte_run(needle)
        if not run:
            return _decode_each(snapshot, folded, snapshot if wanted is None else wanted, cancelled)
        runs = [(run, False)]
    index = text_index(snapshot)
    found: set[str] = set()
    searched: dict[bytes, _Searched] = {}
    for run, exact in runs:
        left = wanted if not found else (set(index.ids) if wanted is None else wanted) - found
        search = _Search(snapshot.data, index, run, folded, left, cancelled, exact=exact)
        prior = index.prior(run) if exact and left is not None else None
        if prior is not None:
            ok = _scan_from_prior(search, snapshot, index, left, prior)  # type: ignore[arg-type]
        else:
            ok = _scan(search, snapshot, index, left)
        if not ok:
            return None
        found.update(search.found)
        if exact:
            searched[run] = _Searched(left, frozenset(search.found), search.hits)
    if searched:
        index.searched = searched
    return frozenset(found)


def _scan(search: _Search, snapshot: Snapshot, index: TextIndex, wanted: set[str] | None) -> bool:
    """One pass over the file, or over the spans of the sessions ``wanted`` when they are a small part of it."""
    if wanted is not None and len(wanted) < len(index.ids):
        entries = snapshot._entries
        spans = sorted(entries[session_id] for session_id in wanted)
        if sum(end - start for start, end in spans) < SPANS_SHARE * len(snapshot.data):
            return all(search.scan(start, end) for start, end in spans)
    return search.scan(0, len(snapshot.data))


def _scan_from_prior(search: _Search, snapshot: Snapshot, index: TextIndex, wanted: set[str], prior: _Searched) -> bool:
    """The search of a needle that extends the last one (a character typed) as written.

    A session the last searched for and did not find holds no text with the
    new one. Where the last was found as written, the new one is there too
    when the bytes go on as the new one's do; else the session is searched
    from that place on (the last needle's earlier hits were no text).
    """
    run = search.run
    lowered = index.lowered
    copy = lowered.copy
    entries = snapshot._entries
    spans = []
    for count, session_id in enumerate(wanted):
        if count % CHECK_EVERY == 0 and search.cancelled():
            return False
        at = prior.hits.get(session_id)
        if at is None:
            if session_id not in prior.found and (prior.scope is None or session_id in prior.scope):
                continue
            spans.append(entries[session_id])
            continue
        end = entries[session_id][1]
        if not lowered.complete:
            lowered.ensure(at, at + len(run))
        if copy[at : at + len(run)] == run:
            search.found.append(session_id)
            search.hits[session_id] = at
        else:
            spans.append((at, end))
    spans.sort()
    return all(search.scan(start, end) for start, end in spans)


def _decode_each(snapshot: Snapshot, folded: str, ids: Iterable[str], cancelled: Cancelled) -> frozenset[str] | None:
    """The search without a byte run: decode every session asked about."""
    found = []
    for count, session_id in enumerate(ids):
        if count % CHECK_EVERY == 0 and cancelled():
            return None
        raw = snapshot.raw(session_id)
        if raw is not None and _decoded_holds(raw, folded):
            found.append(session_id)
    return frozenset(found)


def _decoded_holds(raw: bytes | memoryview, folded: str) -> bool:
    try:
        item = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return any_holds(folded, texts_of(item))


class _Search:
    """One search: finds hits, maps them to sessions, confirms them (see the module's docstring)."""

    def __init__(
        self,
        data: bytes,
        index: TextIndex,
        run: bytes,
        folded: str,
        wanted: set[str] | None,
        cancelled: Cancelled,
        *,
        exact: bool,
    ) -> None:
        self.data, self.index, self.run, self.folded = data, index, run, folded
        self.wanted, self.cancelled = wanted, cancelled
        self.found: list[str] = []
        #: ``run`` is the needle as written (see ``written_forms``): a hit in a text is the needle.
        self.exact = exact
        #: Session → where the needle was found as written (the fast confirmation).
        self.hits: dict[str, int] = {}
        self._at_hit = False
        self._steps = -1  # (asks at the first step)

    def scan(self, start: int, end: int) -> bool:
        """Search ``data[start:end]``; False when cancelled on the way."""
        data, index, run = self.data, self.index, self.run
        starts, ends, ids = index.starts, index.ends, index.ids
        find = index.lowered.find
        wanted = self.wanted
        at = start
        while at < end:
            self._steps += 1
            if self._steps % CHECK_EVERY == 0 and self.cancelled():
                return False
            hit = find(run, at, end)
            if hit < 0:
                return True
            i = bisect_right(starts, hit) - 1
            if i < 0 or hit >= ends[i]:  # between sessions (the file's head, a comma)
                at = starts[i + 1] if i + 1 < len(starts) else end
                continue
            session_id = ids[i]
            if wanted is not None and session_id not in wanted:
                at = ends[i]
                continue
            verdict = self._confirm(hit, starts[i], ends[i])
            if verdict is None:  # not the indented layout: decode the session
                verdict = _decoded_holds(memoryview(data)[starts[i] : ends[i]], self.folded)
                at = ends[i]
            if verdict is True:
                self.found.append(session_id)
                if self._at_hit:
                    self.hits[session_id] = hit
                at = ends[i]
            elif verdict is False:
                at = _line_end(data, hit, ends[i])
        return True

    def _confirm(self, hit: int, start: int, end: int) -> bool | None:
        """Whether the line of the hit at ``hit`` is a searched text that holds the needle (the
        hit may be in its key: the text decides); ``None``: cannot tell here."""
        data = self.data
        self._at_hit = False
        line = data.rfind(b"\n", start, hit) + 1
        key = _TEXT_KEY.match(data, line)  # (cannot pass the line's end: no newline in it)
        shapes = self.index.shapes
        shape = shapes.get(start)
        if shape is None:
            shape = shapes[start] = _shape(data, start, end)
        if shape is _UNCLEAR:
            return None
        if key is None:
            return False  # not a searched key's line
        field_indent, messages, message_indent = shape
        indent = len(key[1])
        if key[2] in _SESSION_KEYS:
            if indent != field_indent:
                return False
        elif not (messages < line and indent == message_indent) or _after_messages(data, line, messages, field_indent):
            return False  # a key of the same name elsewhere (in Context, or a field after Messages)
        value_start = key.end() - 1
        value_end = _line_end(data, hit, end)
        if data[value_end - 1] == 13:  # \r
            value_end -= 1
        if data[value_end - 1] == 44:  # ,
            value_end -= 1
        run_end = hit + len(self.run)
        if self.exact and value_start < hit and run_end < value_end and not _escape_reaches(data, value_start + 1, hit):
            # The whole needle is plain ASCII and no escape reaches into the hit: the text
            # holds those very characters (ASCII casefolds as it lowers).
            self._at_hit = True
            return True
        try:
            value = orjson.loads(data[value_start:value_end])
        except orjson.JSONDecodeError:
            return None
        return isinstance(value, str) and self.folded in value.casefold()


#: The shape of a session not in the indented layout.
_UNCLEAR = (-1, -1, -1)


def _shape(data: bytes, start: int, end: int) -> tuple[int, int, int]:
    """A session's fields' indent, where its ``Messages`` field's line starts (-1: none) and its messages' keys' indent."""
    first = _FIRST_KEY.match(data, start, end)
    if first is None:
        return _UNCLEAR
    field_indent = len(first[1])
    opened = data.find(b"\n" + b" " * field_indent + b'"Messages": [', start, end)
    if opened < 0:
        return field_indent, end, -1  # no messages: no line is after them
    message = _OBJECT_OPEN.match(data, opened + 1, end)
    return (field_indent, opened, len(message[1])) if message is not None else (field_indent, end, -1)


def _after_messages(data: bytes, line: int, messages: int, field_indent: int) -> bool:
    """Whether a session's field starts between its ``Messages`` field and ``line`` (the array closed before)."""
    # Go writes Messages last: the common answer is found at the session's end.
    return data.find(b"\n" + b" " * field_indent + b"]", messages, line) >= 0


def _escape_reaches(data: bytes, start: int, at: int) -> bool:
    """Whether an escape of the JSON string whose text starts at ``start`` covers the byte at ``at``
    (``\\n`` is 2 bytes, ``\\uXXXX`` 6)."""
    back = data.rfind(b"\\", max(start, at - 5), at)
    if back < 0:
        return False
    first = back
    while first > start and data[first - 1] == 92:
        first -= 1
    if (back - first) % 2:  # the last of a "\\\\": no escape starts at ``back``
        return False
    return back + (6 if data[back + 1] == 117 else 2) > at


def _line_end(data: bytes, at: int, end: int) -> int:
    found = data.find(b"\n", at, end)
    return end if found < 0 else found
