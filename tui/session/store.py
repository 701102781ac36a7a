"""``SessionStore`` (the Go interface) and ``SessionStoreJSON``, its JSON-file store.

Unlike the Go store, which loads the file once and rewrites it from memory,
every mutation here is a read-modify-write of the latest file under an
exclusive lock on ``<file>.lock``, written atomically and durably. Several
processes can therefore share one file without undoing each other's work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

from .atomic import remove_stale_temps, write_atomic
from .codec import encode_session
from .errors import CorruptStoreError, StoreAccessError
from .filelock import exclusive_lock, lock_path_for
from .gotime import utc_now
from .model import Session, by_created, by_last_activity
from .snapshot import ChangeSet, Snapshot, file_identity, read_snapshot
from .summary import SessionSummary, cleanup_candidates

Clock = Callable[[], datetime]


@runtime_checkable
class SessionStore(Protocol):
    """Where a :class:`Manager` keeps sessions (Go ``SessionStore``)."""

    def get(self, session_id: str) -> Session | None:
        """The stored session, or ``None``."""

    def set(self, session_id: str, session: Session) -> None:
        """Store a session (stamping its ``last_activity``)."""

    def delete(self, session_id: str) -> bool:
        """Remove a session; True if it was there."""

    def list(self) -> list[Session]:
        """Every stored session."""

    def find_by_chat_agent_project(self, chat_id: str, agent: str, project: str) -> Session | None:
        """The most recently active open session bound to this tuple."""

    def list_by_chat(self, chat_id: str) -> list[Session]:
        """Every stored session of a chat."""

    def close(self) -> None:
        """Release the store."""


class SessionStoreJSON:
    """Sessions in one JSON file in the Go format, safe to share between processes.

    Reads are served from the last reading of the file, re-read whenever a
    ``stat`` shows it changed. Each mutation locks ``<file>.lock``, re-reads
    the file if another process changed it, applies just that change and
    writes the result atomically; it is durable when the call returns.
    Raises :class:`~tui.session.StoreError` subclasses for bad files, which
    are never written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float = 10.0,
        clock: Clock | None = None,
        snapshot: Snapshot | None = None,
        max_file_bytes: int | None = None,
    ) -> None:
        """Open the store at ``path`` (a missing file is an empty store).

        ``snapshot`` may pass a reading of this file the caller already has
        (a viewer does), so that the file is not parsed twice; it is checked
        against the file's identity like any other reading. A file larger
        than ``max_file_bytes`` (default: ``$SESSION_TUI_MAX_FILE_BYTES``,
        else 1 GiB) is refused before it is read.
        """
        self.path = Path(path).expanduser()
        self.lock_timeout = lock_timeout
        self._clock = clock or utc_now
        self._mutex = threading.RLock()
        self._swept = False
        self.max_file_bytes = max_file_bytes
        self._snapshot = snapshot if snapshot is not None else read_snapshot(self.path, max_bytes=max_file_bytes)

    def __repr__(self) -> str:
        return f"SessionStoreJSON({str(self.path)!r})"

    # -- reading ------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current contents of the file (re-read if it changed)."""
        with self._mutex:
            return self._fresh()

    def get(self, session_id: str) -> Session | None:
        """The stored session, decoded from the latest file, or ``None``."""
        return self.snapshot().session(session_id)

    def list(self) -> list[Session]:
        """Every session in the file (decodes every history: costly on big files)."""
        return self.snapshot().sessions()

    def summaries(self) -> list[SessionSummary]:
        """Every session's summary, cheaply."""
        return self.snapshot().summaries()

    def find_by_chat_agent_project(self, chat_id: str, agent: str, project: str) -> Session | None:
        """The most recently active session of this tuple that is not closed or expired."""
        snap = self.snapshot()
        now = self._clock()
        matches = [
            s
            for s in snap.summaries()
            if (s.chat_id, s.agent, s.project) == (chat_id, agent, project) and not s.is_ended(now)
        ]
        if not matches:
            return None
        best = max(matches, key=by_last_activity)
        return snap.session(best.id)

    def list_by_chat(self, chat_id: str) -> list[Session]:
        """Every session of a chat, oldest first."""
        snap = self.snapshot()
        found = [s for s in snap.summaries() if s.chat_id == chat_id]
        found.sort(key=by_created)
        return [sess for sess in map(snap.session, (s.id for s in found)) if sess is not None]

    # -- writing ------------------------------------------------------------

    def set(self, session_id: str, session: Session) -> None:
        """Store ``session`` under ``session_id``, stamping its ``last_activity``."""
        session.last_activity = self._clock()
        encoded = encode_session(session)
        with self._writing() as snap:
            self._commit(snap, put={session_id: encoded})

    def delete(self, session_id: str) -> bool:
        """Remove a session from the file; True if it was there."""
        return bool(self.delete_many([session_id]))

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        """Remove sessions in one write; returns the ids that were there."""
        with self._writing() as snap:
            present = [sid for sid in dict.fromkeys(session_ids) if sid in snap]
            if present:
                self._commit(snap, remove=present)
            return present

    def modify(self, session_id: str, change: Callable[[Session], bool | None]) -> Session | None:
        """Apply ``change`` to the latest stored copy of a session and store it.

        ``change`` may return ``False`` to leave the file as it is. Returns the
        session as changed (or as found), or ``None`` if it is not stored.
        """
        return self.modify_many([session_id], change).get(session_id)

    def modify_many(
        self, session_ids: Collection[str], change: Callable[[Session], bool | None]
    ) -> dict[str, Session]:
        """:meth:`modify` for several sessions, in one locked write."""
        with self._writing() as snap:
            now = self._clock()
            found: dict[str, Session] = {}
            put = {}
            for session_id in dict.fromkeys(session_ids):
                session = snap.session(session_id)
                if session is None:
                    continue
                found[session_id] = session
                if change(session) is not False:
                    session.last_activity = now
                    put[session_id] = encode_session(session)
            if put:
                self._commit(snap, put=put)
            return found

    def cleanup_old_sessions(self, older_than: timedelta) -> int:
        """Remove ended sessions idle longer than ``older_than``; returns how many.

        Never removes running, pending or persistent sessions.
        """
        with self._writing() as snap:
            doomed = [s.id for s in cleanup_candidates(snap.summaries(), older_than, self._clock())]
            if doomed:
                self._commit(snap, remove=doomed)
            return len(doomed)

    def force_save(self) -> None:
        """Rewrite the file now (creating it if missing)."""
        with self._writing() as snap:
            self._commit(snap)

    def close(self) -> None:
        """Nothing to flush: every write is durable when it returns. Idempotent."""

    # -- internals ----------------------------------------------------------

    def _fresh(self) -> Snapshot:
        snap = self._snapshot
        current = file_identity(self.path)
        if current != snap.identity or (current is None and snap.exists):
            # Incremental: only the stretch another writer changed is split and
            # parsed. It accepts exactly what a full parse accepts (a shortcut it
            # cannot justify falls back to one), so writes still start from a
            # validated reading; tests/session/test_incremental_reload.py checks this.
            snap = self._snapshot = read_snapshot(self.path, previous=snap, max_bytes=self.max_file_bytes)
        return snap

    def _target(self) -> Path:
        # Write through a symlink to its target, and lock beside the target so
        # that processes naming the file by different paths share one lock.
        return Path(os.path.realpath(self.path))

    @contextmanager
    def _writing(self) -> Iterator[Snapshot]:
        target = self._target()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)  # the lock lives beside the file
        except OSError as exc:
            raise StoreAccessError(f"{target.parent}: cannot create the directory: {exc.strerror}") from None
        with self._mutex, exclusive_lock(lock_path_for(target), self.lock_timeout):
            if not self._swept:
                remove_stale_temps(target)
                self._swept = True
            yield self._fresh()

    def _commit(
        self,
        snap: Snapshot,
        put: Mapping[str, dict[str, object]] | None = None,
        remove: Collection[str] = (),
    ) -> None:
        try:
            new = snap.edited(put, remove, updated=self._clock())
        except ValueError as exc:  # a value JSON (or this encoder) cannot hold
            raise CorruptStoreError(f"{self.path}: cannot write: {exc}") from None
        new.identity = write_atomic(self._target(), new.data)
        new.changes = ChangeSet(
            added=frozenset(k for k in put or () if k not in snap),
            changed=frozenset(k for k in put or () if k in snap),
            removed=frozenset(remove),
        )
        self._snapshot = new

