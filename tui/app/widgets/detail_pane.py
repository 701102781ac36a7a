"""``DetailPane``: every field of the selected session (or a chat's summary)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.session import Session, SessionSummary

from ..render.detail import chat_detail, session_detail
from .parts import ForwardKeysAfterFocusMoves, BADGE_CLASSES, PartStyles

_PARTS = {name: f"detail--{name}" for name in ("key", "dim", "error")}


class DetailPane(ForwardKeysAfterFocusMoves, VerticalScroll, can_focus=True):
    """A scrollable view of one session's fields."""

    COMPONENT_CLASSES = {*_PARTS.values(), *BADGE_CLASSES.values()}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles = PartStyles(self, {**_PARTS, **BADGE_CLASSES})
        self.session_id: str | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Select a session to see its fields."), id="detail-body")

    @property
    def _body(self) -> Static:
        return self.query_one("#detail-body", Static)

    def show_session(self, session: Session, summary: SessionSummary | None, now: datetime) -> None:
        """Show every field of ``session``; keeps the scroll position for the same session."""
        same = session.id == self.session_id
        self.session_id = session.id
        self._body.update(session_detail(session, summary, now, self._styles.get()))
        if not same:
            self.scroll_home(animate=False)

    def show_chat(self, chat_id: str, summaries: list[SessionSummary], now: datetime) -> None:
        """Show what a chat holds."""
        self.session_id = None
        self._body.update(chat_detail(chat_id, summaries, now, self._styles.get()))

    def show_note(self, note: str) -> None:
        """Show a plain note (no selection, a session that is gone...)."""
        self.session_id = None
        self._body.update(Text(note, self._styles.get()["dim"]))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
