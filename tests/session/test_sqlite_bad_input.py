"""Bad databases and transcripts (SPEC §7): a one-line StoreError naming where, never a crash, never a write."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from datetime import timedelta
from typing import Any

import pytest
from rawfiles import FakeClock
from sqlitefiles import GO_DDL, go_database, go_row, raw_rows, transcript_line, tree_state

from tui.session import CorruptStoreError, Manager, Message, SessionStoreSQLite, StoreError


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return tmp_path / ".tingly-box"


@pytest.fixture
def db(base: Path) -> Path:
    return base / "db" / "tingly.db"


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and text
    return text


# -- files that are not a tingly-box database ---------------------------------------------------


def test_a_file_that_is_not_sqlite(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_text('{"version": 1, "items": {}}')
    before = tree_state(db.parent)
    with pytest.raises(CorruptStoreError) as caught:
        SessionStoreSQLite(db)
    assert str(db) in one_line(caught.value) and "not a SQLite database" in str(caught.value)
    assert tree_state(db.parent) == before


def test_a_database_without_the_table(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (x text)")
    conn.commit()
    conn.close()
    before = tree_state(db.parent)
    with pytest.raises(CorruptStoreError, match="without a remote_sessions table") as caught:
        SessionStoreSQLite(db)
    assert str(db) in one_line(caught.value)
    assert tree_state(db.parent) == before  # no table created, no journal mode changed


def test_a_table_without_a_column(db: Path) -> None:
    go_database(db, ddl=(GO_DDL[0].replace("`permission_mode` text,", ""),))
    before = tree_state(db.parent)
    with pytest.raises(CorruptStoreError, match="has no column permission_mode") as caught:
        SessionStoreSQLite(db)
    one_line(caught.value)
    assert tree_state(db.parent) == before


# -- rows that Go could not have written --------------------------------------------------------

BAD_ROWS: list[tuple[dict[str, Any], str]] = [
    (go_row("s", status=b"running"), r"session 's': column status holds BLOB b'running', not text"),
    (go_row("s", request=b"\x00\x01"), r"session 's': column request holds BLOB .*, not text"),
    (go_row("s", chat_id=None), r"session 's': column chat_id holds NULL, not text"),
    (go_row(None), r"a row whose id is NULL: column id holds NULL"),  # type: ignore[arg-type]
    (go_row("s", created_at=1.5), r"session 's': column created_at: not a time: a REAL value 1\.5"),
    (go_row("s", last_activity="yesterday"), r"session 's': column last_activity: not a time .*'yesterday'"),
    (go_row("s", expires_at="2026-02-30 10:00:00+00:00"), r"session 's': column expires_at: not a valid time \(day is out of range"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_a_bad_row_is_named_by_every_reader_and_blocks_no_other(db: Path, row: dict[str, Any], message: str) -> None:
    go_database(db, go_row("good"), row)
    before = tree_state(db.parent)
    store = SessionStoreSQLite(db)  # opening reads no row
    readers: list[Callable[[], Any]] = [store.summaries, store.list]
    if row["chat_id"] is not None:
        readers.append(lambda: store.list_by_chat(row["chat_id"]))
    if row["id"] is not None:
        readers.append(lambda: store.get(row["id"]))
    for read in readers:
        with pytest.raises(CorruptStoreError, match=message) as caught:
            read()
        assert str(db) in one_line(caught.value)
    assert store.get("good") is not None
    assert tree_state(db.parent) == before


@pytest.mark.parametrize(("row", "message"), [r for r in BAD_ROWS if r[0]["id"] is not None])
def test_an_edit_of_a_bad_row_writes_nothing(db: Path, clock: FakeClock, row: dict[str, Any], message: str) -> None:
    go_database(db, go_row("good"), row)
    before = tree_state(db.parent)
    with Manager(store=SessionStoreSQLite(db, clock=clock), clock=clock, background=False) as manager:
        with pytest.raises(CorruptStoreError, match=message):
            manager.close_many(["good", row["id"]])  # one transaction: "good" is not closed either
        with pytest.raises(CorruptStoreError, match=message):
            manager.append_message(row["id"], Message(content="x"))
    assert tree_state(db.parent) == before
    assert raw_rows(db)["good"]["status"] == "running"


def test_cleanup_stops_at_a_row_it_cannot_read(db: Path, clock: FakeClock) -> None:
    old = "2026-01-01 00:00:00+00:00"
    go_database(db, go_row("old", status="closed", last_activity=old), go_row("bad", status="closed", last_activity="soon"))
    before = tree_state(db.parent)
    with Manager(store=SessionStoreSQLite(db, clock=clock), clock=clock, background=False) as manager:
        with pytest.raises(CorruptStoreError, match=r"session 'bad': column last_activity: .*'soon'"):
            manager.cleanup_old_sessions(timedelta(days=7))
    assert tree_state(db.parent) == before


def test_a_column_declared_with_another_type(db: Path) -> None:
    # Declared text, SQLite would have stored 3 as '3'; declared integer, it stays a number.
    go_database(db, go_row("s", status=3), ddl=(GO_DDL[0].replace("`status` text", "`status` integer"),))
    before = tree_state(db.parent)
    with pytest.raises(CorruptStoreError, match=r"session 's': column status holds INTEGER 3, not text") as caught:
        SessionStoreSQLite(db).summaries()
    assert str(db) in one_line(caught.value)
    assert tree_state(db.parent) == before


def test_text_that_is_not_utf8_reads_with_replacement_and_is_kept(db: Path, clock: FakeClock) -> None:
    go_database(db, go_row("a"))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE remote_sessions SET request = CAST(X'6f6b20ff21' AS TEXT) WHERE id = 'a'")
    conn.close()
    store = SessionStoreSQLite(db, clock=clock)
    assert store.summaries()[0].request == "ok \ufffd!"
    with Manager(store=store, clock=clock, background=False) as manager:
        assert manager.close("a")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT CAST(request AS BLOB), status FROM remote_sessions").fetchone() == (b"ok \xff!", "closed")
    conn.close()


# -- transcripts ------------------------------------------------------------------------------


def _with_transcript(base: Path, db: Path, data: bytes) -> Path:
    go_database(db, go_row("a"))
    path = base / "remote" / "transcripts" / "a.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path


def test_a_truncated_last_line(base: Path, db: Path, clock: FakeClock) -> None:
    path = _with_transcript(base, db, transcript_line("one") + transcript_line("two")[:30])
    before = tree_state(base)
    store = SessionStoreSQLite(db, clock=clock)
    with pytest.raises(CorruptStoreError, match=r"a\.jsonl:2: truncated \(no end of line\)") as caught:
        store.messages("a")
    assert str(path) in one_line(caught.value)
    session = store.get("a")
    assert session is not None and session.status == "running"  # the row reads; only the history fails
    with pytest.raises(CorruptStoreError, match=r"a\.jsonl:2"):
        session.messages
    # Appending would glue a new line onto the broken one: refused, by the store and the Manager.
    with pytest.raises(CorruptStoreError, match=r"a\.jsonl: the last line is incomplete"):
        store.append_message("a", Message(content="x"))
    with Manager(store=store, clock=clock, background=False) as manager:
        with pytest.raises(CorruptStoreError, match=r"a\.jsonl: the last line is incomplete"):
            manager.append_message("a", Message(content="x"))  # (it reads the last byte, not the history)
        assert manager.close("a")  # an edit that does not need the history still works
    assert raw_rows(db)["a"]["status"] == "closed"
    assert path.read_bytes() == before["remote/transcripts/a.jsonl"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (transcript_line("one") + b"{oops\n" + transcript_line("three"), r"a\.jsonl:2: not valid JSON: '\{oops'"),
        (transcript_line("one") + b'{"Role": 7}\n', r"a\.jsonl:2: Messages\[1\]\.Role must be a string, not number"),
        (b'{"Role":"user","Timestamp":"noon"}\n', r"a\.jsonl:1: Messages\[0\]\.Timestamp: not an RFC 3339 time: 'noon'"),
        (b"[1, 2]\n", r"a\.jsonl:1: Messages\[0\] must be an object, not array"),
        (b"\xff\xfe\n", r"a\.jsonl:1: not valid JSON"),
    ],
)
def test_a_bad_transcript_line_is_named(base: Path, db: Path, data: bytes, message: str) -> None:
    _with_transcript(base, db, data)
    before = tree_state(base)
    with pytest.raises(CorruptStoreError, match=message) as caught:
        SessionStoreSQLite(db).messages("a")
    one_line(caught.value)
    assert tree_state(base) == before


def test_blank_lines_are_skipped(base: Path, db: Path) -> None:
    _with_transcript(base, db, b"\n" + transcript_line("one") + b"  \n\n" + transcript_line("two"))
    assert [m.content for m in SessionStoreSQLite(db).messages("a")] == ["one", "two"]


def test_a_transcript_for_an_unknown_id_is_a_warning_never_removed(base: Path, db: Path) -> None:
    _with_transcript(base, db, transcript_line("one"))
    stray = base / "remote" / "transcripts" / "nobody.jsonl"
    stray.write_bytes(transcript_line("lost"))
    before = tree_state(base)
    store = SessionStoreSQLite(db)
    assert [s.id for s in store.summaries()] == ["a"] and [s.id for s in store.list()] == ["a"]
    assert store.stray_transcripts() == [stray]
    assert tree_state(base) == before


def test_errors_are_store_errors(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)  # a header and nothing valid after it
    before = tree_state(db.parent)
    with pytest.raises(StoreError) as caught:
        SessionStoreSQLite(db).summaries()
    assert str(db) in one_line(caught.value)
    assert tree_state(db.parent) == before
