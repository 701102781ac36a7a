"""A writer killed with SIGKILL at random moments (issue 3; SPEC §5).

A crash server process (``workers.py crash-server``) forks one writer per
generation and kills it with SIGKILL after a random delay: before its first
write, while it holds the lock, half-way through a temp file, between the
rename and the directory fsync... After every kill the test checks that the
file parses (with the library and with plain ``json``) and holds every write
the writers acknowledged. A writer acknowledges a call only after it
returned, so an acknowledged write is one the library promised was durable.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tui.session import Manager, Message, SessionStoreJSON, Status, read_snapshot
from workers import finish, read_line, start, temp_files, wait_until

KILLS = 100
SOAK_KILLS = 1000


def _read_acks(ack_path: Path) -> list[dict[str, Any]]:
    """Every complete ack line (a line cut short by the kill is not an ack)."""
    if not ack_path.exists():
        return []
    text = ack_path.read_text()
    lines = text.split("\n")[:-1]  # the last piece has no newline: incomplete or empty
    return [json.loads(line) for line in lines]


def _check_file(path: Path, acks: list[dict[str, Any]], context: str) -> None:
    """The file parses every way and holds every acknowledged write."""
    data = path.read_bytes()
    doc = json.loads(data)  # plain json, no library involved
    assert doc["version"] == 1 and isinstance(doc["items"], dict), context
    snap = read_snapshot(path)
    assert set(snap) == set(doc["items"]), context
    sessions = {sid: snap.session(sid) for sid in snap}  # decodes (validates) every message too
    tags = {
        sid: {(m.content.split("|", 1)[0]) for m in s.messages or ()}
        for sid, s in sessions.items()
        if s is not None
    }
    for ack in acks:
        op, sid = ack["op"], ack["id"]
        where = f"{context}: acknowledged {ack}"
        assert op != "refused", f"{where}: an update of a live session was refused"
        if op == "delete":
            assert sid not in sessions, f"{where}: the deleted session is back"
            continue
        assert sid in sessions, f"{where}: the session is missing"
        session = sessions[sid]
        assert session is not None
        if op == "append":
            assert ack["tag"] in tags[sid], f"{where}: the message is missing"
        elif op == "context":
            assert (session.context or {}).get(ack["key"]) == ack["value"], f"{where}: the context value is missing"
        elif op == "close":
            assert session.status == Status.CLOSED, f"{where}: the session is {session.status!r}"
        else:
            assert op == "create", where


def _kill_writers_repeatedly(tmp_path: Path, procs: list, kills: int, seed: int) -> None:
    path = tmp_path / "sessions.json"
    ack_path = tmp_path / "acks.jsonl"
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        for _ in range(4):
            session = manager.create_with("keep", "crash", "/keep")
            # These calls returned: they are acknowledged writes too.
            assert manager.append_message(session.id, Message(role="user", content="seed|"))
            with ack_path.open("a") as ack:
                ack.write(json.dumps({"op": "append", "id": session.id, "tag": "seed"}) + "\n")

    server = start("crash-server", {"path": str(path), "ack": str(ack_path)}, stdin=subprocess.PIPE)
    procs.append(server)
    assert server.stdin is not None
    rng = random.Random(seed)
    acked_total = len(_read_acks(ack_path))
    for generation in range(kills):
        # Most kills land within the first few writes, some later on.
        delay = rng.choice([rng.uniform(0, 0.005), rng.uniform(0, 0.03), rng.uniform(0.01, 0.12)])
        leftovers = temp_files(path)
        server.stdin.write(json.dumps({"generation": generation, "seed": rng.getrandbits(32), "delay": delay}) + "\n")
        server.stdin.flush()
        report = json.loads(read_line(server, timeout=60))
        assert report["killed"], f"writer {generation} died before the kill (status {report['status']}); see stderr"

        acks = _read_acks(ack_path)
        _check_file(path, acks, f"after kill {generation + 1} (delay {delay * 1000:.1f} ms)")
        if len(acks) > acked_total:
            # This writer completed a write, so it took the lock first: the
            # temp files its killed predecessors left must be gone.
            still_there = sorted(set(leftovers) & set(temp_files(path)))
            assert not still_there, f"writer {generation} wrote but left stale temp files {still_there}"
        acked_total = len(acks)

    server.stdin.close()
    assert server.wait(timeout=60) == 0
    assert acked_total > 4, "the writers never completed a write: nothing was tested"
    # A writer killed while holding the lock did not leave the file locked.
    store = SessionStoreJSON(path, lock_timeout=30)
    store.force_save()
    assert temp_files(path) == []
    _check_file(path, _read_acks(ack_path), "after the last writer")


def test_killed_writers_never_corrupt_the_file_or_lose_a_returned_write(tmp_path: Path, procs: list) -> None:
    _kill_writers_repeatedly(tmp_path, procs, KILLS, seed=20261124)


@pytest.mark.slow
def test_soak_killed_writers(tmp_path: Path, procs: list) -> None:
    _kill_writers_repeatedly(tmp_path, procs, SOAK_KILLS, seed=int(time.time()))


def test_next_writer_removes_the_temp_file_of_a_killed_one(tmp_path: Path, procs: list) -> None:
    path = tmp_path / "sessions.json"
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        session = manager.create_with("chat", "agent", "/proj")
    left: list[str] = []
    for _ in range(30):
        # A writer rewriting a large file spends most of its time on the temp file.
        writer = start("big-writer", {"path": str(path), "size": 4_000_000})
        procs.append(writer)
        try:
            deadline = time.monotonic() + 60
            while not temp_files(path) and writer.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.communicate()
        left = temp_files(path)
        if left:
            break
    else:
        pytest.fail("could not kill a writer while it had a temp file open in 30 tries")

    # The killed writer's file is intact (it may hold the big session or not).
    json.loads(path.read_bytes())
    assert session.id in read_snapshot(path)
    # Readers do not touch other processes' files...
    SessionStoreJSON(path).list()
    assert temp_files(path) == left
    # ...the next writer, in another process, removes them.
    report = finish(start("act", {"path": str(path), "actions": [["close", [session.id]]]}))
    assert report["closed"] == [session.id]
    assert temp_files(path) == []
    closed = read_snapshot(path).session(session.id)
    assert closed is not None and closed.status == Status.CLOSED


def test_the_lock_of_a_killed_writer_is_released(tmp_path: Path, procs: list) -> None:
    path = tmp_path / "sessions.json"
    SessionStoreJSON(path).force_save()
    holder = start("hold-lock", {"lock": str(path) + ".lock"}, stdin=subprocess.PIPE)
    procs.append(holder)
    assert read_line(holder) == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate()
    wait_until(lambda: holder.poll() is not None, what="the holder to die")
    # The lock file stays behind, but nobody holds it any more.
    assert (tmp_path / "sessions.json.lock").exists()
    with Manager(store=SessionStoreJSON(path, lock_timeout=30), background=False) as manager:
        session = manager.create_with("chat", "agent", "/proj")
    assert session.id in read_snapshot(path)
