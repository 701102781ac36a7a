"""``StatusBar``: live or paused, the bot's writes and undone edits, counts per status, the filter, the file or the error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual import events
from textual.widgets import Static

from tui.text import plural

from ..render.badges import BADGES, STALE
from ..render.rows import left_truncate, one_line
from ..render.undo import bot_label, undone_label
from .parts import BADGE_CLASSES, PartStyles

_PARTS = {name: f"status-bar--{name}" for name in ("dim", "live", "paused", "error", "path", "warn")}


@dataclass(frozen=True)
class StatusBarState:
    """What the status bar says."""

    counts: dict[str, int]
    stale: int
    path: Path
    #: Live updates are paused (else the bar says ``● LIVE``).
    paused: bool
    reloaded: datetime | None
    error: str | None
    read_only: bool
    filtered: str | None = None
    #: How long ago a writer that takes no lock wrote, while that is recent (else ``None``).
    foreign_age: timedelta | None = None
    #: How many of the app's edits a later reading showed undone (until dismissed).
    undone: int = 0
    #: The zone every time on screen is in (``reloaded`` is in it too).
    zone: str = ""


class StatusBar(Static):
    """One line under the panes. Everything in it is ``Text``, never markup.

    It fits itself to its width: counts shrink to symbols first, then the
    bot's warning, then the path loses its beginning; the error, when there
    is one, replaces the path.
    """

    COMPONENT_CLASSES = {*_PARTS.values(), *BADGE_CLASSES.values()}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles = PartStyles(self, {**_PARTS, **BADGE_CLASSES})
        self._state: StatusBarState | None = None

    def show(self, state: StatusBarState) -> None:
        """Redraw the bar from ``state`` (nothing to do if it did not change)."""
        if state != self._state:
            self._state = state
            self._draw()

    def _draw(self) -> None:
        if self._state is not None:
            # One line, always (the stylesheet fixes its height): no layout pass.
            self.update(self._render_state(self._state, max(20, self.size.width - 2)), layout=False)

    def _on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _render_state(self, state: StatusBarState, width: int) -> Text:
        styles = self._styles.get()
        alerted = state.foreign_age is not None or state.undone > 0
        # Narrower and narrower until it fits: counts as symbols, the bot's
        # warning shorter, then (only to make room for a warning) no clock.
        stages = [(False, 0, True), (True, 0, True), (True, 1, True)]
        if alerted:
            stages += [(True, 1, False), (True, 2, False)]
        for compact, narrow, clock in stages:
            text = self._head(state, clock)
            text.append_text(self._alerts(state, narrow))
            text.append_text(self._counts(state, compact))
            text.append(" │ ", styles["dim"])
            if text.cell_len + 12 <= width:
                break
        room = max(10, width - text.cell_len)
        if state.error:
            text.append(f"⚠ {one_line(state.error)}", styles["error"])  # its start says most
        else:
            text.append(left_truncate(one_line(_home(state.path)), room), styles["path"])
        text.truncate(width, overflow="ellipsis")
        return text

    def _head(self, state: StatusBarState, clock: bool) -> Text:
        """``● LIVE 12:00:00 read-only │ filter … │ ``."""
        styles = self._styles.get()
        head = Text(no_wrap=True, end="")
        if state.paused:
            head.append("❚❚ PAUSED", styles["paused"])
        else:
            head.append("● LIVE", styles["live"])
        if state.reloaded is not None and clock:
            head.append(f" {state.reloaded.strftime('%H:%M:%S')} {state.zone}", styles["dim"])
        if state.read_only:
            head.append(" read-only", styles["paused"])
        if state.filtered:
            head.append(f" │ {one_line(state.filtered)}", styles["paused"])
        head.append(" │ ", styles["dim"])
        return head

    def _alerts(self, state: StatusBarState, narrow: int) -> Text:
        """``⚠ bot writes here · 3s ago │ 2 undone │ `` (or nothing)."""
        styles = self._styles.get()
        text = Text(end="")
        if state.foreign_age is not None:
            text.append(bot_label(state.foreign_age, narrow=narrow), styles["warn"])
            text.append(" │ ", styles["dim"])
        if state.undone:
            text.append(undone_label(state.undone), styles["error"])
            text.append(" │ ", styles["dim"])
        return text

    def _counts(self, state: StatusBarState, compact: bool) -> Text:
        styles = self._styles.get()
        counts = state.counts
        total = counts.get("total", 0)
        text = Text(plural(total, "session"), styles["dim"], end="")
        shown = [(badge, counts.get(status, 0)) for status, badge in BADGES.items()]
        shown.append((STALE, state.stale))
        for badge, n in shown:
            if n:
                text.append("  ")
                label = f"{badge.symbol}{n}" if compact else f"{badge.symbol} {n} {badge.label}"
                text.append(label, styles[f"badge--{badge.style}"])
        unknown = sum(n for key, n in counts.items() if key not in BADGES and key != "total")
        if unknown:
            text.append("  ")
            text.append(f"?{unknown}" if compact else f"? {unknown} unknown", styles["badge--unknown"])
        return text

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._draw()


def _home(path: Path) -> str:
    """``path`` with the home folder written ``~``."""
    try:
        return "~/" + str(path.expanduser().absolute().relative_to(Path.home()))
    except ValueError:
        return str(path)
