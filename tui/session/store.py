"""``SessionStore`` (the Go interface) and ``SessionStoreJSON``, its JSON-file store.

Unlike the Go store, which loads the file once and rewrites it from memory,
every mutation here is a read-modify-write of the latest file under an
exclusive lock on ``<file>.lock``, written atomically and durably. Several
session-tui processes can therefore share one file without undoing each
other's work.

That guarantee stops at writers that take no lock, the Go bot's store
first: its next write replaces the file with its memory and undoes any
change made here meanwhile. The store cannot prevent that; it makes it
visible (every reading's :attr:`Snapshot.writer` says whether the version
was written by a writer that took no lock, see :mod:`.writers`) and loses
less of theirs: just before its rename, a write checks that the file is
still the version it read, and if not re-reads it and applies the change
again (at most :data:`WRITE_ATTEMPTS` times).
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

from .atomic import discard, remove_stale_temps, replace_atomic
from .codec import encode_session
from .errors import CorruptStoreError, StoreAccessError, StoreConflictError
from .filelock import exclusive_lock, lock_path_for
from .gotime import Clock, utc_now
from .identity import FileIdentity, file_identity
from .model import Session, by_created, by_last_activity
from .snapshot import ChangeSet, Snapshot, read_snapshot
from .summary import SessionSummary, cleanup_candidates
from .writers import WriterInfo, WriterRecord, read_record_fd, write_record_fd

T = TypeVar("T")

#: What a write applies to a reading: sessions to put, ids to remove, and
#: what the call returns.
Plan = Callable[[Snapshot], tuple[Mapping[str, dict[str, object]], Collection[str], T]]

#: How many times one write reads the file and applies its change before it
#: gives up because the file keeps changing under it (a writer that takes no
#: lock renaming its versions in between).
WRITE_ATTEMPTS = 20


class _ChangedUnderUs(Exception):
    """The file is no longer the version the write read (raised just before the rename)."""


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
    are never written, and for files this user may not write (checked on
    the file itself, as editors do; reading them works).

    Between session-tui processes a change is never undone by another's
    write. A writer that takes no lock (the Go bot) undoes it at its next
    write; :attr:`Snapshot.writer` of :meth:`snapshot` says when one wrote
    last (see :class:`~tui.session.WriterInfo`). A symlink is resolved once
    per write, under the lock, and the write goes to that target (it fails
    with :class:`StoreAccessError` if the link is re-pointed meanwhile).
    """

    #: Check, just before the rename, that the file is still the version read,
    #: and swap rather than rename to learn what was replaced (off only to
    #: measure what that saves, in ``tui.bench.foreign``).
    _check_before_rename = True

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
        # A reading of our own notes its message times for a first list(),
        # which then costs little more than the open (any other use drops them).
        self._snapshot = (
            snapshot if snapshot is not None else read_snapshot(self.path, max_bytes=max_file_bytes, keep_parsed=True)
        )

    def __repr__(self) -> str:
        return f"SessionStoreJSON({str(self.path)!r})"

    # -- reading ------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current contents of the file (re-read if it changed)."""
        with self._mutex:
            snap = self._fresh()
        snap.release_parsed()
        return snap

    def get(self, session_id: str) -> Session | None:
        """The stored session, decoded from the latest file, or ``None``."""
        return self.snapshot().session(session_id)

    def list(self) -> list[Session]:
        """Every session in the file, in file order.

        Each session is checked now, its history's timestamps included
        (:class:`~tui.session.CorruptStoreError` names a bad one). The fields
        a summary does not hold (``response``, ``context``, ``messages``) are
        decoded from the file's bytes when one of them is first read; until
        then the sessions of one call share (and keep alive) one copy of
        those bytes. They are ordinary ``Session`` dataclasses meanwhile:
        equality, ``dataclasses.replace``, pickling and ``copy`` see every field.
        (A session holding an integer beyond 64 bits nested too deeply for the
        exact parser, some 1,000 levels, raises ``CorruptStoreError`` then.)
        """
        with self._mutex:
            snap = self._fresh()
        return snap.sessions()

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
        self._write(lambda snap: ({session_id: encoded}, (), None))

    def delete(self, session_id: str) -> bool:
        """Remove a session from the file; True if it was there."""
        return bool(self.delete_many([session_id]))

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        """Remove sessions in one write; returns the ids that were there."""
        ids = list(dict.fromkeys(session_ids))

        def plan(snap: Snapshot) -> tuple[dict[str, dict[str, object]], list[str], list[str]]:
            present = [sid for sid in ids if sid in snap]
            return {}, present, present

        return self._write(plan)

    def modify(self, session_id: str, change: Callable[[Session], bool | None]) -> Session | None:
        """Apply ``change`` to the latest stored copy of a session and store it.

        ``change`` may return ``False`` to leave the file as it is. Returns the
        session as changed (or as found), or ``None`` if it is not stored.
        ``change`` is called again, on a fresh copy, if the file changes
        during the write (see :data:`WRITE_ATTEMPTS`); the last call is the
        one written.
        """
        return self.modify_many([session_id], change).get(session_id)

    def modify_many(
        self, session_ids: Collection[str], change: Callable[[Session], bool | None]
    ) -> dict[str, Session]:
        """:meth:`modify` for several sessions, in one locked write."""
        ids = list(dict.fromkeys(session_ids))

        def plan(snap: Snapshot) -> tuple[dict[str, dict[str, object]], tuple[()], dict[str, Session]]:
            now = self._clock()
            found: dict[str, Session] = {}
            put = {}
            for session_id in ids:
                session = snap.session(session_id)
                if session is None:
                    continue
                found[session_id] = session
                if change(session) is not False:
                    session.last_activity = now
                    put[session_id] = encode_session(session)
            return put, (), found

        return self._write(plan)

    def cleanup_old_sessions(self, older_than: timedelta) -> int:
        """Remove ended sessions idle longer than ``older_than``; returns how many.

        Never removes running, pending or persistent sessions.
        """
        def plan(snap: Snapshot) -> tuple[dict[str, dict[str, object]], list[str], int]:
            doomed = [s.id for s in cleanup_candidates(snap.summaries(), older_than, self._clock())]
            return {}, doomed, len(doomed)

        return self._write(plan)

    def force_save(self) -> None:
        """Rewrite the file now (creating it if missing)."""
        self._write(lambda snap: ({}, (), None), force=True)

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

    def _check_writable(self, target: Path) -> os.stat_result | None:
        """The file's ``stat`` (``None`` if missing); refuse a file this user may not write."""
        try:
            st = os.stat(target)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreAccessError(f"{self.path}: cannot stat: {exc.strerror}") from None
        effective = os.access in os.supports_effective_ids
        if not os.access(target, os.W_OK, effective_ids=effective):
            raise StoreAccessError(
                f"{self.path}: permission denied: this user may not write the file "
                f"(mode {stat.S_IMODE(st.st_mode):04o}, owner uid {st.st_uid}); nothing changed"
            )
        return st

    def _write(self, plan: Plan[T], *, force: bool = False) -> T:
        """Apply ``plan`` to the latest file under its lock and write the result (see :data:`Plan`)."""
        with self._mutex:
            for _ in range(5):
                target = self._target()
                like = self._check_writable(target)
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)  # the lock lives beside the file
                except OSError as exc:
                    raise StoreAccessError(f"{target.parent}: cannot create the directory: {exc.strerror}") from None
                with exclusive_lock(lock_path_for(target), self.lock_timeout, like) as lock_fd:
                    if self._target() != target:
                        continue  # the symlink moved before we had the lock: lock the new target
                    self._check_writable(target)
                    if not self._swept:
                        remove_stale_temps(target)
                        self._swept = True
                    return self._write_locked(target, lock_fd, plan, force)
            raise StoreAccessError(f"{self.path}: the symlink keeps being re-pointed; nothing written")

    def _write_locked(self, target: Path, lock_fd: int, plan: Plan[T], force: bool) -> T:
        found = read_record_fd(lock_fd)
        record = found if found is not None else WriterRecord()
        # Where this attempt starts from: the file, or (``repair``) the version
        # of a writer that took no lock that our last rename displaced.
        repair: Path | None = None
        expected: FileIdentity | None = None
        for attempt in range(WRITE_ATTEMPTS):
            if repair is None:
                snap = self._read_target(target)
                expected = snap.identity
                if attempt:
                    # It changed while we held the lock: a writer that takes no lock.
                    record.saw_foreign_ns(None if expected is None else expected.mtime_ns)
                elif found is not None:
                    record.saw(expected)
                if snap.writer.foreign_at is not None:  # a foreign version a reading saw, and no writer
                    record.saw_foreign_ns(_ns(snap.writer.foreign_at))
            else:
                try:
                    snap = read_snapshot(self.path, previous=self._snapshot, max_bytes=self.max_file_bytes, resolved=repair)
                finally:
                    discard(repair)
                # ``expected`` stays: the file holds the version we just renamed into place.
            put, remove, result = plan(snap)
            if not (put or remove or force or repair is not None):
                return result
            try:
                new = snap.edited(put, remove, updated=self._clock())
            except ValueError as exc:  # a value JSON (or this encoder) cannot hold
                raise CorruptStoreError(f"{self.path}: cannot write: {exc}") from None

            def before_rename(identity: FileIdentity, read: FileIdentity | None = expected) -> None:
                # Recorded first, so that a reader who sees the new version finds it ours.
                record.committed(identity)
                write_record_fd(lock_fd, record)
                if self._target() != target:
                    raise StoreAccessError(f"{self.path}: the symlink was re-pointed during the write; nothing written")
                if self._check_before_rename and file_identity(target) != read:
                    raise _ChangedUnderUs

            def before_sync(read: FileIdentity | None = expected) -> None:
                # Changed already: give up this attempt before paying for its fsync.
                if self._check_before_rename and file_identity(target) != read:
                    raise _ChangedUnderUs

            repair = None
            try:
                replaced = replace_atomic(
                    target, new.data, before_rename=before_rename, before_sync=before_sync,
                    exchange=self._check_before_rename,
                )
            except _ChangedUnderUs:
                continue
            new.identity = replaced.identity
            new.writer = WriterInfo(foreign=False, foreign_at=record.info(None).foreign_at)
            self._snapshot = new
            if replaced.displaced is not None and replaced.displaced != expected:
                # A writer that takes no lock renamed its version between our
                # check and our rename: ours replaced it. Apply the change to
                # that version and put it back.
                record.saw_foreign_ns(replaced.displaced.mtime_ns)
                repair, expected = replaced.displaced_path, replaced.identity
                continue
            if replaced.displaced_path is not None:
                discard(replaced.displaced_path)
            try:
                os.fdatasync(lock_fd)  # the record of what is now on disk
            except OSError:
                pass
            new.changes = ChangeSet(
                added=frozenset(k for k in put if k not in snap),
                changed=frozenset(k for k in put if k in snap),
                removed=frozenset(remove),
            )
            return result
        outcome = "nothing written"
        if repair is not None:
            discard(repair)
            outcome = "this change was written, but over their latest version (their next write restores it)"
        raise StoreConflictError(
            f"{self.path}: the file changed {WRITE_ATTEMPTS} times during one write, each time before "
            f"it could be renamed into place: a writer that takes no lock (the bot?) is rewriting it; {outcome}"
        )

    def _read_target(self, target: Path) -> Snapshot:
        """The latest reading of ``target`` (the resolved file, read under the lock)."""
        snap = self._snapshot
        snap.release_parsed()
        current = file_identity(target)
        if current != snap.identity or (current is None and snap.exists):
            snap = self._snapshot = read_snapshot(self.path, previous=snap, max_bytes=self.max_file_bytes, resolved=target)
        return snap


def _ns(moment: datetime) -> int:
    return int(moment.timestamp() * 1e9)
