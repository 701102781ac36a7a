"""The app's screenshot scenes: one definition for snapshot tests and screenshots.

A :class:`Scene` says which file to start from, at which terminal size and
with which app options, and how to get from the first screen to the state
worth capturing (``prepare``, with real key presses). Both
``tests/app/test_snapshots.py`` and ``python -m tui.demo.screenshots`` run
exactly these, so the README's pictures are the tested screens.

Every capture is deterministic: the clock is frozen at the fixtures'
:data:`~tui.demo.fixtures.NOW`, there is no watcher, no cursor blink and no
animation, workers are waited for, and the file is named ``bot_sessions.json``
relative to the scene's own folder (the caller's working directory, see
:func:`scene_folder`), so no temporary path shows on screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app.app import SessionApp
from tui.app.state.tree_model import SessionRow
from tui.session import Manager, default_path, store_locations

from .fixtures import (
    NOW,
    Doc,
    fixture_document,
    fixture_session,
    long_history_document,
    session_id,
    varied_document,
    write,
)

#: The file name every scene uses, relative to the scene's folder.
FILE_NAME = "bot_sessions.json"
#: Half-written JSON, as a reader may see it mid-write.
BROKEN_JSON = '{"version": 1, "items": {"a1b2c3d4-'

Prepare = Callable[[Pilot], Awaitable[None]]
#: What the file holds before the app starts: a document, raw text, or nothing (missing).
Contents = Callable[[], Doc] | str | None


async def _nothing(pilot: Pilot) -> None:
    """Capture the first screen as it is."""


@dataclass(frozen=True)
class Scene:
    """One screen state worth a snapshot and a screenshot."""

    #: File stem of the screenshot and the snapshot test's id.
    name: str
    #: What the picture shows (the SVG's title).
    title: str
    #: The session file before the app starts (see :data:`Contents`).
    contents: Contents = varied_document
    #: Terminal (columns, rows).
    size: tuple[int, int] = (120, 40)
    #: Extra :class:`SessionApp` options (``read_only``...).
    options: Mapping[str, object] = field(default_factory=dict)
    #: Drives the app from its first screen to the state to capture.
    prepare: Prepare = _nothing
    #: Started with no PATH, the scene's folder standing for ``~/.tingly-box``: the app
    #: opens the default store there (SPEC §7) and its empty screen names both stores.
    no_path: bool = False
    #: Other files in the folder before the app starts (name → text).
    files: Mapping[str, str] = field(default_factory=dict)

    def make_app(self, folder: Path) -> SessionApp:
        """Write the scene's file into ``folder`` and build the app on it, frozen.

        The app's path is relative: run it with ``folder`` as the working
        directory (:func:`scene_folder`).
        """
        contents = self.contents
        if callable(contents):
            write(folder / FILE_NAME, contents())
        elif isinstance(contents, str):
            (folder / FILE_NAME).write_text(contents, encoding="utf-8")
        for name, text in self.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        if self.no_path:
            base = Path(".")
            app = SessionApp(
                default_path(base), locations=store_locations(base), clock=lambda: NOW, watch=False, **self.options  # type: ignore[arg-type]
            )
        else:
            app = SessionApp(Path(FILE_NAME), clock=lambda: NOW, watch=False, **self.options)  # type: ignore[arg-type]
        app.title = f"session-tui — {self.title}"
        app.animation_level = "none"
        return app

    async def run(self, pilot: Pilot) -> None:
        """Bring the app to the state to capture: first load, ``prepare``, settle."""
        await loaded(pilot)
        await self.prepare(pilot)
        await steady(pilot)


@contextlib.contextmanager
def scene_folder() -> Iterator[Path]:
    """A fresh temporary folder, made the working directory while the scene runs."""
    with tempfile.TemporaryDirectory(prefix="session-tui-scene-") as name, contextlib.chdir(name):
        yield Path(name)


# -- waiting ------------------------------------------------------------------


async def settle(pilot: Pilot) -> None:
    """Wait for the app's workers (loads, details) and the messages they post."""
    app = pilot.app
    for _ in range(3):
        busy = [w for w in app.workers if w.group != "watch"]
        if busy:  # (an empty list would mean "wait for every worker")
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


async def loaded(pilot: Pilot, timeout: float = 15.0) -> None:
    """Wait for the first reading of the file (or its error) and the selection's detail."""
    app = pilot.app
    assert isinstance(app, SessionApp)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.snapshot is None and app.error is None:
        if loop.time() > deadline:
            raise TimeoutError("the session file was never read")
        await pilot.pause(0.02)
    await steady(pilot)


async def steady(pilot: Pilot) -> None:
    """Settle, let changed rows stop flashing, and stop every input's cursor from blinking (dialogs' too)."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, SessionApp)
    while app.tree.flashing:  # (a flash ends by a timer: seconds, however busy the machine)
        await pilot.pause(0.1)
    await settle(pilot)
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
    await pilot.pause()


async def cursor_to(pilot: Pilot, n: int) -> None:
    """Press down (or up) until the cursor is on fixture session ``n``."""
    app = pilot.app
    assert isinstance(app, SessionApp)
    tree = app.tree
    target = session_id(n)
    summary = tree.model.summaries[target]
    wanted = tree.model.index_of(SessionRow(summary.chat_id, target))
    assert wanted is not None, f"session {n} is not shown"
    for _ in range(tree.model.row_count):
        if tree.cursor_index == wanted:
            break
        await pilot.press("down" if (tree.cursor_index or 0) < wanted else "up")
    assert tree.cursor_index == wanted, f"the cursor did not reach session {n}"
    await settle(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` a key at a time."""
    await pilot.press(*text)


# -- the scenes -----------------------------------------------------------------


async def _running(pilot: Pilot) -> None:
    await cursor_to(pilot, 1)


async def _failed_detail(pilot: Pilot) -> None:
    await cursor_to(pilot, 4)


async def _long_message(pilot: Pilot) -> None:
    await pilot.press("tab", "tab")  # sessions → detail → messages
    # From the top, 12 lines down (four short messages) is message 5, 60 lines long.
    await pilot.press("home", *["down"] * 12)


async def _long_message_expanded(pilot: Pilot) -> None:
    await _long_message(pilot)
    await pilot.press("e")


async def _becomes_invalid(pilot: Pilot) -> None:
    assert isinstance(pilot.app, SessionApp)
    pilot.app.path.write_text(BROKEN_JSON, encoding="utf-8")
    await pilot.press("r")
    await settle(pilot)
    pilot.app.clear_notifications()  # the "Reloading…" toast; the banner is the point


async def _help(pilot: Pilot) -> None:
    await pilot.press("question_mark")


async def _confirm_close(pilot: Pilot) -> None:
    await cursor_to(pilot, 3)
    await pilot.press("c")


async def _confirm_delete_marked(pilot: Pilot) -> None:
    for n in (6, 10):  # space marks and moves down
        await cursor_to(pilot, n)
        await pilot.press("space")
    await pilot.press("d")


async def _cleanup(pilot: Pilot) -> None:
    await pilot.press("x")
    await steady(pilot)
    await pilot.press("end", "backspace", "backspace")  # the default age, "7d"
    await type_text(pilot, "1d")


async def _filter_text(pilot: Pilot) -> None:
    await pilot.press("slash")
    await type_text(pilot, "5302")
    await pilot.press("enter", "down")  # back to the tree, onto the first session


def _timed_out_document() -> Doc:
    """The varied sessions, one of them failed with "timed out" in its error and its history."""
    doc = varied_document()
    failed = doc["items"][session_id(4)]
    failed["Error"] = "agent exited with status 1: the build timed out after 600 s"
    failed["Messages"].append(
        {"Role": "assistant", "Content": "The build timed out twice on ARM; retrying with a longer limit.",
         "Summary": "retry", "Timestamp": failed["LastActivity"]}
    )
    return doc


async def _filter_message_text(pilot: Pilot) -> None:
    await pilot.press("slash")
    await type_text(pilot, "Timed Out")
    app = pilot.app
    assert isinstance(app, SessionApp)
    for _ in range(100):  # the search of the texts runs in a worker
        if app.tree.model.visible_ids() == [session_id(4)]:
            break
        await asyncio.sleep(0.05)
    await pilot.press("enter", "down")  # back to the tree, onto the session found


async def _filter_status(pilot: Pilot) -> None:
    await pilot.press("s", "down")  # all → running; onto the first session


async def _read_only_refuses(pilot: Pilot) -> None:
    await pilot.press("d")


#: How long before NOW the simulated bot last wrote, in the bot scenes.
BOT_WROTE_AGO = timedelta(seconds=3)


def bot_rewrites(path: Path, data: bytes) -> None:
    """Write ``path`` as the Go bot's store does, from memory, taking no lock
    (``<file>.tmp``, then rename), stamped :data:`BOT_WROTE_AGO` before NOW."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.rename(tmp, path)
    stamp = int((NOW - BOT_WROTE_AGO).timestamp()) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


async def _bot_is_writing(pilot: Pilot) -> None:
    """A session-tui write (so versions are recorded), then one by the bot, read."""
    app = pilot.app
    assert isinstance(app, SessionApp)
    original = app.path.read_bytes()
    with Manager(store=app.source.store(clock=lambda: NOW), clock=lambda: NOW, background=False) as ours:
        ours.set_request(session_id(1), "a write of ours, so that versions are recorded")
    bot_rewrites(app.path, original)
    await pilot.press("r")  # the scenes do not watch: read the bot's version now
    await settle(pilot)


async def _failures_first(pilot: Pilot) -> None:
    await pilot.press("o", "o", "n", "n")  # failures first; the failed session, then the stale one
    await settle(pilot)


def _many_chats(changed: bool = False) -> Doc:
    """Thirty chats of two sessions an hour apart; ``changed``: one more (the newest) and one failed."""
    sessions = [
        fixture_session(100 + i, f"chat-{i // 2:02d}", "completed", age=timedelta(hours=1 + i), idle=timedelta(hours=1 + i))
        for i in range(60)
    ]
    if changed:
        sessions.append(fixture_session(99, "a-new-chat", "running", age=timedelta(minutes=1), idle=timedelta(minutes=1)))
        sessions[-2] = {**sessions[-2], "Status": "failed", "Error": "the build broke"}
    return fixture_document(sessions)


async def _changes_out_of_view(pilot: Pilot) -> None:
    await cursor_to(pilot, 130)  # halfway down: rows above and below are off screen
    assert isinstance(pilot.app, SessionApp)
    write(pilot.app.path, _many_chats(changed=True))
    await pilot.press("r")
    await settle(pilot)


async def _confirm_close_next_to_bot(pilot: Pilot) -> None:
    await _bot_is_writing(pilot)
    await cursor_to(pilot, 3)
    await pilot.press("c")


async def _cleanup_next_to_bot(pilot: Pilot) -> None:
    await _bot_is_writing(pilot)
    await pilot.press("x")


async def _bot_undid_closes(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, SessionApp)
    original = app.path.read_bytes()  # what the bot has in memory
    for n in (1, 5):  # both running; space marks and moves down
        await cursor_to(pilot, n)
        await pilot.press("space")
    await pilot.press("c")
    await steady(pilot)
    await pilot.press("y")
    await settle(pilot)
    bot_rewrites(app.path, original)  # its next write puts them back
    await pilot.press("r")
    await settle(pilot)
    await cursor_to(pilot, 1)
    app.clear_notifications()  # the edit's toasts; the notice that stays is the point


SCENES: tuple[Scene, ...] = (
    Scene("main", "sessions by chat, every status", prepare=_running),
    Scene("failed-detail", "a failed session's detail", prepare=_failed_detail),
    Scene("long-history", "a long history, long messages cut", long_history_document, prepare=_long_message),
    Scene(
        "long-history-expanded",
        "a long history, long messages expanded (e)",
        long_history_document,
        prepare=_long_message_expanded,
    ),
    Scene("empty", "no session file yet", None),
    Scene(
        "no-store",
        "no PATH and no store yet: both stores named, the bot's .migrated file found",
        None,
        no_path=True,
        files={"bot_sessions.json.migrated": "{}"},
    ),
    Scene("invalid-file", "the file became invalid: the last good view stays", prepare=_becomes_invalid),
    Scene("unreadable-file", "a file that was never valid", BROKEN_JSON),
    Scene("help", "help: keys and badges", prepare=_help),
    Scene("small-terminal", "an 80×24 terminal", size=(80, 24)),
    Scene("confirm-close", "close one session: the confirm dialog", prepare=_confirm_close),
    Scene("confirm-delete-marked", "delete two marked sessions", prepare=_confirm_delete_marked),
    Scene("cleanup", "cleanup: sessions idle over 1d, previewed", prepare=_cleanup),
    Scene("filter-text", "filtered by text: 5302", prepare=_filter_text),
    Scene("filter-status", "filtered by status: running", prepare=_filter_status),
    Scene(
        "filter-message-text",
        "filtered by text found in an error and a message: highlighted in both panes",
        _timed_out_document,
        prepare=_filter_message_text,
    ),
    Scene("read-only", "read-only: edits are refused", options={"read_only": True}, prepare=_read_only_refuses),
    Scene(
        "confirm-close-bot",
        "close next to the bot: the dialog says it will likely be undone",
        size=(80, 24),
        prepare=_confirm_close_next_to_bot,
    ),
    Scene("cleanup-bot", "cleanup next to the bot, at 80×24", size=(80, 24), prepare=_cleanup_next_to_bot),
    Scene(
        "bot-undid",
        "the bot undid two closes: the notice stays until dismissed (u)",
        size=(80, 24),
        prepare=_bot_undid_closes,
    ),
    Scene("failures-first", "failures first (o), on the stale session (n)", prepare=_failures_first),
    Scene("changes-out-of-view", "changes out of view, counted on the border", _many_chats, prepare=_changes_out_of_view),
    Scene("wide", "160 columns: the request as a column", size=(160, 40), prepare=_running),
)

#: Scenes by name.
BY_NAME: dict[str, Scene] = {scene.name: scene for scene in SCENES}
