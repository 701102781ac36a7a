"""Several processes on one tingly-box database, for real (SPEC §7).

Four processes of ours, each with its own ``SessionStoreSQLite`` and
``Manager``, and a simulated Go bot (whole-row upserts from memory,
``O_APPEND`` transcript lines, no coordination with us) work on one
database at once. The final database and transcripts are then held
against every process's log: nothing lost, nothing resurrected, our
closes of sessions the bot does not touch stay.
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from pathlib import Path

from sqlitefiles import raw_rows
from sqlite_workers import start
from workers import finish, wait_until

from tui.session import Message, Session, SessionStoreSQLite, Status

OURS = 4
ROUNDS = 12


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["Content"] for line in path.read_bytes().splitlines()]


def test_four_of_ours_and_a_go_writer_lose_nothing_and_resurrect_nothing(
    tmp_path: Path, procs: list[subprocess.Popen[str]]
) -> None:
    base = tmp_path / ".tingly-box"
    db = base / "db" / "tingly.db"
    store = SessionStoreSQLite(db)
    go_own = ["go-0", "go-1", "tg:-100/claude@/srv/app"]  # the last needs a hashed transcript name
    shared = ["shared-0", "shared-1"]
    contested = [f"doomed-{p}" for p in range(OURS)]
    own = {p: [f"p{p}-a", f"p{p}-b", f"p{p}-close"] for p in range(OURS)}
    every = go_own + shared + contested + [sid for ids in own.values() for sid in ids]
    for sid in every:
        store.set(sid, Session(id=sid, chat_id="chat", agent="claude", status=Status.RUNNING,
                               messages=[Message(role="user", content=f"first:{sid}")]))
    store.close()

    barrier, stop = tmp_path / "barrier", tmp_path / "stop"
    barrier.mkdir()
    common = {"db": str(db), "barrier": str(barrier), "stop": str(stop)}
    go_appends = ["shared-0", "p1-a"]
    go = start("go", {**common, "name": "go", "seed": 99, "own": go_own, "append_only": go_appends, "transcripts": str(base / "remote" / "transcripts")})
    procs.append(go)
    ours = []
    for p in range(OURS):
        ours.append(start("ours", {
            **common, "name": f"p{p}", "seed": p, "rounds": ROUNDS,
            "own": own[p], "shared": shared, "contested": contested,
            "close": [f"p{p}-close"] + (["shared-1"] if p == 0 else []),
            "delete": [f"doomed-{p}"],
        }))
        procs.append(ours[-1])
    wait_until(lambda: len(list(barrier.glob("ready-*"))) == OURS + 1, what="the workers to start")
    (barrier / "go").touch()
    reports = [finish(proc) for proc in ours]
    logs = {report["name"]: report["log"] for report in reports}
    stop.touch()
    go_report = finish(go)
    assert go_report["appended"] > 0

    rows = raw_rows(db)
    final = SessionStoreSQLite(db)
    # The Go writer's rows are exactly what it last wrote; its lines are all there, in order.
    for sid in go_own:
        assert rows[sid] == go_report["rows"][sid], sid
        go_lines = [c for c in _lines(final.transcript_path(sid)) if c.startswith("go:")]
        assert go_lines == sorted(go_lines, key=lambda c: int(c.rsplit(":", 1)[1]))
    go_lines = {s: [c for c in _lines(final.transcript_path(s)) if c.startswith("go:")] for s in go_own + go_appends}
    assert sum(len(go_lines[s]) for s in go_own) == go_report["appended"]  # not one of its lines lost
    assert {s: len(go_lines[s]) for s in go_appends} == go_report["appended_only"]

    results: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)  # per session: (process, op, result)
    for name, log in logs.items():
        for kind, sid, n, ok in log:
            results[sid].append((name, kind, ok))
            if kind in ("close", "delete"):
                assert ok, f"{name} could not {kind} {sid}"

    # Our closes stay; deleted sessions stay gone, row and transcript.
    for p in range(OURS):
        assert rows[f"p{p}-close"]["status"] == "closed"
        assert f"doomed-{p}" not in rows and not final.transcript_path(f"doomed-{p}").exists()
    assert rows["shared-1"]["status"] == "closed"
    assert set(rows) == set(every) - set(contested)

    for sid in shared + contested + [s for ids in own.values() for s in ids]:
        # Once a process saw a session closed or gone, it never saw it writable again.
        for name in logs:
            appends = [ok for who, kind, ok in results[sid] if who == name and kind == "append"]
            if False in appends:
                assert not any(appends[appends.index(False):]), f"{sid} came back for {name}"
        if sid in contested:
            continue
        # Every append that returned True is in the transcript once, in each process's order; no other.
        lines = _lines(final.transcript_path(sid))
        assert lines[0] == f"first:{sid}"
        for name, log in logs.items():
            expected = [f"{name}:{sid}:{n}" for kind, s, n, ok in log if s == sid and kind == "append" and ok]
            assert [c for c in lines if c.startswith(f"{name}:")] == expected, (sid, name)
        ours_ok = sum(1 for _, kind, ok in results[sid] if kind == "append" and ok)
        assert len(lines) == 1 + ours_ok + len(go_lines.get(sid, ()))
    assert final.stray_transcripts() == []
