"""The rows of the session tree: chats, and the sessions under each, kept in place.

Everything here is plain Python. The model keeps, per chat, the sorted list of
visible session ids and a prefix sum of row offsets, so a change to a few
sessions costs a few list operations, never a rebuild of tens of thousands of
rows. Chats are ordered by chat id and sessions newest first, so that live
changes add rows without reshuffling the ones already there.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from tui.session import LIVE_STATUSES, ChangeSet, Reading, SessionSummary

from .classify import add_expiry, live_expiries, remove_expiry, shown_counts
from .filters import Filter


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

    def shown_counts(self, now: datetime) -> dict[str, int]:
        """Its sessions counted per :func:`~.classify.shown_status` at ``now``."""
        return shown_counts(self.statuses, self.expiries, now)


def _newest_first(summary: SessionSummary) -> tuple[float, str]:
    created = summary.created_at.timestamp() if summary.created_at is not None else float("-inf")
    return (-created, summary.id)


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
        self.now: datetime | None = None
        self._chats: list[str] = []  # every chat id, sorted
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
            if summary.status in LIVE_STATUSES:  # (most sessions are not: one pass over those)
                live.append(summary)
        for chat_id, group_live in groupby(sorted(live, key=attrgetter("chat_id")), attrgetter("chat_id")):
            self.groups[chat_id].expiries = live_expiries(group_live)
        self._chats = sorted(self.groups)
        self.marked &= self.summaries.keys()
        self._refilter()

    def apply(self, snapshot: Reading, changes: ChangeSet, now: datetime) -> None:
        """Apply a change set: touch only the sessions it names."""
        self.now = now
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
        self.now = now
        self._refilter()

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
        summary = self.summaries[row.session_id]
        within = bisect_right(group.visible, _newest_first(summary), key=self._key) - 1
        return start + 1 + within

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

    def _key(self, session_id: str) -> tuple[float, str]:
        return _newest_first(self.summaries[session_id])

    def _visible(self, summary: SessionSummary) -> bool:
        return not self.filter.active or self.filter.matches(summary, self.now or datetime.now().astimezone())

    def _add(self, summary: SessionSummary) -> None:
        self.summaries[summary.id] = summary
        group = self.groups.get(summary.chat_id)
        if group is None:
            group = self.groups[summary.chat_id] = ChatGroup(summary.chat_id)
            insort(self._chats, summary.chat_id)
        group.ids.add(summary.id)
        group.statuses[str(summary.status)] += 1
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
            # Find by the sort key (the summary is still in self.summaries).
            index = bisect_right(group.visible, _newest_first(summary), key=self._key) - 1
            del group.visible[index]
            group.visible_set.discard(session_id)
        del self.summaries[session_id]
        group.ids.discard(session_id)
        group.statuses[str(summary.status)] -= 1
        remove_expiry(group.expiries, summary)
        if not group.ids:
            del self.groups[summary.chat_id]
            self._chats.remove(summary.chat_id)

    def _refilter(self) -> None:
        for group in self.groups.values():
            visible = [self.summaries[sid] for sid in group.ids if self._visible(self.summaries[sid])]
            visible.sort(key=_newest_first)
            group.visible = [s.id for s in visible]
            group.visible_set = set(group.visible)
        self._reindex()

    def _reindex(self) -> None:
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
