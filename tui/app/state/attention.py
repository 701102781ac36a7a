"""Sessions that need a look (failed or stale), and noticing when one turns so.

:class:`TroubleWatch` is told about every session the tree shows and when the
clock moves on; it answers with an :class:`Alert` for each session that has
just become failed or stale. A session turns stale with time alone (its
expiry passes while nothing writes it), so the live sessions' expiry times
are kept in a heap: a tick looks only at those that came due.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from tui.session import LIVE_STATUSES, SessionSummary, Status

from .classify import STALE

FAILED = Status.FAILED.value


class Alert(NamedTuple):
    """A session that has just turned failed or stale."""

    session_id: str
    chat_id: str
    #: ``"failed"`` or ``"stale"``.
    status: str


def trouble(summary: SessionSummary | None, now: datetime) -> str | None:
    """``"failed"``, ``"stale"``, or ``None`` for a session that needs no look."""
    if summary is None:
        return None
    if summary.status == Status.FAILED:
        return FAILED
    return STALE if summary.is_stale(now) else None


class TroubleWatch:
    """Notices sessions turning failed or stale, through changes and with time."""

    def __init__(self) -> None:
        self._due: list[tuple[float, str]] = []  # (expiry, session id) of live sessions, a heap
        self._expiry: dict[str, float] = {}  # session id -> its live expiry (what the heap must match)

    def load(self, summaries: Iterable[SessionSummary], now: datetime) -> None:
        """Start over with these sessions (the live ones are enough); those
        already in trouble raise nothing."""
        self._due, self._expiry = [], {}
        for summary in summaries:
            self._track(summary, now)

    def changed(
        self, before: dict[str, SessionSummary | None], after: Iterable[SessionSummary], now: datetime
    ) -> list[Alert]:
        """Sessions were added or changed (``before``: their earlier summaries, ``None`` if new).

        Returns an alert for each that is in trouble now and was not, or not in the same way, before.
        """
        alerts = []
        for summary in after:
            now_trouble = trouble(summary, now)
            if now_trouble is not None and now_trouble != trouble(before.get(summary.id), now):
                alerts.append(Alert(summary.id, summary.chat_id, now_trouble))
            self._track(summary, now)
        return alerts

    def removed(self, session_ids: Iterable[str]) -> None:
        """These sessions left the file."""
        for session_id in session_ids:
            self._expiry.pop(session_id, None)

    def tick(self, now: datetime, summaries: Mapping[str, SessionSummary]) -> list[Alert]:
        """The clock moved on to ``now``: alerts for live sessions whose expiry
        passed since (``summaries``: every session now, by id)."""
        moment = now.timestamp()
        alerts = []
        due = self._due
        while due and due[0][0] <= moment:
            expiry, session_id = heapq.heappop(due)
            if self._expiry.get(session_id) != expiry:
                continue  # changed or gone since it was queued
            del self._expiry[session_id]
            summary = summaries.get(session_id)
            if summary is not None and trouble(summary, now) == STALE:
                alerts.append(Alert(session_id, summary.chat_id, STALE))
        if len(due) > 2 * len(self._expiry) + 64:  # drop the entries changes left behind
            self._due = [(expiry, sid) for sid, expiry in self._expiry.items()]
            heapq.heapify(self._due)
        return alerts

    def _track(self, summary: SessionSummary, now: datetime) -> None:
        expires = summary.expires_at
        if summary.status in LIVE_STATUSES and expires is not None and expires > now:
            expiry = expires.timestamp()
            if self._expiry.get(summary.id) != expiry:
                self._expiry[summary.id] = expiry
                heapq.heappush(self._due, (expiry, summary.id))
        else:
            self._expiry.pop(summary.id, None)
