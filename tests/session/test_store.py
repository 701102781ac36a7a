"""SessionStoreJSON: the Go store's API plus the multi-process additions (SPEC §2)."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rawfiles import T0, ZERO, FakeClock, go_document, go_session, read_doc, read_items, write_json

from tui.session import Message, Session, SessionStore, SessionStoreJSON, Status



@pytest.fixture
def store(path: Path, clock: FakeClock) -> SessionStoreJSON:
    return SessionStoreJSON(path, clock=clock)


def full_session(session_id: str = "s1", **fields: object) -> Session:
    """A session with every field set to a non-zero value."""
    values: dict[str, object] = dict(
        id=session_id,
        chat_id="chat-1",
        agent="claude",
        project="/srv/app",
        status=Status.RUNNING,
        request="fix it",
        response="partial",
        error="none yet",
        created_at=T0 - timedelta(hours=1),
        last_activity=T0 - timedelta(minutes=5),
        expires_at=T0 + timedelta(minutes=25),
        context={"project_path": "/srv/app", "n": 3, "nested": {"ok": True, "list": [1, 2.5, None]}},
        messages=[
            Message(role="user", content="hi <b>", summary="", timestamp=T0 - timedelta(minutes=10)),
            Message(role="assistant", content="hello", summary="greeted", timestamp=T0 - timedelta(minutes=9)),
        ],
        permission_mode="plan",
    )
    values.update(fields)
    return Session(**values)  # type: ignore[arg-type]


def test_is_a_session_store(store: SessionStoreJSON) -> None:
    assert isinstance(store, SessionStore)


# -- missing file --------------------------------------------------------------------


def test_a_missing_file_is_an_empty_store_and_reads_do_not_create_it(store: SessionStoreJSON, path: Path) -> None:
    assert store.list() == []
    assert store.get("x") is None
    assert store.find_by_chat_agent_project("c", "a", "p") is None
    assert store.list_by_chat("c") == []
    assert store.delete("x") is False
    assert not path.exists()


def test_the_file_is_created_on_first_write_with_mode_0600(store: SessionStoreJSON, path: Path) -> None:
    store.set("s1", full_session())
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = read_doc(path)
    assert doc["version"] == 1
    assert set(doc["items"]) == {"s1"}


def test_a_missing_directory_is_created_on_first_write(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "not" / "yet" / "sessions.json"
    SessionStoreJSON(path, clock=clock).set("s1", Session(id="s1"))
    assert set(read_items(path)) == {"s1"}


def test_force_save_creates_a_missing_file(store: SessionStoreJSON, path: Path) -> None:
    store.force_save()
    doc = read_doc(path)
    assert doc["version"] == 1 and not doc["items"]


# -- get / set / delete / list ----------------------------------------------------------


def test_set_then_get_round_trips_every_field(store: SessionStoreJSON, path: Path, clock: FakeClock) -> None:
    original = full_session()
    store.set("s1", original)
    assert original.last_activity == T0  # set stamps last_activity
    got = store.get("s1")
    assert got == original
    assert got is not original
    # A second instance reads the same from disk.
    assert SessionStoreJSON(path, clock=clock).get("s1") == original


def test_set_stamps_last_activity_from_the_clock(store: SessionStoreJSON, path: Path, clock: FakeClock) -> None:
    store.set("s1", full_session())
    later = clock.advance(minutes=3)
    store.set("s1", store.get("s1"))
    assert store.get("s1").last_activity == later
    assert datetime.fromisoformat(read_items(path)["s1"]["LastActivity"]) == later


def test_set_replaces_a_stored_session(store: SessionStoreJSON) -> None:
    store.set("s1", full_session(request="first"))
    store.set("s1", full_session(request="second", messages=None, context=None))
    got = store.get("s1")
    assert (got.request, got.messages, got.context) == ("second", None, None)
    assert len(store.list()) == 1


def test_get_returns_an_independent_copy(store: SessionStoreJSON) -> None:
    store.set("s1", full_session())
    got = store.get("s1")
    got.request = "mutated"
    got.context["n"] = 99
    got.messages.append(Message(role="user", content="x"))
    again = store.get("s1")
    assert (again.request, again.context["n"], len(again.messages)) == ("fix it", 3, 2)


def test_delete_and_list(store: SessionStoreJSON, path: Path) -> None:
    for sid in ("a", "b", "c"):
        store.set(sid, full_session(sid))
    assert {s.id for s in store.list()} == {"a", "b", "c"}
    assert store.delete("b") is True
    assert store.delete("b") is False
    assert {s.id for s in store.list()} == {"a", "c"}
    assert set(read_items(path)) == {"a", "c"}


def test_close_is_idempotent_and_data_stays(store: SessionStoreJSON, path: Path, clock: FakeClock) -> None:
    store.set("s1", full_session())
    store.close()
    store.close()
    assert SessionStoreJSON(path, clock=clock).get("s1") is not None


def test_force_save_keeps_every_value(store: SessionStoreJSON, path: Path) -> None:
    store.set("s1", full_session())
    before = read_items(path)
    store.force_save()
    assert read_items(path) == before


# -- find / list_by_chat --------------------------------------------------------------


def _tuple_file(path: Path) -> None:
    """Sessions of one (chat, agent, project) in every state, plus others."""
    at = lambda minutes: (T0 - timedelta(minutes=minutes)).isoformat()  # noqa: E731
    bound = dict(ChatID="c1", Agent="claude", Project="/p")
    write_json(path, go_document(
        go_session("older", **bound, Status="running", LastActivity=at(30), ExpiresAt=ZERO),
        go_session("newer", **bound, Status="completed", LastActivity=at(10), ExpiresAt=ZERO),
        go_session("closed", **bound, Status="closed", LastActivity=at(1), ExpiresAt=ZERO),
        go_session("expired", **bound, Status="expired", LastActivity=at(1), ExpiresAt=ZERO),
        go_session("timed-out", **bound, Status="running", LastActivity=at(2), ExpiresAt=at(1)),
        go_session("other-agent", ChatID="c1", Agent="codex", Project="/p", LastActivity=at(0), ExpiresAt=ZERO),
        go_session("other-chat", ChatID="c2", Agent="claude", Project="/p", LastActivity=at(0), ExpiresAt=ZERO),
    ))


def test_find_by_chat_agent_project_returns_the_most_recent_open_match(path: Path, clock: FakeClock) -> None:
    _tuple_file(path)
    store = SessionStoreJSON(path, clock=clock)
    found = store.find_by_chat_agent_project("c1", "claude", "/p")
    assert found is not None and found.id == "newer"
    assert found.messages is not None  # a full session, history included
    assert store.find_by_chat_agent_project("c1", "claude", "/q") is None


def test_find_by_chat_agent_project_skips_closed_and_expired(path: Path, clock: FakeClock) -> None:
    _tuple_file(path)
    store = SessionStoreJSON(path, clock=clock)
    store.delete_many(["older", "newer"])
    assert store.find_by_chat_agent_project("c1", "claude", "/p") is None


def test_list_by_chat(path: Path, clock: FakeClock) -> None:
    _tuple_file(path)
    store = SessionStoreJSON(path, clock=clock)
    assert {s.id for s in store.list_by_chat("c1")} == {
        "older", "newer", "closed", "expired", "timed-out", "other-agent",
    }
    assert [s.id for s in store.list_by_chat("c2")] == ["other-chat"]
    assert store.list_by_chat("c3") == []


# -- cleanup_old_sessions ----------------------------------------------------------------


def test_cleanup_old_sessions(path: Path, clock: FakeClock) -> None:
    at = lambda delta: (T0 - delta).isoformat()  # noqa: E731
    old, hour = at(timedelta(hours=2)), timedelta(hours=1)
    write_json(path, go_document(
        go_session("closed-old", Status="closed", LastActivity=old),
        go_session("completed-old", Status="completed", LastActivity=old),
        go_session("failed-old", Status="failed", LastActivity=old),
        go_session("expired-old", Status="expired", LastActivity=old),
        go_session("never-active", Status="completed", LastActivity=ZERO),
        go_session("running-old", Status="running", LastActivity=old),
        go_session("pending-old", Status="pending", LastActivity=old),
        go_session("unknown-old", Status="paused", LastActivity=old),
        go_session("persistent-old", Status="completed", LastActivity=old, ExpiresAt=ZERO),
        go_session("completed-recent", Status="completed", LastActivity=at(timedelta(minutes=59))),
        go_session("completed-at-cutoff", Status="completed", LastActivity=at(hour)),
    ))
    store = SessionStoreJSON(path, clock=clock)
    assert store.cleanup_old_sessions(hour) == 5
    assert set(read_items(path)) == {
        "running-old", "pending-old", "unknown-old", "persistent-old", "completed-recent", "completed-at-cutoff",
    }
    assert store.cleanup_old_sessions(hour) == 0


def test_cleanup_old_sessions_follows_the_clock(path: Path, clock: FakeClock) -> None:
    store = SessionStoreJSON(path, clock=clock)
    store.set("s1", full_session(status=Status.COMPLETED))
    assert store.cleanup_old_sessions(timedelta(days=1)) == 0
    clock.advance(days=1, seconds=1)
    assert store.cleanup_old_sessions(timedelta(days=1)) == 1
    assert read_items(path) == {}


# -- modify / modify_many / delete_many ------------------------------------------------


def test_modify_changes_the_stored_copy_and_stamps_it(store: SessionStoreJSON, path: Path, clock: FakeClock) -> None:
    store.set("s1", full_session())
    later = clock.advance(seconds=30)
    result = store.modify("s1", lambda s: setattr(s, "status", Status.COMPLETED))
    assert result is not None and result.status == Status.COMPLETED
    assert result.last_activity == later
    raw = read_items(path)["s1"]
    assert raw["Status"] == "completed"
    assert datetime.fromisoformat(raw["LastActivity"]) == later
    assert store.modify("missing", lambda s: None) is None


def test_modify_returning_false_leaves_the_file_alone(store: SessionStoreJSON, path: Path, clock: FakeClock) -> None:
    store.set("s1", full_session())
    before = path.read_bytes()
    clock.advance(seconds=30)

    def refuse(session: Session) -> bool:
        session.request = "not stored"
        return False

    assert store.modify("s1", refuse) is not None
    assert path.read_bytes() == before
    assert store.get("s1").request == "fix it"


def test_modify_many_and_delete_many(store: SessionStoreJSON, path: Path) -> None:
    for sid in ("a", "b", "c"):
        store.set(sid, full_session(sid))
    found = store.modify_many(["a", "c", "missing", "a"], lambda s: setattr(s, "error", "batch"))
    assert set(found) == {"a", "c"}
    assert {sid: raw["Error"] for sid, raw in read_items(path).items()} == {"a": "batch", "b": "none yet", "c": "batch"}
    assert sorted(store.delete_many(["c", "missing", "a"])) == ["a", "c"]
    assert set(read_items(path)) == {"b"}
    assert store.delete_many(["a"]) == []


# -- several instances on one file -----------------------------------------------------


def test_a_second_instance_sees_the_first_ones_writes(path: Path, clock: FakeClock) -> None:
    first = SessionStoreJSON(path, clock=clock)
    second = SessionStoreJSON(path, clock=clock)
    assert second.list() == []  # read before the file exists
    first.set("a", full_session("a"))
    assert second.get("a") is not None
    second.set("b", full_session("b"))
    assert {s.id for s in first.list()} == {"a", "b"}
    assert second.delete("a")
    assert first.get("a") is None
    first.set("c", full_session("c"))  # must not write back a stale "a" or lose "b"
    assert set(read_items(path)) == {"b", "c"}


def test_an_instance_sees_a_file_rewritten_by_another_writer(path: Path, clock: FakeClock) -> None:
    write_json(path, go_document(go_session("a")))
    store = SessionStoreJSON(path, clock=clock)
    assert [s.id for s in store.list()] == ["a"]
    write_json(path, go_document(go_session("a", Request="changed"), go_session("b")))
    assert store.get("a").request == "changed"
    assert {s.id for s in store.list()} == {"a", "b"}
    path.unlink()
    assert store.list() == []
