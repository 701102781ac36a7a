"""``BatchSessionStore``: a :class:`SessionStore` that also edits many sessions at once.

The :class:`~tui.session.Manager` uses these operations when its store has
them (both of this library's stores do): one locked write or one
transaction for many sessions, instead of a get and a set per session.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Protocol, runtime_checkable

from .model import Session
from .store import SessionStore


@runtime_checkable
class BatchSessionStore(SessionStore, Protocol):
    """The store contract the Manager's batch edits rely on."""

    def modify_many(
        self, session_ids: Collection[str], change: Callable[[Session], bool | None]
    ) -> dict[str, Session]:
        """Apply ``change`` to the latest stored copy of each session and store it, in one write.

        ``change`` may return ``False`` to leave a session as it is. Returns
        the sessions found (as changed, or as found), by id.
        """

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        """Remove sessions in one write; returns the ids that were there."""

    def cleanup_old_sessions(self, older_than: timedelta) -> int:
        """Remove ended sessions idle longer than ``older_than``; returns how many."""
