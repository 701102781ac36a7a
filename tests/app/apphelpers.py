"""Helpers for driving the real app with Textual's Pilot."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widget import Widget

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


def widget_text(pilot: Pilot, widget: Widget) -> str:
    """What ``widget`` shows on screen (borders included), one line per row."""
    region = widget.region
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom])


#: C0 and C1 control characters but newline: none may reach the terminal.
CONTROL_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def raw_controls(text: str) -> list[str]:
    """The control characters in ``text`` (there should be none on screen)."""
    return CONTROL_CHARS.findall(text)


def file_items(path: Path) -> dict[str, dict]:
    """The sessions of a session file, read with the plain json module."""
    return json.loads(path.read_text(encoding="utf-8"))["items"] or {}


def start_writer(path: Path, *args: str, **popen: object) -> subprocess.Popen:
    """Start a long-running writer.py operation (append-loop, hold-lock) in another process."""
    return subprocess.Popen([sys.executable, str(WRITER), str(path), *args], **popen)  # type: ignore[call-overload]


async def quiesce(pilot: Pilot) -> None:
    """Pause live updates and let running reads finish, so that the test can end cleanly.

    (``run_test`` tears the screen down while the app still handles messages: a
    reading that lands then would find no widgets.)
    """
    app = pilot.app
    assert isinstance(app, SessionApp)
    if not app.paused:
        app.action_toggle_pause()
    await settle(pilot)


class Notifications:
    """Every notification the app posts, in full (a toast on screen may wrap or cut it).

    Use as ``app.run_test(notifications=True, message_hook=notes.hook)``.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []

    def hook(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.texts.append(message.notification.message)

    def having(self, text: str) -> list[str]:
        """The notifications that contain ``text``."""
        return [note for note in self.texts if text in note]
