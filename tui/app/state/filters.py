"""What the tree shows: a text filter and a status filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.session import SessionSummary, Status

from .classify import STALE, shown_status

#: The status filter cycles through these (``None`` is "all").
STATUS_CYCLE: tuple[str | None, ...] = (
    None,
    Status.RUNNING.value,
    Status.PENDING.value,
    STALE,
    Status.FAILED.value,
    Status.COMPLETED.value,
    Status.CLOSED.value,
    Status.EXPIRED.value,
)


def next_status_filter(current: str | None) -> str | None:
    """The status filter after ``current`` in :data:`STATUS_CYCLE`."""
    index = STATUS_CYCLE.index(current) if current in STATUS_CYCLE else -1
    return STATUS_CYCLE[(index + 1) % len(STATUS_CYCLE)]


@dataclass(frozen=True)
class Filter:
    """Which sessions are visible. The empty filter shows everything."""

    #: Case-insensitive text matched against id, chat, agent, project and request.
    text: str = ""
    #: A status value, ``"stale"``, or ``None`` for any status.
    status: str | None = None
    #: Sessions whose response, error or messages hold ``text`` (found by the
    #: search worker, :mod:`.search`): they match the text too.
    found: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        """True when the filter hides anything at all."""
        return bool(self.text) or self.status is not None

    def matches(self, summary: SessionSummary, now: datetime) -> bool:
        """Whether ``summary`` is visible under this filter at time ``now``."""
        # Classified as the counts are: "running" leaves out the stale ones.
        if self.status is not None and shown_status(summary, now) != self.status:
            return False
        if self.text:
            needle = self.text.casefold()
            return summary.id in self.found or any(
                needle in field.casefold()
                for field in (summary.id, summary.chat_id, summary.agent, summary.project, summary.request)
            )
        return True
