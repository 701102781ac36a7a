"""``SessionStoreSQLite``: the store of current tingly-box (SPEC §7).

Sessions are rows of ``remote_sessions`` in ``<base>/db/tingly.db``; each
session's history is an append-only JSONL transcript under
``<base>/remote/transcripts``. Several processes (ours and the Go bot)
share both: every edit is one short ``BEGIN IMMEDIATE`` transaction that
re-reads the rows it changes and updates only the columns that changed,
so another writer's columns and rows are neither undone nor resurrected,
and SQLite serialises the writers. Readers never block writers (WAL).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..codec import encode_message
from ..errors import StoreAccessError
from ..gotime import Clock, utc_now
from ..model import Message, Session
from ..status import ENDED_STATUSES
from ..summary import CLEANABLE_STATUSES, SessionSummary, is_cleanable
from . import transcripts
from .errors import translate
from .rows import (
    CLEAN_EXPRESSION,
    StoredSession,
    changed_columns,
    check_context,
    column_values,
    decode_session,
    decode_summary,
    messages_state,
    row_time,
    unchanged_messages,
)
from .schema import BUSY_TIMEOUT, COLUMNS, TABLE, check_file, check_schema, create_schema
from .timetext import format_db_time

# Every column this store knows, then whether the text columns all hold text.
_SELECT = f"SELECT {', '.join(COLUMNS)}, {CLEAN_EXPRESSION} FROM {TABLE}"
# The same row shape for summaries, without the one large column they do not show.
_SUMMARY_SELECT = _SELECT.replace("response,", "'' AS response,", 1)
_INSERT = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
# SQLite allows 999 parameters per statement in old builds; stay well below.
_CHUNK = 500


def default_transcripts(db_path: Path) -> Path:
    """``<db_path>/../../remote/transcripts``: where tingly-box keeps the transcripts."""
    return db_path.parent.parent / "remote" / "transcripts"


class SessionStoreSQLite:
    """Sessions in tingly-box's SQLite database plus JSONL transcripts.

    Implements :class:`~tui.session.SessionStore`, plus the batch edits the
    :class:`~tui.session.Manager` uses (``modify``/``modify_many``,
    ``delete_many``, ``cleanup_old_sessions``), :meth:`messages`,
    :meth:`append_message` (:meth:`append_to_open`) and the cheap :meth:`summaries`.

    Opening checks an existing file (SQLite header, the table, its
    columns) and raises a :class:`~tui.session.StoreError` subclass for a
    bad one, which is then never written; opening reads no transcript. A
    missing database is an empty store, created (``db/`` 0700, the file
    0600, WAL, Go's DDL) by the first write. The connection uses WAL and a
    busy timeout (``busy_timeout``, 5 s as in Go); a lock held longer
    raises :class:`DatabaseBusyError` (a :class:`~tui.session.StoreLockTimeout`).

    There is no ``Context`` column: ``context`` reads as ``None``, and
    writing a non-empty one raises :class:`ContextNotStoredError` (the
    ``{"project_path": project}`` a Manager gives new sessions is accepted:
    the project has its own column).
    """

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        transcripts: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        clock: Clock | None = None,
    ) -> None:
        """Open the database at ``db_path``; ``transcripts`` defaults to :func:`default_transcripts`."""
        self.path = Path(db_path).expanduser()
        self.transcripts = (
            Path(transcripts).expanduser() if transcripts is not None else default_transcripts(self.path)
        )
        self.busy_timeout = busy_timeout
        self._clock = clock or utc_now
        self._mutex = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        with self._mutex:
            self._connection(create=False)

    def __repr__(self) -> str:
        return f"SessionStoreSQLite({str(self.path)!r})"

    # -- reading ------------------------------------------------------------

    def get(self, session_id: str) -> Session | None:
        """The stored session (its messages read on first use), or ``None``."""
        rows = self._query(f"{_SELECT} WHERE id = ?", (session_id,), "reading a session")
        return self._session(rows[0]) if rows else None

    def list(self) -> list[Session]:
        """Every stored session; each one's transcript is read when its ``messages`` is first used."""
        return [self._session(row) for row in self._query(_SELECT, (), "reading the sessions")]

    def summaries(self, *, count_messages: bool = False) -> list[SessionSummary]:
        """Every session's summary, from the rows alone.

        ``message_count`` is ``None`` (not counted: that would read every
        transcript) unless ``count_messages`` is true; :meth:`message_count`
        counts one session's.
        """
        rows = self._query(_SUMMARY_SELECT, (), "reading the sessions")
        if not count_messages:
            return [decode_summary(self.path, row) for row in rows]
        return [decode_summary(self.path, row, self.message_count(row[0])) for row in rows] if rows else []

    def message_count(self, session_id: str) -> int:
        """How many lines the session's transcript holds (0 if none), without decoding them."""
        return transcripts.count_lines(self.transcript_path(session_id))

    def messages(self, session_id: str) -> list[Message]:
        """The session's transcript (empty if it has none).

        Raises :class:`~tui.session.CorruptStoreError` naming the file and
        line of a line that is not a complete message.
        """
        return transcripts.read_transcript(self.transcript_path(session_id))

    def transcript_path(self, session_id: str) -> Path:
        """The file that holds (or will hold) a session's transcript."""
        return transcripts.transcript_path(self.transcripts, session_id)

    def stray_transcripts(self) -> list[Path]:
        """Transcripts whose session has no row: a warning to show, never removed on their own.

        (The bot may write a transcript just before its row, and a delete
        that was cut short leaves one behind.)
        """
        ids = [row[0] for row in self._query(f"SELECT id FROM {TABLE}", (), "reading the session ids")]
        return transcripts.stray_transcripts(self.transcripts, ids)

    def find_by_chat_agent_project(self, chat_id: str, agent: str, project: str) -> Session | None:
        """The most recently active session of this tuple that is not closed or expired.

        "Most recent" compares instants to the nanosecond, never the stored
        text (offsets differ between rows).
        """
        rows = self._query(
            f"{_SELECT} WHERE chat_id = ? AND agent = ? AND project = ?",
            (chat_id, agent, project),
            "finding a session",
        )
        now = self._clock()
        best: tuple[tuple[bool, Any], StoredSession] | None = None
        for row in rows:
            session = self._session(row)
            if session.status in ENDED_STATUSES or (session.expires_at is not None and session.expires_at < now):
                continue
            stamp = row_time(self.path, row, "last_activity")
            key = (stamp is not None, stamp.key() if stamp is not None else None)
            if best is None or _later(key, best[0]):
                best = (key, session)
        return None if best is None else best[1]

    def list_by_chat(self, chat_id: str) -> list[Session]:
        """Every session of a chat, oldest first (by instant)."""
        rows = self._query(f"{_SELECT} WHERE chat_id = ?", (chat_id,), "reading a chat's sessions")
        keyed = []
        for row in rows:
            created = row_time(self.path, row, "created_at")
            keyed.append(((created is not None, created.key() if created else (datetime.min, 0)), self._session(row)))
        keyed.sort(key=lambda pair: pair[0])
        return [session for _, session in keyed]

    def data_version(self) -> int | None:
        """SQLite's ``data_version``: it changes when another connection commits (``None``: no database)."""
        with self._mutex:
            conn = self._connection(create=False)
            if conn is None:
                return None
            try:
                return int(conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error as exc:
                raise translate(exc, self.path, "reading data_version") from None

    @contextmanager
    def read_transaction(self, doing: str) -> Iterator[sqlite3.Connection | None]:
        """One read transaction on the store's connection, under its lock: every query sees one version.

        Yields ``None`` when there is no database. Only ``temp`` tables may
        be written inside (the main database is only read). ``sqlite3``
        errors raise as :class:`~tui.session.StoreError` subclasses naming ``doing``.
        """
        with self._mutex:
            conn = self._connection(create=False)
            if conn is None:
                yield None
                return
            with self._transaction(conn, "BEGIN", doing):
                yield conn

    # -- writing ------------------------------------------------------------

    def set(self, session_id: str, session: Session) -> None:
        """Store ``session`` under ``session_id`` (an upsert), stamping its ``last_activity``.

        Only the columns that differ from the stored row are written. A
        ``messages`` list becomes the transcript (appended to when it only
        grew); ``None`` leaves the transcript alone.
        """
        check_context(session)
        session.last_activity = self._clock()
        with self._writing("storing a session") as conn:
            found = fetch(conn, f"{_SELECT} WHERE id = ?", (session_id,))
            current = found[0] if found else None
            if current is None:
                values = column_values(session)
                values["id"] = session_id
                conn.execute(_INSERT, [values[name] for name in COLUMNS])
            else:
                self._update(conn, session_id, changed_columns(self.path, session, current))
            self._save_messages(session_id, session)

    def delete(self, session_id: str) -> bool:
        """Remove a session's row and transcript; True if the row was there."""
        return bool(self.delete_many([session_id]))

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        """Remove rows and transcripts in one transaction; returns the ids whose row was there."""
        ids = list(dict.fromkeys(session_ids))
        with self._writing("deleting sessions") as conn:
            present = set()
            for chunk in _chunks(ids):
                marks = ", ".join("?" * len(chunk))
                present.update(r[0] for r in conn.execute(f"SELECT id FROM {TABLE} WHERE id IN ({marks})", chunk))
                conn.execute(f"DELETE FROM {TABLE} WHERE id IN ({marks})", chunk)
        # After the commit: a transcript outlives a row that is still there, never the reverse.
        for session_id in ids:
            transcripts.remove(self.transcript_path(session_id))
        return [sid for sid in ids if sid in present]

    def modify(self, session_id: str, change: Callable[[Session], bool | None]) -> Session | None:
        """Apply ``change`` to the latest stored copy of a session and store what changed.

        ``change`` may return ``False`` to leave the session as it is.
        Returns the session (as changed or as found), or ``None`` if there is no such row.
        """
        return self.modify_many([session_id], change).get(session_id)

    def modify_many(
        self, session_ids: Collection[str], change: Callable[[Session], bool | None]
    ) -> dict[str, Session]:
        """:meth:`modify` for several sessions in one transaction; returns those found.

        A changed session's ``last_activity`` is stamped; only the columns
        that differ are updated, and a grown history is appended to the
        transcript. A session deleted elsewhere is not found (never re-created).
        """
        with self._writing("changing sessions") as conn:
            now = self._clock()
            found: dict[str, Session] = {}
            for session_id in dict.fromkeys(session_ids):
                found_rows = fetch(conn, f"{_SELECT} WHERE id = ?", (session_id,))
                if not found_rows:
                    continue
                row = found_rows[0]
                session = found[session_id] = self._session(row)
                if change(session) is False:
                    continue
                check_context(session)
                session.last_activity = now
                self._update(conn, session_id, changed_columns(self.path, session, row))
                self._save_messages(session_id, session)
            return found

    def append_message(self, session_id: str, msg: Message) -> bool:
        """Append one line to a session's transcript and stamp its ``last_activity``.

        A missing timestamp becomes now. False (and nothing written) if the
        session has no row. Reads no transcript.
        """
        now = self._clock()
        if msg.timestamp is None:
            msg.timestamp = now
        with self._writing("appending a message") as conn:
            if conn.execute(f"SELECT 1 FROM {TABLE} WHERE id = ?", (session_id,)).fetchone() is None:
                return False
            self._update(conn, session_id, {"last_activity": format_db_time(now)})
            transcripts.append_lines(self.transcript_path(session_id), [msg])
            return True

    def append_to_open(self, session_id: str, msg: Message) -> tuple[Session | None, bool]:
        """:meth:`append_message`, refused for an ended session: what ``Manager.append_message`` needs.

        In one transaction: the row is read (and checked), an open session's
        ``last_activity`` stamped and one line (Go's encoding) appended to
        its transcript, which is never read. Returns the session as found
        (``last_activity`` as stamped; its ``messages`` read from the
        transcript when first used), or ``None`` without a row; and whether
        the line was appended (not for a closed or expired session).
        """
        now = self._clock()
        if msg.timestamp is None:
            msg.timestamp = now
        with self._writing("appending a message") as conn:
            found = fetch(conn, f"{_SELECT} WHERE id = ?", (session_id,))
            if not found:
                return None, False
            session = self._session(found[0])  # raises for a row it cannot read: nothing written
            if session.status in ENDED_STATUSES:
                return session, False
            self._update(conn, session_id, {"last_activity": format_db_time(now)})
            transcripts.append_lines(self.transcript_path(session_id), [msg])
            session.last_activity = now
            return session, True

    def cleanup_old_sessions(self, older_than: timedelta) -> int:
        """Remove ended sessions idle longer than ``older_than`` (rows and transcripts); returns how many.

        Never running, pending, unknown-status or persistent sessions. One
        transaction; a row it cannot read aborts it with nothing removed.
        """
        cutoff = self._clock() - older_than
        statuses = sorted(str(s) for s in CLEANABLE_STATUSES)
        marks = ", ".join("?" * len(statuses))
        with self._writing("cleaning up sessions") as conn:
            rows = fetch(conn, f"{_SELECT} WHERE status IN ({marks})", statuses)
            doomed = [
                summary.id
                for summary in (decode_summary(self.path, row) for row in rows)
                if is_cleanable(summary.status, summary.last_activity, summary.persistent, cutoff)
            ]
            for chunk in _chunks(doomed):
                conn.execute(f"DELETE FROM {TABLE} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        for session_id in doomed:
            transcripts.remove(self.transcript_path(session_id))
        return len(doomed)

    def close(self) -> None:
        """Close the connection (a later call opens it again). Idempotent."""
        with self._mutex:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- internals ----------------------------------------------------------

    def _session(self, row: Any) -> StoredSession:
        session_id, directory = row[0], self.transcripts
        if type(session_id) is not str:
            return decode_session(self.path, row, None)  # raises: a row without an id

        def load() -> list[Message]:
            # A plain function (not a bound method): copying a session never copies the store.
            return transcripts.read_transcript(transcripts.transcript_path(directory, session_id))

        return decode_session(self.path, row, load)

    def _query(self, sql: str, params: Any, doing: str) -> list[Any]:
        with self._mutex:
            conn = self._connection(create=False)
            if conn is None:
                return []
            try:
                return fetch(conn, sql, params)
            except sqlite3.Error as exc:
                raise translate(exc, self.path, doing) from None

    @contextmanager
    def _writing(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed if the body returns, else rolled back."""
        with self._mutex:
            conn = self._connection(create=True)
            assert conn is not None
            with self._transaction(conn, "BEGIN IMMEDIATE", doing):
                yield conn

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection, begin: str, doing: str) -> Iterator[None]:
        """``begin`` a transaction: committed if the body returns, else rolled back;
        ``sqlite3`` errors raise as :class:`~tui.session.StoreError` subclasses naming ``doing``."""
        try:
            conn.execute(begin)
        except sqlite3.Error as exc:
            raise translate(exc, self.path, doing) from None
        try:
            yield
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # no transaction left to roll back
            if isinstance(exc, sqlite3.Error):
                raise translate(exc, self.path, doing) from None
            raise

    def _update(self, conn: sqlite3.Connection, session_id: str, columns: dict[str, Any]) -> None:
        if columns:
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(f"UPDATE {TABLE} SET {assignments} WHERE id = ?", (*columns.values(), session_id))

    def _save_messages(self, session_id: str, session: Session) -> None:
        touched, baseline = messages_state(session)
        if not touched:
            return
        messages = session.messages
        if messages is None:
            return
        path = self.transcript_path(session_id)
        if baseline is None:  # not read through this session: compare with the file
            baseline = [encode_message(m) for m in transcripts.read_transcript(path)]
        if unchanged_messages(baseline, messages):
            transcripts.append_lines(path, messages[len(baseline):])
        else:
            transcripts.rewrite(path, messages)
        if isinstance(session, StoredSession):
            session.__dict__["_baseline"] = [encode_message(m) for m in messages]

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The open connection; ``None`` when there is no database and ``create`` is false."""
        if self._conn is not None:
            return self._conn
        exists = check_file(self.path)
        if not exists and not create:
            return None
        if not exists:
            self._create_file()
        conn = self._connect()
        try:
            if not exists:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("BEGIN IMMEDIATE")
                create_schema(conn)
                conn.execute("COMMIT")
            check_schema(conn, self.path)
            if exists:
                self._use_wal(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise translate(exc, self.path, "opening the database") from None
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        uri = "file:" + urllib.parse.quote(str(self.path.absolute())) + "?mode=rw"
        try:
            conn = sqlite3.connect(
                uri, uri=True, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise translate(exc, self.path, "opening the database") from None
        return conn

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL as Go does on open (a database someone else left in another mode)."""
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error:
                pass  # read-only or busy: the old mode still works

    def _create_file(self) -> None:
        transcripts.ensure_directory(self.path.parent)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise StoreAccessError(f"{self.path}: cannot create the database: {exc.strerror}") from None
        os.close(fd)


def fetch(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[Any]:
    """Every row of a query; text that is not UTF-8 reads with U+FFFD instead of failing.

    (As Go's JSON would show it; such a column is only written back if the
    caller changed it.) The strict decoder is SQLite's own and fast, so it
    is tried first.
    """
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
    conn.text_factory = _lenient_text
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.text_factory = str


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _later(a: tuple[bool, Any], b: tuple[bool, Any]) -> bool:
    if a[0] != b[0]:
        return a[0]
    return bool(a[0]) and a[1] > b[1]


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]

