"""``UndoneNotice``: the line at the top that names the edits a later reading showed undone.

It stays until dismissed (the app's ``u`` key, or a click), unlike a toast:
an undo by the bot can come long after the edit, when nobody watches the
toasts. Its text is ``Text`` from :func:`~tui.app.render.undo.notice_text`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.message import Message
from textual.widgets import Static

from ..render.undo import notice_text
from ..state.undone import Undo


class UndoneNotice(Static):
    """Hidden while nothing is undone; otherwise one or two lines, until dismissed."""

    class DismissRequested(Message):
        """The notice was clicked: dismiss it."""

    def show(self, undone: Sequence[Undo]) -> None:
        """Show these undone edits (oldest first), or hide the notice if there are none."""
        self.display = bool(undone)
        if undone:
            self.update(notice_text([u.undone for u in undone], by_bot=any(u.by_bot for u in undone)))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.DismissRequested())
