"""The app on tingly-box's SQLite store (SPEC §7): the same screens, live updates and edits as on a JSON file.

The store is written with plain ``sqlite3`` as Go's driver writes it
(tests/app/sqlite_fixture.py); the other writer is a real process (the same
script); the app is the real one under Pilot, its watcher real.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

import tui.app.app as app_module
from tui.app.app import SessionApp
from tui.app.screens.cleanup import CleanupScreen
from tui.demo.fixtures import NOW, long_history_document, session_id, varied_document
from tui.session import Status, open_source

from apphelpers import frozen_app, quiesce, ready, screen_text, settle, wait_until, widget_text
from sqlite_fixture import HERE, sqlite_store
from sqlitefiles import raw_rows, transcript, tree_state

SIZE = (160, 50)
ALL = {session_id(n) for n in range(1, 12)}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The varied fixture as a tingly-box base directory (db/tingly.db, remote/transcripts/)."""
    return sqlite_store(tmp_path / "base", varied_document())


async def go_bot(base: Path, *args: str) -> None:
    """One write by the simulated Go bot, in another process (without blocking the app's loop)."""
    await asyncio.to_thread(subprocess.run, [sys.executable, str(HERE), str(base), *args], check=True, timeout=60)


async def select(pilot, app: SessionApp, n: int) -> None:
    assert app.tree.select_session(session_id(n))
    await pilot.pause(0.2)  # the selection delay
    await settle(pilot)


async def test_the_tree_and_the_detail_come_from_the_database(base: Path) -> None:
    app = frozen_app(base)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.source.kind == "sqlite" and app.error is None
        model = app.tree.model
        assert set(model.summaries) == ALL
        assert model.summaries[session_id(4)].status == Status.FAILED
        assert model.summaries[session_id(1)].message_count == 2  # counted from the transcript
        await select(pilot, app, 1)
        detail = widget_text(pilot, app.detail)
        # Times in the app's zone, each with the text the driver stored (nanoseconds, offset).
        assert "Created     10m ago  2026-11-24 11:50:00" in detail, detail
        assert "stored 2026-11-24 11:50:00.000000123+00:00" in detail, detail
        assert "Expires     expires in 20m  2026-11-24 12:20:00" in detail, detail
        assert "stored 2026-11-24 12:20:00.000000123+00:00" in detail, detail
        # Every column is a known field: none is listed as an unknown key.
        assert "Other keys" not in detail and "chat_id" not in detail
        messages = widget_text(pilot, app.messages_view)
        assert "Please fix the failing build" in messages and "message 2 of session 1" in messages
        await quiesce(pilot)


async def test_a_long_history_is_read_from_the_transcript(tmp_path: Path) -> None:
    base = sqlite_store(tmp_path / "base", long_history_document())
    app = frozen_app(base)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await select(pilot, app, 21)
        await wait_until(pilot, lambda: app.tree.model.summaries[session_id(21)].message_count == 40, what="the count")
        # Following: the end (laid out by a worker, again once the counts reading arrives).
        await wait_until(
            pilot, lambda: "Step 40: checked the scheduler lock." in widget_text(pilot, app.messages_view), what="the end"
        )
        await quiesce(pilot)


async def test_another_process_changing_a_row_or_appending_a_line_shows_live(base: Path) -> None:
    app = frozen_app(base, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await select(pilot, app, 1)
        model = app.tree.model
        # Go's Save of a whole row (another status, a new last_activity).
        await go_bot(base, "status", session_id(2), "failed")
        await wait_until(pilot, lambda: model.summaries[session_id(2)].status == Status.FAILED, what="the row")
        # One transcript line appended to the selected session: counted and shown.
        await go_bot(base, "append", session_id(1), "hello from the bot")
        await wait_until(pilot, lambda: model.summaries[session_id(1)].message_count == 3, what="the line")
        await wait_until(pilot, lambda: "hello from the bot" in screen_text(pilot), what="the message on screen")
        assert app.tree.cursor_session == session_id(1) and app.error is None
        await quiesce(pilot)


async def confirm(pilot, app: SessionApp, key: str) -> None:
    await pilot.press(key)
    await wait_until(pilot, lambda: len(app.screen_stack) == 2, what="the dialog")
    await pilot.press("y")
    await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
    await settle(pilot)


async def test_close_delete_and_cleanup_write_the_database(base: Path) -> None:
    app = frozen_app(base)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await select(pilot, app, 1)
        await confirm(pilot, app, "c")
        await wait_until(pilot, lambda: raw_rows(base / "db" / "tingly.db")[session_id(1)]["status"] == "closed",
                         what="the close")
        await wait_until(pilot, lambda: app.tree.model.summaries[session_id(1)].status == Status.CLOSED,
                         what="the close on screen")
        await select(pilot, app, 2)
        assert transcript(base, session_id(2)).exists()
        await confirm(pilot, app, "d")
        await wait_until(pilot, lambda: session_id(2) not in raw_rows(base / "db" / "tingly.db"), what="the delete")
        assert not transcript(base, session_id(2)).exists()  # row and transcript go together
        # Cleanup at the default 7d, with the app's clock: the sessions closed 9 and 12 days ago.
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, CleanupScreen), what="the cleanup dialog")
        await pilot.pause()
        assert "2 sessions would be removed" in widget_text(pilot, app.screen.query_one("#preview"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
        await wait_until(pilot, lambda: len(raw_rows(base / "db" / "tingly.db")) == 8, what="the cleanup")
        rows = raw_rows(base / "db" / "tingly.db")
        assert set(rows) == ALL - {session_id(n) for n in (2, 6, 11)}
        await wait_until(pilot, lambda: set(app.tree.model.summaries) == set(rows), what="the cleanup on screen")
        # Only the edited rows changed: another row keeps its driver time text exactly.
        assert rows[session_id(3)]["last_activity"] == "2026-11-24 10:00:00.000000456+00:00"
        await quiesce(pilot)


async def test_read_only_writes_nothing(base: Path) -> None:
    before = tree_state(base)
    app = frozen_app(base, read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await select(pilot, app, 1)
        for key in ("c", "d", "x", "y"):
            await pilot.press(key)
            await settle(pilot)
        assert len(app.screen_stack) == 1
        await quiesce(pilot)
    assert tree_state(base) == before


async def test_a_locked_database_is_a_warning_and_the_last_good_view_stays(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "TICK_SECONDS", 3600.0)  # no redraw reads the selection meanwhile
    app = frozen_app(base, watch=True)
    holder = None
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        try:
            # A WAL database is locked against readers only while no other connection is open:
            # paused, the app does not read again when closing its connection changes the files.
            await pilot.press("p")
            await asyncio.to_thread(app.source.close)
            holder = subprocess.Popen([sys.executable, str(HERE), str(base), "hold"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert holder.stdout is not None
            assert (await asyncio.to_thread(holder.stdout.readline)).strip() == "locked"
            await pilot.press("r")
            await wait_until(pilot, lambda: app.error is not None, what="the busy reading")
            assert "locked" in app.error or "busy" in app.error, app.error
            await wait_until(pilot, lambda: "Showing the last good reading" in screen_text(pilot), what="the banner")
            assert set(app.tree.model.summaries) == ALL and app.tree.display  # the view stays
            assert app.is_running
        finally:
            if holder is not None:
                await asyncio.to_thread(holder.communicate, "", 30)
        # The holder's commit is a change: resumed, the app reads again and the warning goes.
        await wait_until(pilot, lambda: app._missed_change, what="the commit seen while paused")
        await pilot.press("p")
        await wait_until(pilot, lambda: app.error is None, what="a good reading after the lock")
        assert "Showing the last good reading" not in screen_text(pilot)
        await quiesce(pilot)


async def test_a_path_is_opened_as_a_source(base: Path) -> None:
    # A path, a database file or the base directory: the same sessions.
    for target in (base, base / "db" / "tingly.db"):
        app = SessionApp(target, watch=False, clock=lambda: NOW)
        assert app.source.kind == "sqlite"
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            assert set(app.tree.model.summaries) == ALL
            await quiesce(pilot)
    source = open_source(base)
    assert SessionApp(source).source is source


def test_the_empty_screen_names_what_was_looked_for(tmp_path: Path) -> None:
    from tui.app.render.empty import no_store_text
    from tui.session import store_locations

    both = no_store_text("sqlite", tmp_path / "db" / "tingly.db", store_locations(tmp_path)).plain
    assert f"{tmp_path / 'bot_sessions.json'}" in both and f"{tmp_path / 'db' / 'tingly.db'}" in both
    assert "tingly-box since July 2026" in both and "Found" not in both  # no .migrated file here
    (tmp_path / "bot_sessions.json.migrated").write_text("{}")
    assert f"Found {tmp_path / 'bot_sessions.json.migrated'}: the bot moved its sessions into the database." in \
        no_store_text("sqlite", tmp_path / "db" / "tingly.db", store_locations(tmp_path)).plain
    # A PATH given: only that store is named.
    one = no_store_text("sqlite", tmp_path / "x.db", None).plain
    assert one.startswith("No session database yet") and str(tmp_path / "x.db") in one and "bot_sessions" not in one
    assert no_store_text("json", tmp_path / "s.json", None).plain.startswith(f"No session file yet\n\nLooked for {tmp_path / 's.json'}")


async def test_the_rows_come_first_and_their_message_counts_after_without_a_flash(base: Path) -> None:
    import threading

    app = frozen_app(base)
    source = app.source
    counting = threading.Event()
    real_read = source.read

    def read_held(previous: object = None) -> object:
        assert counting.wait(30), "the test never let the counts through"
        return real_read(previous)

    source.read = read_held  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None, what="the rows")
        model = app.tree.model
        assert not app.snapshot.counted and {s.message_count for s in model.summaries.values()} == {None}
        await wait_until(pilot, lambda: session_id(1)[:8] in screen_text(pilot), what="the rows on screen")
        line = next(line for line in screen_text(pilot).splitlines() if session_id(1)[:8] in line)
        assert "… msg" in line and "None" not in line, line
        counting.set()
        await wait_until(pilot, lambda: app.snapshot.counted, what="the counts")
        assert model.summaries[session_id(1)].message_count == 2
        await wait_until(pilot, lambda: "2 msg" in next(
            line for line in screen_text(pilot).splitlines() if session_id(1)[:8] in line), what="the count on screen")
        assert not app.tree._flash_until and not app.tree.unseen_text  # counts, not changes anyone made
        assert not app._loading and app.error is None
        await quiesce(pilot)
