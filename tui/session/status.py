"""Session status values, as the Go package names them."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """The lifecycle state of a session.

    A ``str`` enum, so ``Status.RUNNING == "running"``. Files may hold values
    this version does not know; those are kept as plain ``str`` (see
    :func:`parse_status`), never rejected.
    """

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"
    CLOSED = "closed"

    def __str__(self) -> str:
        return self.value


_BY_VALUE = {s.value: s for s in Status}

#: Statuses of sessions that are still in flight; cleanup never removes them.
LIVE_STATUSES = frozenset({Status.PENDING, Status.RUNNING})

#: Statuses that end a session: updates to such a session are refused.
ENDED_STATUSES = frozenset({Status.CLOSED, Status.EXPIRED})


def parse_status(value: str) -> Status | str:
    """Return the :class:`Status` for ``value``, or ``value`` itself if unknown."""
    return _BY_VALUE.get(value, value)
