"""``Manager``: the session lifecycle over a store (Go ``Manager``).

Reads (``get``, ``list``, ``stats``...) serve this process's memory, as in
Go. Mutations apply to the latest stored copy of the session, found through
the store, so changes made by other session-tui processes are neither
undone nor resurrected: an update to a session closed or deleted elsewhere
returns ``False``. A writer that takes no lock (the Go bot's store) is
another matter: its next write replaces the file with its memory, so a
close or delete made here returns True and is then undone. Check
``store.snapshot().writer`` before an edit and an
:class:`~tui.session.EditLedger` after it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from .append_store import AppendingSessionStore
from .batch_store import BatchSessionStore
from .durations import age_cutoff
from .gotime import Clock, utc_now
from .model import Config, Message, Session, by_created, by_last_activity
from .stats import count_statuses, status_stats
from .status import ENDED_STATUSES, Status
from .store import SessionStore
from .summary import is_cleanable

#: Sessions active within this window count as ``recent_actions`` in ``get_stats``.
RECENT_WINDOW = timedelta(minutes=5)


class Manager:
    """Creates, finds, updates and expires sessions (Go ``Manager``).

    ``store`` is optional (memory only without one). ``clock`` replaces
    ``now`` for tests. With ``background=True`` a daemon thread expires
    sessions and drops old ones every ``config.cleanup_interval``; a viewer
    passes ``background=False`` so that it never deletes anything on its own.
    Use as a context manager, or call :meth:`stop`.
    """

    def __init__(
        self,
        config: Config | None = None,
        store: SessionStore | None = None,
        *,
        clock: Clock | None = None,
        background: bool = True,
    ) -> None:
        self.config = config or Config()
        self.store = store
        self._clock = clock or utc_now
        self._sessions: dict[str, Session] = {}
        self._lock = threading.RLock()
        self._started = self._clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._loop, name="session-cleanup", daemon=True)
            self._thread.start()

    def __enter__(self) -> Manager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- creating -----------------------------------------------------------

    def create(self) -> Session:
        """A new pending session with no binding."""
        return self.create_with("", "", "")

    def create_with(self, chat_id: str, agent: str, project: str) -> Session:
        """A new pending session bound to (chat, agent, project), stored at once."""
        now = self._clock()
        context: dict[str, Any] = {}
        if project:
            context["project_path"] = project
        session = Session(
            id=str(uuid.uuid4()),
            chat_id=chat_id,
            agent=agent,
            project=project,
            status=Status.PENDING,
            created_at=now,
            last_activity=now,
            expires_at=now + self.config.timeout,
            context=context,
        )
        if self.store is not None:
            self.store.set(session.id, session)
        with self._lock:
            self._sessions[session.id] = session
        return session

    # -- reading ------------------------------------------------------------

    def get(self, session_id: str) -> Session | None:
        """The session from memory, or ``None``."""
        with self._lock:
            return self._sessions.get(session_id)

    def get_or_load(self, session_id: str) -> Session | None:
        """The session from memory, else from the store (kept in memory unless ended)."""
        session = self.get(session_id)
        if session is not None or self.store is None:
            return session
        session = self.store.get(session_id)
        if session is not None and session.status not in ENDED_STATUSES:
            with self._lock:
                self._sessions.setdefault(session_id, session)
        return session

    def find_by(self, chat_id: str, agent: str, project: str) -> Session | None:
        """The most recently active open session bound to this tuple, from memory or store."""
        now = self._clock()
        key = (chat_id, agent, project)
        with self._lock:
            candidates = [
                s for s in self._sessions.values()
                if (s.chat_id, s.agent, s.project) == key and not _is_ended(s, now)
            ]
        if self.store is not None:
            stored = self.store.find_by_chat_agent_project(chat_id, agent, project)
            if stored is not None:
                candidates = [s for s in candidates if s.id != stored.id] + [stored]
        return max(candidates, key=by_last_activity, default=None)

    def list(self) -> list[Session]:
        """Every session in memory."""
        with self._lock:
            return list(self._sessions.values())

    def list_by_chat(self, chat_id: str) -> list[Session]:
        """Sessions of a chat from the store and memory (the stored copy wins)."""
        merged: dict[str, Session] = {}
        with self._lock:
            for session in self._sessions.values():
                if session.chat_id == chat_id:
                    merged[session.id] = session
        if self.store is not None:
            for session in self.store.list_by_chat(chat_id):
                merged[session.id] = session
        return sorted(merged.values(), key=by_created)

    def get_request(self, session_id: str) -> str | None:
        """The session's request, or ``None`` if the session is not in memory."""
        session = self.get(session_id)
        return None if session is None else session.request

    def get_messages(self, session_id: str) -> list[Message] | None:
        """A copy of the session's history, or ``None`` if not in memory."""
        session = self.get(session_id)
        return None if session is None else list(session.messages or ())

    def get_context(self, session_id: str, key: str, default: Any = None) -> Any:
        """One context value of a session in memory, or ``default``."""
        session = self.get(session_id)
        if session is None or not session.context or key not in session.context:
            return default
        return session.context[key]

    def stats(self) -> dict[str, int]:
        """Sessions in memory per status, plus ``total``."""
        with self._lock:
            return count_statuses(s.status for s in self._sessions.values())

    def get_stats(self) -> dict[str, Any]:
        """``total active completed failed closed pending expired recent_actions uptime``.

        ``active`` counts running sessions, ``recent_actions`` those active in
        the last five minutes, ``uptime`` is a ``timedelta``.
        """
        now = self._clock()
        with self._lock:
            sessions = list(self._sessions.values())
        result: dict[str, Any] = dict(status_stats(s.status for s in sessions))
        result["recent_actions"] = sum(
            1 for s in sessions if s.last_activity is not None and now - s.last_activity <= RECENT_WINDOW
        )
        result["uptime"] = now - self._started
        return result

    # -- changing -----------------------------------------------------------

    def update(self, session_id: str, fn: Callable[[Session], Any]) -> bool:
        """Apply ``fn`` to the latest copy of an open session, stamp and store it.

        Returns ``False`` if the session does not exist (anymore) or is closed
        or expired.
        """
        refused: dict[str, bool] = {}  # per id, as of the last call (a write may re-apply)

        def change(session: Session) -> bool:
            refused[session.id] = session.status in ENDED_STATUSES
            if refused[session.id]:
                return False
            fn(session)
            return True

        return self._apply([session_id], change) == [session_id] and not any(refused.values())

    def set_running(self, session_id: str) -> bool:
        """Mark a session running."""
        return self.update(session_id, lambda s: setattr(s, "status", Status.RUNNING))

    def set_completed(self, session_id: str, response: str) -> bool:
        """Mark a session completed with its response."""
        def change(s: Session) -> None:
            s.status, s.response = Status.COMPLETED, response

        return self.update(session_id, change)

    def set_failed(self, session_id: str, error: str) -> bool:
        """Mark a session failed with its error."""
        def change(s: Session) -> None:
            s.status, s.error = Status.FAILED, error

        return self.update(session_id, change)

    def set_request(self, session_id: str, request: str) -> bool:
        """Store the user's request."""
        return self.update(session_id, lambda s: setattr(s, "request", request))

    def set_context(self, session_id: str, key: str, value: Any) -> bool:
        """Store one context value."""
        def change(s: Session) -> None:
            if s.context is None:
                s.context = {}
            s.context[key] = value

        return self.update(session_id, change)

    def append_message(self, session_id: str, msg: Message) -> bool:
        """Append to the history (a missing timestamp becomes now)."""
        if msg.timestamp is None:
            msg.timestamp = self._clock()
        if isinstance(self.store, AppendingSessionStore):  # (SQLite: one line appended, the transcript never read)
            session, appended = self.store.append_to_open(session_id, msg)
            with self._lock:
                if session is None or session.status in ENDED_STATUSES:
                    self._sessions.pop(session_id, None)
                else:
                    self._sessions[session_id] = session
            return bool(appended)

        def change(s: Session) -> None:
            s.messages = [*(s.messages or ()), msg]

        return self.update(session_id, change)

    def close(self, session_id: str) -> bool:
        """Close a session: status ``closed``, kept in the store, dropped from memory.

        True if the session exists (closing a closed one changes nothing).
        """
        return bool(self.close_many([session_id]))

    def close_many(self, session_ids: Collection[str]) -> list[str]:
        """Close several sessions in one store write; returns those that exist."""
        def change(session: Session) -> bool:
            if session.status == Status.CLOSED:
                return False
            session.status = Status.CLOSED
            return True

        return self._apply(session_ids, change)

    def delete(self, session_id: str) -> bool:
        """Remove a session from memory and store, closed ones included."""
        return bool(self.delete_many([session_id]))

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        """Delete several sessions (one store write); returns those that existed."""
        ids = list(dict.fromkeys(session_ids))
        with self._lock:
            in_memory = {sid for sid in ids if self._sessions.pop(sid, None) is not None}
        stored = set(self._store_delete(ids)) if self.store is not None else set()
        return [sid for sid in ids if sid in in_memory or sid in stored]

    def clear(self) -> int:
        """Forget every session in memory (the store is untouched); returns how many."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
        return count

    # -- expiry -------------------------------------------------------------

    def cleanup_expired(self) -> int:
        """Expire sessions past ``expires_at`` now: removed from memory and store."""
        now = self._clock()
        with self._lock:
            expired = [s for s in self._sessions.values() if s.expires_at is not None and s.expires_at < now]
            for session in expired:
                session.status = Status.EXPIRED
                del self._sessions[session.id]
        if expired and self.store is not None:
            self._store_delete([s.id for s in expired])
        return len(expired)

    def cleanup_old_sessions(self, older_than: timedelta) -> int:
        """Remove ended sessions idle longer than ``older_than`` from memory and store.

        Never running, pending or persistent ones. Returns how many were removed
        from the store (or from memory when there is no store).
        """
        cutoff = age_cutoff(self._clock(), older_than)
        with self._lock:
            doomed = [
                s.id for s in self._sessions.values()
                if is_cleanable(s.status, s.last_activity, s.persistent, cutoff)
            ]
            for session_id in doomed:
                del self._sessions[session_id]
        if self.store is None:
            return len(doomed)
        if isinstance(self.store, BatchSessionStore):
            return int(self.store.cleanup_old_sessions(older_than))
        return len(self._store_delete(doomed))

    def stop(self) -> None:
        """Stop the background loops and close the store. Safe to call twice."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        if self.store is not None:
            self.store.close()

    # -- internals ----------------------------------------------------------

    def _loop(self) -> None:
        interval = self.config.cleanup_interval.total_seconds()
        while not self._stop.wait(interval):
            try:
                self.cleanup_expired()
                self.cleanup_old_sessions(self.config.message_retention)
            except Exception:  # a bad file must not kill the loop; next round retries
                pass

    def _store_delete(self, ids: list[str]) -> list[str]:
        assert self.store is not None
        if isinstance(self.store, BatchSessionStore):
            return list(self.store.delete_many(ids))
        return [sid for sid in ids if self.store.delete(sid)]

    def _apply(self, session_ids: Collection[str], change: Callable[[Session], bool]) -> list[str]:
        """Run ``change`` on the latest copy of each session; return the ids that exist.

        Memory follows the result: ended sessions leave it, others are refreshed.
        """
        ids = list(dict.fromkeys(session_ids))
        if self.store is None:
            return self._apply_in_memory(ids, change)
        if isinstance(self.store, BatchSessionStore):
            results: dict[str, Session] = self.store.modify_many(ids, change)
        else:  # a plain Go-style store: get, change, set
            results = {}
            for sid in ids:
                session = self.store.get(sid)
                if session is not None:
                    results[sid] = session
                    if change(session) is not False:
                        self.store.set(sid, session)
        ok = []
        with self._lock:
            for sid in ids:
                session = results.get(sid)
                if session is None:
                    self._sessions.pop(sid, None)  # deleted elsewhere: forget it too
                    continue
                if session.status in ENDED_STATUSES:
                    self._sessions.pop(sid, None)
                else:
                    self._sessions[sid] = session
                ok.append(sid)
        return ok

    def _apply_in_memory(self, ids: list[str], change: Callable[[Session], bool]) -> list[str]:
        now = self._clock()
        ok = []
        with self._lock:
            for sid in ids:
                session = self._sessions.get(sid)
                if session is None:
                    continue
                if change(session) is not False:
                    session.last_activity = now
                if session.status in ENDED_STATUSES:
                    del self._sessions[sid]
                ok.append(sid)
        return ok


def _is_ended(session: Session, now: datetime) -> bool:
    return session.status in ENDED_STATUSES or (session.expires_at is not None and session.expires_at < now)
