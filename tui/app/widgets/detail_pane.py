"""``DetailPane``: every field of the selected session (or a chat's summary)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console, ConsoleOptions, RenderableType
from rich.style import Style
from rich.text import Text

from tui.session import Session, SessionSummary

from ..render.detail import chat_detail, session_detail
from ..render.styles import Styles
from .parts import BADGE_CLASSES, PartStyles
from .strip_view import Layout, Prepared, StripView, rich_layout

_PARTS = {
    name: f"detail--{name}"
    for name in ("key", "dim", "error", "match", "json-key", "json-string", "json-number", "json-literal")
}

#: What the pane shows, given its part styles.
Content = Callable[[Styles], RenderableType]


@dataclass(frozen=True)
class DetailLayouter:
    """What laying out the pane needs, taken on the UI thread, usable on any thread."""

    console: Console
    options: ConsoleOptions
    styles: Styles
    width: int
    #: Text to highlight in the searched fields (any case): the filter's.
    highlight: str = ""

    def layout(self, content: Content) -> Layout:
        return rich_layout(lambda: content(self.styles), self.console, self.options)

    def session(self, session: Session, summary: SessionSummary | None, now: datetime) -> Prepared:
        """The session's fields, laid out now (in a worker)."""
        highlight = self.highlight
        return Prepared.at(
            self.layout(lambda styles: session_detail(session, summary, now, styles, highlight)), self.width
        )


class DetailPane(StripView):
    """A scrollable view of one session's fields."""

    COMPONENT_CLASSES = {*_PARTS.values(), *BADGE_CLASSES.values()}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(lambda width: [], id=id)
        self._styles = PartStyles(self, {**_PARTS, **BADGE_CLASSES})
        self.session_id: str | None = None
        self._shown: Content = lambda styles: Text("Select a session to see its fields.")
        #: The filter's text, highlighted in the searched fields (set by the app).
        self.highlight = ""

    def on_mount(self) -> None:
        self._show(self._shown)

    def layouter(self) -> DetailLayouter:
        """A :class:`DetailLayouter` for the pane as it is now (UI thread only)."""
        app = self.app
        return DetailLayouter(app.console, app.console_options, self._styles.get(), self.content_width, self.highlight)

    def show_session(
        self, session: Session, summary: SessionSummary | None, now: datetime, prepared: Prepared | None = None
    ) -> None:
        """Show every field of ``session`` (``prepared`` by :meth:`DetailLayouter.session`, or laid out here);
        keeps the scroll position for the same session."""
        same = session.id == self.session_id
        self.session_id = session.id
        highlight = self.highlight
        self._shown = lambda styles: session_detail(session, summary, now, styles, highlight)
        if prepared is not None:
            self.show_layout(prepared)
        else:
            self._show(self._shown)
        if not same:
            self.scroll_home(animate=False, immediate=True)

    def show_chat(self, chat_id: str, summaries: list[SessionSummary], now: datetime) -> None:
        """Show what a chat holds."""
        self.session_id = None
        self._show(lambda styles: chat_detail(chat_id, summaries, now, styles))
        self.scroll_home(animate=False, immediate=True)

    def show_note(self, note: str) -> None:
        """Show a plain note (no selection, a session that is gone...)."""
        self.session_id = None
        self._show(lambda styles: Text(note, styles["dim"]))
        self.scroll_home(animate=False, immediate=True)

    def _show(self, content: Content) -> None:
        self._shown = content
        self.show_layout(self.layouter().layout(content))

    def restyled(self) -> Layout:
        return self.layouter().layout(self._shown)

    def base_style(self) -> Style:
        return self._styles.fill()  # the pane's own text, readable on its background

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
