"""The orders of the tree: by activity (the default), by chat id, failures first.

Each order is a pair of sort keys, one for the sessions within a chat and one
for the chats. A session's key is computed once, when it is added or when the
order changes (see :class:`~.tree_model.TreeModel`), so the sorted lists can
be searched by bisection; the chats are few and re-sorted whenever rows change.

- ``activity``: the most recently active first, chats by their latest session;
- ``chat``: chats by id, sessions newest created first (rows never reshuffle
  as sessions change, only new ones are inserted);
- ``failures``: failed sessions, then stale ones, then the rest by activity;
  chats with a failed session first, then those with a stale one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from tui.session import SessionSummary, Status

ACTIVITY, CHAT, FAILURES = "activity", "chat", "failures"
#: The orders ``o`` cycles through, the default first.
ORDERS: tuple[str, ...] = (ACTIVITY, CHAT, FAILURES)
#: How the tree's border names each order.
ORDER_LABELS = {ACTIVITY: "by activity", CHAT: "by chat id", FAILURES: "failures first"}

SessionKey = tuple[object, ...]


class Chat(Protocol):
    """What :func:`chat_key` reads of a chat (a :class:`~.tree_model.ChatGroup`)."""

    @property
    def chat_id(self) -> str: ...

    @property
    def statuses(self) -> Mapping[str, int]: ...

    @property
    def activity(self) -> list[float]: ...

    def shown_counts(self, now: datetime) -> dict[str, int]: ...


def next_order(current: str) -> str:
    """The order after ``current`` in :data:`ORDERS`."""
    index = ORDERS.index(current) if current in ORDERS else -1
    return ORDERS[(index + 1) % len(ORDERS)]


def activity_time(summary: SessionSummary) -> float:
    """When a session was last active (POSIX seconds): its last activity, else
    its creation, else minus infinity (sorted last)."""
    moment = summary.last_activity or summary.created_at
    return moment.timestamp() if moment is not None else float("-inf")


def trouble_rank(summary: SessionSummary, now: datetime) -> int:
    """0 for a failed session, 1 for a stale one, 2 for the rest."""
    if summary.status == Status.FAILED:
        return 0
    return 1 if summary.is_stale(now) else 2


def session_key(order: str, summary: SessionSummary, now: datetime) -> SessionKey:
    """Where a session goes among its chat's rows: smaller keys come first."""
    if order == CHAT:
        created = summary.created_at.timestamp() if summary.created_at is not None else float("-inf")
        return (-created, summary.id)
    if order == FAILURES:
        return (trouble_rank(summary, now), -activity_time(summary), summary.id)
    return (-activity_time(summary), summary.id)


def chat_key(order: str, group: Chat, now: datetime) -> SessionKey:
    """Where a chat goes among the chats: smaller keys come first."""
    if order == CHAT:
        return (group.chat_id,)
    latest = -group.activity[-1] if group.activity else float("inf")
    if order == FAILURES:
        if group.statuses.get(Status.FAILED.value, 0) > 0:
            rank = 0
        else:
            rank = 1 if group.shown_counts(now).get("stale", 0) > 0 else 2
        return (rank, latest, group.chat_id)
    return (latest, group.chat_id)
