"""SPEC §7's targets on tingly-box's SQLite store: first screen, one close, another writer's change on screen.

- first screen: :func:`tui.bench.app.first_screen` on the base directory
  (the app opens it as a SQLite source; the rows are drawn first, their
  message counts come with the next reading);
- row → visible / line → visible: another process (:mod:`.sqlite_writer`)
  upserts a whole row (a new project) or appends a transcript line, as the
  Go bot does; measured from just before its ``COMMIT`` (or ``write``) to
  the first frame in which the tree model has the new value and the
  session's row on screen shows it;
- one close: ``Manager.close`` through the store a
  :class:`~tui.session.Source` hands out (one short transaction), timed in
  this process (:func:`closes`).

The app measurements run in a child process (see :mod:`tui.bench.child`).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from tui.app.app import SessionApp
from tui.app.state.tree_model import SessionRow

from .app import SIZE, Frames, _first_rows, _idle, _stop_writer, _wait, screen_text
from .timing import median, percentile


def _row_line(app: SessionApp, session_id: str) -> str:
    """The screen line of a session's row ("" when it is not on screen)."""
    return next((line for line in screen_text(app).splitlines() if session_id[:8] in line), "")


def _start_writer(db: Path) -> Any:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "tui.bench.sqlite_writer", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
    )
    line = process.stdout.readline() if process.stdout is not None else ""
    if not line or "ready" not in json.loads(line):
        process.kill()
        raise RuntimeError(f"the SQLite writer did not start: {line!r}")
    return process


async def _changes(base: Path, samples: int, size: tuple[int, int]) -> dict[str, Any]:
    app = SessionApp(base, watch=True)
    frames = Frames(app)
    ready = frames.when(*_first_rows(app))
    writer = _start_writer(base / "db" / "tingly.db")
    times: dict[str, list[float]] = {"row": [], "line": []}
    try:
        async with app.run_test(size=size):
            await _wait(ready, "the first rows")
            deadline = time.monotonic() + 120
            while not getattr(app.snapshot, "counted", True):  # the rows come first, their message counts after
                if time.monotonic() > deadline:
                    raise RuntimeError("the message counts never came")
                await asyncio.sleep(0.02)
            await _idle(app, 0.3)
            model = app.tree.model
            # A session row on screen, not under the cursor (its detail pane would reload too).
            row = next(r for i in range(2, model.row_count) if isinstance(r := model.row_at(i), SessionRow))
            session_id = row.session_id
            for sample in range(samples):
                for kind in ("row", "line"):
                    summary = model.summaries[session_id]
                    if kind == "row":
                        token = f"/v{sample:04d}"

                        def cheap(token: str = token) -> bool:
                            return model.summaries[session_id].project == token

                        command = {"id": session_id, "project": token}
                    else:
                        count = summary.message_count + 1
                        token = f"{count} msg"

                        def cheap(count: int = count) -> bool:
                            return model.summaries[session_id].message_count == count

                        command = {"op": "append", "id": session_id}
                    visible = frames.when(cheap, lambda token=token: token in _row_line(app, session_id))
                    writer.stdin.write(json.dumps(command) + "\n")
                    writer.stdin.flush()
                    at = await _wait(visible, f"{kind} sample {sample} on screen")
                    reply = json.loads(await asyncio.to_thread(writer.stdout.readline))
                    if not reply.get("ok"):
                        raise RuntimeError(f"the writer could not change {session_id}")
                    times[kind].append(at - reply["t_write"])
                    await _idle(app)
            await _idle(app, 0.05)
    finally:
        _stop_writer(writer)
    return {
        kind: {"samples": len(values), "median": median(values), "p95": percentile(values, 95), "values": values}
        for kind, values in times.items()
    }


def changes(path: str, samples: int = 10, width: int = SIZE[0], height: int = SIZE[1]) -> dict[str, Any]:
    """Row upsert → visible and transcript line → visible (see the module's docstring). Changes the store."""
    return asyncio.run(_changes(Path(path), samples, (width, height)))


def closes(base: Path, repeat: int) -> list[float]:
    """Seconds of ``repeat`` single closes through a long-lived Manager on the base directory's store."""
    from tui.session import LIVE_STATUSES, Manager, open_source

    source = open_source(base)
    reading = source.read()
    ids = [s.id for s in reading.summaries() if s.status in LIVE_STATUSES][: repeat + 1]
    source.close()
    if len(ids) < repeat + 1:
        raise ValueError(f"{base}: too few live sessions to close {repeat} times")
    seconds = []
    with Manager(store=source.store(), background=False) as manager:
        for n, session_id in enumerate(ids):
            start = time.perf_counter()
            done = manager.close(session_id)
            elapsed = time.perf_counter() - start
            if not done:
                raise RuntimeError(f"close of {session_id} refused")
            if n:  # the first opens the connection
                seconds.append(elapsed)
    return seconds
