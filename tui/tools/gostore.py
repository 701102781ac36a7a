"""A simulated Go bot store: a real process that takes no lock (SPEC §6), for tests and the benchmark.

Like the Go ``SessionStoreJSON`` it loads the file once when it starts,
keeps every session in a dict, and at each change rewrites the whole file
from memory: ``<file>.tmp``, then rename. It never reads the file again and
never touches ``<file>.lock``, so each write undoes whatever other
processes changed meanwhile.

Run as ``python -m tui.tools.gostore 'JSON ARGS'`` (or use :func:`start`). It prints ``{"ready": N}`` once
loaded, then one JSON line per write (``seq``, the ``identity`` of the
version it renamed into place as ``[device, inode, size, mtime_ns]``, and
``t``, ``time.monotonic()`` just after the rename). It changes:

* on each ``write`` line on stdin (``stdin: true``), answering with the
  write's line: deterministic, for tests that need to know when it wrote;
* or every ``every`` seconds (``every: 0.02``) until ``count`` writes, the
  ``stop`` file appears, or stdin closes.

Each write bumps ``Context["gostore_seq"]`` of the session ``touch`` (the
first session by default) to the write's number and stamps its
``LastActivity`` and the file's ``updated``: an update a process that
drops it can be caught dropping.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .processes import finish, read_line


#: The context key each write sets to its sequence number.
SEQ_KEY = "gostore_seq"


def start(path: Path, **args: Any) -> subprocess.Popen[str]:
    """Start the simulated bot on ``path``; returns once it has loaded the file."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.tools.gostore", json.dumps({"path": str(path), **args})],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = _line(proc)
    if "ready" not in json.loads(line):  # pragma: no cover - a broken start
        raise AssertionError(f"the simulated Go store did not start: {line!r}")
    return proc


def write(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """Make a ``stdin: true`` bot write once; returns its report."""
    assert proc.stdin is not None
    proc.stdin.write("write\n")
    proc.stdin.flush()
    return json.loads(_line(proc))


def stop(proc: subprocess.Popen[str], timeout: float = 60.0) -> list[dict[str, Any]]:
    """Close its stdin, wait for it, and return the reports of its remaining writes."""
    out = finish(proc, timeout, "the simulated Go store")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _line(proc: subprocess.Popen[str], timeout: float = 60.0) -> str:
    return read_line(proc, timeout, "the simulated Go store")


# -- the process ------------------------------------------------------------------


def go_now() -> str:
    """Now as Go's RFC3339Nano writes it (UTC)."""
    ns = time.time_ns()
    stamp = datetime.fromtimestamp(ns // 1_000_000_000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{ns % 1_000_000_000:09d}".rstrip("0")
    return stamp + (f".{fraction}" if fraction else "") + "Z"


class GoStore:
    """The bot's memory and its whole-file save."""

    def __init__(self, path: Path, touch: str | None) -> None:
        self.path = path
        with open(path, "rb") as handle:  # once, like the Go store's load at open
            doc = json.load(handle)
        self.items: dict[str, Any] = doc.get("items") or {}
        self.touch = touch or next(iter(self.items), None)
        self.seq = 0

    def change_and_save(self) -> dict[str, Any]:
        self.seq += 1
        if self.touch is not None and self.touch in self.items:
            session = self.items[self.touch]
            context = session.get("Context") or {}
            context[SEQ_KEY] = self.seq
            session["Context"] = context
            session["LastActivity"] = go_now()
        doc = {"version": 1, "items": self.items, "updated": go_now()}
        data = orjson.dumps(doc, option=orjson.OPT_INDENT_2)  # MarshalIndent's layout, at Go's speed
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as handle:  # os.WriteFile: no fsync
            handle.write(data)
            handle.flush()
            st = os.fstat(handle.fileno())
        os.rename(tmp, self.path)
        return {
            "seq": self.seq,
            "identity": [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns],
            "t": time.monotonic(),
        }


def main(args: dict[str, Any]) -> None:
    store = GoStore(Path(args["path"]), args.get("touch"))
    print(json.dumps({"ready": len(store.items)}), flush=True)
    if args.get("stdin"):
        for line in sys.stdin:
            if line.strip() == "write":
                print(json.dumps(store.change_and_save()), flush=True)
        return
    every = float(args.get("every", 0.02))
    count = int(args.get("count", 1_000_000))
    stop = args.get("stop")
    deadline = time.monotonic() + float(args.get("wall_limit", 120))
    while store.seq < count and time.monotonic() < deadline and not (stop and os.path.exists(stop)):
        print(json.dumps(store.change_and_save()), flush=True)
        if select.select([sys.stdin], [], [], every)[0] and not sys.stdin.readline():
            return  # stdin closed: stop


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
