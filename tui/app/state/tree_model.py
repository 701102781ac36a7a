"""The rows of the session tree: chats, and the sessions under each, kept in place.

Everything here is plain Python. The model keeps, per chat, the sorted list of
visible session ids and a prefix sum of row offsets, so a change to a few
sessions costs a few list operations, never a rebuild of tens of thousands of
rows. The order (:mod:`.order`: by activity, by chat id, failures first)
is a sort key per session, computed when it is added; chats, far fewer, are
re-sorted whenever rows change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from tui.session import LIVE_STATUSES, ChangeSet, Reading, SessionSummary

from .attention import trouble
from .classify import STALE, add_expiry, live_expiries, remove_expiry, shown_counts
from .filters import Filter
from .order import ACTIVITY, FAILURES, SessionKey, activity_time, chat_key, session_key


class ChatRow(NamedTuple):
    """A chat's header row."""

    chat_id: str


class SessionRow(NamedTuple):
    """A session's row under its chat."""

    chat_id: str
    session_id: str


Row = ChatRow | SessionRow


@dataclass
class ChatGroup:
    """One chat: every session id it has, and the visible ones in display order."""

    chat_id: str
    ids: set[str] = field(default_factory=set)
    visible: list[str] = field(default_factory=list)
    visible_set: set[str] = field(default_factory=set)
    statuses: Counter[str] = field(default_factory=Counter)
    #: Sorted expiry times of its live sessions, per live status (see :mod:`.classify`).
    expiries: dict[str, list[float]] = field(default_factory=dict)
    #: Sorted activity times of its sessions (see :func:`~.order.activity_time`): the last is the chat's latest.
    activity: list[float] = field(default_factory=list)

    def shown_counts(self, now: datetime) -> dict[str, int]:
        """Its sessions counted per :func:`~.classify.shown_status` at ``now``."""
        return shown_counts(self.statuses, self.expiries, now)


class TreeModel:
    """Sessions grouped by chat, filtered, with collapsed chats and marks."""

    def __init__(self) -> None:
        self.summaries: dict[str, SessionSummary] = {}
        self.groups: dict[str, ChatGroup] = {}
        #: Chats whose sessions are hidden (by chat id).
        self.collapsed: set[str] = set()
        #: Marked session ids (bulk actions apply to those visible).
        self.marked: set[str] = set()
        self.filter = Filter()
        #: How rows are ordered (one of :data:`~.order.ORDERS`).
        self.order = ACTIVITY
        self.now: datetime | None = None
        self._keys: dict[str, SessionKey] = {}  # session id -> its sort key in the order
        self._live: set[str] = set()  # running and pending sessions (their rank may change with time)
        self._chats: list[str] = []  # every chat id, in order
        self._shown: list[str] = []  # chats with rows, in order
        self._offsets: list[int] = []  # first row of each shown chat
        self._positions: dict[str, int] = {}  # chat id -> index in _shown
        self._rows = 0

    # -- loading ------------------------------------------------------------

    def load(self, snapshot: Reading, now: datetime) -> None:
        """Replace everything with the sessions of ``snapshot`` (marks of gone sessions drop)."""
        self.now = now
        self.summaries = {s.id: s for s in snapshot.summaries()}
        self.groups = {}
        live: list[SessionSummary] = []
        for summary in self.summaries.values():
            group = self.groups.get(summary.chat_id)
            if group is None:
                group = self.groups[summary.chat_id] = ChatGroup(summary.chat_id)
            group.ids.add(summary.id)
            group.statuses[str(summary.status)] += 1
            group.activity.append(activity_time(summary))
            if summary.status in LIVE_STATUSES:  # (most sessions are not: one pass over those)
                live.append(summary)
        for group in self.groups.values():
            group.activity.sort()
        for chat_id, group_live in groupby(sorted(live, key=attrgetter("chat_id")), attrgetter("chat_id")):
            self.groups[chat_id].expiries = live_expiries(group_live)
        self._live = {summary.id for summary in live}
        self._chats = list(self.groups)
        self._rekey()
        self.marked &= self.summaries.keys()
        self._refilter()

    def apply(self, snapshot: Reading, changes: ChangeSet, now: datetime) -> None:
        """Apply a change set: touch only the sessions it names."""
        self._rerank(now)
        for session_id in changes.removed:
            self._remove(session_id)
            self.marked.discard(session_id)
        for session_id in (*changes.added, *changes.changed):
            summary = snapshot.summary(session_id)
            if summary is None:
                continue
            if session_id in self.summaries:
                self._remove(session_id)
            self._add(summary)
        self._reindex()

    def set_filter(self, new_filter: Filter, now: datetime) -> None:
        """Show only the sessions ``new_filter`` matches."""
        self.filter = new_filter
        self._rerank(now)
        self._refilter()

    def set_order(self, order: str, now: datetime) -> None:
        """Order the rows by ``order`` (one of :data:`~.order.ORDERS`)."""
        self.order = order
        self.now = now
        self._rekey()
        self._refilter()

    def advance(self, now: datetime) -> bool:
        """Move the clock on: in the failures-first order, sessions that turned
        stale since move up. Returns whether any row moved."""
        moved = self._rerank(now)
        if moved:  # (a chat's rank changes only with its sessions')
            self._reindex()
        return moved

    def _rerank(self, now: datetime) -> bool:
        """Set the clock to ``now``; in the failures-first order, re-place the
        live sessions whose rank changed since (turned stale). Whether any did."""
        self.now = now
        if self.order != FAILURES:
            return False
        moved = [sid for sid in self._live if session_key(self.order, self.summaries[sid], now) != self._keys[sid]]
        for session_id in moved:
            summary = self.summaries[session_id]
            self._remove(session_id)
            self._add(summary)
        return bool(moved)

    def toggle_chat(self, chat_id: str, expanded: bool | None = None) -> None:
        """Collapse or expand a chat (``None`` flips it)."""
        if expanded is None:
            expanded = chat_id in self.collapsed
        if expanded:
            self.collapsed.discard(chat_id)
        else:
            self.collapsed.add(chat_id)
        self._reindex()

    # -- rows ---------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Number of rows the tree shows."""
        return self._rows

    def row_at(self, index: int) -> Row | None:
        """The row at ``index``, or ``None`` past the end."""
        if not 0 <= index < self._rows:
            return None
        position = bisect_right(self._offsets, index) - 1
        chat_id = self._shown[position]
        within = index - self._offsets[position]
        if within == 0:
            return ChatRow(chat_id)
        return SessionRow(chat_id, self.groups[chat_id].visible[within - 1])

    def index_of(self, row: Row) -> int | None:
        """The index of a row, or ``None`` if it is not shown."""
        position = self._chat_position(row.chat_id)
        if position is None:
            return None
        start = self._offsets[position]
        if isinstance(row, ChatRow):
            return start
        group = self.groups[row.chat_id]
        if row.chat_id in self.collapsed or row.session_id not in group.visible_set:
            return None
        within = bisect_left(group.visible, self._keys[row.session_id], key=self._key)
        return start + 1 + within

    def live_ids(self) -> set[str]:
        """The running and pending sessions (a copy)."""
        return set(self._live)

    def next_trouble(self, start: Row | None, forward: bool, now: datetime) -> SessionRow | None:
        """The next (or previous) visible session that is failed or stale at
        ``now``, after ``start`` in display order, wrapping around; collapsed
        chats are searched too. ``None`` when there is none (``start`` itself
        is found last, when it is the only one)."""
        shown = self._shown
        if not shown:
            return None
        position = None if start is None else self._positions.get(start.chat_id)
        if position is None:
            position, start = (0 if forward else len(shown) - 1), None
        visible = self.groups[shown[position]].visible
        # The start's chat is searched in two parts: after the start, and (after every other chat) up to it.
        first: Iterable[str] = ()
        last: Iterable[str] = ()
        if isinstance(start, SessionRow) and start.session_id in self.groups[start.chat_id].visible_set:
            index = bisect_left(visible, self._keys[start.session_id], key=self._key)
            if forward:
                first, last = visible[index + 1 :], visible[: index + 1]
            else:
                first, last = reversed(visible[:index]), reversed(visible[index:])
        elif forward:  # on a chat row: its sessions come after it
            first = visible
        else:
            last = reversed(visible)
        count = len(shown)
        step = 1 if forward else -1
        order = [first]
        for offset in range(1, count):
            chat = self.groups[shown[(position + step * offset) % count]]
            if self._has_trouble(chat, now):
                order.append(chat.visible if forward else reversed(chat.visible))
        order.append(last)
        for ids in order:
            for session_id in ids:
                if trouble(self.summaries[session_id], now) is not None:
                    return SessionRow(self.summaries[session_id].chat_id, session_id)
        return None

    def _has_trouble(self, group: ChatGroup, now: datetime) -> bool:
        return group.statuses.get("failed", 0) > 0 or group.shown_counts(now).get(STALE, 0) > 0

    def visible_ids(self, chat_id: str | None = None) -> list[str]:
        """Visible session ids (of one chat, or all), in display order."""
        chats = self._shown if chat_id is None else [chat_id]
        return [sid for chat in chats if chat in self.groups for sid in self.groups[chat].visible]

    def marked_visible(self) -> list[str]:
        """Marked sessions that the filter shows, in display order."""
        if not self.marked:
            return []
        return [sid for sid in self.visible_ids() if sid in self.marked]

    def toggle_marks(self, session_ids: Iterable[str]) -> None:
        """Mark the given sessions, or unmark them all if every one is marked."""
        ids = list(session_ids)
        if ids and all(sid in self.marked for sid in ids):
            self.marked.difference_update(ids)
        else:
            self.marked.update(ids)

    # -- internals ----------------------------------------------------------

    def _key(self, session_id: str) -> SessionKey:
        return self._keys[session_id]

    def _rekey(self) -> None:
        now = self.now or datetime.now().astimezone()
        order = self.order
        self._keys = {sid: session_key(order, summary, now) for sid, summary in self.summaries.items()}

    def _sorted_chats(self) -> list[str]:
        now = self.now or datetime.now().astimezone()
        groups, order = self.groups, self.order
        return sorted(self._chats, key=lambda chat_id: chat_key(order, groups[chat_id], now))

    def _visible(self, summary: SessionSummary) -> bool:
        return not self.filter.active or self.filter.matches(summary, self.now or datetime.now().astimezone())

    def _add(self, summary: SessionSummary) -> None:
        self.summaries[summary.id] = summary
        self._keys[summary.id] = session_key(self.order, summary, self.now or datetime.now().astimezone())
        if summary.status in LIVE_STATUSES:
            self._live.add(summary.id)
        group = self.groups.get(summary.chat_id)
        if group is None:
            group = self.groups[summary.chat_id] = ChatGroup(summary.chat_id)
            self._chats.append(summary.chat_id)  # (put in its place by _reindex)
        group.ids.add(summary.id)
        group.statuses[str(summary.status)] += 1
        insort(group.activity, activity_time(summary))
        add_expiry(group.expiries, summary)
        if self._visible(summary):
            insort(group.visible, summary.id, key=self._key)
            group.visible_set.add(summary.id)

    def _remove(self, session_id: str) -> None:
        summary = self.summaries.get(session_id)
        if summary is None:
            return
        group = self.groups[summary.chat_id]
        if session_id in group.visible_set:
            # Found by its sort key (still in self._keys).
            index = bisect_left(group.visible, self._keys[session_id], key=self._key)
            del group.visible[index]
            group.visible_set.discard(session_id)
        del self.summaries[session_id]
        del self._keys[session_id]
        self._live.discard(session_id)
        group.ids.discard(session_id)
        group.statuses[str(summary.status)] -= 1
        activity = activity_time(summary)
        del group.activity[bisect_left(group.activity, activity)]
        remove_expiry(group.expiries, summary)
        if not group.ids:
            del self.groups[summary.chat_id]
            self._chats.remove(summary.chat_id)

    def _refilter(self) -> None:
        key = self._key
        for group in self.groups.values():
            visible = [sid for sid in group.ids if self._visible(self.summaries[sid])]
            visible.sort(key=key)
            group.visible = visible
            group.visible_set = set(visible)
        self._reindex()

    def _reindex(self) -> None:
        self._chats = self._sorted_chats()
        shown = self._chats if not self.filter.active else [c for c in self._chats if self.groups[c].visible]
        offsets = []
        rows = 0
        for chat_id in shown:
            offsets.append(rows)
            rows += 1
            if chat_id not in self.collapsed:
                rows += len(self.groups[chat_id].visible)
        self._shown, self._offsets, self._rows = shown, offsets, rows
        self._positions = {chat_id: i for i, chat_id in enumerate(shown)}

    def _chat_position(self, chat_id: str) -> int | None:
        return self._positions.get(chat_id)
