"""Helpers for driving the real app with Textual's Pilot."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from tui.app.app import SessionApp
from tui.demo.fixtures import NOW

WRITER = Path(__file__).with_name("writer.py")


def frozen_app(path: Path, **options: object) -> SessionApp:
    """The app on ``path`` with the clock frozen at the fixtures' NOW and no watcher."""
    options.setdefault("watch", False)
    options.setdefault("clock", lambda: NOW)
    return SessionApp(path, **options)  # type: ignore[arg-type]


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.05)


async def ready(pilot: Pilot) -> None:
    """Wait for the first reading of the file and the selection's detail."""
    app = pilot.app
    assert isinstance(app, SessionApp)
    await wait_until(pilot, lambda: app.snapshot is not None or app.error is not None, what="first load")
    await settle(pilot)


async def settle(pilot: Pilot) -> None:
    """Wait for the app's short-lived workers (not the watcher, which runs until exit)."""
    app = pilot.app
    for _ in range(3):
        busy = [w for w in app.workers if w.group != "watch"]
        if busy:  # (an empty list would mean "wait for every worker")
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


def screen_text(pilot: Pilot) -> str:
    """Everything on screen as plain text, one line per terminal row."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


def external_write(path: Path, *args: str) -> None:
    """Change the file from another process, through the library (see writer.py)."""
    subprocess.run([sys.executable, str(WRITER), str(path), *args], check=True, timeout=60)
