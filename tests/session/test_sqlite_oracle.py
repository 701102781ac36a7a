"""The SQLite store against what Go wrote and read back (SPEC §7, ``fixtures/go-sqlite``)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from rawfiles import ZERO, FakeClock, expected_time
from sqlitefiles import COLUMNS, GO_DDL, GO_SQLITE, copy_fixture, exact_instant, raw_rows

from tui.session import CorruptStoreError, Manager, Message, Session, SessionStoreSQLite, Status
from tui.session.sqlite.transcripts import go_json_line, transcript_key
from tui.session.sqlite.timetext import parse_db_time

STRINGS = {
    "ID": "id", "ChatID": "chat_id", "Agent": "agent", "Project": "project", "Request": "request",
    "Response": "response", "Error": "error", "PermissionMode": "permission_mode",
}
TIMES = {"CreatedAt": "created_at", "LastActivity": "last_activity", "ExpiresAt": "expires_at"}


@pytest.fixture
def dump() -> dict[str, Any]:
    path = GO_SQLITE / "small.dump.json"
    if not path.exists():
        pytest.skip(f"Go SQLite fixtures not found at {GO_SQLITE}")
    result: dict[str, Any] = json.loads(path.read_bytes())
    return result


@pytest.fixture(params=["small", "small-wal"])
def base(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A writable copy of a Go-written base directory (never the shared fixture itself)."""
    return copy_fixture(request.param, tmp_path)


def db_of(base: Path) -> Path:
    return base / "db" / "tingly.db"


def stored_instant(raw: object) -> tuple[int, int] | None:
    """The exact instant and offset of a stored time, through the library's parser."""
    parsed = parse_db_time(raw)
    if parsed is None:
        return None
    value = parsed.value
    offset = value.utcoffset()
    assert offset is not None
    seconds = int(value.replace(microsecond=0).timestamp())
    return seconds * 1_000_000_000 + value.microsecond * 1000 + parsed.extra_ns, int(offset.total_seconds()) // 60


def assert_matches_go(session: Session, go: dict[str, Any]) -> None:
    """Every field of ``session`` is what Go read (times to the nanosecond, offsets included)."""
    for key, attr in STRINGS.items():
        assert getattr(session, attr) == go[key], key
    assert session.status == go["Status"]
    assert session.context is None
    for key, attr in TIMES.items():
        assert getattr(session, attr) == expected_time(go[key]), key
        raw = session._source[attr]  # the row's text, kept for writing back
        assert stored_instant(raw) == exact_instant(go[key]), key
    assert session.persistent == (go["ExpiresAt"] == ZERO)
    assert [(m.role, m.content, m.summary, m.timestamp) for m in session.messages or ()] == [
        (m["Role"], m["Content"], m["Summary"], expected_time(m["Timestamp"])) for m in go["Messages"]
    ]
    assert [m._source["Timestamp"] for m in session.messages or ()] == [m["Timestamp"] for m in go["Messages"]]


def test_reading_gives_what_go_read(base: Path, dump: dict[str, Any]) -> None:
    store = SessionStoreSQLite(db_of(base))
    sessions = {s.id: s for s in store.list()}
    assert set(sessions) == set(dump)
    for session_id, go in dump.items():
        assert_matches_go(sessions[session_id], go)
        assert_matches_go(store.get(session_id), go)
        assert store.messages(session_id) == sessions[session_id].messages
    assert store.stray_transcripts() == []


def test_summaries_agree_with_go_without_reading_transcripts(base: Path, dump: dict[str, Any]) -> None:
    store = SessionStoreSQLite(db_of(base))
    # Broken transcripts do not matter to summaries, nor to list(): neither reads them.
    saved = {p: p.read_bytes() for p in (base / "remote" / "transcripts").iterdir()}
    for path in saved:
        path.write_bytes(b"{not json\n")
    summaries = {s.id: s for s in store.summaries()}
    listed = store.list()
    with pytest.raises(CorruptStoreError, match=r"\.jsonl:1: not valid JSON"):
        next(s for s in listed if s.id == "0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9").messages
    for path, data in saved.items():
        path.write_bytes(data)
    assert set(summaries) == set(dump)
    for session_id, go in dump.items():
        s = summaries[session_id]
        assert (s.chat_id, s.agent, s.project, s.status, s.request, s.error, s.permission_mode) == (
            go["ChatID"], go["Agent"], go["Project"], go["Status"], go["Request"], go["Error"], go["PermissionMode"],
        )
        assert (s.created_at, s.last_activity, s.expires_at) == tuple(expected_time(go[k]) for k in TIMES)
        assert s.message_count is None
    counted = {s.id: s.message_count for s in store.summaries(count_messages=True)}
    assert counted == {sid: len(go["Messages"]) for sid, go in dump.items()}


def test_transcript_keys_are_those_go_uses(base: Path, dump: dict[str, Any]) -> None:
    names = {p.name for p in (base / "remote" / "transcripts").iterdir()}
    with_messages = {sid for sid, go in dump.items() if go["Messages"]}
    assert names == {transcript_key(sid) + ".jsonl" for sid in with_messages}
    assert transcript_key("tg:-1001947779410/claude@/srv/app").startswith("h-")
    assert transcript_key("slack-C0VI7HVSZWK-1732600000_000100") == "slack-C0VI7HVSZWK-1732600000_000100"
    assert transcript_key("") == "h-" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_go_transcript_lines_are_reencoded_byte_for_byte(base: Path) -> None:
    store = SessionStoreSQLite(db_of(base))
    for path in (base / "remote" / "transcripts").iterdir():
        session_id = next(s.id for s in store.list() if store.transcript_path(s.id) == path)
        assert b"".join(go_json_line(m) for m in store.messages(session_id)) == path.read_bytes()


def test_go_escaping_of_new_lines() -> None:
    line = go_json_line(Message(role="user", content="<b>&</b>\u2028\u2029\n\t\"é😀", summary=""))
    assert line == (
        b'{"Role":"user","Content":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\\u2028\\u2029\\n\\t\\"'
        + "é😀".encode() + b'","Summary":"","Timestamp":"0001-01-01T00:00:00Z"}\n'
    )


def test_an_edit_keeps_every_other_value_and_column_exactly(base: Path, dump: dict[str, Any]) -> None:
    db = db_of(base)
    before = raw_rows(db)
    transcripts_before = {p.name: p.read_bytes() for p in (base / "remote" / "transcripts").iterdir()}
    clock = FakeClock(expected_time("2026-12-03T00:00:00.5Z"))
    target = "0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9"
    with Manager(store=SessionStoreSQLite(db, clock=clock), clock=clock, background=False) as manager:
        assert manager.close(target)
    after = raw_rows(db)
    assert set(after) == set(before)
    for session_id, row in before.items():
        if session_id != target:
            assert after[session_id] == row, session_id
    assert after[target] == {**before[target], "status": "closed", "last_activity": "2026-12-03 00:00:00.5+00:00"}
    assert {p.name: p.read_bytes() for p in (base / "remote" / "transcripts").iterdir()} == transcripts_before
    # What Go would now read: the same dump but for that one session's two fields.
    store = SessionStoreSQLite(db)
    for session_id, go in dump.items():
        if session_id == target:
            go = {**go, "Status": "closed", "LastActivity": "2026-12-03T00:00:00.5Z"}
        assert_matches_go(store.get(session_id), go)


def test_setting_a_session_read_back_unchanged_writes_nothing(base: Path) -> None:
    db = db_of(base)
    before = raw_rows(db)
    store = SessionStoreSQLite(db, clock=FakeClock(expected_time("2026-12-03T00:00:00Z")))
    session = store.get("3f9c2a7e-8b41-4d2e-9c5a-1e7f0b6d4a21")
    store.set(session.id, session)  # only last_activity is stamped
    after = raw_rows(db)
    changed = {k for k in COLUMNS if after[session.id][k] != before[session.id][k]}
    assert changed == {"last_activity"}
    assert after[session.id]["created_at"] == "2026-11-24 13:52:23.917658728+08:00"


def test_a_new_database_is_the_one_go_creates(tmp_path: Path) -> None:
    base = tmp_path / "home" / ".tingly-box"
    db = base / "db" / "tingly.db"
    clock = FakeClock(expected_time("2026-11-24T05:41:57.072125Z"))
    store = SessionStoreSQLite(db, clock=clock)
    assert not db.exists()  # opening a missing database writes nothing
    with Manager(store=store, clock=clock, background=False) as manager:
        session = manager.create_with("chat", "claude", "/proj")
        assert manager.append_message(session.id, Message(role="user", content="hi <there>"))
    conn = sqlite3.connect(db)
    ddl = tuple(sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"))
    assert ddl == GO_DDL
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    for directory in (base / "db", base / "remote", base / "remote" / "transcripts"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    transcript = base / "remote" / "transcripts" / f"{session.id}.jsonl"
    for path in (db, transcript):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    row = raw_rows(db)[session.id]
    assert row == {
        "id": session.id, "chat_id": "chat", "agent": "claude", "project": "/proj", "status": "pending",
        "request": "", "response": "", "error": "", "permission_mode": "",
        "created_at": "2026-11-24 05:41:57.072125+00:00",
        "last_activity": "2026-11-24 05:41:57.072125+00:00",
        "expires_at": "2026-11-24 06:11:57.072125+00:00",
    }
    assert transcript.read_bytes() == (
        b'{"Role":"user","Content":"hi \\u003cthere\\u003e","Summary":"","Timestamp":"2026-11-24T05:41:57.072125Z"}\n'
    )
    reread = SessionStoreSQLite(db).get(session.id)
    assert reread is not None and reread.status == Status.PENDING and reread.context is None
    assert [m.content for m in reread.messages] == ["hi <there>"]



def test_the_managers_append_adds_one_go_line_after_gos_bytes_without_reading_them(
    base: Path, dump: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.session.sqlite import transcripts as transcripts_module

    db = db_of(base)
    before = raw_rows(db)
    live = [sid for sid, go in dump.items() if go["Status"] in ("pending", "running") and go["Messages"]]
    ended = [sid for sid, go in dump.items() if go["Status"] in ("closed", "expired")]
    assert live and ended
    directory = base / "remote" / "transcripts"
    saved = {p.name: p.read_bytes() for p in directory.iterdir()}

    def no_reading(*args: object) -> object:
        raise AssertionError("the transcript was read")

    monkeypatch.setattr(transcripts_module, "read_transcript", no_reading)
    monkeypatch.setattr(transcripts_module, "parse_transcript", no_reading)
    clock = FakeClock(expected_time("2026-12-03T00:00:00.123456Z"))
    message = Message(role="assistant", content="done <ok> & \u2028", timestamp=expected_time("2026-12-03T00:00:00Z"))
    with Manager(store=SessionStoreSQLite(db, clock=clock), clock=clock, background=False) as manager:
        assert manager.append_message(live[0], message)
        assert not manager.append_message(ended[0], Message(role="user", content="refused"))
        assert not manager.append_message("no-such-session", Message(role="user", content="refused"))
    monkeypatch.undo()
    name = f"{transcript_key(live[0])}.jsonl"
    after = {p.name: p.read_bytes() for p in directory.iterdir()}
    assert after == {**saved, name: saved[name] + go_json_line(message)}  # Go's bytes kept, one line more
    assert after[name].endswith(b'"Content":"done \\u003cok\\u003e \\u0026 \\u2028","Summary":"",'
                                b'"Timestamp":"2026-12-03T00:00:00Z"}\n')
    assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    rows = raw_rows(db)
    assert {k for k in COLUMNS if rows[live[0]][k] != before[live[0]][k]} == {"last_activity"}
    assert rows[live[0]]["last_activity"] == "2026-12-03 00:00:00.123456+00:00"
    assert {sid: row for sid, row in rows.items() if sid != live[0]} == {
        sid: row for sid, row in before.items() if sid != live[0]
    }
    go = dump[live[0]]
    expected = [(m["Role"], m["Content"], m["Summary"], expected_time(m["Timestamp"])) for m in go["Messages"]]
    read = SessionStoreSQLite(db).messages(live[0])
    assert [(m.role, m.content, m.summary, m.timestamp) for m in read] == [
        *expected, ("assistant", "done <ok> & \u2028", "", message.timestamp)
    ]
