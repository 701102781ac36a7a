"""``StatusBar``: live or paused, the bot's writes and undone edits, counts per status, the filter, the file or the error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual import events
from textual.widgets import Static

from ..render.badges import BADGES, STALE
from ..render.rows import left_truncate, one_line
from ..render.undo import bot_label, undone_label
from .parts import BADGE_CLASSES, PartStyles

_PARTS = {name: f"status-bar--{name}" for name in ("dim", "live", "paused", "error", "path", "warn")}


@dataclass(frozen=True)
class StatusFacts:
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
        self._facts: StatusFacts | None = None

    def show(self, facts: StatusFacts) -> None:
        """Redraw the bar from these facts (nothing to do if they did not change)."""
        if facts != self._facts:
            self._facts = facts
            self._draw()

    def _draw(self) -> None:
        if self._facts is not None:
            # One line, always (the stylesheet fixes its height): no layout pass.
            self.update(self._render_facts(self._facts, max(20, self.size.width - 2)), layout=False)

    def _on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _render_facts(self, facts: StatusFacts, width: int) -> Text:
        styles = self._styles.get()
        alerted = facts.foreign_age is not None or facts.undone > 0
        # Narrower and narrower until it fits: counts as symbols, the bot's
        # warning shorter, then (only to make room for a warning) no clock.
        stages = [(False, 0, True), (True, 0, True), (True, 1, True)]
        if alerted:
            stages += [(True, 1, False), (True, 2, False)]
        for compact, narrow, clock in stages:
            text = self._head(facts, clock)
            text.append_text(self._alerts(facts, narrow))
            text.append_text(self._counts(facts, compact))
            text.append(" │ ", styles["dim"])
            if text.cell_len + 12 <= width:
                break
        room = max(10, width - text.cell_len)
        if facts.error:
            text.append(f"⚠ {one_line(facts.error)}", styles["error"])  # its start says most
        else:
            text.append(left_truncate(one_line(_home(facts.path)), room), styles["path"])
        text.truncate(width, overflow="ellipsis")
        return text

    def _head(self, facts: StatusFacts, clock: bool) -> Text:
        """``● LIVE 12:00:00 read-only │ filter … │ ``."""
        styles = self._styles.get()
        head = Text(no_wrap=True, end="")
        if facts.paused:
            head.append("❚❚ PAUSED", styles["paused"])
        else:
            head.append("● LIVE", styles["live"])
        if facts.reloaded is not None and clock:
            head.append(f" {facts.reloaded.strftime('%H:%M:%S')} {facts.zone}", styles["dim"])
        if facts.read_only:
            head.append(" read-only", styles["paused"])
        if facts.filtered:
            head.append(f" │ {one_line(facts.filtered)}", styles["paused"])
        head.append(" │ ", styles["dim"])
        return head

    def _alerts(self, facts: StatusFacts, narrow: int) -> Text:
        """``⚠ bot writes here · 3s ago │ 2 undone │ `` (or nothing)."""
        styles = self._styles.get()
        text = Text(end="")
        if facts.foreign_age is not None:
            text.append(bot_label(facts.foreign_age, narrow=narrow), styles["warn"])
            text.append(" │ ", styles["dim"])
        if facts.undone:
            text.append(undone_label(facts.undone), styles["error"])
            text.append(" │ ", styles["dim"])
        return text

    def _counts(self, facts: StatusFacts, compact: bool) -> Text:
        styles = self._styles.get()
        counts = facts.counts
        total = counts.get("total", 0)
        text = Text(f"{total} session{'s' if total != 1 else ''}", styles["dim"], end="")
        shown = [(badge, counts.get(status, 0)) for status, badge in BADGES.items()]
        shown.append((STALE, facts.stale))
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
