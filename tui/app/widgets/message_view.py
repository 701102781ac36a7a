"""``MessageView``: a session's message history, drawn a line at a time.

Lines are laid out once per (history, width, expanded) and only the visible
ones are drawn. With ``follow`` on and the view at its end, new messages
scroll into view as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual.binding import Binding
from textual.reactive import reactive
from textual.strip import Strip

from tui.session import Message

from ..render.messages import ROLE_STYLES, history_lines
from .parts import PartStyles
from .strip_view import StripView

_PARTS = {
    **{name: name for name in (*ROLE_STYLES.values(), "role--other")},
    "dim": "messages--dim",
    "summary": "messages--summary",
}


class MessageView(StripView):
    """The history of the selected session."""

    BINDINGS = [
        Binding(
            "e",
            "toggle_expand",
            "Expand long",
            tooltip="Show long messages whole, or cut them again",
        ),
    ]

    COMPONENT_CLASSES = set(_PARTS.values())

    #: Scroll to new messages when the view is at its end.
    follow: reactive[bool] = reactive(True)
    #: Show long messages whole.
    expanded: reactive[bool] = reactive(False)

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._styles = PartStyles(self, _PARTS)
        self._messages: Sequence[Message] = ()
        self._session_id: str | None = None

    def show(self, session_id: str | None, messages: Sequence[Message]) -> None:
        """Show a history. For the same session, follow new messages if at the end."""
        same = session_id == self._session_id
        at_end = self.is_vertical_scroll_end or self.max_scroll_y == 0
        self._session_id = session_id
        self._messages = list(messages)
        self._layout()
        # After the refresh: only then do the scroll limits know the new height.
        if self.follow and (at_end or not same):
            self.call_after_refresh(self.scroll_end, animate=False)
        elif not same:
            self.scroll_home(animate=False, immediate=True)
        self.refresh()

    def action_toggle_expand(self) -> None:
        self.expanded = not self.expanded

    def watch_expanded(self) -> None:
        self.relayout()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False)
        self.border_subtitle = "following" if follow else "not following (f)"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def lay_out(self, width: int) -> list[Strip]:
        console = self.app.console
        lines = history_lines(
            self._messages,
            self._clock(),
            width,
            console,
            self._styles.get(),
            expanded=self.expanded,
        )
        return [Strip(list(line.render(console))) for line in lines]
