"""The one classification the screen counts and filters by: stale is its own class.

A running or pending session past its expiry is *stale* (its bot is likely
gone), and then it is neither running nor pending: the status bar, the chat
rows, the chat detail, the badges and the status filter all classify a
session with :func:`shown_status`, so their counts add up to the total.

Counting is done from raw status counts and the sorted expiry times of the
live sessions (:func:`live_expiries`), so that the count at any moment is a
bisection per live status, not a pass over every session.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from tui.session import LIVE_STATUSES, SessionSummary

#: The class of a live session past its expiry.
STALE = "stale"
#: The live statuses by value (those a session can be stale in).
LIVE = tuple(sorted(str(status) for status in LIVE_STATUSES))

#: Sorted expiry times (POSIX seconds) of the live sessions, per live status.
Expiries = Mapping[str, Sequence[float]]


def shown_status(summary: SessionSummary, now: datetime) -> str:
    """``"stale"`` for a live session past its expiry, else its status value."""
    return STALE if summary.is_stale(now) else str(summary.status)


def expiry_of(summary: SessionSummary) -> float | None:
    """The time a live session turns stale (POSIX seconds); ``None`` if it never does."""
    if summary.status in LIVE_STATUSES and summary.expires_at is not None:
        return summary.expires_at.timestamp()
    return None


def live_expiries(summaries: Iterable[SessionSummary]) -> dict[str, list[float]]:
    """Sorted expiry times of the live sessions among ``summaries``, per live status.

    Seconds rather than datetimes: sorting aware datetimes costs ten times more.
    """
    found: dict[str, list[float]] = {status: [] for status in LIVE}
    for summary in summaries:
        expiry = expiry_of(summary)
        if expiry is not None:
            found[str(summary.status)].append(expiry)
    for times in found.values():
        times.sort()
    return found


def add_expiry(expiries: dict[str, list[float]], summary: SessionSummary) -> None:
    """Count ``summary`` in ``expiries`` (kept sorted)."""
    expiry = expiry_of(summary)
    if expiry is not None:
        insort(expiries.setdefault(str(summary.status), []), expiry)


def remove_expiry(expiries: dict[str, list[float]], summary: SessionSummary) -> None:
    """Stop counting ``summary`` in ``expiries`` (the reverse of :func:`add_expiry`)."""
    expiry = expiry_of(summary)
    if expiry is None:
        return
    times = expiries.get(str(summary.status), [])
    index = bisect_left(times, expiry)
    if index < len(times) and times[index] == expiry:
        del times[index]


def stale_counts(expiries: Expiries, now: datetime) -> dict[str, int]:
    """How many sessions of each live status are stale at ``now``."""
    moment = now.timestamp()
    return {status: bisect_left(times, moment) for status, times in expiries.items()}


def shown_counts(counts: Mapping[str, int], expiries: Expiries, now: datetime) -> dict[str, int]:
    """Counts per :func:`shown_status` from counts per status: stale ones move
    from running and pending to ``"stale"`` (``total`` and the rest unchanged)."""
    shown = dict(counts)
    stale = stale_counts(expiries, now)
    for status, n in stale.items():
        shown[status] = shown.get(status, 0) - n
    shown[STALE] = sum(stale.values())
    return shown
