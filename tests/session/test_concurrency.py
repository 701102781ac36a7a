"""Several processes, one file (issue 3; SPEC §2 "Additions beyond Go", §5).

Every process here is a real OS process (``workers.py`` run by the Python
interpreter) with its own ``Manager`` over its own ``SessionStoreJSON``. The
workers log the result of every call they make; the tests then hold the
final file against those logs: every update that returned True is there,
nothing that was refused or deleted is.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tui.session import Manager, SessionStoreJSON, Snapshot, Status, read_snapshot
from workers import finish, start, wait_until

WRITERS = 4


def _spawn(procs: list[subprocess.Popen[str]], command: str, args: dict[str, Any]) -> subprocess.Popen[str]:
    proc = start(command, args)
    procs.append(proc)
    return proc


def _create(path: Path, count: int, chat: str) -> list[str]:
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        return [manager.create_with(chat, "agent", f"/proj/{chat}/{i}").id for i in range(count)]


def _final(path: Path) -> Snapshot:
    """The file as it ends: it must parse with plain json and with the library alike."""
    doc = json.loads(path.read_bytes())
    snap = read_snapshot(path)
    assert set(snap) == set(doc["items"])
    return snap


def _messages(path: Path) -> dict[str, int]:
    """Message count per session, read the way a watcher reads."""
    return {s.id: s.message_count for s in read_snapshot(path).summaries()}


def test_writers_and_app_lose_no_update_and_resurrect_nothing(tmp_path: Path, procs: list) -> None:
    path = tmp_path / "sessions.json"
    shared = _create(path, 6, "shared")
    to_close, to_delete, spare = shared[:2], shared[2:4], shared[4:]
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    stop = tmp_path / "stop"
    common = {"path": str(path), "barrier": str(barrier), "stop": str(stop)}
    writers = [
        _spawn(procs, "writer", {**common, "name": f"w{i}", "seed": i, "own": 3, "shared": shared,
                                 "min_ops": 40, "max_ops": 100_000})
        for i in range(WRITERS)
    ]
    app = _spawn(procs, "app", {**common, "name": "app", "seed": 1234, "wait_messages": 40,
                                "close": to_close, "delete": to_delete, "spare": spare, "random_ops": 8})
    wait_until(lambda: len(list(barrier.glob("ready-*"))) == WRITERS + 1, what="the workers to start")
    (barrier / "go").touch()
    app_report = finish(app)
    # The writers were running all along (the app waited for their traffic);
    # let them go on for a while against what the app ended, then stop them.
    total = sum(_messages(path).values())
    wait_until(lambda: sum(_messages(path).values()) >= total + 20, what="more appends after the app finished")
    stop.touch()
    reports = [finish(w) for w in writers]

    closed, deleted = set(app_report["closed"]), set(app_report["deleted"])
    assert set(to_close) <= closed, "closing an existing session returned False"
    assert set(to_delete) <= deleted, "deleting an existing session returned False"

    appended: dict[str, Counter[str]] = defaultdict(Counter)
    context: dict[str, dict[str, int]] = defaultdict(dict)
    refused_keys: dict[str, set[str]] = defaultdict(set)
    last_status: dict[str, str] = {}
    refused: dict[str, int] = Counter()
    owned: set[str] = set()
    for report in reports:
        owned.update(report["own"])
        for sid, entries in report["log"].items():
            ended = False
            for op, arg, ok in entries:
                assert not (ended and ok), (
                    f"{report['name']}: {op} on {sid} returned True after an earlier call was refused: "
                    "the session came back"
                )
                ended = ended or not ok
                if not ok:
                    refused[sid] += 1
                    if op == "context":
                        refused_keys[sid].add(arg[0])
                elif op == "append":
                    appended[sid][arg] += 1
                elif op == "context":
                    context[sid][arg[0]] = arg[1]
                elif op == "status":
                    last_status[sid] = arg

    snap = _final(path)
    everyone = set(shared) | owned
    assert set(snap) <= everyone, f"sessions nobody created: {set(snap) - everyone}"
    came_back = deleted & set(snap)
    assert not came_back, f"deleted sessions came back: {sorted(came_back)}"
    for sid in sorted(everyone - deleted):
        assert sid in snap, f"session {sid} vanished although nobody deleted it"
        session = snap.session(sid)
        assert session is not None
        got = Counter(m.content for m in session.messages or ())
        assert got == appended[sid], f"{sid}: messages in the file differ from the appends that returned True"
        for key, value in context[sid].items():
            assert (session.context or {}).get(key) == value, f"{sid}: context {key} lost"
        for key in refused_keys[sid]:
            assert key not in (session.context or {}), f"{sid}: a refused context change is in the file"
        if sid in closed:
            assert session.status == Status.CLOSED, f"{sid} was closed but is {session.status!r}"
        else:
            assert refused[sid] == 0, f"{sid}: updates refused although nobody closed or deleted it"
            expected = last_status.get(sid, "pending") if sid in owned else "pending"
            assert session.status == expected, f"{sid}: status {session.status!r}, last set {expected!r}"


@pytest.mark.parametrize("action", ["close", "delete"])
def test_append_after_another_process_ended_the_session_is_refused(
    tmp_path: Path, procs: list, action: str
) -> None:
    path = tmp_path / "sessions.json"
    target, control = _create(path, 2, "chat")
    stop = tmp_path / "stop"
    appender = _spawn(
        procs, "appender", {"path": str(path), "ids": [target, control], "stop": str(stop), "pause": 0.002}
    )
    wait_until(lambda: _messages(path).get(target, 0) >= 5, what="the first appends")

    ender = finish(_spawn(procs, "act", {"path": str(path), "actions": [[action, [target]]]}))
    assert ender["closed" if action == "close" else "deleted"] == [target]

    # The appender goes round both sessions: once the control session has
    # grown by ten more messages it has tried the ended one many times since.
    after = _messages(path)[control]
    wait_until(lambda: _messages(path)[control] >= after + 10, what="appends after the " + action)
    stop.touch()
    report = finish(appender)

    results = report["results"][target]
    oks = [ok for _, ok in results]
    assert True in oks and False in oks
    first_refusal = oks.index(False)
    assert not any(oks[first_refusal:]), "an append returned True after the session was ended elsewhere"
    accepted = [tag for tag, ok in results if ok]
    assert report["in_memory"][target] is False, "the appender's Manager still holds the ended session"

    snap = _final(path)
    if action == "close":
        session = snap.session(target)
        assert session is not None and session.status == Status.CLOSED, "the append undid the close"
        assert [m.content for m in session.messages or ()] == accepted
    else:
        assert target not in snap, "the append brought the deleted session back"
    control_results = report["results"][control]
    assert all(ok for _, ok in control_results)
    control_session = snap.session(control)
    assert control_session is not None
    assert [m.content for m in control_session.messages or ()] == [tag for tag, _ in control_results]


def test_deletes_lose_none_of_the_appends_to_other_sessions(tmp_path: Path, procs: list) -> None:
    path = tmp_path / "sessions.json"
    kept = _create(path, 3, "kept")
    doomed = _create(path, 8, "doomed")
    stop = tmp_path / "stop"
    appender = _spawn(procs, "appender", {"path": str(path), "ids": kept, "stop": str(stop), "pause": 0.002})
    wait_until(lambda: sum(_messages(path)[k] for k in kept) >= 5, what="the first appends")

    actions = [["delete", [sid]] for sid in doomed[:5]] + [["delete_many", doomed[5:]]]
    deleter = finish(_spawn(procs, "act", {"path": str(path), "actions": actions, "pause": 0.01}))
    assert sorted(deleter["deleted"]) == sorted(doomed)

    after = sum(_messages(path)[k] for k in kept)
    wait_until(lambda: sum(_messages(path)[k] for k in kept) >= after + 10, what="appends after the deletes")
    stop.touch()
    report = finish(appender)

    snap = _final(path)
    assert not set(doomed) & set(snap), "a deleted session came back"
    for sid in kept:
        results = report["results"][sid]
        assert all(ok for _, ok in results), f"an append to {sid} was refused"
        session = snap.session(sid)
        assert session is not None
        assert [m.content for m in session.messages or ()] == [tag for tag, _ in results], (
            f"{sid}: appends were lost (or duplicated) while other sessions were deleted"
        )
