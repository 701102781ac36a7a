"""Status badges: a distinct symbol and style for each status, stale and unknown."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from tui.session import SessionSummary, Status

from ..state.classify import STALE as STALE_CLASS
from ..state.classify import shown_status


class Badge(NamedTuple):
    """How a status is shown: a one-cell symbol, a word, and a style name."""

    symbol: str
    label: str
    #: Suffix of the ``badge--<name>`` component class that colours it.
    style: str


BADGES: dict[str, Badge] = {
    Status.PENDING.value: Badge("○", "pending", "pending"),
    Status.RUNNING.value: Badge("●", "running", "running"),
    Status.COMPLETED.value: Badge("✓", "completed", "completed"),
    Status.FAILED.value: Badge("✗", "failed", "failed"),
    Status.EXPIRED.value: Badge("⊘", "expired", "expired"),
    Status.CLOSED.value: Badge("■", "closed", "closed"),
}
STALE = Badge("◐", "stale", "stale")
UNKNOWN_SYMBOL = "?"

#: Every badge style name, for the component classes.
BADGE_STYLES = (*(b.style for b in BADGES.values()), STALE.style, "unknown")


def badge_for(status: Status | str, *, stale: bool = False) -> Badge:
    """The badge of a status; ``stale`` wins for a live session past its expiry."""
    if stale:
        return STALE
    known = BADGES.get(str(status))
    if known is not None:
        return known
    return Badge(UNKNOWN_SYMBOL, str(status) or "(none)", "unknown")


def summary_badge(summary: SessionSummary, now: datetime) -> Badge:
    """The badge of a session as of ``now`` (of its :func:`~..state.classify.shown_status`)."""
    shown = shown_status(summary, now)
    return badge_for(summary.status, stale=shown == STALE_CLASS)
