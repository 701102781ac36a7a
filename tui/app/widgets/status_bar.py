"""``StatusBar``: counts per status, the file, live or paused, last reload, errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from ..render.badges import BADGES, STALE
from ..render.rows import one_line
from .parts import BADGE_CLASSES, PartStyles

_PARTS = {name: f"status-bar--{name}" for name in ("dim", "live", "paused", "error", "path")}


class StatusBar(Static):
    """One line under the panes. Everything in it is ``Text``, never markup."""

    COMPONENT_CLASSES = {*_PARTS.values(), *BADGE_CLASSES.values()}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles = PartStyles(self, {**_PARTS, **BADGE_CLASSES})

    def show(
        self,
        *,
        counts: dict[str, int],
        stale: int,
        path: Path,
        live: bool,
        reloaded: datetime | None,
        error: str | None,
        read_only: bool,
        filtered: str | None = None,
    ) -> None:
        """Redraw the bar from these facts."""
        styles = self._styles.get()
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if live:
            text.append("● LIVE", styles["live"])
        else:
            text.append("❚❚ PAUSED", styles["paused"])
        if reloaded is not None:
            text.append(f" {reloaded.strftime('%H:%M:%S')}", styles["dim"])
        if read_only:
            text.append(" read-only", styles["paused"])
        text.append(" │ ", styles["dim"])
        text.append(f"{counts.get('total', 0)} sessions  ", styles["dim"])
        for status, badge in BADGES.items():
            n = counts.get(status, 0)
            if n:
                text.append(f"{badge.symbol} {n} {badge.label}  ", styles[f"badge--{badge.style}"])
        if stale:
            text.append(f"{STALE.symbol} {stale} stale  ", styles[f"badge--{STALE.style}"])
        unknown = sum(n for key, n in counts.items() if key not in BADGES and key != "total")
        if unknown:
            text.append(f"? {unknown} unknown  ", styles["badge--unknown"])
        if filtered:
            text.append(f"│ {one_line(filtered)} ", styles["paused"])
        text.append("│ ", styles["dim"])
        if error:
            text.append(f"⚠ {one_line(error)}", styles["error"])
        else:
            text.append(one_line(str(path)), styles["path"])
        self.update(text)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
