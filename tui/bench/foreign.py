"""How many of our writes drop an update of a writer that takes no lock (SPEC §6 "lose less of theirs").

A simulated Go store (:mod:`tui.tools.gostore`) rewrites the file from
memory every 20 ms, taking no lock, while a child process makes ``writes``
edits through ``SessionStoreJSON``. A write *drops* one of the bot's updates
when the version its rename replaced is not the version it read: the bot
renamed in between, and what we renamed into place lacks its update (until
its next write puts it back, if there is one).

The count is exact, not a guess from timings: every rename of the child is
a ``renameat2(RENAME_EXCHANGE)`` (the store's own, or, with ``check=False``,
the plain rename done as a swap, which for the file's name is the same
step), so the version each rename replaced is left at the temp name; its
identity, matched against the bot's report of what it wrote, gives the
bot's update it held, which is compared with the one the written version
holds (``Context["gostore_seq"]`` of the session the bot changes).
``check=False`` measures the writer without its check before the rename
and its repair after (the behaviour before them).

``python -m tui.bench.foreign PATH --writes N [--no-check]`` is the child;
:func:`measure` runs the whole measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

def measure(path: Path, writes: int, *, check: bool, every: float = 0.02, timeout: float = 600.0) -> dict[str, Any]:
    """Run the bot on ``path`` and a writer making ``writes`` edits; returns what happened.

    ``writes`` (made), ``drops`` (writes whose last rename replaced a bot
    version newer than the one the written content was based on),
    ``repaired`` (renames that replaced a newer bot version and were put
    right by the writer itself), ``conflicts`` (writes that gave up with
    ``StoreConflictError``), ``attempts`` (temp files written, retries
    included), ``bot_writes``, ``seconds``.
    """
    from tui.tools import gostore

    bot = gostore.start(path, every=every, wall_limit=timeout)
    try:
        command = [sys.executable, "-m", "tui.bench.foreign", str(path), "--writes", str(writes)]
        if not check:
            command.append("--no-check")
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    finally:
        bot_writes = gostore.stop(bot)
    if done.returncode != 0:
        raise RuntimeError(f"the writer failed ({done.returncode}):\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    bot_seq = {tuple(w["identity"]): w["seq"] for w in bot_writes}
    drops = repaired = 0
    for renames in report.pop("renames"):
        for n, (displaced, placed_seq) in enumerate(renames):
            newer = displaced is not None and bot_seq.get(tuple(displaced), -1) > placed_seq
            if newer and n == len(renames) - 1:
                drops += 1
            elif newer:
                repaired += 1
    report.update(drops=drops, repaired=repaired, bot_writes=len(bot_writes))
    return report


def child(path: Path, writes: int, check: bool) -> dict[str, Any]:
    """Make ``writes`` edits, logging for each rename the version it displaced and the bot's update it holds."""
    from tui.session import SessionStoreJSON, StoreConflictError
    from tui.session import atomic as atomic_module
    from tui.session import store as store_module

    store = SessionStoreJSON(path, lock_timeout=60)
    if not check:
        store._check_before_rename = False  # the writer as it was before the check
    target_name = os.fspath(os.path.realpath(path))
    state: dict[str, Any] = {"seq": 0, "attempts": 0, "renames": []}
    original_replace_atomic = store_module.replace_atomic
    original_exchange = atomic_module.rename_exchange
    original_replace = os.replace
    renameat2 = atomic_module._load_renameat2()

    def replace_atomic(target: Path, data: bytes, **kwargs: Any) -> Any:
        state["attempts"] += 1
        state["seq"] = _seq(data)  # the bot's update the written version holds
        return original_replace_atomic(target, data, **kwargs)

    def logged(tmp: Any) -> None:
        st = os.stat(tmp)
        state["renames"][-1].append(([st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns], state["seq"]))

    def exchange(a: Path, b: Path) -> bool:
        swapped = original_exchange(a, b)
        if swapped:
            logged(a)
        return swapped

    def replace(src: Any, dst: Any) -> None:
        # The library's plain rename (``check=False``), done as a swap to see what it replaced.
        if os.fspath(dst) != target_name or not renameat2:
            return original_replace(src, dst)
        if renameat2(atomic_module._AT_FDCWD, os.fsencode(src), atomic_module._AT_FDCWD, os.fsencode(dst),
                     atomic_module._RENAME_EXCHANGE) != 0:
            return original_replace(src, dst)
        logged(src)
        os.unlink(src)

    store_module.replace_atomic = replace_atomic
    atomic_module.rename_exchange = exchange
    os.replace = replace
    touched = _touched(path)
    ids = [sid for sid in store.snapshot() if sid != touched]
    rng = random.Random(7)
    made = conflicts = 0
    started = time.monotonic()
    for n in range(writes):
        sid = rng.choice(ids)
        state["renames"].append([])
        try:
            store.modify(sid, lambda s, n=n: setattr(s, "project", f"/edited/{n}"))
            made += 1
        except StoreConflictError:
            conflicts += 1
            state["renames"].pop()
        time.sleep(rng.uniform(0.0, 0.01))
    os.replace = original_replace
    return {
        "writes": made, "conflicts": conflicts, "attempts": state["attempts"],
        "seconds": round(time.monotonic() - started, 2), "renames": state["renames"],
    }


_SEQ = b'"gostore_seq": '


def _seq(data: bytes) -> int:
    at = data.find(_SEQ)
    if at < 0:
        return 0
    start = at + len(_SEQ)
    end = start
    while data[end : end + 1].isdigit():
        end += 1
    return int(data[start:end])


def _touched(path: Path) -> str | None:
    """The session the simulated bot changes (its first): our writes leave it alone."""
    return next(iter(json.loads(Path(path).read_bytes()).get("items") or {}), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.bench.foreign")
    parser.add_argument("path", type=Path)
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--no-check", action="store_true")
    options = parser.parse_args(argv)
    print(json.dumps(child(options.path, options.writes, not options.no_check)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
