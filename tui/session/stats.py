"""Counting sessions by status, shared by the Manager and file snapshots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .status import Status


def count_statuses(statuses: Iterable[Status | str]) -> dict[str, int]:
    """Counts per status value plus ``total``; all six known statuses always present.

    Unknown statuses are counted under their own value.
    """
    # str.__str__ turns a Status into its plain value in C: no Python call per session.
    counts = Counter(map(str.__str__, statuses))
    result = {"total": sum(counts.values())}
    result.update({s.value: 0 for s in Status})
    result.update(counts)
    return result


def status_stats(statuses: Iterable[Status | str]) -> dict[str, int]:
    """The status part of ``get_stats``: ``active`` is the number running."""
    counts = count_statuses(statuses)
    return {
        "total": counts["total"],
        "active": counts[Status.RUNNING.value],
        "completed": counts[Status.COMPLETED.value],
        "failed": counts[Status.FAILED.value],
        "closed": counts[Status.CLOSED.value],
        "pending": counts[Status.PENDING.value],
        "expired": counts[Status.EXPIRED.value],
    }
