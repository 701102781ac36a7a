"""Sources and readings: a JSON file and a tingly-box database holding the same sessions read the same."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.session import (
    BatchSessionStore,
    ChangeSet,
    JSONSource,
    Manager,
    Reading,
    Session,
    SessionStoreJSON,
    SessionStoreSQLite,
    Snapshot,
    Source,
    SQLiteReading,
    SQLiteSource,
    Status,
    open_source,
)
from tui.tools.synthetic import write_file
from tui.tools.synthetic_sqlite import write_sqlite

NOW = datetime(2026, 11, 24, 6, 0, 0, 123456, tzinfo=timezone.utc)
SESSIONS, MESSAGES = 60, 5
READING_MEMBERS = (
    "path", "exists", "changes", "warnings", "writer",
    "__len__", "__contains__", "__iter__", "summary", "summaries", "session", "stats",
)


@pytest.fixture
def both(tmp_path: Path) -> tuple[Source, Source]:
    """The same synthetic sessions as a JSON file and as a SQLite store."""
    json_file = tmp_path / "json" / "bot_sessions.json"
    json_file.parent.mkdir()
    write_file(json_file, SESSIONS, MESSAGES, seed=3, now=NOW)
    write_sqlite(tmp_path / "sqlite", SESSIONS, MESSAGES, seed=3, now=NOW)
    return open_source(json_file), open_source(tmp_path / "sqlite")


def _fields(session: Session) -> dict[str, object]:
    """What a session holds, whatever its class (a StoredSession is never == a Session)."""
    return {f.name: getattr(session, f.name) for f in dataclasses.fields(Session) if f.compare}


def test_both_kinds_are_sources_whose_readings_are_readings(both: tuple[Source, Source]) -> None:
    json_source, sqlite_source = both
    assert isinstance(json_source, JSONSource) and json_source.kind == "json"
    assert isinstance(sqlite_source, SQLiteSource) and sqlite_source.kind == "sqlite"
    for source in both:
        assert isinstance(source, Source)
    sqlite_reading = sqlite_source.read()
    assert isinstance(sqlite_reading, SQLiteReading) and isinstance(sqlite_reading, Reading)
    assert sqlite_reading.writer is None and sqlite_reading.warnings == ()
    snapshot = json_source.read()
    assert isinstance(snapshot, Snapshot) and snapshot.warnings == ()
    missing = [name for name in READING_MEMBERS if not hasattr(snapshot, name)]
    assert missing in ([], ["writer"])
    if missing:
        pytest.xfail("Snapshot.writer comes with the lock-less writer branch")
    assert isinstance(snapshot, Reading)


def test_json_and_sqlite_read_the_same_sessions(both: tuple[Source, Source]) -> None:
    json_reading, sqlite_reading = (source.read() for source in both)
    assert json_reading.exists and sqlite_reading.exists
    assert len(json_reading) == len(sqlite_reading) == SESSIONS
    assert set(json_reading) == set(sqlite_reading)
    by_id = {s.id: s for s in sqlite_reading.summaries()}
    assert {s.id: s for s in json_reading.summaries()} == by_id  # times compare as instants
    assert sum(s.message_count for s in by_id.values()) > 0
    assert json_reading.stats() == sqlite_reading.stats()
    for session_id in list(json_reading)[:12]:
        assert json_reading.summary(session_id) == sqlite_reading.summary(session_id)
        from_json, from_sqlite = json_reading.session(session_id), sqlite_reading.session(session_id)
        assert from_json is not None and from_sqlite is not None
        assert from_sqlite.context is None  # the table has no column for it
        assert _fields(from_json) | {"context": None} == _fields(from_sqlite)
        assert len(from_sqlite.messages or ()) == sqlite_reading.summary(session_id).message_count
    # A first reading (no previous) has every session added.
    for reading in (json_reading, sqlite_reading):
        assert reading.changes == ChangeSet(added=frozenset(reading))
    assert json_reading.summary("nope") is None and sqlite_reading.session("nope") is None
    assert "nope" not in sqlite_reading


def test_reading_again_without_a_change_changes_nothing(both: tuple[Source, Source]) -> None:
    for source in both:
        first = source.read()
        again = source.read(first)
        assert not again.changes
        assert again.summaries() == first.summaries()


def test_the_sources_describe_what_they_read(both: tuple[Source, Source], tmp_path: Path) -> None:
    json_source, sqlite_source = both
    assert json_source.describe() == f"JSON session file {tmp_path / 'json' / 'bot_sessions.json'}"
    assert sqlite_source.path == tmp_path / "sqlite"  # what was named: the base directory
    assert sqlite_source.describe() == (
        f"SQLite database {tmp_path / 'sqlite' / 'db' / 'tingly.db'} "
        f"(transcripts in {tmp_path / 'sqlite' / 'remote' / 'transcripts'})"
    )


def test_the_json_store_starts_from_the_reading_it_is_given(both: tuple[Source, Source]) -> None:
    json_source, _ = both
    reading = json_source.read()
    store = json_source.store(reading=reading)
    assert isinstance(store, SessionStoreJSON) and isinstance(store, BatchSessionStore)
    assert store.snapshot() is reading  # not parsed a second time


def test_edits_through_either_store_show_in_the_next_reading(both: tuple[Source, Source]) -> None:
    for source in both:
        before = source.read()
        running = next(s.id for s in before.summaries() if s.status == Status.RUNNING)
        doomed = next(s.id for s in before.summaries() if s.status == Status.COMPLETED)
        clock = lambda: NOW + timedelta(minutes=1)  # noqa: E731
        store = source.store(clock=clock, reading=before)
        assert isinstance(store, BatchSessionStore)
        manager = Manager(store=store, background=False)
        assert manager.close_many([running]) == [running]
        assert manager.delete_many([doomed]) == [doomed]
        manager.stop()
        after = source.read(before)
        assert after.changes == ChangeSet(changed=frozenset({running}), removed=frozenset({doomed}))
        closed = after.summary(running)
        assert closed is not None and closed.status == Status.CLOSED and closed.last_activity == clock()
        assert doomed not in after


def test_the_sqlite_store_for_edits_is_its_own(both: tuple[Source, Source]) -> None:
    _, sqlite_source = both
    store = sqlite_source.store()
    assert isinstance(store, SessionStoreSQLite)
    assert store.path == sqlite_source.db_path and store.transcripts == sqlite_source.transcripts
    store.close()  # closing it does not close the source's reading connection
    reading = sqlite_source.read()
    assert len(reading) == SESSIONS
