"""``SessionStoreSQLite`` semantics (SPEC §7): upserts, column-wise edits, transcripts, the Manager on it."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from rawfiles import T0, FakeClock
from sqlitefiles import GO_DDL, go_database, go_row, raw_rows, transcript_line, tree_state

from tui.session import (
    ContextNotStoredError,
    DatabaseBusyError,
    Manager,
    Message,
    Session,
    SessionStoreJSON,
    SessionStoreSQLite,
    Status,
    StoreError,
    StoreLockTimeout,
    open_store,
)

NOW_TEXT = "2026-11-24 12:00:00+00:00"  # T0 as this store writes it


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return tmp_path / ".tingly-box"


@pytest.fixture
def db(base: Path) -> Path:
    return base / "db" / "tingly.db"


def transcript(base: Path, session_id: str) -> Path:
    return base / "remote" / "transcripts" / f"{session_id}.jsonl"


def with_column_log(db: Path) -> None:
    """Triggers that log every column an UPDATE names (even with its old value) to a table of their own."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE column_log (id text, name text)")
    for (name,) in conn.execute("SELECT name FROM pragma_table_info('remote_sessions')").fetchall():
        conn.execute(
            f"CREATE TRIGGER log_{name} AFTER UPDATE OF {name} ON remote_sessions "
            f"BEGIN INSERT INTO column_log VALUES (new.id, '{name}'); END"
        )
    conn.close()


def logged_columns(db: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT id, name FROM column_log").fetchall())
    finally:
        conn.close()


def manager_on(store: SessionStoreSQLite, clock: FakeClock) -> Manager:
    return Manager(store=store, clock=clock, background=False)


# -- edits touch only what they change -------------------------------------------------


def test_edits_update_only_the_columns_they_change(db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"), go_row("b"))
    with_column_log(db)
    with manager_on(SessionStoreSQLite(db, clock=clock), clock) as manager:
        assert manager.close("a")
        assert manager.set_completed("b", "done")
    assert logged_columns(db) == {
        ("a", "status"), ("a", "last_activity"),
        ("b", "status"), ("b", "response"), ("b", "last_activity"),
    }
    rows = raw_rows(db)
    assert rows["a"] == go_row("a", status="closed", last_activity=NOW_TEXT)
    assert rows["b"] == go_row("b", status="completed", response="done", last_activity=NOW_TEXT)


def test_an_edit_keeps_what_another_writer_changed_since_we_read(db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    store = SessionStoreSQLite(db, clock=clock)
    seen = store.get("a")
    assert seen is not None and seen.response == ""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE remote_sessions SET response = 'from the bot' WHERE id = 'a'")
    conn.close()
    with manager_on(store, clock) as manager:
        assert manager.close("a")
    assert raw_rows(db)["a"]["response"] == "from the bot"


def test_unknown_columns_and_tables_are_never_touched(db: Path, clock: FakeClock) -> None:
    ddl = (GO_DDL[0].replace(",PRIMARY KEY", ",`bot_note` text DEFAULT 'n/a',PRIMARY KEY"), *GO_DDL[1:],
           "CREATE TABLE other (k text, v text)", "INSERT INTO other VALUES ('keep', 'me')")
    go_database(db, go_row("a", bot_note="mine"), go_row("b", bot_note="theirs"), ddl=ddl)
    store = SessionStoreSQLite(db, clock=clock)
    session = store.get("a")
    assert session is not None
    session.request = "changed"
    store.set("a", session)
    store.set("new", Session(id="new", status=Status.PENDING))
    with manager_on(store, clock) as manager:
        assert manager.close("b")
    rows = raw_rows(db)
    assert (rows["a"]["bot_note"], rows["a"]["request"]) == ("mine", "changed")
    assert (rows["b"]["bot_note"], rows["b"]["status"]) == ("theirs", "closed")
    assert rows["new"]["bot_note"] == "n/a"  # the column's default: we never name it
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT * FROM other").fetchall() == [("keep", "me")]
    conn.close()


def test_set_is_an_upsert(db: Path, clock: FakeClock) -> None:
    store = SessionStoreSQLite(db, clock=clock)
    store.set("s1", Session(id="s1", chat_id="c", status=Status.RUNNING, created_at=T0, expires_at=None))
    first = raw_rows(db)["s1"]
    assert (first["status"], first["expires_at"], first["last_activity"]) == ("running", "0001-01-01 00:00:00+00:00", NOW_TEXT)
    clock.advance(seconds=1.5)
    again = store.get("s1")
    assert again is not None and again.persistent
    again.status = Status.COMPLETED
    store.set("s1", again)
    rows = raw_rows(db)
    assert list(rows) == ["s1"]
    assert (rows["s1"]["status"], rows["s1"]["last_activity"]) == ("completed", "2026-11-24 12:00:01.5+00:00")


# -- context ---------------------------------------------------------------------------------


def test_context_reads_as_none_and_setting_one_is_refused(db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    before = tree_state(db.parent)
    store = SessionStoreSQLite(db, clock=clock)
    with manager_on(store, clock) as manager:
        assert manager.get_or_load("a").context is None
        with pytest.raises(ContextNotStoredError, match=r"'a'.*no context column.*user"):
            manager.set_context("a", "user", {"id": 1})
    with pytest.raises(ContextNotStoredError):
        store.set("b", Session(id="b", context={"platform": "telegram"}))
    assert tree_state(db.parent) == before  # refused: nothing written


def test_a_manager_creates_sessions_with_a_project(db: Path, clock: FakeClock) -> None:
    with manager_on(SessionStoreSQLite(db, clock=clock), clock) as manager:
        session = manager.create_with("chat", "claude", "/srv/app")  # context {"project_path": "/srv/app"}
    assert raw_rows(db)[session.id]["project"] == "/srv/app"


# -- finding: instants, never text -----------------------------------------------------------


def test_find_compares_instants_across_offsets_and_nanoseconds(db: Path, clock: FakeClock) -> None:
    clock.now = T0 - timedelta(days=3)
    go_database(
        db,
        # Text order: east > later > latest; instant order: east < later < latest.
        go_row("east", last_activity="2026-11-21 15:00:00+08:00", expires_at="0001-01-01 00:00:00+00:00"),
        go_row("later", last_activity="2026-11-21 07:30:00.000000001+00:00", expires_at="0001-01-01 00:00:00+00:00"),
        go_row("latest", last_activity="2026-11-21T07:30:00.000000002Z", expires_at="0001-01-01 00:00:00+00:00"),
        go_row("closed", status="closed", last_activity="2026-11-21 09:00:00+00:00"),
        go_row("other", agent="codex", last_activity="2026-11-21 10:00:00+00:00"),
    )
    store = SessionStoreSQLite(db, clock=clock)
    found = store.find_by_chat_agent_project("chat-1", "claude", "/work/proj")
    assert found is not None and found.id == "latest"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DELETE FROM remote_sessions WHERE id = 'latest'")
    conn.close()
    assert store.find_by_chat_agent_project("chat-1", "claude", "/work/proj").id == "later"


def test_list_by_chat_is_oldest_first_by_instant(db: Path) -> None:
    go_database(
        db,
        go_row("second", created_at="2026-11-24 09:00:00+08:00"),  # 01:00Z
        go_row("first", created_at="2026-11-24 00:30:00-00:00"),
        go_row("third", created_at="2026-11-24 01:00:00.000000001+00:00"),
        go_row("elsewhere", chat_id="chat-2"),
    )
    assert [s.id for s in SessionStoreSQLite(db).list_by_chat("chat-1")] == ["first", "second", "third"]


# -- transcripts ----------------------------------------------------------------------------


def test_append_message_adds_one_line_and_stamps_the_row(base: Path, db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    path = transcript(base, "a")
    path.parent.mkdir(parents=True)
    path.write_bytes(transcript_line("from go"))
    store = SessionStoreSQLite(db, clock=clock)
    assert store.append_message("a", Message(role="assistant", content="& more"))
    assert path.read_bytes() == transcript_line("from go") + (
        b'{"Role":"assistant","Content":"\\u0026 more","Summary":"","Timestamp":"2026-11-24T12:00:00Z"}\n'
    )
    assert raw_rows(db)["a"]["last_activity"] == NOW_TEXT
    assert not store.append_message("ghost", Message(content="x"))
    assert not transcript(base, "ghost").exists()


def test_a_grown_history_is_appended_after_lines_another_writer_added(base: Path, db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    path = transcript(base, "a")
    path.parent.mkdir(parents=True)
    path.write_bytes(transcript_line("one"))
    store = SessionStoreSQLite(db, clock=clock)
    session = store.get("a")
    assert session is not None and [m.content for m in session.messages] == ["one"]
    with open(path, "ab") as handle:  # the bot appends meanwhile
        handle.write(transcript_line("bot"))
    session.messages.append(Message(role="user", content="ours", timestamp=T0))
    store.set("a", session)
    assert [m.content for m in store.messages("a")] == ["one", "bot", "ours"]


def test_the_manager_appends_without_rewriting(base: Path, db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    path = transcript(base, "a")
    path.parent.mkdir(parents=True)
    path.write_bytes(transcript_line("one"))
    inode = path.stat().st_ino
    with manager_on(SessionStoreSQLite(db, clock=clock), clock) as manager:
        assert manager.append_message("a", Message(role="user", content="two"))
        assert manager.append_message("a", Message(role="user", content="three"))
    assert path.stat().st_ino == inode
    assert path.read_bytes().startswith(transcript_line("one"))
    assert [m.content for m in SessionStoreSQLite(db).messages("a")] == ["one", "two", "three"]


def test_a_changed_history_is_rewritten(base: Path, db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    path = transcript(base, "a")
    path.parent.mkdir(parents=True)
    path.write_bytes(transcript_line("one") + transcript_line("two"))
    store = SessionStoreSQLite(db, clock=clock)
    session = store.get("a")
    assert session is not None
    session.messages = session.messages[1:]
    store.set("a", session)
    assert path.read_bytes() == transcript_line("two")


# -- deleting and cleaning up -------------------------------------------------------------


def test_delete_removes_row_and_transcript(base: Path, db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"), go_row("b"))
    for sid in ("a", "b"):
        transcript(base, sid).parent.mkdir(parents=True, exist_ok=True)
        transcript(base, sid).write_bytes(transcript_line(sid))
    with manager_on(SessionStoreSQLite(db, clock=clock), clock) as manager:
        assert manager.delete("a")
        assert not manager.delete("a")
    assert set(raw_rows(db)) == {"b"}
    assert not transcript(base, "a").exists() and transcript(base, "b").exists()


def test_cleanup_removes_old_ended_sessions_only(base: Path, db: Path, clock: FakeClock) -> None:
    old, recent = "2026-11-10 10:00:00+08:00", "2026-11-24 11:00:00+00:00"
    go_database(
        db,
        go_row("old-closed", status="closed", last_activity=old),
        go_row("old-failed", status="failed", last_activity=old),
        go_row("old-running", status="running", last_activity=old),
        go_row("old-persistent", status="completed", last_activity=old, expires_at="0001-01-01 00:00:00+00:00"),
        go_row("old-unknown", status="paused", last_activity=old),
        go_row("recent-closed", status="closed", last_activity=recent),
    )
    for sid in ("old-closed", "old-running"):
        transcript(base, sid).parent.mkdir(parents=True, exist_ok=True)
        transcript(base, sid).write_bytes(transcript_line(sid))
    with manager_on(SessionStoreSQLite(db, clock=clock), clock) as manager:
        assert manager.cleanup_old_sessions(timedelta(days=7)) == 2
    assert set(raw_rows(db)) == {"old-running", "old-persistent", "old-unknown", "recent-closed"}
    assert not transcript(base, "old-closed").exists() and transcript(base, "old-running").exists()


# -- the database is busy --------------------------------------------------------------------


def test_a_held_write_lock_is_a_store_error_and_reading_goes_on(db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    store = SessionStoreSQLite(db, clock=clock, busy_timeout=0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE remote_sessions SET error = 'held' WHERE id = 'a'")
    try:
        with manager_on(store, clock) as manager:
            with pytest.raises(DatabaseBusyError) as caught:
                manager.close("a")
        assert isinstance(caught.value, StoreLockTimeout) and isinstance(caught.value, StoreError)
        assert str(db) in str(caught.value) and "\n" not in str(caught.value)
        assert [s.status for s in store.summaries()] == ["running"]  # WAL: readers do not wait
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.modify("a", lambda s: setattr(s, "status", Status.CLOSED)) is not None
    assert raw_rows(db)["a"]["status"] == "closed"


def test_threads_share_one_store(db: Path) -> None:
    store = SessionStoreSQLite(db)
    ids = [f"s{i}" for i in range(40)]

    def work(chunk: list[str]) -> None:
        for sid in chunk:
            store.set(sid, Session(id=sid, status=Status.RUNNING))
            store.append_message(sid, Message(content=sid))

    threads = [threading.Thread(target=work, args=(ids[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(raw_rows(db)) == sorted(ids)
    assert all([m.content for m in store.messages(sid)] == [sid] for sid in ids)


# -- open_store --------------------------------------------------------------------------------


def test_open_store_picks_the_store_for_a_path(tmp_path: Path, base: Path, db: Path) -> None:
    go_database(db, go_row("a"))
    assert isinstance(open_store(db), SessionStoreSQLite)
    assert isinstance(open_store(base), SessionStoreSQLite)
    disguised = tmp_path / "sessions.json"
    disguised.write_bytes(db.read_bytes())  # the header decides, not the name
    assert isinstance(open_store(disguised), SessionStoreSQLite)
    json_base = tmp_path / "old"
    json_base.mkdir()
    (json_base / "bot_sessions.json").write_text('{"version": 1, "items": {}}')
    assert isinstance(open_store(json_base), SessionStoreJSON)
    assert isinstance(open_store(json_base / "bot_sessions.json"), SessionStoreJSON)
    store = open_store(base)
    assert [s.id for s in store.list()] == ["a"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), r"neither bot_sessions\.json nor db/tingly\.db"),
        (lambda p: (p.mkdir(), (p / "bot_sessions.json.migrated").write_text("{}")), r"bot_sessions\.json\.migrated is there"),
        (lambda p: p.write_text("hello"), r"neither a SQLite database nor a JSON session file"),
        (lambda p: None, r"no such file or directory"),
    ],
)
def test_open_store_names_what_it_did_not_find(tmp_path: Path, make, message: str) -> None:
    target = tmp_path / "thing"
    make(target)
    with pytest.raises(StoreError, match=message) as caught:
        open_store(target)
    assert str(target) in str(caught.value) and "\n" not in str(caught.value)


def test_the_managers_append_costs_the_same_after_a_huge_history(
    base: Path, db: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os as os_module

    from tui.session.sqlite import transcripts as transcripts_module

    go_database(db, go_row("a"), go_row("new"))
    path = transcript(base, "a")
    path.parent.mkdir(parents=True)
    path.write_bytes(transcript_line("x" * 1000) * 20_000)  # 20 MB of history
    size = path.stat().st_size
    read_bytes: list[int] = []
    real_read, real_pread = os_module.read, os_module.pread

    def counted_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read_bytes.append(len(data))
        return data

    def counted_pread(fd: int, n: int, offset: int) -> bytes:
        data = real_pread(fd, n, offset)
        read_bytes.append(len(data))
        return data

    real_read_bytes = Path.read_bytes

    def counted_read_bytes(self: Path) -> bytes:
        data = real_read_bytes(self)
        read_bytes.append(len(data))
        return data

    monkeypatch.setattr(transcripts_module.os, "read", counted_read)
    monkeypatch.setattr(transcripts_module.os, "pread", counted_pread)
    monkeypatch.setattr(Path, "read_bytes", counted_read_bytes)
    with manager_on(SessionStoreSQLite(db, clock=clock), clock) as manager:
        assert manager.append_message("a", Message(role="user", content="one more"))
        assert manager.append_message("new", Message(role="user", content="first"))
        # Memory follows: the history (read on demand) has the new line.
        monkeypatch.undo()
        assert [m.content for m in manager.get_messages("a")][-1] == "one more"
    assert sum(read_bytes) <= 2  # the last byte of each file (is its last line complete?), nothing else
    assert path.stat().st_size == size + len(transcripts_module.go_json_line(Message(
        role="user", content="one more", timestamp=T0)))
    assert transcript(base, "new").read_bytes() == transcripts_module.go_json_line(
        Message(role="user", content="first", timestamp=T0))
    assert oct(transcript(base, "new").stat().st_mode & 0o777) == "0o600"
