"""read_snapshot change sets, SessionSummary and cleanup_candidates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rawfiles import ZERO, go_document, go_session, write_go_json, write_json

from tui.session import (
    ChangeSet,
    CorruptStoreError,
    SessionStoreJSON,
    SessionSummary,
    Status,
    cleanup_candidates,
    read_snapshot,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


# -- read_snapshot and its change sets --------------------------------------------------


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return write_go_json(tmp_path / "s.json", go_document(go_session("a"), go_session("b"), go_session("c")))


def test_a_missing_file_is_an_empty_snapshot(tmp_path: Path) -> None:
    snap = read_snapshot(tmp_path / "none.json")
    assert not snap.exists
    assert len(snap) == 0 and snap.summaries() == []
    assert not snap.changes


def test_the_first_reading_reports_every_session_as_added(path: Path) -> None:
    snap = read_snapshot(path)
    assert set(snap) == {"a", "b", "c"}
    assert snap.changes == ChangeSet(added=frozenset({"a", "b", "c"}))


def test_rereading_an_unchanged_file_reports_nothing_and_reuses_summaries(path: Path) -> None:
    first = read_snapshot(path)
    second = read_snapshot(path, previous=first)
    assert not second.changes
    for session_id in first:
        assert second.summary(session_id) is first.summary(session_id)


def test_changes_when_another_writer_rewrites_the_file(path: Path) -> None:
    first = read_snapshot(path)
    # Another writer: "0" added (sorts first, so every other session moves),
    # "b" edited, "c" removed, "a" untouched.
    write_go_json(path, go_document(go_session("0"), go_session("a"), go_session("b", Status="completed")))
    second = read_snapshot(path, previous=first)
    assert second.changes == ChangeSet(
        added=frozenset({"0"}), changed=frozenset({"b"}), removed=frozenset({"c"})
    )
    assert second.summary("a") is first.summary("a")
    assert second.summary("b").status == Status.COMPLETED
    assert second.summary("c") is None


def test_changes_when_the_file_is_deleted(path: Path) -> None:
    first = read_snapshot(path)
    path.unlink()
    second = read_snapshot(path, previous=first)
    assert not second.exists
    assert second.changes == ChangeSet(removed=frozenset({"a", "b", "c"}))


def test_changes_across_a_rewrite_in_another_layout(path: Path) -> None:
    first = read_snapshot(path)
    write_json(path, go_document(go_session("a"), go_session("b", Request="new")), indent=None)
    second = read_snapshot(path, previous=first)
    assert second.changes.removed == {"c"}
    assert "b" in second.changes.changed
    assert second.summary("b").request == "new"
    assert not second.changes.added


def test_changes_between_store_writes(path: Path) -> None:
    store = SessionStoreJSON(path)
    first = read_snapshot(path)
    store.modify("a", lambda s: setattr(s, "request", "edited"))
    store.delete("c")
    second = read_snapshot(path, previous=first)
    assert second.changes == ChangeSet(changed=frozenset({"a"}), removed=frozenset({"c"}))
    assert second.summary("b") is first.summary("b")


def test_session_decodes_the_full_session_on_request(path: Path) -> None:
    snap = read_snapshot(path)
    session = snap.session("a")
    assert session.id == "a" and session.messages[0].content == "hello"
    assert snap.session("missing") is None
    assert snap.stats()["total"] == 3 and snap.stats()["running"] == 3


def test_a_bad_message_timestamp_is_reported_when_the_session_is_decoded(tmp_path: Path) -> None:
    bad = [{"Role": "user", "Content": "x", "Summary": "", "Timestamp": "not a time"}]
    path = write_json(tmp_path / "s.json", go_document(go_session("good"), go_session("bad", Messages=bad)))
    snap = read_snapshot(path)  # opening validates session fields, not message times
    assert snap.summary("bad").message_count == 1
    assert snap.session("good") is not None
    with pytest.raises(CorruptStoreError, match="bad") as info:
        snap.session("bad")
    assert str(path) in str(info.value)
    with pytest.raises(CorruptStoreError):
        SessionStoreJSON(path).get("bad")


def test_a_bad_session_time_is_reported_at_open_naming_the_session(tmp_path: Path) -> None:
    path = write_json(tmp_path / "s.json", go_document(go_session("good"), go_session("bad", CreatedAt="soon")))
    before = path.read_bytes()
    with pytest.raises(CorruptStoreError, match="bad") as info:
        read_snapshot(path)
    assert "CreatedAt" in str(info.value)
    with pytest.raises(CorruptStoreError):
        SessionStoreJSON(path)
    assert path.read_bytes() == before


# -- SessionSummary ---------------------------------------------------------------------


def summary(
    status: Status | str,
    *,
    expires_in: timedelta | None = timedelta(minutes=10),
    idle: timedelta | None = timedelta(minutes=1),
    session_id: str = "s",
) -> SessionSummary:
    """A summary at ``NOW``: expiring ``expires_in`` from now (None: persistent), idle for ``idle``."""
    return SessionSummary(
        id=session_id,
        chat_id="c",
        agent="claude",
        project="/p",
        status=status,
        request="",
        error="",
        created_at=NOW - timedelta(days=30),
        last_activity=None if idle is None else NOW - idle,
        expires_at=None if expires_in is None else NOW + expires_in,
        message_count=0,
        permission_mode="",
    )


PAST = -timedelta(minutes=1)


@pytest.mark.parametrize(
    ("status", "expires_in", "stale"),
    [
        (Status.RUNNING, PAST, True),
        (Status.PENDING, PAST, True),
        (Status.RUNNING, timedelta(minutes=1), False),
        (Status.RUNNING, None, False),
        (Status.COMPLETED, PAST, False),
        (Status.FAILED, PAST, False),
        (Status.CLOSED, PAST, False),
        ("paused", PAST, False),
    ],
)
def test_is_stale(status: Status | str, expires_in: timedelta | None, stale: bool) -> None:
    assert summary(status, expires_in=expires_in).is_stale(NOW) is stale


@pytest.mark.parametrize(
    ("status", "expires_in", "ended"),
    [
        (Status.CLOSED, timedelta(minutes=1), True),
        (Status.EXPIRED, timedelta(minutes=1), True),
        (Status.CLOSED, None, True),
        (Status.RUNNING, PAST, True),
        (Status.COMPLETED, PAST, True),
        (Status.RUNNING, timedelta(minutes=1), False),
        (Status.PENDING, None, False),
        (Status.COMPLETED, None, False),
        ("paused", timedelta(minutes=1), False),
    ],
)
def test_is_ended(status: Status | str, expires_in: timedelta | None, ended: bool) -> None:
    assert summary(status, expires_in=expires_in).is_ended(NOW) is ended


def test_summary_reads_the_file_values(tmp_path: Path) -> None:
    path = write_json(tmp_path / "s.json", go_document(
        go_session("s", ExpiresAt=ZERO, Status="paused",
                   Messages=[{"Role": "user", "Content": "x", "Summary": "", "Timestamp": ZERO}] * 3),
    ))
    s = read_snapshot(path).summary("s")
    assert s.persistent and s.status == "paused" and s.message_count == 3
    assert s.idle_for(datetime(2026, 11, 24, 5, 43, 57, 72125, tzinfo=timezone.utc)) == timedelta(minutes=1)


# -- cleanup_candidates -----------------------------------------------------------------


def test_cleanup_candidates() -> None:
    day = timedelta(days=1)
    summaries = [
        summary(Status.COMPLETED, idle=2 * day, session_id="completed-2d"),
        summary(Status.CLOSED, idle=5 * day, session_id="closed-5d"),
        summary(Status.FAILED, idle=3 * day, session_id="failed-3d"),
        summary(Status.EXPIRED, idle=4 * day, session_id="expired-4d"),
        summary(Status.COMPLETED, idle=None, session_id="never-active"),
        summary(Status.COMPLETED, idle=day - timedelta(seconds=1), session_id="recent"),
        summary(Status.COMPLETED, idle=day, session_id="at-cutoff"),
        summary(Status.RUNNING, idle=9 * day, expires_in=PAST, session_id="running"),
        summary(Status.PENDING, idle=9 * day, expires_in=PAST, session_id="pending"),
        summary("paused", idle=9 * day, session_id="unknown"),
        summary(Status.CLOSED, idle=9 * day, expires_in=None, session_id="persistent"),
    ]
    found = cleanup_candidates(summaries, day, NOW)
    assert [s.id for s in found] == ["never-active", "closed-5d", "expired-4d", "failed-3d", "completed-2d"]
    assert [s.id for s in cleanup_candidates(summaries, 10 * day, NOW)] == ["never-active"]


def test_cleanup_candidates_of_an_age_reaching_past_year_1_are_the_never_active(tmp_path: Path) -> None:
    summaries = [
        summary(Status.COMPLETED, idle=timedelta(days=9000), session_id="old"),
        summary(Status.COMPLETED, idle=None, session_id="never-active"),
    ]
    for age in (timedelta(days=740_000), timedelta.max):
        assert [s.id for s in cleanup_candidates(summaries, age, NOW)] == ["never-active"]
    old = (NOW - timedelta(days=9000)).isoformat()
    path = write_json(tmp_path / "s.json", go_document(go_session("done", Status="completed", LastActivity=old)))
    assert SessionStoreJSON(path, clock=lambda: NOW).cleanup_old_sessions(timedelta.max) == 0


def test_cleanup_candidates_agree_with_store_cleanup(tmp_path: Path) -> None:
    old = (NOW - timedelta(days=8)).isoformat()
    path = write_json(tmp_path / "s.json", go_document(
        go_session("done", Status="completed", LastActivity=old),
        go_session("busy", Status="running", LastActivity=old),
        go_session("fresh", Status="completed", LastActivity=NOW.isoformat()),
    ))
    expected = {s.id for s in cleanup_candidates(read_snapshot(path).summaries(), timedelta(days=7), NOW)}
    assert expected == {"done"}
    store = SessionStoreJSON(path, clock=lambda: NOW)
    assert store.cleanup_old_sessions(timedelta(days=7)) == 1
    assert {s.id for s in store.summaries()} == {"busy", "fresh"}
