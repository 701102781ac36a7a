"""``DetailPane``: every field of the selected session (or a chat's summary)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.session import Session, SessionSummary

from ..render.detail import chat_detail, session_detail
from .parts import BADGE_CLASSES, PartStyles
from .strip_view import StripView

_PARTS = {name: f"detail--{name}" for name in ("key", "dim", "error")}


class DetailPane(StripView):
    """A scrollable view of one session's fields."""

    COMPONENT_CLASSES = {*_PARTS.values(), *BADGE_CLASSES.values()}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles = PartStyles(self, {**_PARTS, **BADGE_CLASSES})
        self.session_id: str | None = None
        # What to draw, given the part styles (rebuilt when the theme changes).
        self._content: Callable[[dict[str, Style]], RenderableType] = lambda styles: Text(
            "Select a session to see its fields."
        )

    def show_session(self, session: Session, summary: SessionSummary | None, now: datetime) -> None:
        """Show every field of ``session``; keeps the scroll position for the same session."""
        same = session.id == self.session_id
        self.session_id = session.id
        self._show(lambda styles: session_detail(session, summary, now, styles))
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

    def _show(self, content: Callable[[dict[str, Style]], RenderableType]) -> None:
        self._content = content
        self.relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def lay_out(self, width: int) -> list[Strip]:
        console = self.app.console
        options = self.app.console_options.update(highlight=False, width=width)
        segments = console.render(self._content(self._styles.get()), options)
        return [
            Strip(line) for line in Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        ]
