"""Manager: the behaviour of the Go package's ``Manager`` (SPEC §2), over a JSON store."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rawfiles import T0, ZERO, FakeClock, go_document, go_session, read_items, write_json

from tui.session import Config, Manager, Message, Session, SessionStoreJSON, Status

TIMEOUT = timedelta(minutes=30)


@pytest.fixture
def store(path: Path, clock: FakeClock) -> Iterator[SessionStoreJSON]:
    s = SessionStoreJSON(path, clock=clock)
    yield s
    s.close()


@pytest.fixture
def manager(store: SessionStoreJSON, clock: FakeClock) -> Iterator[Manager]:
    m = Manager(Config(timeout=TIMEOUT), store, clock=clock, background=False)
    yield m
    m.stop()


def other_manager(path: Path, clock: FakeClock) -> Manager:
    """A second process's Manager on the same file."""
    return Manager(Config(timeout=TIMEOUT), SessionStoreJSON(path, clock=clock), clock=clock, background=False)


def on_disk(path: Path, session_id: str) -> dict | None:
    return read_items(path).get(session_id)


# -- create ---------------------------------------------------------------------


def test_create_makes_a_pending_unbound_session_stored_at_once(manager: Manager, path: Path) -> None:
    s = manager.create()
    assert uuid.UUID(s.id).version == 4
    assert s.status == Status.PENDING
    assert (s.chat_id, s.agent, s.project) == ("", "", "")
    assert s.created_at == s.last_activity == T0
    assert s.expires_at == T0 + TIMEOUT
    assert not (s.context or {}).get("project_path")
    assert manager.get(s.id) is s
    raw = on_disk(path, s.id)
    assert raw is not None and raw["Status"] == "pending"


def test_create_with_binds_the_tuple_and_records_the_project_path(manager: Manager, path: Path) -> None:
    s = manager.create_with("chat-9", "claude", "/srv/app")
    assert uuid.UUID(s.id).version == 4
    assert (s.chat_id, s.agent, s.project, s.status) == ("chat-9", "claude", "/srv/app", Status.PENDING)
    assert s.created_at == s.last_activity == T0
    assert s.expires_at == T0 + TIMEOUT
    assert s.context == {"project_path": "/srv/app"}
    raw = on_disk(path, s.id)
    assert raw is not None
    assert (raw["ID"], raw["ChatID"], raw["Agent"], raw["Project"]) == (s.id, "chat-9", "claude", "/srv/app")
    assert raw["Context"] == {"project_path": "/srv/app"}
    assert datetime.fromisoformat(raw["ExpiresAt"]) == T0 + TIMEOUT


def test_create_with_without_project_sets_no_project_path(manager: Manager) -> None:
    s = manager.create_with("chat-9", "claude", "")
    assert "project_path" not in (s.context or {})


def test_created_ids_are_unique(manager: Manager) -> None:
    ids = {manager.create().id for _ in range(20)}
    assert len(ids) == 20


def test_a_manager_without_a_store_works_in_memory(clock: FakeClock) -> None:
    with Manager(Config(), None, clock=clock, background=False) as m:
        s = m.create_with("c", "a", "p")
        assert m.set_running(s.id)
        assert m.get(s.id).status == Status.RUNNING
        assert m.close(s.id) and m.get(s.id) is None
        assert not m.set_running(s.id)


# -- get / get_or_load / list ------------------------------------------------------


def test_get_reads_memory_only_and_get_or_load_falls_back_to_the_store(
    manager: Manager, path: Path, clock: FakeClock
) -> None:
    with other_manager(path, clock) as other:
        created = other.create_with("chat", "claude", "/p")
    assert manager.get(created.id) is None
    loaded = manager.get_or_load(created.id)
    assert loaded is not None
    assert (loaded.id, loaded.chat_id, loaded.status) == (created.id, "chat", Status.PENDING)
    assert manager.get(created.id) is not None  # now kept in memory
    assert manager.get_or_load("no-such-id") is None
    assert manager.get("no-such-id") is None


def test_list_returns_the_sessions_in_memory(manager: Manager) -> None:
    a, b = manager.create(), manager.create()
    assert {s.id for s in manager.list()} == {a.id, b.id}
    manager.list().clear()  # a copy
    assert len(manager.list()) == 2
    manager.close(a.id)
    assert [s.id for s in manager.list()] == [b.id]


def test_list_by_chat_merges_memory_and_store(manager: Manager, path: Path, clock: FakeClock) -> None:
    mine = manager.create_with("chat", "claude", "/a")
    manager.create_with("other-chat", "claude", "/a")
    with other_manager(path, clock) as other:
        theirs = other.create_with("chat", "claude", "/b")
    only_in_memory = manager.create_with("chat", "claude", "/c")
    SessionStoreJSON(path, clock=clock).delete(only_in_memory.id)
    assert {s.id for s in manager.list_by_chat("chat")} == {mine.id, theirs.id, only_in_memory.id}
    assert manager.list_by_chat("nobody") == []


# -- find_by -----------------------------------------------------------------------


def test_find_by_picks_the_most_recently_active_open_match(manager: Manager, clock: FakeClock) -> None:
    first = manager.create_with("chat", "claude", "/p")
    clock.advance(seconds=1)
    second = manager.create_with("chat", "claude", "/p")
    manager.create_with("chat", "codex", "/p")
    assert manager.find_by("chat", "claude", "/p").id == second.id
    clock.advance(seconds=1)
    manager.set_request(first.id, "again")
    assert manager.find_by("chat", "claude", "/p").id == first.id
    assert manager.find_by("chat", "claude", "/elsewhere") is None


def test_find_by_skips_closed_sessions(manager: Manager, clock: FakeClock) -> None:
    kept = manager.create_with("chat", "claude", "/p")
    clock.advance(seconds=1)
    closed = manager.create_with("chat", "claude", "/p")
    manager.close(closed.id)
    assert manager.find_by("chat", "claude", "/p").id == kept.id
    manager.close(kept.id)
    assert manager.find_by("chat", "claude", "/p") is None


def test_find_by_skips_sessions_expired_by_time(manager: Manager, clock: FakeClock) -> None:
    manager.create_with("chat", "claude", "/p")
    clock.advance(TIMEOUT + timedelta(seconds=1))
    assert manager.find_by("chat", "claude", "/p") is None


def test_find_by_falls_back_to_the_store_and_skips_expired_status(
    path: Path, clock: FakeClock
) -> None:
    later = (T0 + timedelta(minutes=1)).isoformat()
    write_json(path, go_document(
        go_session("open", ChatID="c", Agent="a", Project="/p", Status="running",
                   LastActivity=T0.isoformat(), ExpiresAt=ZERO),
        go_session("expired", ChatID="c", Agent="a", Project="/p", Status="expired",
                   LastActivity=later, ExpiresAt=ZERO),
        go_session("closed", ChatID="c", Agent="a", Project="/p", Status="closed",
                   LastActivity=later, ExpiresAt=ZERO),
    ))
    clock.advance(days=400)  # persistent sessions never expire by time
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        found = m.find_by("c", "a", "/p")
        assert found is not None and found.id == "open"


# -- update and the set_* helpers -------------------------------------------------


def test_update_applies_fn_stamps_last_activity_and_stores(
    manager: Manager, path: Path, clock: FakeClock
) -> None:
    s = manager.create_with("chat", "claude", "/p")
    later = clock.advance(seconds=42)
    assert manager.update(s.id, lambda sess: setattr(sess, "permission_mode", "plan"))
    current = manager.get(s.id)
    assert current.permission_mode == "plan"
    assert current.last_activity == later
    raw = on_disk(path, s.id)
    assert raw["PermissionMode"] == "plan"
    assert datetime.fromisoformat(raw["LastActivity"]) == later


def test_update_of_a_missing_session_returns_false_without_calling_fn(manager: Manager) -> None:
    called = []
    assert manager.update("no-such-id", called.append) is False
    assert called == []


def test_update_of_a_closed_session_returns_false_and_keeps_it_closed(manager: Manager, path: Path) -> None:
    s = manager.create()
    assert manager.close(s.id)
    before = on_disk(path, s.id)
    assert manager.update(s.id, lambda sess: setattr(sess, "request", "zombie")) is False
    assert manager.set_running(s.id) is False
    assert on_disk(path, s.id) == before
    assert manager.get(s.id) is None


def test_update_of_a_session_expired_in_the_store_returns_false(path: Path, clock: FakeClock) -> None:
    write_json(path, go_document(go_session("gone", Status="expired", ExpiresAt=ZERO)))
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        assert m.set_request("gone", "again") is False
    assert read_items(path)["gone"]["Status"] == "expired"
    assert read_items(path)["gone"]["Request"] == "do the thing"


def test_update_of_a_session_deleted_by_another_store_does_not_resurrect_it(
    manager: Manager, path: Path, clock: FakeClock
) -> None:
    s = manager.create_with("chat", "claude", "/p")
    assert SessionStoreJSON(path, clock=clock).delete(s.id)
    assert manager.update(s.id, lambda sess: setattr(sess, "request", "x")) is False
    assert manager.append_message(s.id, Message(role="user", content="hi")) is False
    assert manager.close(s.id) is False
    assert s.id not in read_items(path)
    assert manager.get(s.id) is None


def test_update_of_a_session_closed_by_another_manager_returns_false(
    manager: Manager, path: Path, clock: FakeClock
) -> None:
    s = manager.create_with("chat", "claude", "/p")
    with other_manager(path, clock) as other:
        assert other.close(s.id)
    assert manager.set_completed(s.id, "late") is False
    raw = on_disk(path, s.id)
    assert raw["Status"] == "closed" and raw["Response"] == ""


def test_updates_apply_to_the_latest_stored_copy(manager: Manager, path: Path, clock: FakeClock) -> None:
    """An edit made through another Manager is not undone by this one's next edit."""
    s = manager.create_with("chat", "claude", "/p")
    with other_manager(path, clock) as other:
        assert other.set_context(s.id, "from_other", 1)
    assert manager.set_request(s.id, "mine")
    raw = on_disk(path, s.id)
    assert raw["Request"] == "mine"
    assert raw["Context"]["from_other"] == 1


def test_set_status_helpers(manager: Manager, path: Path) -> None:
    s = manager.create()
    assert manager.set_running(s.id)
    assert manager.get(s.id).status == Status.RUNNING
    assert on_disk(path, s.id)["Status"] == "running"
    assert manager.set_completed(s.id, "all done")
    assert (manager.get(s.id).status, manager.get(s.id).response) == (Status.COMPLETED, "all done")
    assert (on_disk(path, s.id)["Status"], on_disk(path, s.id)["Response"]) == ("completed", "all done")
    f = manager.create()
    assert manager.set_failed(f.id, "boom")
    assert (manager.get(f.id).status, manager.get(f.id).error) == (Status.FAILED, "boom")
    assert (on_disk(path, f.id)["Status"], on_disk(path, f.id)["Error"]) == ("failed", "boom")
    for call in (manager.set_running, lambda i: manager.set_completed(i, "r"), lambda i: manager.set_failed(i, "e")):
        assert call("no-such-id") is False


def test_set_request_and_get_request(manager: Manager, path: Path) -> None:
    s = manager.create()
    assert manager.get_request(s.id) == ""
    assert manager.set_request(s.id, "fix <the> bug & more")
    assert manager.get_request(s.id) == "fix <the> bug & more"
    assert on_disk(path, s.id)["Request"] == "fix <the> bug & more"
    assert manager.get_request("no-such-id") is None
    assert manager.set_request("no-such-id", "x") is False


def test_set_context_and_get_context(manager: Manager, path: Path) -> None:
    s = manager.create_with("c", "a", "/p")
    assert manager.set_context(s.id, "user", {"id": 40284507883, "roles": ["dev"]})
    assert manager.get_context(s.id, "user") == {"id": 40284507883, "roles": ["dev"]}
    assert manager.get_context(s.id, "project_path") == "/p"
    assert manager.get_context(s.id, "missing") is None
    assert manager.get_context(s.id, "missing", "fallback") == "fallback"
    assert manager.get_context("no-such-id", "user", 7) == 7
    assert manager.set_context("no-such-id", "k", 1) is False
    assert on_disk(path, s.id)["Context"] == {"project_path": "/p", "user": {"id": 40284507883, "roles": ["dev"]}}


def test_set_context_on_a_session_with_null_context(path: Path, clock: FakeClock) -> None:
    write_json(path, go_document(go_session("s", Context=None, ExpiresAt=ZERO)))
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        assert m.set_context("s", "k", "v")
        assert m.get_context("s", "k") == "v"
    assert read_items(path)["s"]["Context"] == {"k": "v"}


def test_append_message_and_get_messages(manager: Manager, path: Path, clock: FakeClock) -> None:
    s = manager.create()
    stamp = T0 - timedelta(seconds=3)
    assert manager.append_message(s.id, Message(role="user", content="hello", timestamp=stamp))
    clock.advance(seconds=5)
    assert manager.append_message(s.id, Message(role="assistant", content="hi", summary="greeted"))
    messages = manager.get_messages(s.id)
    assert [(m.role, m.content, m.summary) for m in messages] == [
        ("user", "hello", ""),
        ("assistant", "hi", "greeted"),
    ]
    assert messages[0].timestamp == stamp
    assert messages[1].timestamp == clock()  # a missing timestamp becomes now
    raw = on_disk(path, s.id)["Messages"]
    assert [(m["Role"], m["Content"], m["Summary"]) for m in raw] == [
        ("user", "hello", ""),
        ("assistant", "hi", "greeted"),
    ]
    assert datetime.fromisoformat(raw[0]["Timestamp"]) == stamp


def test_get_messages_returns_a_copy(manager: Manager) -> None:
    s = manager.create()
    manager.append_message(s.id, Message(role="user", content="one"))
    got = manager.get_messages(s.id)
    got.append(Message(role="user", content="injected"))
    got.clear()
    assert [m.content for m in manager.get_messages(s.id)] == ["one"]
    assert manager.get_messages("no-such-id") is None
    assert manager.append_message("no-such-id", Message(role="user", content="x")) is False


# -- stats ---------------------------------------------------------------------------


def _populate(manager: Manager) -> None:
    """Two pending, one running, one completed, one failed, one closed (gone from memory)."""
    manager.create(), manager.create()
    manager.set_running(manager.create().id)
    manager.set_completed(manager.create().id, "ok")
    manager.set_failed(manager.create().id, "bad")
    manager.close(manager.create().id)


def test_stats_counts_the_sessions_in_memory_by_status(manager: Manager) -> None:
    _populate(manager)
    stats = manager.stats()
    assert stats["total"] == 5
    assert (stats["pending"], stats["running"], stats["completed"], stats["failed"]) == (2, 1, 1, 1)
    assert all(isinstance(v, int) for v in stats.values())


def test_get_stats_keys_counts_and_uptime(manager: Manager, clock: FakeClock) -> None:
    _populate(manager)
    clock.advance(hours=1)
    recent = manager.create()
    manager.set_running(recent.id)
    stats = manager.get_stats()
    assert set(stats) == {
        "total", "active", "completed", "failed", "closed", "pending", "expired", "recent_actions", "uptime",
    }
    assert stats["total"] == 6
    assert stats["active"] == 2  # running sessions
    assert (stats["completed"], stats["failed"], stats["pending"], stats["expired"]) == (1, 1, 2, 0)
    assert stats["recent_actions"] == 1  # only `recent` was active within the last hour
    assert stats["uptime"] == timedelta(hours=1)
    assert isinstance(stats["uptime"], timedelta)


# -- close / delete / clear ---------------------------------------------------------


def test_close_drops_from_memory_and_keeps_it_closed_in_the_file(
    manager: Manager, store: SessionStoreJSON, path: Path
) -> None:
    s = manager.create_with("chat", "claude", "/p")
    assert manager.close(s.id)
    assert manager.get(s.id) is None
    assert s.id not in {x.id for x in manager.list()}
    assert on_disk(path, s.id)["Status"] == "closed"
    assert store.get(s.id).status == Status.CLOSED
    assert manager.close("no-such-id") is False


def test_close_of_a_session_only_in_the_store(path: Path, clock: FakeClock) -> None:
    write_json(path, go_document(go_session("s1"), go_session("s2")))
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        assert m.close("s1")
    items = read_items(path)
    assert items["s1"]["Status"] == "closed"
    assert items["s2"]["Status"] == "running"


def test_delete_removes_from_memory_and_store_closed_ones_included(
    manager: Manager, path: Path, clock: FakeClock
) -> None:
    a, b = manager.create(), manager.create()
    assert manager.delete(a.id)
    assert manager.get(a.id) is None and a.id not in read_items(path)
    assert manager.close(b.id)
    assert manager.delete(b.id)
    assert b.id not in read_items(path)
    with other_manager(path, clock) as other:
        theirs = other.create()
    assert manager.delete(theirs.id)  # only in the store
    assert theirs.id not in read_items(path)
    assert manager.delete("no-such-id") is False


def test_clear_forgets_memory_but_not_the_store(manager: Manager, path: Path) -> None:
    ids = {manager.create().id for _ in range(3)}
    assert manager.clear() == 3
    assert manager.list() == []
    assert set(read_items(path)) == ids
    assert manager.clear() == 0


# -- expiry and cleanup --------------------------------------------------------------


def test_cleanup_expired_marks_and_removes_from_memory_and_store(
    manager: Manager, path: Path, clock: FakeClock
) -> None:
    old = manager.create()
    clock.advance(minutes=20)
    young = manager.create()
    clock.advance(minutes=11)  # old is 31 minutes old, young 11
    assert manager.cleanup_expired() == 1
    assert old.status == Status.EXPIRED
    assert manager.get(old.id) is None
    assert set(read_items(path)) == {young.id}
    assert manager.get(young.id) is not None
    assert manager.cleanup_expired() == 0


def test_cleanup_expired_never_expires_persistent_sessions(path: Path, clock: FakeClock) -> None:
    write_json(path, go_document(go_session("forever", ExpiresAt=ZERO)))
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        assert m.get_or_load("forever") is not None
        clock.advance(days=3650)
        assert m.cleanup_expired() == 0
        assert m.get("forever") is not None
    assert "forever" in read_items(path)


def test_manager_cleanup_old_sessions(path: Path, clock: FakeClock) -> None:
    old = (T0 - timedelta(days=10)).isoformat()
    write_json(path, go_document(
        go_session("done", Status="completed", LastActivity=old),
        go_session("broke", Status="failed", LastActivity=old),
        go_session("busy", Status="running", LastActivity=old),
        go_session("waiting", Status="pending", LastActivity=old),
        go_session("keeper", Status="completed", LastActivity=old, ExpiresAt=ZERO),
        go_session("fresh", Status="completed", LastActivity=T0.isoformat()),
    ))
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        m.get_or_load("done")
        assert m.cleanup_old_sessions(timedelta(days=7)) == 2
        assert m.get("done") is None
    assert set(read_items(path)) == {"busy", "waiting", "keeper", "fresh"}


def test_manager_cleanup_with_an_age_reaching_past_year_1_removes_only_the_never_active(path: Path, clock: FakeClock) -> None:
    write_json(path, go_document(
        go_session("done", Status="completed", LastActivity=(T0 - timedelta(days=9000)).isoformat()),
        go_session("never", Status="completed", LastActivity=ZERO),
    ))
    with Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        m.get_or_load("done")
        assert m.cleanup_old_sessions(timedelta.max) == 1
        assert m.get("done") is not None
    assert set(read_items(path)) == {"done"}


def _wait_for(condition, timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def test_background_loop_expires_sessions(path: Path, clock: FakeClock) -> None:
    before = set(threading.enumerate())
    config = Config(timeout=TIMEOUT, cleanup_interval=timedelta(milliseconds=5))
    m = Manager(config, SessionStoreJSON(path, clock=clock), clock=clock, background=True)
    started = set(threading.enumerate()) - before
    try:
        assert started, "background=True starts a thread"
        s = m.create()
        clock.advance(TIMEOUT + timedelta(seconds=1))
        assert _wait_for(lambda: m.get(s.id) is None)
        assert _wait_for(lambda: s.id not in read_items(path))
        assert s.status == Status.EXPIRED
    finally:
        m.stop()
    assert not any(t.is_alive() for t in started)


def test_background_loop_drops_sessions_past_message_retention(path: Path, clock: FakeClock) -> None:
    config = Config(
        timeout=timedelta(days=1000), message_retention=timedelta(days=1), cleanup_interval=timedelta(milliseconds=5)
    )
    with Manager(config, SessionStoreJSON(path, clock=clock), clock=clock, background=True) as m:
        done, busy = m.create(), m.create()
        m.set_completed(done.id, "ok")
        m.set_running(busy.id)
        clock.advance(days=2)
        assert _wait_for(lambda: done.id not in read_items(path))
        assert busy.id in read_items(path)
        assert m.get(busy.id) is not None


def test_background_false_runs_no_loop(path: Path, clock: FakeClock) -> None:
    before = set(threading.enumerate())
    config = Config(timeout=TIMEOUT, cleanup_interval=timedelta(milliseconds=1))
    with Manager(config, SessionStoreJSON(path, clock=clock), clock=clock, background=False) as m:
        assert set(threading.enumerate()) - before == set()
        s = m.create()
        clock.advance(days=30)
        time.sleep(0.05)  # fifty intervals
        assert m.get(s.id) is not None
        assert s.id in read_items(path)


# -- stop ----------------------------------------------------------------------------


class RecordingStore(SessionStoreJSON):
    """Counts ``close`` calls."""

    closes = 0

    def close(self) -> None:
        self.closes += 1
        super().close()


def test_stop_twice_is_fine(path: Path, clock: FakeClock) -> None:
    store = RecordingStore(path, clock=clock)
    m = Manager(Config(cleanup_interval=timedelta(milliseconds=5)), store, clock=clock, background=True)
    s = m.create()
    m.stop()
    m.stop()
    assert store.closes == 1
    assert s.id in read_items(path)


def test_context_manager_stops_the_loop_and_closes_the_store(path: Path, clock: FakeClock) -> None:
    store = RecordingStore(path, clock=clock)
    before = set(threading.enumerate())
    with Manager(Config(cleanup_interval=timedelta(milliseconds=5)), store, clock=clock, background=True) as m:
        started = set(threading.enumerate()) - before
        m.create()
    assert store.closes == 1
    assert not any(t.is_alive() for t in started)


# -- the Go package's own test names --------------------------------------------------


def test_a_set_reaches_disk_without_close(path: Path, clock: FakeClock) -> None:
    store = SessionStoreJSON(path, clock=clock)
    store.set("s1", Session(id="s1", chat_id="c", status=Status.RUNNING, request="r"))
    raw = read_items(path)["s1"]
    assert (raw["ID"], raw["ChatID"], raw["Status"], raw["Request"]) == ("s1", "c", "running", "r")


def test_delete_reaches_disk(path: Path, clock: FakeClock) -> None:
    store = SessionStoreJSON(path, clock=clock)
    store.set("s1", Session(id="s1"))
    store.set("s2", Session(id="s2"))
    assert store.delete("s1")
    assert set(read_items(path)) == {"s2"}


def test_a_manager_update_reaches_disk_without_stop(manager: Manager, path: Path) -> None:
    s = manager.create()
    assert manager.set_completed(s.id, "written")
    raw = read_items(path)[s.id]
    assert (raw["Status"], raw["Response"]) == ("completed", "written")


# -- a plain Go-style store (only the SessionStore protocol) ---------------------------


class DictStore:
    """The minimal ``SessionStore``: no modify_many, no delete_many, no cleanup."""

    def __init__(self) -> None:
        self.data: dict[str, Session] = {}

    def get(self, session_id: str) -> Session | None:
        s = self.data.get(session_id)
        return None if s is None else Session(**{f: getattr(s, f) for f in s.__dataclass_fields__ if f != "_source"})

    def set(self, session_id: str, session: Session) -> None:
        self.data[session_id] = session

    def delete(self, session_id: str) -> bool:
        return self.data.pop(session_id, None) is not None

    def list(self) -> list[Session]:
        return list(self.data.values())

    def find_by_chat_agent_project(self, chat_id: str, agent: str, project: str) -> Session | None:
        return None

    def list_by_chat(self, chat_id: str) -> list[Session]:
        return [s for s in self.data.values() if s.chat_id == chat_id]

    def close(self) -> None:
        pass


def test_manager_over_a_plain_store(clock: FakeClock) -> None:
    store = DictStore()
    with Manager(Config(), store, clock=clock, background=False) as m:
        s = m.create_with("c", "a", "/p")
        assert s.id in store.data
        assert m.set_running(s.id)
        assert store.data[s.id].status == Status.RUNNING
        assert m.close(s.id)
        assert store.data[s.id].status == Status.CLOSED
        assert m.set_running(s.id) is False
        assert m.delete(s.id) and s.id not in store.data
