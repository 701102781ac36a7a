"""``BatchSessionStore``: the Manager uses batch edits exactly when a store declares all of them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta
from pathlib import Path

from rawfiles import FakeClock

from tui.session import (
    BatchSessionStore,
    Config,
    Manager,
    Session,
    SessionStore,
    SessionStoreJSON,
    SessionStoreSQLite,
    Status,
)


class PlainStore:
    """The Go ``SessionStore`` alone, recording which methods the Manager calls."""

    def __init__(self) -> None:
        self.data: dict[str, Session] = {}
        self.calls: list[str] = []

    def get(self, session_id: str) -> Session | None:
        self.calls.append("get")
        return self.data.get(session_id)

    def set(self, session_id: str, session: Session) -> None:
        self.calls.append("set")
        self.data[session_id] = session

    def delete(self, session_id: str) -> bool:
        self.calls.append("delete")
        return self.data.pop(session_id, None) is not None

    def list(self) -> list[Session]:
        return list(self.data.values())

    def find_by_chat_agent_project(self, chat_id: str, agent: str, project: str) -> Session | None:
        return None

    def list_by_chat(self, chat_id: str) -> list[Session]:
        return []

    def close(self) -> None:
        pass


class HalfBatchStore(PlainStore):
    """A store with one batch method of three: not a BatchSessionStore, so not driven as one."""

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        self.calls.append("delete_many")
        return [sid for sid in session_ids if self.data.pop(sid, None) is not None]


class BatchStore(PlainStore):
    """A store declaring the whole batch contract."""

    def modify_many(self, session_ids: Collection[str], change: Callable[[Session], bool | None]) -> dict[str, Session]:
        self.calls.append("modify_many")
        found = {sid: self.data[sid] for sid in session_ids if sid in self.data}
        for session in found.values():
            change(session)
        return found

    def delete_many(self, session_ids: Collection[str]) -> list[str]:
        self.calls.append("delete_many")
        return [sid for sid in session_ids if self.data.pop(sid, None) is not None]

    def cleanup_old_sessions(self, older_than: timedelta) -> int:
        self.calls.append("cleanup_old_sessions")
        return 0


def test_both_library_stores_declare_the_batch_contract(tmp_path: Path) -> None:
    for store in (SessionStoreJSON(tmp_path / "s.json"), SessionStoreSQLite(tmp_path / "db" / "tingly.db")):
        assert isinstance(store, SessionStore) and isinstance(store, BatchSessionStore)
    assert isinstance(PlainStore(), SessionStore) and not isinstance(PlainStore(), BatchSessionStore)
    assert not isinstance(HalfBatchStore(), BatchSessionStore)


def _run(store: PlainStore, clock: FakeClock) -> list[str]:
    store.data = {sid: Session(id=sid, status=Status.RUNNING) for sid in ("a", "b")}
    manager = Manager(Config(), store, clock=clock, background=False)
    store.calls.clear()
    manager.close_many(["a"])
    manager.delete_many(["b"])
    manager.cleanup_old_sessions(timedelta(days=1))
    return store.calls


def test_the_manager_drives_a_batch_store_in_batches(clock: FakeClock) -> None:
    assert _run(BatchStore(), clock) == ["modify_many", "delete_many", "cleanup_old_sessions"]


def test_a_store_with_only_some_batch_methods_is_driven_as_a_plain_store(clock: FakeClock) -> None:
    assert _run(HalfBatchStore(), clock) == ["get", "set", "delete"]
    assert _run(PlainStore(), clock) == ["get", "set", "delete"]
