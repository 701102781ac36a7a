"""Change sets of both sources while another process (a real one) writes the store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest
from sqlitefiles import GO_DDL, go_database, go_row, transcript_line

from tui.session import (
    ChangeSet,
    CorruptStoreError,
    DatabaseBusyError,
    SQLiteSource,
    Status,
    StoreError,
    open_source,
)
from tui.session.sqlite.transcripts import count_lines, transcript_path
from tui.tools.synthetic import write_file

TIMEOUT = 60

# What the other process starts with: plain sqlite3 and files, none of the library.
PRELUDE = '''
import json, os, sqlite3, sys
args = json.loads(sys.argv[1])
def db():
    conn = sqlite3.connect(args["db"], isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn
def insert(row):
    conn = db()
    conn.execute(f"INSERT INTO remote_sessions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
def append(name, data):
    fd = os.open(os.path.join(args["transcripts"], name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(fd, data.encode() if isinstance(data, str) else data)
    os.close(fd)
'''


def other_process(code: str, **args: object) -> None:
    """Run ``code`` (after :data:`PRELUDE`) in a new Python process and wait for it."""
    subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code), json.dumps(args, default=str)],
        check=True, timeout=TIMEOUT,
    )


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A tingly-box base directory: rows a, b, c, d; transcripts for a (2 lines) and b (1)."""
    root = tmp_path / ".tingly-box"
    go_database(root / "db" / "tingly.db", *(go_row(sid) for sid in "abcd"))
    transcripts = root / "remote" / "transcripts"
    transcripts.mkdir(parents=True)
    (transcripts / "a.jsonl").write_bytes(transcript_line("one") + transcript_line("two"))
    (transcripts / "b.jsonl").write_bytes(transcript_line("one"))
    return root


def _counts(reading: object) -> dict[str, int]:
    return {s.id: s.message_count for s in reading.summaries()}  # type: ignore[attr-defined]


def test_rows_added_changed_deleted_and_a_transcript_appended_by_another_process(base: Path) -> None:
    source = open_source(base)
    first = source.read()
    assert _counts(first) == {"a": 2, "b": 1, "c": 0, "d": 0}
    other_process(
        '''
        conn = db()
        conn.execute("INSERT INTO remote_sessions (id, chat_id, agent, project, status, request, response, error,"
                     " permission_mode, created_at, last_activity, expires_at)"
                     " SELECT 'e', chat_id, agent, project, status, request, response, error, permission_mode,"
                     " created_at, last_activity, expires_at FROM remote_sessions WHERE id = 'a'")
        conn.execute("UPDATE remote_sessions SET status = 'closed' WHERE id = 'b'")
        conn.execute("DELETE FROM remote_sessions WHERE id = 'c'")
        append("a.jsonl", args["line"])
        ''',
        db=base / "db" / "tingly.db", transcripts=base / "remote" / "transcripts",
        line=transcript_line("three").decode(),
    )
    second = source.read(first)
    assert second.changes == ChangeSet(
        added=frozenset({"e"}), changed=frozenset({"a", "b"}), removed=frozenset({"c"})
    )
    assert _counts(second) == {"a": 3, "b": 1, "d": 0, "e": 0}
    assert second.summary("b").status == Status.CLOSED
    assert second.summary("d") is first.summary("d")  # an unchanged row is not decoded again
    assert "c" in first and "c" not in second  # the first reading did not change
    third = source.read(second)
    assert not third.changes and _counts(third) == _counts(second)
    session = third.session("a")
    assert session is not None and [m.content for m in session.messages or ()] == ["one", "two", "three"]


def test_a_transcript_alone_changes_its_session_and_counts_as_count_lines_does(base: Path) -> None:
    source = open_source(base)
    transcripts = base / "remote" / "transcripts"
    reading = source.read()
    steps = [
        ("d.jsonl", transcript_line("new transcript").decode()),  # a new file for a known row
        ("d.jsonl", '{"Role":"user","Content":"half'),  # a line being written
        ("d.jsonl", ' done","Summary":"","Timestamp":"2026-11-24T05:41:58Z"}\n'),  # ... and finished
        ("a.jsonl", transcript_line("more").decode() * 3),
    ]
    for name, data in steps:
        other_process("append(args['name'], args['data'])", transcripts=transcripts, name=name, data=data)
        reading = source.read(reading)
        session_id = name.removesuffix(".jsonl")
        assert reading.changes == ChangeSet(changed=frozenset({session_id}))
        assert reading.summary(session_id).message_count == count_lines(transcripts / name)
    assert _counts(reading) == {"a": 5, "b": 1, "c": 0, "d": 2}


def test_a_transcript_rewritten_shorter_is_counted_again(base: Path) -> None:
    source = open_source(base)
    reading = source.read()
    transcripts = base / "remote" / "transcripts"
    other_process(
        '''
        tmp = os.path.join(args["transcripts"], ".a.tmp")
        with open(tmp, "wb") as out:
            out.write(args["line"].encode())
        os.replace(tmp, os.path.join(args["transcripts"], "a.jsonl"))
        ''',
        transcripts=transcripts, line=transcript_line("only").decode(),
    )
    reading = source.read(reading)
    assert reading.changes == ChangeSet(changed=frozenset({"a"}))
    assert reading.summary("a").message_count == 1
    (transcripts / "b.jsonl").unlink()
    reading = source.read(reading)
    assert reading.changes == ChangeSet(changed=frozenset({"b"})) and reading.summary("b").message_count == 0


def test_a_response_changed_alone_is_a_change(base: Path) -> None:
    source = open_source(base)
    reading = source.read()
    other_process(
        "db().execute(\"UPDATE remote_sessions SET response = 'all done' WHERE id = 'd'\")",
        db=base / "db" / "tingly.db",
    )
    reading = source.read(reading)
    assert reading.changes == ChangeSet(changed=frozenset({"d"}))
    assert reading.session("d").response == "all done"


def test_a_stray_transcript_is_a_warning_until_its_row_arrives(base: Path) -> None:
    source = open_source(base)
    transcripts = base / "remote" / "transcripts"
    (transcripts / "zz.jsonl").write_bytes(transcript_line("early"))
    reading = source.read()
    assert reading.warnings == (f"{transcripts}: 1 transcript belongs to no session: zz.jsonl",)
    assert "zz" not in reading
    other_process("insert(args['row'])", db=base / "db" / "tingly.db", row=go_row("zz"))
    reading = source.read(reading)
    assert reading.warnings == () and reading.changes == ChangeSet(added=frozenset({"zz"}))
    assert reading.summary("zz").message_count == 1


def test_a_missing_database_reads_empty_until_another_process_creates_it(tmp_path: Path) -> None:
    db = tmp_path / "base" / "db" / "tingly.db"
    source = open_source(db)
    assert isinstance(source, SQLiteSource)
    empty = source.read()
    assert (empty.exists, len(empty), empty.summaries(), empty.changes, empty.stats()["total"]) == (
        False, 0, [], ChangeSet(), 0,
    )
    other_process(
        '''
        os.makedirs(os.path.dirname(args["db"]))
        conn = db()
        conn.execute(args["ddl"])
        insert(args["row"])
        ''',
        db=db, ddl=GO_DDL[0], row=go_row("x", status="pending"),
    )
    reading = source.read(empty)
    assert reading.exists and reading.changes == ChangeSet(added=frozenset({"x"}))
    assert not db.with_name("tingly.db-journal").exists()


def test_a_json_file_rewritten_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "bot_sessions.json"
    write_file(path, 8, 2, seed=1)
    source = open_source(path)
    first = source.read()
    ids = sorted(first)
    other_process(
        '''
        from tui.session import SessionStoreJSON
        store = SessionStoreJSON(args["path"])
        store.modify(args["change"], lambda session: setattr(session, "status", "closed"))
        store.delete(args["remove"])
        new = store.get(args["change"])
        new.id = "new-one"
        store.set("new-one", new)
        ''',
        path=path, change=ids[0], remove=ids[1],
    )
    second = source.read(first)
    assert second.changes == ChangeSet(
        added=frozenset({"new-one"}), changed=frozenset({ids[0]}), removed=frozenset({ids[1]})
    )
    assert second.summary(ids[0]).status == Status.CLOSED
    path.unlink()
    gone = source.read(second)
    assert not gone.exists and gone.changes == ChangeSet(removed=frozenset(second))
    assert orjson.loads(orjson.dumps(gone.summaries())) == []


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    db = tmp_path / "tingly.db"
    db.write_bytes(b"this is not a database, just text\n" * 20)
    source = open_source(db)
    with pytest.raises(CorruptStoreError, match=r"tingly\.db"):
        source.read()


def test_a_busy_database_is_a_store_error_and_reading_recovers(base: Path, procs: list) -> None:
    db = base / "db" / "tingly.db"
    source = SQLiteSource(db, busy_timeout=0.2)
    first = source.read()
    source.close()  # a WAL database cannot be locked exclusively while any connection is open
    holder = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent('''
            conn = sqlite3.connect(args["db"], isolation_level=None)
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("UPDATE remote_sessions SET status = 'failed' WHERE id = 'a'")
            print("locked", flush=True)
            sys.stdin.readline()
            conn.execute("COMMIT")
            conn.close()
        '''), json.dumps({"db": str(db)})],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    procs.append(holder)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    with pytest.raises(DatabaseBusyError) as caught:
        source.read(first)
    assert isinstance(caught.value, StoreError) and not isinstance(caught.value, sqlite3.Error)
    assert "busy" in str(caught.value) and len(str(caught.value).splitlines()) == 1
    assert time.monotonic() - started < 5
    holder.communicate("go\n", timeout=TIMEOUT)
    later = source.read(first)
    assert later.changes == ChangeSet(changed=frozenset({"a"})) and later.summary("a").status == Status.FAILED


def test_transcript_names_follow_the_key_rule(tmp_path: Path) -> None:
    # An id that is not plain has a hashed transcript name; its count is found all the same.
    root = tmp_path / "b"
    go_database(root / "db" / "tingly.db", go_row("odd id/x"))
    path = transcript_path(root / "remote" / "transcripts", "odd id/x")
    path.parent.mkdir(parents=True)
    path.write_bytes(transcript_line("one") * 4)
    reading = open_source(root).read()
    assert reading.summary("odd id/x").message_count == 4 and reading.warnings == ()


def test_changes_are_relative_to_the_reading_passed_whichever_it_is(base: Path) -> None:
    source = open_source(base)
    first = source.read()
    other_process("db().execute(\"UPDATE remote_sessions SET status = 'failed' WHERE id = 'a'\")", db=base / "db" / "tingly.db")
    second = source.read(first)
    assert second.changes == ChangeSet(changed=frozenset({"a"}))
    other_process("db().execute(\"DELETE FROM remote_sessions WHERE id = 'b'\")", db=base / "db" / "tingly.db")
    # Against the first reading, not the last one read.
    again = source.read(first)
    assert again.changes == ChangeSet(changed=frozenset({"a"}), removed=frozenset({"b"}))
    # And then against the last one.
    assert source.read(again).changes == ChangeSet()
    other_process("db().execute(\"UPDATE remote_sessions SET status = 'closed' WHERE id = 'c'\")", db=base / "db" / "tingly.db")
    assert source.read(second).changes == ChangeSet(changed=frozenset({"c"}), removed=frozenset({"b"}))


def test_a_bad_row_fails_the_reading_and_the_next_one_is_still_right(base: Path) -> None:
    source = open_source(base)
    first = source.read()
    other_process("db().execute(\"UPDATE remote_sessions SET chat_id = x'05', status = 'failed' WHERE id = 'b'\")", db=base / "db" / "tingly.db")
    with pytest.raises(CorruptStoreError, match=r"session 'b': column chat_id holds BLOB"):
        source.read(first)
    other_process("db().execute(\"UPDATE remote_sessions SET chat_id = 'chat-2' WHERE id = 'b'\")", db=base / "db" / "tingly.db")
    fixed = source.read(first)
    assert fixed.changes == ChangeSet(changed=frozenset({"b"}))
    assert (fixed.summary("b").chat_id, fixed.summary("b").status) == ("chat-2", Status.FAILED)
    assert source.read(fixed).changes == ChangeSet()


def test_successive_commits_each_show_only_their_own_change(base: Path) -> None:
    source = open_source(base)
    reading = source.read()
    steps = [
        ("UPDATE remote_sessions SET status = 'failed' WHERE id = 'a'", ChangeSet(changed=frozenset({"a"}))),
        ("UPDATE remote_sessions SET request = 'again' WHERE id = 'b'", ChangeSet(changed=frozenset({"b"}))),
        ("DELETE FROM remote_sessions WHERE id = 'c'", ChangeSet(removed=frozenset({"c"}))),
        ("UPDATE remote_sessions SET response = 'r', last_activity = last_activity WHERE id = 'a'",
         ChangeSet(changed=frozenset({"a"}))),
        ("INSERT INTO remote_sessions SELECT 'c', chat_id, agent, project, status, request, response, error,"
         " permission_mode, created_at, last_activity, expires_at FROM remote_sessions WHERE id = 'd'",
         ChangeSet(added=frozenset({"c"}))),
    ]
    for sql, expected in steps:
        other_process("db().execute(args['sql'])", db=base / "db" / "tingly.db", sql=sql)
        reading = source.read(reading)
        assert reading.changes == expected, sql
    assert reading.summary("b").request == "again" and reading.session("a").response == "r"
