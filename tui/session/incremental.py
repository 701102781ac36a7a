"""Re-reading a file that another process changed a little: only the sessions whose bytes moved.

A writer changes one session (and the file's ``updated`` time) and writes
the whole file again. The sessions before the change keep their bytes and
offsets; those after it keep their bytes, shifted. :func:`reparse` finds the
changed stretch of the ``items`` object by comparing the new bytes with the
previous reading's (the common prefix and suffix, compared with ``memcmp``),
re-splits and parses only the sessions in that stretch, and reuses every
other span and summary. A reload of a 160 MB file then costs about one read
and two memory scans instead of a full split and parse.

Unchanged sessions were validated when they were first read, and identical
bytes in an identical context parse identically, so the result is the one
:func:`~tui.session.snapshot.parse_snapshot` would give without a previous
reading; whenever that cannot be shown cheaply, :func:`reparse` returns
``None`` and the caller parses the whole file.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import islice
from typing import Protocol

import orjson

from .codec import FormatError
from .layout import ITEMS_CLOSER, ITEMS_PLACEHOLDER, WS, decode_key, items_open, member_indent, member_pattern
from .model import SessionSummary
from .summary import summarize

_CHUNK = 1 << 16

Spans = dict[str, tuple[int, int]]
Summaries = dict[str, SessionSummary]


class PreviousReading(Protocol):
    """What :func:`reparse` needs of the previous reading of the file (a
    :class:`~tui.session.snapshot.Snapshot` is one): its bytes, and each
    session's span and summary, in file order."""

    @property
    def data(self) -> bytes: ...

    @property
    def _entries(self) -> Spans: ...

    @property
    def _summaries(self) -> Summaries: ...


#: The head, spans, summaries, ids added, changed and removed, and the
#: re-parsed sessions whose "ID" is not their key (key → ID).
Reparsed = tuple[bytes, Spans, Summaries, set[str], set[str], set[str], dict[str, object]]


def common_prefix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the longest common prefix of ``a[:limit]`` and ``b[:limit]``."""
    view = memoryview(a)
    pos = 0
    while pos < limit:
        end = min(limit, pos + _CHUNK)
        if b.startswith(view[pos:end], pos):
            pos = end
            continue
        low, high = pos, end  # a[:low] == b[:low]; they differ before high
        while high - low > 1:
            mid = (low + high) // 2
            if b.startswith(view[low:mid], low):
                low = mid
            else:
                high = mid
        return low
    return limit


def common_suffix(a: bytes, a_end: int, b: bytes, b_end: int, limit: int) -> int:
    """Length of the longest common suffix of ``a[:a_end]`` and ``b[:b_end]``, at most ``limit``."""
    view = memoryview(a)
    done = 0
    while done < limit:
        step = min(limit - done, _CHUNK)
        if b.startswith(view[a_end - done - step : a_end - done], b_end - done - step):
            done += step
            continue
        low, high = done, done + step  # the last ``low`` bytes agree; not the last ``high``
        while high - low > 1:
            mid = (low + high) // 2
            if b.startswith(view[a_end - mid : a_end - low], b_end - mid):
                low = mid
            else:
                high = mid
        return low
    return limit


def reparse(data: bytes, previous: PreviousReading) -> Reparsed | None:
    """The new document's head, spans and summaries, and ids added/changed/removed; or ``None``.

    ``previous`` must be a reading of the canonical layout (every snapshot
    with sessions is: see :func:`~tui.session.layout.join_items`). ``None`` means
    "parse the whole file" (a layout change, a duplicate key, a bad session).
    """
    old = previous.data
    prev_spans: Spans = previous._entries
    prev_summaries: Summaries = previous._summaries
    count = len(prev_spans)
    if not count:
        return None
    open_at = items_open(data)
    if open_at < 0 or open_at != items_open(old):
        return None
    closer_at = data.rfind(ITEMS_CLOSER)
    # Where the last session's bytes end: before the closer's line break (and
    # its carriage return, in a file with Windows line endings).
    new_close = closer_at - 1 if closer_at > 0 and data[closer_at - 1] == 13 else closer_at
    spans_list = list(prev_spans.values())
    ends = [end for _, end in spans_list]
    old_close = ends[-1]
    if new_close <= open_at:
        return None
    prefix = common_prefix(old, data, min(old_close, new_close))
    if prefix <= open_at:
        return None  # the change starts before the items: not worth the trouble
    suffix = common_suffix(old, old_close, data, new_close, min(old_close, new_close) - prefix)
    delta = new_close - old_close
    head = data[:open_at] + ITEMS_PLACEHOLDER + data[closer_at + len(ITEMS_CLOSER) :]
    if prefix == old_close == new_close:  # no session changed (the ``updated`` time did)
        return head, prev_spans, prev_summaries, set(), set(), set(), {}
    ids = list(prev_spans)
    first = max(0, bisect_left(ends, prefix) - 1)
    last = min(count - 1, bisect_left(ends, old_close - suffix) + 1)
    window_start = ends[first - 1] if first else open_at + 1
    window_end = ends[last] + delta
    walked = _walk(data, old, open_at, ids, spans_list, ends, first, last, window_start, window_end)
    if walked is None:
        return None
    found, reused = walked
    # The last session must end at the items' closer, and no earlier.
    last_start = found[-1][1] if last == count - 1 and found else spans_list[-1][0] + delta
    if data.find(ITEMS_CLOSER, last_start) != closer_at:
        return None
    old_window = ids[first : last + 1]
    outside = prev_spans.keys() - old_window
    view = memoryview(data)
    window_spans: Spans = {}
    window_summaries: Summaries = {}
    added: set[str] = set()
    changed: set[str] = set()
    odd_ids: dict[str, object] = {}
    loads = orjson.loads
    old_view = memoryview(old)
    for (session_id, start, end), same in zip(found, reused):
        if session_id in outside or session_id in window_spans:
            return None  # a duplicate key: let the full parse decide
        span = prev_spans.get(session_id)
        if span is not None and (
            same or (span[1] - span[0] == end - start and data.startswith(old_view[span[0] : span[1]], start))
        ):
            window_spans[session_id] = span if span[0] == start else (start, end)
            window_summaries[session_id] = prev_summaries[session_id]
            continue
        try:
            raw = loads(view[start:end])
            summary = summarize(raw, session_id)
        except (orjson.JSONDecodeError, FormatError, RecursionError):
            return None  # the full parse says what is wrong, and where
        if raw.get("ID") != session_id:
            odd_ids[session_id] = raw.get("ID")
        window_spans[session_id] = (start, end)
        window_summaries[session_id] = summary
        (changed if span is not None else added).add(session_id)
    removed = set(old_window) - window_spans.keys()
    spans: Spans = dict(islice(prev_spans.items(), first))
    spans.update(window_spans)
    tail = islice(prev_spans.items(), last + 1, None)
    if delta:
        spans.update((sid, (start + delta, end + delta)) for sid, (start, end) in tail)
    else:
        spans.update(tail)
    summaries: Summaries = dict(islice(prev_summaries.items(), first))
    summaries.update(window_summaries)
    summaries.update(islice(prev_summaries.items(), last + 1, None))
    return head, spans, summaries, added, changed, removed, odd_ids


def _walk(
    data: bytes,
    old: bytes,
    open_at: int,
    ids: list[str],
    spans: list[tuple[int, int]],
    ends: list[int],
    first: int,
    last: int,
    start: int,
    end: int,
) -> tuple[list[tuple[str, int, int]], list[bool]] | None:
    """The members of ``data[start:end]`` (the new bytes of old members ``first..last``).

    Walks the old members in order: one whose whole extent (separator, key
    and value) is found unchanged at the current position is taken as is,
    shifted (one ``memcmp``); elsewhere the next member is split off the new
    bytes with the checks of :func:`~tui.session.layout.split_items`, and
    the walk re-synchronises on its key. So several changes far apart (a
    reload that coalesced several writes) cost what the changed sessions
    cost, not a split of everything between them. Returns the members and,
    for each, whether it is an old member's bytes unchanged; ``None`` if the
    bytes are not in the expected layout.
    """
    old_view = memoryview(old)
    found: list[tuple[str, int, int]] = []
    reused: list[bool] = []
    position: dict[str, int] | None = None
    pattern = None
    pos = start
    i = first
    while True:
        if i <= last:
            extent_start = ends[i - 1] if i else open_at + 1
            extent_end = ends[i]
            if pos + extent_end - extent_start <= end and data.startswith(old_view[extent_start:extent_end], pos):
                shift = pos - extent_start
                found.append((ids[i], spans[i][0] + shift, spans[i][1] + shift))
                reused.append(True)
                pos += extent_end - extent_start
                i += 1
                continue
        if pos == end:
            return found, reused  # old members i..last were removed
        # Split the next member off the new bytes.
        if pattern is None:
            indent = member_indent(data, open_at, outer=b"  ")
            if indent is None:
                return None
            pattern = member_pattern(indent)
        match = pattern.search(data, pos, end)
        if match is None:
            return None
        gap = data[pos : match.start()]
        if pos > open_at + 1:
            if gap[:1] != b",":
                return None
            gap = gap[1:]
        if gap.strip(WS):
            return None
        try:
            key = decode_key(match.group(1))
        except ValueError:
            return None
        value_start = match.end() - 1
        following = pattern.search(data, value_start, end)
        if following is None:
            value_end = end
        else:
            comma = data.rfind(b",", value_start, following.start())
            if comma < 0 or data[comma + 1 : following.start()].strip(WS):
                return None
            value_end = comma
        found.append((key, value_start, value_end))
        reused.append(False)
        pos = value_end
        # Re-synchronise: the member is old member i changed, a later old one
        # (those between were removed), or a new one.
        if i <= last and key == ids[i]:
            i += 1
        else:
            if position is None:
                position = {sid: n for n, sid in enumerate(ids[first : last + 1], first)}
            j = position.get(key, -1)
            if j >= i:
                i = j + 1
