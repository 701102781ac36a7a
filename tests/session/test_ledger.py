"""``EditLedger``: which recorded edits a later reading shows undone (pure, no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from rawfiles import go_document, go_session, write_json
from tui.session import EditKind, EditLedger, read_snapshot

AT = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)


def _reading(tmp_path: Path, **statuses: str):  # type: ignore[no-untyped-def]
    path = write_json(tmp_path / "s.json", go_document(*(go_session(sid, Status=st) for sid, st in statuses.items())))
    return read_snapshot(path)


def test_a_close_is_undone_when_the_session_is_there_and_not_closed(tmp_path: Path) -> None:
    ledger = EditLedger()
    ledger.record(EditKind.CLOSE, ["a", "b", "c"], AT)
    undone = ledger.check(_reading(tmp_path, a="closed", b="running", d="running"))
    assert [(u.session_id, u.edit.kind, u.status) for u in undone] == [("b", EditKind.CLOSE, "running")]
    assert undone[0].describe() == "close of b undone: running again"
    assert undone[0].edit.at == AT
    # c is gone (deleted since): not an undone close.


def test_a_delete_or_cleanup_is_undone_when_the_session_is_back(tmp_path: Path) -> None:
    ledger = EditLedger()
    ledger.record("delete", ["a"], AT)
    ledger.record(EditKind.CLEANUP, ["b", "c"], AT)
    snap = _reading(tmp_path, a="closed", b="completed")
    assert [(u.session_id, str(u.edit.kind), u.status) for u in ledger.check(snap)] == [
        ("a", "delete", "closed"),
        ("b", "cleanup", "completed"),
    ]
    assert ledger.check(_reading(tmp_path, x="running")) == []
    assert ledger.check(snap)[1].describe(width=0) == "cleanup of b undone: back, completed"


def test_recording_again_replaces_and_forgetting_stops_watching(tmp_path: Path) -> None:
    ledger = EditLedger()
    ledger.record(EditKind.CLOSE, ["a", "b"], AT)
    ledger.record(EditKind.DELETE, ["a"], AT + timedelta(seconds=5))
    assert len(ledger) == 2 and "a" in ledger
    assert [(e.session_id, e.kind) for e in ledger] == [("b", EditKind.CLOSE), ("a", EditKind.DELETE)]
    snap = _reading(tmp_path, a="closed", b="running")
    assert [u.session_id for u in ledger.check(snap)] == ["b", "a"]  # a: deleted, and there (closed)
    ledger.forget(["b"])
    assert [u.session_id for u in ledger.check(snap)] == ["a"]
    ledger.forget_before(AT + timedelta(seconds=10))
    assert len(ledger) == 0 and ledger.check(snap) == []
