"""``StripView``: a scrollable pane of lines laid out once, drawn a line at a time.

The panes beside the tree change on every cursor rest. As a ``Static`` in a
scroll container, each change measured the content's height (one full
render), re-arranged the whole screen, and rendered it again. Here the
content is a :data:`Layout` (a pure function from width to lines), laid out
once per (content, width), possibly by a worker thread (:class:`Prepared`);
the pane's size is fixed by the stylesheet, and only visible lines are drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .parts import ForwardKeysAfterFocusMoves

#: A pane's content: its lines at a width in cells (they may be shorter). Pure:
#: it may run on any thread.
Layout = Callable[[int], list[Strip]]


def rich_layout(content: Callable[[], RenderableType], console: Console, options: ConsoleOptions) -> Layout:
    """The layout of a Rich renderable (made anew at each width: renderables may cache)."""

    def lay_out(width: int) -> list[Strip]:
        segments = console.render(content(), options.update(highlight=False, width=width))
        lines = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        return [Strip(line) for line in lines]

    return lay_out


@dataclass(frozen=True)
class Prepared:
    """A layout and its lines at one width, computed ahead (by a worker)."""

    layout: Layout
    width: int
    lines: list[Strip]

    @classmethod
    def at(cls, layout: Layout, width: int) -> Prepared:
        return cls(layout, width, layout(width) if width > 0 else [])


class StripView(ForwardKeysAfterFocusMoves, ScrollView, can_focus=True):
    """Shows a :data:`Layout`; lays it out again when the width or the styles change."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, layout: Layout, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: Layout = layout
        self._strips: list[Strip] = []
        self._laid_out_width = -1
        self._restyle = False

    @property
    def content_width(self) -> int:
        """The width, in cells, that lines are laid out at."""
        return self.scrollable_content_region.width

    def show_layout(self, layout: Layout | Prepared) -> None:
        """Show ``layout`` (using a prepared result if it is for the current width) and redraw."""
        if isinstance(layout, Prepared):
            self._content = layout.layout
            if layout.width == self.content_width > 0:
                self._set_lines(layout.width, layout.lines)
            else:
                self._layout()
        else:
            self._content = layout
            self._layout()
        self.refresh()

    def restyled(self) -> Layout:
        """The current content's layout with the current styles (after a theme change)."""
        return self._content

    def _layout(self) -> None:
        width = self.content_width
        if self._restyle and self.is_mounted:
            self._restyle = False
            self._content = self.restyled()
        if width > 0:
            self._set_lines(width, self._content(width))

    def _set_lines(self, width: int, lines: list[Strip]) -> None:
        self._laid_out_width = width
        self._strips = lines
        self.virtual_size = Size(width, len(lines))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.content_width
        if width != self._laid_out_width:  # a scrollbar came or went
            self._layout()
        base = self.base_style()
        if 0 <= index < len(self._strips):
            return self._strips[index].adjust_cell_length(width).apply_style(base)
        return Strip.blank(width, base)

    def base_style(self) -> Style:
        """The style under every line: the widget's own colours."""
        return self.rich_style

    def _on_resize(self, event: events.Resize) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._laid_out_width = -1  # styles are baked into the lines
        self._restyle = True
