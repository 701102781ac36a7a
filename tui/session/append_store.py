"""``AppendingSessionStore``: a :class:`SessionStore` that appends a message without reading the history.

:meth:`Manager.append_message <tui.session.Manager.append_message>` uses it
when its store has it (the SQLite store appends one line to the session's
transcript); otherwise it rewrites the session with the message added.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .model import Message, Session
from .store import SessionStore


@runtime_checkable
class AppendingSessionStore(SessionStore, Protocol):
    """The store contract of the Manager's append that never reads the history."""

    def append_to_open(self, session_id: str, msg: Message) -> tuple[Session | None, bool]:
        """Append ``msg`` to an open session's history and stamp its ``last_activity``, at once.

        Returns the session as found (``None`` without one) and whether the
        message was appended (not to a closed or expired session).
        """
