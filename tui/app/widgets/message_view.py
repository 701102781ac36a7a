"""``MessageView``: a session's message history, drawn a line at a time.

Lines are laid out once per (history, width, expanded) and only the visible
ones are drawn. With ``follow`` on and the view at its end, new messages
scroll into view as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.session import Message

from ..render.messages import ROLE_STYLES, history_lines
from .parts import ForwardKeysAfterFocusMoves, PartStyles

_PARTS = {
    **{name: name for name in (*ROLE_STYLES.values(), "role--other")},
    "dim": "messages--dim",
    "summary": "messages--summary",
}


class MessageView(ForwardKeysAfterFocusMoves, ScrollView, can_focus=True):
    """The history of the selected session."""

    BINDINGS = [
        Binding("e", "toggle_expand", "Expand long", tooltip="Show long messages whole, or cut them again"),
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
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
        self._strips: list[Strip] = []
        self._laid_out_width = -1

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
        self._layout()
        self.refresh()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False)
        self.border_subtitle = "following" if follow else "not following (f)"

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if width != self._laid_out_width:
            self._layout()
        if 0 <= index < len(self._strips):
            return self._strips[index].adjust_cell_length(width).apply_style(self.rich_style)
        return Strip.blank(width, self.rich_style)

    def _on_resize(self, event: events.Resize) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._laid_out_width = -1

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        self._laid_out_width = width
        console = self.app.console
        lines = history_lines(self._messages, self._clock(), width, console, self._styles.get(), expanded=self.expanded)
        self._strips = [Strip(list(line.render(console))) for line in lines]
        self.virtual_size = Size(width, len(self._strips))
