"""The app next to a writer that takes no lock (issue 9, SPEC §6), with real processes.

The bot is :mod:`tui.tools.gostore`: a real process that loads the file once
and rewrites it from memory (``.tmp`` + rename), taking no lock. The app runs
under Pilot with its real watcher and clock; edits are real key presses.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.app.app import SessionApp
from tui.app.screens.cleanup import CleanupScreen
from tui.app.widgets.status_bar import StatusBar
from tui.app.widgets.undone_notice import UndoneNotice
from tui.demo.fixtures import session_id
from tui.session import SessionStoreJSON, cleanup_candidates, read_snapshot
from tui.session.identity import file_identity
from tui.tools import gostore

from apphelpers import (
    Notifications,
    file_items,
    quiesce,
    ready,
    settle,
    start_writer,
    wait_until,
    widget_text,
)

SIZE = (120, 40)
RUNNING = 1  # fixture session 1 is running
DIALOG_WARNING = "It is likely to undo this change at its next write."
STICK = "stop the bot first, or use the SQLite store of current tingly-box"


@pytest.fixture
def ours(varied_file: Path) -> Path:
    """The varied fixture, last written by session-tui (so its versions are recorded)."""
    SessionStoreJSON(varied_file).force_save()
    return varied_file


def notice(pilot) -> str:  # type: ignore[no-untyped-def]
    widget = pilot.app.query_one(UndoneNotice)
    return widget_text(pilot, widget) if widget.display else ""


def status(pilot) -> str:  # type: ignore[no-untyped-def]
    """The status bar's text (its own content: a toast may cover part of the screen)."""
    return str(pilot.app.query_one(StatusBar).content)


def dialog_text(pilot) -> str:  # type: ignore[no-untyped-def]
    """The words of the open dialog's texts, their wrapped lines joined."""
    strips = pilot.app.screen._compositor.render_strips()
    words = []
    for widget in pilot.app.screen.query("#dialog Static"):
        region = widget.content_region
        lines = strips[region.y : region.bottom]
        words.extend(" ".join(s.crop(region.x, region.right).text for s in lines).split())
    return " ".join(words)


async def caught_up(pilot, app: SessionApp, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app shows the file's current version."""
    await wait_until(
        pilot,
        lambda: app.snapshot is not None and app.snapshot.identity == file_identity(path) and not app._loading,
        what="the app to read the file's latest version",
    )
    await settle(pilot)


async def close_selected(pilot, app: SessionApp, n: int) -> str:  # type: ignore[no-untyped-def]
    """Close fixture session ``n`` with c, y; return the dialog's text."""
    assert app.tree.select_session(session_id(n))
    await settle(pilot)
    await pilot.press("c")
    await wait_until(pilot, lambda: len(app.screen_stack) == 2, what="the confirm dialog")
    await pilot.pause()
    dialog = dialog_text(pilot)
    await pilot.press("y")
    await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
    return dialog


async def test_the_bot_undoes_a_close_and_the_notice_stays_until_dismissed(ours: Path) -> None:
    target = session_id(RUNNING)
    bot = gostore.start(ours, stdin=True, touch=session_id(2))
    notes = Notifications()
    app = SessionApp(ours)  # the real clock and watcher
    try:
        async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
            await ready(pilot)
            # The bot has not written yet: nothing warns.
            dialog = await close_selected(pilot, app, RUNNING)
            assert DIALOG_WARNING not in dialog and "⚠ bot" not in status(pilot)
            await wait_until(pilot, lambda: file_items(ours)[target]["Status"] == "closed", what="the close")
            await wait_until(pilot, lambda: bool(notes.having("Closed 1 session")), what="the success notice")
            assert notes.having("Closed 1 session") == ["Closed 1 session."]

            # The bot writes from memory: the session is running again.
            gostore.write(bot)
            assert file_items(ours)[target]["Status"] == "running"
            await wait_until(pilot, lambda: "undid" in notice(pilot), what="the notice")
            assert f"The bot undid your close of {target[:8]}: running again." in notice(pilot)
            bar = status(pilot)
            assert "1 undone" in bar and "bot writes here" in bar, bar

            # It stays: more readings (the bot again) and ticks do not take it away.
            gostore.write(bot)
            await caught_up(pilot, app, ours)
            await pilot.pause(2.5)  # past a tick of the status bar
            assert "running again" in notice(pilot) and "1 undone" in status(pilot)

            # Dismissed: gone, and the same undo does not raise it again.
            await pilot.press("u")
            await pilot.pause()
            assert notice(pilot) == "" and "undone" not in status(pilot)
            assert "bot writes here" in status(pilot)
            gostore.write(bot)
            await caught_up(pilot, app, ours)
            assert notice(pilot) == "" and "undone" not in status(pilot)

            # Closed again while the bot writes: the dialog and the success notice say so.
            dialog = await close_selected(pilot, app, RUNNING)
            assert DIALOG_WARNING in dialog and STICK in dialog
            await wait_until(pilot, lambda: len(notes.having("Closed 1 session")) == 2, what="the second notice")
            assert notes.having("Closed 1 session")[1] == "Closed 1 session — the bot may undo it at its next write."
            await wait_until(pilot, lambda: file_items(ours)[target]["Status"] == "closed", what="the close")
            await caught_up(pilot, app, ours)
            gostore.write(bot)  # a new undo raises it again
            await wait_until(pilot, lambda: "undid" in notice(pilot), what="the notice again")
            assert f"close of {target[:8]}: running again" in notice(pilot)
            await quiesce(pilot)
    finally:
        gostore.stop(bot)


async def test_the_bot_undoes_a_cleanup_and_the_notice_counts_the_sessions(ours: Path) -> None:
    # What a 7d cleanup removes by the real clock (the fixture's ended sessions).
    doomed_in_order = [s.id for s in cleanup_candidates(read_snapshot(ours).summaries(), timedelta(days=7), datetime.now(timezone.utc))]
    doomed = set(doomed_in_order)
    assert len(doomed) > 3
    bot = gostore.start(ours, stdin=True, touch=session_id(2))
    app = SessionApp(ours)
    try:
        gostore.write(bot)  # it wrote before the cleanup: the dialog warns
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await ready(pilot)
            assert "bot writes here" in status(pilot)
            await pilot.press("x")
            await wait_until(pilot, lambda: isinstance(app.screen, CleanupScreen), what="the cleanup dialog")
            await pilot.pause()
            dialog = dialog_text(pilot)
            assert DIALOG_WARNING in dialog and "stop the bot first" in dialog
            await pilot.press("enter")  # the default age, 7d
            await wait_until(pilot, lambda: not doomed & set(file_items(ours)), what="the cleanup")
            await caught_up(pilot, app, ours)
            gostore.write(bot)
            await wait_until(pilot, lambda: "undid" in notice(pilot), what="the notice")
            text = " ".join(notice(pilot).split())
            assert f"The bot undid {len(doomed)} of your edits: cleanup of " in text, text
            named = [sid for sid in doomed_in_order if sid[:8] in text]
            assert len(named) == min(3, len(doomed)) and "(back, " in text, text
            assert f"and {len(doomed) - 3} more." in text
            assert f"{len(doomed)} undone" in status(pilot)
            await pilot.click(UndoneNotice)  # a click dismisses too
            await pilot.pause()
            assert notice(pilot) == "" and "undone" not in status(pilot)
            await quiesce(pilot)
    finally:
        gostore.stop(bot)


async def test_with_only_our_own_writers_nothing_ever_warns(ours: Path, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    others = [session_id(n) for n in (2, 3, 4)]
    writer = start_writer(ours, "append-loop", str(stop), *others)  # another Manager, in another process
    seen: list[str] = []
    app = SessionApp(ours)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await ready(pilot)
            for n in (RUNNING, 5):
                dialog = await close_selected(pilot, app, n)
                assert DIALOG_WARNING not in dialog
                await wait_until(pilot, lambda: file_items(ours)[session_id(n)]["Status"] == "closed", what="the close")
            for _ in range(20):  # many readings of the other writer's versions
                await pilot.pause(0.1)
                seen.append(status(pilot) + notice(pilot))
            assert app.snapshot is not None and app.snapshot.writer.known
            assert app.undo.writer.foreign_at is None
            await quiesce(pilot)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert not [s for s in seen if "⚠ bot" in s or "undone" in s or "undid" in s]
    assert {file_items(ours)[session_id(n)]["Status"] for n in (RUNNING, 5)} == {"closed"}
