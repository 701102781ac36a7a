"""Another process that changes the session file through the library (Manager/SessionStoreJSON).

``python -m tui.bench.writer PATH`` reads one JSON command per line on stdin
(``{"id": ..., "project": ...}``) and answers each on stdout with the
times, on the system-wide monotonic clock, of the call (``t_call``), of the
store's write of the file (``t_write``: just before the temp file is
written) and of its return (``t_done``: renamed and durable).
``{"op": "floor"}`` times a bare ``orjson.loads`` of the file instead (done
here so that its memory does not count as the app's).

``python -m tui.bench.writer PATH --every 0.2`` instead rewrites the file
every 0.2 s (one session's request each time, round robin) until stdin
closes, then prints how many writes it made and their durations.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import threading
import time
from pathlib import Path

import orjson

from tui.session import SessionStoreJSON
from tui.session import store as store_module

clock = time.monotonic  # CLOCK_MONOTONIC on Linux: comparable across processes

_marks: dict[str, float] = {}


def _instrument() -> None:
    """Note the time just before the store writes the file."""
    original = getattr(store_module, "replace_atomic", None)
    if original is None:  # the library changed: t_write falls back to t_call
        return

    def replace_atomic(*args: object, **kwargs: object) -> object:
        _marks["t_write"] = clock()
        return original(*args, **kwargs)

    store_module.replace_atomic = replace_atomic


def serve(path: Path) -> None:
    store = SessionStoreJSON(path)
    print(json.dumps({"ready": len(store.snapshot())}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if command.get("op") == "floor":
            print(json.dumps({"floor": bare_parse(path)}), flush=True)
            continue
        session_id, project = command["id"], command["project"]
        _marks.clear()
        t_call = clock()
        found = store.modify(session_id, lambda s: setattr(s, "project", project))
        t_done = clock()
        print(
            json.dumps(
                {"ok": found is not None, "t_call": t_call, "t_write": _marks.get("t_write", t_call), "t_done": t_done}
            ),
            flush=True,
        )


def bare_parse(path: Path) -> float:
    """Seconds of a bare ``orjson.loads`` of the file's current bytes (here, not in the app's process)."""
    with open(path, "rb") as handle:
        data = handle.read()
    gc.collect()
    start = time.perf_counter()
    value = orjson.loads(data)
    elapsed = time.perf_counter() - start
    del value, data
    gc.collect()
    return elapsed


def rewrite_periodically(path: Path, every: float) -> None:
    store = SessionStoreJSON(path)
    ids = list(store.snapshot())
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    print(json.dumps({"ready": len(ids)}), flush=True)
    durations: list[float] = []
    starts: list[float] = []
    start = clock()
    n = 0
    while not stop.is_set():
        session_id = ids[(n * 7919) % len(ids)]
        began = clock()
        store.modify(session_id, lambda s: setattr(s, "request", f"rewritten by the benchmark, write {n}"))
        starts.append(began)
        durations.append(clock() - began)
        n += 1
        delay = start + n * every - clock()
        if delay > 0:
            stop.wait(delay)
    # The rate between the first and the last write's start.
    rate = (n - 1) / (starts[-1] - starts[0]) if n > 1 and starts[-1] > starts[0] else 0.0
    print(json.dumps({"writes": n, "rate": rate, "durations": durations}), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tui.bench.writer")
    parser.add_argument("path", type=Path)
    parser.add_argument("--every", type=float, default=None, help="rewrite every N seconds until stdin closes")
    args = parser.parse_args(argv)
    _instrument()
    if args.every is None:
        serve(args.path)
    else:
        rewrite_periodically(args.path, args.every)


if __name__ == "__main__":
    main()
