"""Real OS processes on one tingly-box database: ours (a Manager each) and a simulated Go bot.

Run as a script: ``python sqlite_workers.py COMMAND 'JSON ARGS'``; each
command prints its report (one JSON object) as the last line of stdout.

- ``ours``: its own ``SessionStoreSQLite`` and ``Manager``; appends to its
  sessions and to shared ones, closes some, deletes some, and logs the
  result of every call.
- ``go``: what the Go bot does, with plain ``sqlite3`` and no knowledge of
  ours: loads its rows once, then rewrites each whole row from memory
  (an upsert of every column, Go's driver time text) and appends a line to
  its transcript with ``O_APPEND``, and appends lines to some of ours
  (``append_only``) without touching their rows, until told to stop.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from workers import _barrier

WORKERS = Path(__file__).resolve()
WALL_LIMIT = 120.0
COLUMNS = (
    "id", "chat_id", "agent", "project", "status", "request", "response", "error",
    "permission_mode", "created_at", "last_activity", "expires_at",
)


def start(command: str, args: dict[str, Any]) -> subprocess.Popen[str]:
    """Start ``sqlite_workers.py COMMAND ARGS`` as a new Python process."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), command, json.dumps(args)],
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def cmd_ours(args: dict[str, Any]) -> dict[str, Any]:
    """One of our processes: appends, closes and deletes through a Manager, logging each result."""
    from tui.session import Manager, Message, SessionStoreSQLite

    rng = random.Random(args["seed"])
    name = args["name"]
    # A generous busy timeout: on a loaded 2-core machine five writers queue up,
    # and SQLite's busy handler is not fair.
    manager = Manager(store=SessionStoreSQLite(args["db"], busy_timeout=60), background=False)
    log: list[list[Any]] = []  # [op, session id, n, result]
    _barrier(args)
    targets = args["own"] + args["shared"] + args["contested"]
    plan = [("append", sid, i) for i in range(args["rounds"]) for sid in targets]
    rng.shuffle(plan)
    # Closes and deletes land somewhere in the middle of the appends.
    for kind in ("close", "delete"):
        for sid in args[kind]:
            plan.insert(rng.randrange(len(plan) // 4, len(plan)), (kind, sid, 0))
    slowest = 0.0
    for kind, sid, n in plan:
        began = time.monotonic()
        if kind == "append":
            ok = manager.append_message(sid, Message(role="user", content=f"{name}:{sid}:{n}"))
        elif kind == "close":
            ok = manager.close(sid)
        else:
            ok = manager.delete(sid)
        log.append([kind, sid, n, ok])
        slowest = max(slowest, time.monotonic() - began)
    manager.stop()
    return {"name": name, "log": log, "slowest": slowest}


def _go_time(rng: random.Random) -> str:
    """Now as Go's driver writes it, in a random offset, with nanoseconds."""
    ns = time.time_ns()
    offset = rng.choice([0, 8 * 60, -5 * 60, 5 * 60 + 30])
    seconds, fraction = divmod(ns + offset * 60 * 1_000_000_000, 1_000_000_000)
    text = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
    if fraction:
        text += f".{fraction:09d}".rstrip("0")
    sign = "-" if offset < 0 else "+"
    return f"{text}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _key(session_id: str) -> str:
    plain = session_id and all(c.isascii() and (c.isalnum() or c in "_-") for c in session_id)
    return session_id if plain else "h-" + hashlib.sha256(session_id.encode()).hexdigest()


def cmd_go(args: dict[str, Any]) -> dict[str, Any]:
    """The Go bot: whole-row upserts from memory and O_APPEND transcript lines, no coordination."""
    rng = random.Random(args["seed"])
    conn = sqlite3.connect(args["db"], timeout=60.0, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    marks = ", ".join("?" * len(args["own"]))
    rows = {
        r[0]: dict(zip(COLUMNS, r))
        for r in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM remote_sessions WHERE id IN ({marks})", args["own"])
    }
    transcripts = Path(args["transcripts"])
    _barrier(args)
    started, rounds, appended = time.monotonic(), 0, 0
    side = threading.Thread(target=_append_only, args=(args, transcripts, started, side_counts := {}))
    side.start()
    while not os.path.exists(args["stop"]) and time.monotonic() - started < WALL_LIMIT:
        for sid, row in rows.items():
            rounds += 1
            row["response"] = f"go:{rounds}"
            row["status"] = rng.choice(["running", "completed"])
            row["last_activity"] = _go_time(rng)
            names = list(row)
            conn.execute(
                f"INSERT INTO remote_sessions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names if n != 'id')}",
                [row[n] for n in names],
            )
            _append_line(transcripts, sid, f"go:{sid}:{rounds}")
            appended += 1
        time.sleep(0.001)
    conn.close()
    side.join()
    return {"rows": rows, "appended": appended, "appended_only": side_counts}


def _append_only(args: dict[str, Any], transcripts: Path, started: float, counts: dict[str, int]) -> None:
    """Lines the bot adds to sessions whose rows it does not rewrite (ours append to them too).

    A thread of its own: transcripts need no database lock, so these go on
    while the upserts wait for one.
    """
    n = 0
    while not os.path.exists(args["stop"]) and time.monotonic() - started < WALL_LIMIT:
        for sid in args["append_only"]:
            n += 1
            _append_line(transcripts, sid, f"go:{sid}:{n}")
            counts[sid] = counts.get(sid, 0) + 1
        time.sleep(0.005)


def _append_line(transcripts: Path, sid: str, content: str) -> None:
    """One assistant message appended to a session's transcript, as the bot writes it (one ``write``)."""
    line = json.dumps(
        {"Role": "assistant", "Content": content, "Summary": "", "Timestamp": "2026-11-24T05:41:58.5Z"},
        separators=(",", ":"),
    ).encode() + b"\n"
    fd = os.open(transcripts / f"{_key(sid)}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


COMMANDS = {"ours": cmd_ours, "go": cmd_go}


def main() -> None:
    command, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(COMMANDS[command](json.loads(raw))), flush=True)


if __name__ == "__main__":
    main()
