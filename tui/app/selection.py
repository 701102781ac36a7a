"""``Selection``: the detail and message panes follow the tree's cursor.

A session is decoded and both panes laid out in a worker, once the cursor
has rested; a chat shows its sessions' summary at once.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.timer import Timer

from tui.session import Reading, SessionSummary, StoreError

from .base import AppBase
from .handoff import Handoff
from .messages import DetailLoaded
from .priority import lower_this_thread
from .render.chrome import store_noun
from .state.tree_model import ChatRow, SessionRow
from .widgets.detail_pane import DetailLayouter
from .widgets.message_view import HistoryLayouter
from .widgets.session_tree import SessionTree

#: The detail and message panes follow the cursor once it has rested this long (seconds).
SELECTION_DELAY = 0.06


class Selection(AppBase):
    """Shows what the cursor is on in the detail and message panes."""

    #: Counts the selections shown: a worker's result for an older one is dropped.
    _detail_sequence: int
    _selection_timer: Timer | None
    #: ``time.monotonic()`` when the cursor last moved.
    _cursor_moved_at: float

    @on(SessionTree.CursorMoved)
    def _cursor_moved(self, message: SessionTree.CursorMoved) -> None:
        # Show the selection once the cursor rests: decoding a session and
        # laying out its panes (in a worker, but holding the GIL) and drawing
        # them cost tens of milliseconds, which keys pressed in quick
        # succession would queue behind.
        self._cursor_moved_at = time.monotonic()
        if self._selection_timer is not None:
            self._selection_timer.stop()
        self._selection_timer = self.set_timer(SELECTION_DELAY, self._selection_rested)

    def _selection_rested(self) -> None:
        self._selection_timer = None
        if self.is_running:  # not while the app shuts down
            self._show_selection()

    def _show_selection(self) -> None:
        row = self.tree.cursor
        snapshot = self.snapshot
        self._detail_sequence += 1
        if isinstance(row, SessionRow) and snapshot is not None:
            summary = self.tree.summary(row.session_id)
            layouters = (self.detail.layouter(), self.messages_view.layouter())
            self._load_detail(self._detail_sequence, row.session_id, summary, Handoff(snapshot), layouters)
        elif isinstance(row, ChatRow):
            self.detail.show_chat(row.chat_id, self.tree.chat_summaries(row.chat_id), self.clock())
            self.messages_view.show(None, [])
        else:
            self.detail.show_note("No session selected.")
            self.messages_view.show(None, [])

    @work(thread=True, exit_on_error=False, group="detail", description="decode the selected session")
    def _load_detail(
        self,
        sequence: int,
        session_id: str,
        summary: SessionSummary | None,
        reading: Handoff[Reading],
        layouters: tuple[DetailLayouter, HistoryLayouter],
    ) -> None:
        """Decode the session and lay out both panes here: on a long history
        that is tens of milliseconds the UI thread would not answer keys."""
        snapshot = reading.take()  # the finished worker must not pin the reading
        lower_this_thread()

        def moved_on() -> bool:
            # The cursor left this session: stop, rather than hold the GIL for
            # work nobody will see while the UI thread answers the next key.
            return sequence != self._detail_sequence

        try:
            session = snapshot.session(session_id)
        except StoreError as exc:
            self.post_message(DetailLoaded(sequence, session_id, None, error=str(exc)))
            return
        if moved_on():
            return
        now = self.clock()
        detail_layouter, history_layouter = layouters
        detail = detail_layouter.session(session, summary, now)
        if moved_on():
            return
        history = history_layouter.history(session.messages or [], now)
        self.post_message(DetailLoaded(sequence, session_id, session, summary, detail=detail, history=history))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        if message.sequence != self._detail_sequence:
            return  # the cursor moved on meanwhile
        session = message.session
        if session is None:
            self.detail.show_note(message.error or f"This session is no longer in {store_noun(self.source.kind)}.")
            self.messages_view.show(message.session_id, [])
            return
        self.detail.show_session(session, message.summary, self.clock(), message.detail)
        self.messages_view.show(message.session_id, session.messages or [], message.history)
