"""``MessageView``: a session's message history, drawn a line at a time.

Lines are laid out once per (history, width, expanded), by the detail
worker when it can (:class:`HistoryLayouter`), and only the visible ones are
drawn. With ``follow`` on and the view at its end, new messages scroll into
view as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip

from tui.session import Message

from ..render.messages import ROLE_STYLES, history_lines
from .parts import PartStyles
from .strip_view import Layout, Prepared, StripView

_PARTS = {
    **{name: name for name in (*ROLE_STYLES.values(), "role--other")},
    "dim": "messages--dim",
    "summary": "messages--summary",
    "match": "messages--match",
}


@dataclass(frozen=True)
class HistoryLayouter:
    """What laying out a history needs, taken on the UI thread, usable on any thread."""

    console: Console
    styles: Mapping[str, Style]
    expanded: bool
    width: int
    #: Text to highlight wherever it is (any case): the filter's.
    highlight: str = ""

    def layout(self, messages: Sequence[Message], now: datetime) -> Layout:
        def lay_out(width: int) -> list[Strip]:
            console = self.console
            lines = history_lines(messages, now, width, console, self.styles, expanded=self.expanded)
            if self.highlight:
                # Line by line: a match a line break cuts in two is not highlighted.
                for line in lines:
                    line.highlight_words([self.highlight], self.styles["match"], case_sensitive=False)
            return [Strip(list(line.render(console))) for line in lines]

        return lay_out

    def history(self, messages: Sequence[Message], now: datetime) -> Prepared:
        """``messages`` laid out now (in a worker)."""
        return Prepared.at(self.layout(messages, now), self.width)


class MessageView(StripView):
    """The history of the selected session."""

    COMPONENT_CLASSES = set(_PARTS.values())

    #: Scroll to new messages when the view is at its end.
    follow: reactive[bool] = reactive(True)
    #: Show long messages whole.
    expanded: reactive[bool] = reactive(False)

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(lambda width: [], id=id)
        self._clock = clock
        self._styles = PartStyles(self, _PARTS)
        self._messages: Sequence[Message] = ()
        self._session_id: str | None = None
        #: At the end as of the last scroll: while following, the view stays there as
        #: its lines change (new messages, another width, another theme).
        self._at_end = True
        #: The filter's text, highlighted in the history (set by the app).
        self.highlight = ""

    def on_mount(self) -> None:
        self.show_layout(self.restyled())

    def layouter(self) -> HistoryLayouter:
        """A :class:`HistoryLayouter` for the view as it is now (UI thread only)."""
        return HistoryLayouter(self.app.console, self._styles.get(), self.expanded, self.content_width, self.highlight)

    def show(self, session_id: str | None, messages: Sequence[Message], prepared: Prepared | None = None) -> None:
        """Show a history (``prepared`` by :meth:`HistoryLayouter.history`, or laid out here).
        Another session opens at its end when following, else at its top; the same
        session stays where it is, or at its end if it was there (following)."""
        other = session_id != self._session_id
        self._session_id = session_id
        self._messages = list(messages)
        if other:
            self._at_end = self.follow
        self.show_layout(prepared if prepared is not None else self.restyled())
        if other and not self.follow:
            self.scroll_home(animate=False, immediate=True)

    def _set_lines(self, width: int, lines: list[Strip]) -> None:
        super()._set_lines(width, lines)
        if self.follow and self._at_end:
            self._scroll_to_end()

    def _scroll_to_end(self) -> None:
        # Forced: until a layout has given the pane its scrollbar, Textual drops
        # an ordinary scroll, and the layout may come after this.
        self.scroll_end(animate=False, force=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._at_end = new >= self.max_scroll_y

    def restyled(self) -> Layout:
        return self.layouter().layout(self._messages, self._clock())

    def action_toggle_expand(self) -> None:
        """Show long messages whole, or cut them again (the app's ``e``)."""
        self.expanded = not self.expanded

    def watch_expanded(self) -> None:
        # The reader's place stays where it is: a whole message opens below it.
        self._at_end = False
        self.show_layout(self.restyled())
        self._at_end = self.scroll_y >= self.max_scroll_y

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self._at_end = True
            self._scroll_to_end()
        self.border_subtitle = "following" if follow else "not following (f)"

    def base_style(self) -> Style:
        return self._styles.fill()  # the pane's own text, readable on its background

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
