"""``SessionTree``: chats and their sessions, drawn a line at a time.

Textual's ``Tree`` rebuilds and measures every line on any change; with tens
of thousands of sessions rewritten several times a second that freezes the
screen. This widget renders only the visible rows from a
:class:`~tui.app.state.tree_model.TreeModel`, which applies change sets in
place. The cursor is a row (chat or session), not an index, so it stays on
its session while rows come and go above it, and so does its place on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.session import ChangeSet, Reading, SessionSummary

from ..render.rows import chat_row, session_row
from ..state.attention import Alert, TroubleWatch
from ..state.filters import Filter
from ..state.tree_model import ChatRow, Row, SessionRow, TreeModel
from ..state.unseen import CHANGED, NEW, Tally, Unseen
from .parts import ForwardKeysAfterFocusMoves, BADGE_CLASSES, PartStyles

#: How long new and changed sessions stay highlighted.
FLASH_SECONDS = 1.5

_PARTS = {name: f"session-tree--{name}" for name in ("chat", "dim", "id", "agent", "project", "mark")}
#: Rows with a background of their own: every part is resolved on it.
_CONTEXTS = {name: f"session-tree--{name}" for name in ("cursor", "cursor-blurred", "flash")}


@dataclass
class TreeMessage(Message):
    """A message from a :class:`SessionTree` (its ``control``, for ``@on`` selectors)."""

    tree: SessionTree

    @property
    def control(self) -> SessionTree:
        return self.tree


class SessionTree(ForwardKeysAfterFocusMoves, ScrollView, can_focus=True):
    """Sessions grouped by chat, with status badges, marks and a cursor."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("left,h", "collapse", "Collapse chat", show=False, tooltip="Collapse the chat (or go to it)"),
        Binding("right,l", "expand", "Expand chat", show=False),
        Binding("enter", "toggle_chat", "Expand/collapse", show=False, tooltip="Expand or collapse the chat"),
        Binding("space", "mark", "Mark", tooltip="Mark the session (on a chat: all its shown sessions)"),
    ]

    COMPONENT_CLASSES = {*_PARTS.values(), *_CONTEXTS.values(), *BADGE_CLASSES.values()}

    @dataclass
    class CursorMoved(TreeMessage):
        """The cursor is on another row (``None``: the tree is empty)."""

        row: Row | None

    @dataclass
    class NeedsLook(TreeMessage):
        """Sessions have just turned failed or stale."""

        alerts: list[Alert]

    @dataclass
    class UnseenChanged(TreeMessage):
        """The count of changes out of view changed (see :attr:`SessionTree.unseen_text`)."""

    @dataclass
    class MarksChanged(TreeMessage):
        """Marks were added or removed."""

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = TreeModel()
        self.cursor: Row | None = None
        self._clock = clock
        self._flash_until: dict[str, float] = {}
        self._styles = PartStyles(self, {**_PARTS, **BADGE_CLASSES}, _CONTEXTS)
        self._trouble = TroubleWatch()
        self._unseen = Unseen()
        self._tally = Tally()

    @property
    def unseen_text(self) -> str:
        """Changes out of view, for the border: ``2 new above · 1 changed below``."""
        return self._tally.text()

    # -- what is shown -------------------------------------------------------

    @property
    def filter(self) -> Filter:
        """The filter the rows are shown under."""
        return self.model.filter

    @property
    def order(self) -> str:
        """The order of the rows (see :mod:`~tui.app.state.order`)."""
        return self.model.order

    @property
    def row_count(self) -> int:
        """How many rows (chats and sessions) the filter shows."""
        return self.model.row_count

    @property
    def marked_count(self) -> int:
        """How many marked sessions the filter shows."""
        return len(self.model.marked_visible())

    def summary(self, session_id: str) -> SessionSummary | None:
        """The summary of a session of the reading shown (filtered out or not)."""
        return self.model.summaries.get(session_id)

    def chat_summaries(self, chat_id: str) -> list[SessionSummary]:
        """The summaries of a chat's sessions the filter shows, in row order."""
        summaries = self.model.summaries
        return [summaries[sid] for sid in self.model.visible_ids(chat_id)]

    # -- data in ------------------------------------------------------------

    def load(self, snapshot: Reading) -> None:
        """Show ``snapshot`` from scratch (first load, or after an error)."""
        now = self._clock()
        self.model.load(snapshot, now)
        summaries = self.model.summaries
        self._trouble.load((summaries[sid] for sid in self.model.live_ids()), now)
        self._unseen.clear()
        self._after_change(keep=self.cursor, old_index=None)

    def apply(self, snapshot: Reading, changes: ChangeSet) -> set[str]:
        """Apply a change set in place; new and changed sessions flash.

        When no row moved on screen (a writer changed sessions elsewhere in
        the list, or in place), only the rows of the named sessions and their
        chats are repainted, not every visible row. Returns the ids of the
        chats whose sessions changed.
        """
        model = self.model
        touched = (*changes.added, *changes.changed)
        # Chat rows show counts per status: those of every session named, before and after.
        chats = {model.summaries[sid].chat_id for sid in (*changes.removed, *changes.changed) if sid in model.summaries}
        old_index, cursor = self.cursor_index, self.cursor
        window, scroll_y = self._window_rows(), self.scroll_offset.y
        before = {sid: model.summaries.get(sid) for sid in touched}
        now = self._clock()
        model.apply(snapshot, changes, now)
        chats.update(model.summaries[sid].chat_id for sid in touched if sid in model.summaries)
        self.flash(touched)
        alerts = self._trouble.changed(before, (model.summaries[sid] for sid in touched if sid in model.summaries), now)
        self._trouble.removed(changes.removed)
        if alerts:
            self.post_message(self.NeedsLook(self, alerts))
        # Noted first; the tally after the rows moved forgets those in view.
        self._unseen.forget(changes.removed)
        self._unseen.note(changes.added, NEW)
        self._unseen.note(changes.changed, CHANGED)
        self._after_change(keep=self.cursor, old_index=old_index, repaint=False)
        if self.cursor == cursor and self.scroll_offset.y == scroll_y and self._window_rows() == window:
            self._refresh_rows(touched, chats)
        else:
            self.refresh()
        return chats

    def set_filter(self, new_filter: Filter) -> None:
        """Show only what ``new_filter`` matches; the cursor stays if it can."""
        self.model.set_filter(new_filter, self._clock())
        self._after_change(keep=self.cursor, old_index=None)

    def set_order(self, order: str) -> None:
        """Order the rows by ``order`` (see :mod:`~tui.app.state.order`); the cursor keeps its row."""
        self.model.set_order(order, self._clock())
        self._after_change(keep=self.cursor, old_index=None)

    def tick(self) -> None:
        """The clock moved on: re-place rows whose order depends on it (stale sessions)."""
        old_index = self.cursor_index
        now = self._clock()
        if self.model.advance(now):
            self._after_change(keep=self.cursor, old_index=old_index)
        alerts = self._trouble.tick(now, self.model.summaries)
        if alerts:
            self.post_message(self.NeedsLook(self, alerts))

    def jump_to_trouble(self, forward: bool) -> bool:
        """Move to the next (or previous) failed or stale session, opening its
        chat if collapsed. False when no shown session needs a look."""
        row = self.model.next_trouble(self.cursor, forward, self._clock())
        if row is None:
            return False
        if row.chat_id in self.model.collapsed:
            old_index = self.cursor_index
            self.model.toggle_chat(row.chat_id, expanded=True)
            self._after_change(keep=self.cursor, old_index=old_index)
        return self.select_session(row.session_id)

    @property
    def flashing(self) -> bool:
        """Whether a session is highlighted as changed now (see :meth:`flash`)."""
        now = time.monotonic()
        return any(until > now for until in self._flash_until.values())

    def flash(self, session_ids: Iterable[str]) -> None:
        """Highlight sessions briefly."""
        until = time.monotonic() + FLASH_SECONDS
        ids = list(session_ids)
        if not ids:
            return
        for session_id in ids:
            self._flash_until[session_id] = until
        self.set_timer(FLASH_SECONDS + 0.05, self._end_flash)

    # -- cursor ---------------------------------------------------------------

    @property
    def cursor_index(self) -> int | None:
        """Row index of the cursor, or ``None``."""
        return None if self.cursor is None else self.model.index_of(self.cursor)

    @property
    def cursor_session(self) -> str | None:
        """The session id under the cursor, if the cursor is on a session."""
        return self.cursor.session_id if isinstance(self.cursor, SessionRow) else None

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped) and scroll it into view."""
        count = self.model.row_count
        row = self.model.row_at(max(0, min(index, count - 1))) if count else None
        old_index = self.cursor_index
        scroll_y = self.scroll_offset.y
        self._set_cursor(row)
        new_index = self.cursor_index
        if new_index is not None:
            self.scroll_to_region(Region(0, new_index, 1, 1), animate=False, immediate=True)
        if self.scroll_offset.y == scroll_y and old_index is not None and new_index is not None:
            # Only the two rows whose cursor highlight changed: a full repaint
            # re-renders every visible row on every keystroke.
            self.refresh_line(old_index)
            self.refresh_line(new_index)
        else:
            self.refresh()

    def select_session(self, session_id: str) -> bool:
        """Move the cursor to a session if it is shown."""
        summary = self.model.summaries.get(session_id)
        if summary is None:
            return False
        index = self.model.index_of(SessionRow(summary.chat_id, session_id))
        if index is None:
            return False
        self.move_cursor(index)
        return True

    def targets(self) -> list[str]:
        """What an edit applies to: marked visible sessions, else the cursor's.

        On a chat row with nothing marked, that chat's visible sessions.
        """
        marked = self.model.marked_visible()
        if marked:
            return marked
        if isinstance(self.cursor, SessionRow):
            return [self.cursor.session_id]
        if isinstance(self.cursor, ChatRow):
            return self.model.visible_ids(self.cursor.chat_id)
        return []

    # -- actions ------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_page_up(self) -> None:
        self._step(-max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._step(max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.model.row_count - 1)

    def action_collapse(self) -> None:
        row = self.cursor
        if isinstance(row, SessionRow):
            self._set_cursor(ChatRow(row.chat_id))
        elif isinstance(row, ChatRow):
            self._toggle(row.chat_id, expanded=False)
            return
        self.move_cursor(self.cursor_index or 0)

    def action_expand(self) -> None:
        if isinstance(self.cursor, ChatRow):
            self._toggle(self.cursor.chat_id, expanded=True)

    def action_toggle_chat(self) -> None:
        if isinstance(self.cursor, ChatRow):
            self._toggle(self.cursor.chat_id, expanded=None)

    def action_mark(self) -> None:
        """Mark or unmark the session under the cursor (a chat: all its visible sessions)."""
        row = self.cursor
        if isinstance(row, SessionRow):
            self.model.toggle_marks([row.session_id])
            self._step(1)
        elif isinstance(row, ChatRow):
            self.model.toggle_marks(self.model.visible_ids(row.chat_id))
            self.refresh()
        else:
            return
        self.post_message(self.MarksChanged(self))

    def unmark(self, session_ids: Iterable[str]) -> None:
        """Unmark these sessions (those marked: the others are left as they are)."""
        unmarked = self.model.marked.intersection(session_ids)
        if unmarked:
            self.model.marked.difference_update(unmarked)
            self.refresh()
            self.post_message(self.MarksChanged(self))

    def clear_marks(self) -> None:
        """Unmark everything."""
        if self.model.marked:
            self.model.marked.clear()
            self.refresh()
            self.post_message(self.MarksChanged(self))

    async def _on_click(self, event: events.Click) -> None:
        # Rows start inside the border: a click on the border selects nothing.
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        row = self.model.row_at(index)
        if row is None:
            return
        self._set_cursor(row)
        if isinstance(row, ChatRow) and event.chain >= 2:
            self._toggle(row.chat_id, expanded=None)
        self.refresh()

    # -- rendering ----------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        row = self.model.row_at(index)
        base = self._styles.fill()  # the tree's own text, readable on its background
        if row is None:
            return Strip.blank(width, base)
        context: str | None = None
        if row == self.cursor:
            context = "cursor" if self.has_focus else "cursor-blurred"
        elif isinstance(row, SessionRow) and self._flash_until.get(row.session_id, 0) > time.monotonic():
            context = "flash"
        styles = self._styles.get(context)
        now = self._clock()
        if isinstance(row, ChatRow):
            group = self.model.groups[row.chat_id]
            shown = len(group.visible) if self.model.filter.active else None
            text = chat_row(group, row.chat_id not in self.model.collapsed, width, styles, now, shown=shown)
        else:
            summary = self.model.summaries[row.session_id]
            text = session_row(summary, now, width, styles, marked=row.session_id in self.model.marked)
        # Every part is drawn on the row's background; the fill covers the gaps between them.
        return self._strip(text, width).apply_style(self._styles.fill(context)).apply_style(base)

    def _strip(self, text: Text, width: int) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._retally()

    def on_resize(self, event: events.Resize) -> None:
        self._retally()

    def _retally(self) -> None:
        """Count the unseen changes out of view again (what came into view is seen)."""
        if not self._unseen.kinds and not any(self._tally):
            return
        top = self.scroll_offset.y
        tally = self._unseen.tally(self._row_of, top, top + self.scrollable_content_region.height)
        if tally != self._tally:
            self._tally = tally
            self.post_message(self.UnseenChanged(self))

    def _row_of(self, session_id: str) -> int | None:
        """The row showing a session: its own, or its chat's when collapsed; ``None`` if filtered out."""
        model = self.model
        summary = model.summaries.get(session_id)
        if summary is None:
            return None
        index = model.index_of(SessionRow(summary.chat_id, session_id))
        if index is None and summary.chat_id in model.collapsed:
            index = model.index_of(ChatRow(summary.chat_id))
        return index

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    # -- internals ----------------------------------------------------------

    def _step(self, delta: int) -> None:
        index = self.cursor_index
        self.move_cursor(0 if index is None else index + delta)

    def _toggle(self, chat_id: str, expanded: bool | None) -> None:
        old_index = self.cursor_index
        self.model.toggle_chat(chat_id, expanded)
        self._after_change(keep=self.cursor, old_index=old_index)

    def _set_cursor(self, row: Row | None) -> None:
        if row != self.cursor:
            self.cursor = row
            self.post_message(self.CursorMoved(self, row))

    def _after_change(self, keep: Row | None, old_index: int | None, *, repaint: bool = True) -> None:
        """Re-find the cursor's row after the rows changed; keep its screen line."""
        model = self.model
        # Width 0: rows fit the width, never scroll sideways; and a size that
        # does not follow the layout changes only with the row count (setting
        # a new one repaints and re-lays out the whole tree).
        self.virtual_size = Size(0, model.row_count)
        index = None if keep is None else model.index_of(keep)
        if index is None and isinstance(keep, SessionRow):
            summary = model.summaries.get(keep.session_id)
            if summary is not None:  # moved to another chat, or its chat is collapsed
                index = model.index_of(SessionRow(summary.chat_id, keep.session_id))
                if index is None:
                    index = model.index_of(ChatRow(summary.chat_id))
        if index is None:
            # The row is gone: stay at the same place in the list.
            fallback = old_index if old_index is not None else (1 if keep is None else 0)
            index = max(0, min(fallback, model.row_count - 1))
        row = model.row_at(index)
        if old_index is not None and row is not None and self.scroll_offset.y > 0:
            # Keep the cursor on the same screen line while rows come and go
            # above it; but a view at the top stays there, so that new rows
            # at the top are seen (the cursor moves down with its row).
            self.scroll_to(y=self.scroll_offset.y + index - old_index, animate=False, immediate=True)
        self._set_cursor(row)
        if row is not None:
            self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)
        if repaint:
            self.refresh()
        self._retally()

    def _end_flash(self) -> None:
        now = time.monotonic()
        ended = [k for k, v in self._flash_until.items() if v <= now]
        self._flash_until = {k: v for k, v in self._flash_until.items() if v > now}
        self._refresh_rows(ended, ())

    def _window_rows(self) -> list[Row | None]:
        """The rows on screen now, top to bottom."""
        top = self.scroll_offset.y
        return [self.model.row_at(i) for i in range(top, top + self.scrollable_content_region.height)]

    def _refresh_rows(self, session_ids: Iterable[str], chat_ids: Iterable[str]) -> None:
        """Repaint the rows of these sessions and chats that are on screen."""
        model = self.model
        rows: list[Row] = [ChatRow(chat_id) for chat_id in chat_ids]
        for session_id in session_ids:
            summary = model.summaries.get(session_id)
            if summary is not None:
                rows.append(SessionRow(summary.chat_id, session_id))
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        for index in {model.index_of(row) for row in rows}:
            if index is not None and top <= index < bottom:
                self.refresh_line(index)
