"""The app's latencies, headless under Textual's Pilot, with the real watcher.

- first screen: from creating the App to the first frame that shows the
  tree's first rows;
- external write → visible: another process (:mod:`.writer`) changes one
  session's project through the library; measured from just before its
  write of the file to the first frame in which the tree model has the new
  value and the rendered screen text shows it. The floor is a bare
  ``orjson.loads`` of the file, timed between samples (by the writer's
  process, so that its memory is not counted as the app's);
- keystroke latency: from sending a key (down/up in turn, about ten a
  second: :data:`KEY_GAP`) to the first frame in which the cursor has
  moved, while another process rewrites the file five times a second (and,
  for reference, while nothing writes it).

A "frame" is the app's ``_display`` call: where Textual hands the
compositor's update to the terminal driver (headless, it goes nowhere).
Each function runs in this process; :mod:`tui.bench.runner` runs them in a
child process so that the benchmark's own heap does not slow the app, and
notes that process's peak memory (:func:`measure_all`).
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events

from tui.app.app import SessionApp
from tui.app.state.tree_model import ChatRow, SessionRow

from .timing import median, percentile

clock = time.monotonic  # the writer uses the same system-wide clock
SIZE = (120, 40)
#: Pause between keystrokes, uniformly at random: about ten keys a second, a
#: quick hand on the arrow keys (holding a key repeats faster).
KEY_GAP = (0.05, 0.15)
TIMEOUT = 60.0

Condition = Callable[[], bool]


def screen_text(app: SessionApp) -> str:
    """Everything on screen as plain text (what the last frame drew)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


class Frames:
    """Notes each frame the app draws and resolves waiters whose condition holds at it."""

    def __init__(self, app: SessionApp) -> None:
        self.app = app
        self.count = 0
        self._waiters: list[tuple[Condition, Condition | None, asyncio.Future[float]]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            at = clock()
            original(screen, renderable)
            if renderable is None:
                return
            self.count += 1
            self._check(at)

        app._display = display  # type: ignore[method-assign]

    def _check(self, at: float) -> None:
        for waiter in list(self._waiters):
            cheap, full, future = waiter
            if future.done():
                self._waiters.remove(waiter)
            elif cheap() and (full is None or full()):
                self._waiters.remove(waiter)
                future.set_result(at)

    def when(self, cheap: Condition, full: Condition | None = None) -> asyncio.Future[float]:
        """A future for the time of the first frame after which ``cheap()`` and ``full()`` hold."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters.append((cheap, full, future))
        return future


def _first_rows(app: SessionApp) -> tuple[Condition, Condition]:
    def cheap() -> bool:
        return app.snapshot is not None and app.tree.model.row_count > 1

    def full() -> bool:
        model = app.tree.model
        first, second = model.row_at(0), model.row_at(1)
        text = screen_text(app)
        return (
            isinstance(first, ChatRow)
            and first.chat_id[:12] in text
            and isinstance(second, SessionRow)
            and second.session_id[:8] in text
        )

    return cheap, full


async def _wait(future: asyncio.Future[float], what: str, timeout: float = TIMEOUT) -> float:
    try:
        return await asyncio.wait_for(future, timeout)
    except asyncio.TimeoutError:
        raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}") from None


async def _idle(app: SessionApp, quiet: float = 0.15) -> None:
    """Until the app is not loading and no short-lived worker runs, then ``quiet`` more seconds."""
    deadline = clock() + TIMEOUT
    while clock() < deadline:
        busy = app._loading or any(w.group != "watch" and not w.is_finished for w in app.workers)
        if not busy:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(quiet)


def _start_writer(path: Path, *extra: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.bench.writer", str(path), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line or "ready" not in json.loads(line):
        process.kill()
        raise RuntimeError(f"the writer did not start: {line!r}")
    return process


def _stop_writer(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.close()
        tail = process.stdout.read()
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return {}
    lines = [line for line in tail.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else {}


# -- first screen ---------------------------------------------------------------


async def _first_screen(path: Path, size: tuple[int, int]) -> dict[str, Any]:
    gc.collect()
    start = clock()
    app = SessionApp(path, watch=True)
    frames = Frames(app)
    shown = frames.when(*_first_rows(app))
    async with app.run_test(size=size):
        at = await _wait(shown, "the first rows")
        seconds = at - start
        rows = app.tree.model.row_count
        await _idle(app, 0.05)  # let the first detail load finish before shutting down
    return {"seconds": seconds, "rows": rows}


def first_screen(path: str, width: int = SIZE[0], height: int = SIZE[1]) -> dict[str, Any]:
    """Seconds from creating the app to the first frame showing the tree's first rows."""
    return asyncio.run(_first_screen(Path(path), (width, height)))


# -- external write → visible ---------------------------------------------------


async def _external_writes(path: Path, samples: int, size: tuple[int, int]) -> dict[str, Any]:
    app = SessionApp(path, watch=True)
    frames = Frames(app)
    ready = frames.when(*_first_rows(app))
    writer = _start_writer(path)
    assert writer.stdin is not None and writer.stdout is not None
    from_write: list[float] = []
    from_call: list[float] = []
    from_done: list[float] = []
    floors: list[float] = []
    try:
        async with app.run_test(size=size):
            await _wait(ready, "the first rows")
            await _idle(app, 0.3)
            model = app.tree.model
            # A session row on screen, not under the cursor (its detail pane would reload too).
            row = model.row_at(2) if model.row_count > 2 else model.row_at(1)
            if not isinstance(row, SessionRow):
                row = next(r for i in range(model.row_count) if isinstance(r := model.row_at(i), SessionRow))
            session_id = row.session_id
            for sample in range(samples):
                token = f"/v{sample:04d}"  # short: the project column is narrow

                def cheap(token: str = token) -> bool:
                    summary = model.summaries.get(session_id)
                    return summary is not None and summary.project == token

                visible = frames.when(cheap, lambda token=token: token in screen_text(app))
                writer.stdin.write(json.dumps({"id": session_id, "project": token}) + "\n")
                writer.stdin.flush()
                at = await _wait(visible, f"sample {sample} on screen")
                reply = json.loads(await asyncio.to_thread(writer.stdout.readline))
                if not reply.get("ok"):
                    raise RuntimeError(f"the writer could not change {session_id}")
                from_write.append(at - reply["t_write"])
                from_call.append(at - reply["t_call"])
                from_done.append(at - reply["t_done"])
                await _idle(app)
                # The floor, interleaved with the samples, timed in the writer's process.
                writer.stdin.write(json.dumps({"op": "floor"}) + "\n")
                writer.stdin.flush()
                floors.append(json.loads(await asyncio.to_thread(writer.stdout.readline))["floor"])
                await asyncio.sleep(0.05)
            await _idle(app, 0.05)  # no reading in flight while the app shuts down
    finally:
        _stop_writer(writer)
    return {
        "samples": len(from_write),
        "median": median(from_write),
        "p95": percentile(from_write, 95),
        "floor": median(floors),
        "median_from_call": median(from_call),
        "median_from_done": median(from_done),
        "p95_from_done": percentile(from_done, 95),
        "from_write": from_write,
        "floors": floors,
    }


def external_writes(path: str, samples: int = 10, width: int = SIZE[0], height: int = SIZE[1]) -> dict[str, Any]:
    """External write → visible on screen (see the module's docstring). Changes the file."""
    return asyncio.run(_external_writes(Path(path), samples, (width, height)))


# -- keystrokes -------------------------------------------------------------------


async def _keystrokes(path: Path, seconds: float, every: float | None, size: tuple[int, int]) -> dict[str, Any]:
    app = SessionApp(path, watch=True)
    frames = Frames(app)
    ready = frames.when(*_first_rows(app))
    latencies: list[float] = []
    writes: dict[str, Any] = {}
    rng = random.Random(6)
    async with app.run_test(size=size):
        await _wait(ready, "the first rows")
        await _idle(app, 0.3)
        writer = _start_writer(path, "--every", str(every)) if every else None
        try:
            driver = app._driver
            assert driver is not None
            tree = app.tree
            deadline = clock() + seconds
            down = True
            while clock() < deadline:
                before = tree.cursor
                moved = frames.when(lambda before=before: tree.cursor != before)
                key = events.Key("down" if down else "up", None)
                key.set_sender(app)
                start = clock()
                driver.send_message(key)
                at = await _wait(moved, "the cursor to move")
                latencies.append(at - start)
                down = not down
                await asyncio.sleep(rng.uniform(*KEY_GAP))
        finally:
            if writer is not None:
                writes = _stop_writer(writer)
                await asyncio.sleep(0.1)  # the watcher's last notice
            await _idle(app, 0.05)  # no reading in flight while the app shuts down
    durations = writes.get("durations") or []
    return {
        "samples": len(latencies),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "writes": writes.get("writes", 0),
        "writes_per_second": writes.get("rate", 0.0),
        "write_seconds_median": median(durations),
        "latencies": latencies,
    }


def keystrokes(
    path: str, seconds: float = 10.0, every: float | None = 0.2, width: int = SIZE[0], height: int = SIZE[1]
) -> dict[str, Any]:
    """Key press → cursor moved on screen, while another process rewrites the file every ``every`` s."""
    return asyncio.run(_keystrokes(Path(path), seconds, every, (width, height)))


# -- everything, in one process ------------------------------------------------------


def _collect() -> None:
    """Free the app that just closed before the next starts (Textual's objects hold cycles).

    Also unfreezes: an app may ``gc.freeze()`` what it holds, which is right
    for one app per process but would keep a closed app's reading here.
    """
    gc.unfreeze()
    gc.collect()


def measure_all(
    path: str,
    samples: int,
    key_seconds: float,
    idle_key_seconds: float,
    every: float = 0.2,
    width: int = SIZE[0],
    height: int = SIZE[1],
) -> dict[str, Any]:
    """First screen (first, while the process is fresh), external writes, keystrokes. Changes the file.

    Also the process's peak memory over all of it, above its memory with
    everything imported (see :mod:`.memory`).
    """
    from .memory import current_rss, peak_rss, reset_peak

    gc.collect()
    reset_peak()
    baseline = current_rss()
    result: dict[str, Any] = {"first_screen": first_screen(path, width, height)}
    _collect()
    result["external_writes"] = external_writes(path, samples, width, height)
    _collect()
    result["keystrokes_writing"] = keystrokes(path, key_seconds, every, width, height)
    if idle_key_seconds > 0:
        _collect()
        result["keystrokes_idle"] = keystrokes(path, idle_key_seconds, None, width, height)
    result["memory"] = {"baseline": baseline, "added": peak_rss() - baseline}
    return result
