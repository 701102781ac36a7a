"""``StripView``: a scrollable pane of lines laid out once, drawn a line at a time.

The panes beside the tree change on every cursor rest. As a ``Static`` in a
scroll container, each change measured the content's height (one full
render), re-arranged the whole screen, and rendered it again. Here the
content is rendered to strips once per (content, width), the pane's size is
fixed by the stylesheet, and only the visible lines are drawn.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .parts import ForwardKeysAfterFocusMoves


class StripView(ForwardKeysAfterFocusMoves, ScrollView, can_focus=True):
    """Subclasses say what to draw in :meth:`lay_out` and call :meth:`relayout` when it changes."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._laid_out_width = -1

    def lay_out(self, width: int) -> list[Strip]:
        """The pane's lines at ``width`` cells (may be shorter; they are padded)."""
        raise NotImplementedError

    def relayout(self) -> None:
        """Lay the content out again (it changed) and redraw."""
        self._layout()
        self.refresh()

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        if width > 0:
            self._laid_out_width = width
            self._strips = self.lay_out(width)
            self.virtual_size = Size(width, len(self._strips))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if width != self._laid_out_width:  # a scrollbar came or went
            self._layout()
        if 0 <= index < len(self._strips):
            return self._strips[index].adjust_cell_length(width).apply_style(self.rich_style)
        return Strip.blank(width, self.rich_style)

    def _on_resize(self, event: events.Resize) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._laid_out_width = -1  # styles are baked into the strips
