"""The live path, end to end: another process writes the file, the screen follows.

Real watchfiles, real processes (tests/app/writer.py), the real app under Pilot.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

import tui.app.app as app_module
from tui.demo.fixtures import fixture_document, fixture_session, session_id, write

from tui.app.state.tree_model import ChatRow

from apphelpers import external_write, frozen_app, quiesce, ready, screen_text, wait_until, widget_text


async def write_outside(path: Path, *args: str) -> None:
    """Run the external writer without blocking the app's event loop."""
    await asyncio.to_thread(external_write, path, *args)


async def test_external_changes_appear_and_the_cursor_stays(varied_file: Path, tmp_path: Path) -> None:
    app = frozen_app(varied_file, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        target = session_id(1)  # running, in chat 5302729479
        assert app.tree.select_session(target)
        await pilot.pause()
        model = app.tree.model

        # A new session in the same chat.
        id_file = tmp_path / "new-id"
        await write_outside(varied_file, "create", "5302729479", str(id_file))
        new_id = id_file.read_text()
        await wait_until(pilot, lambda: new_id in model.summaries, what="the new session")
        assert app.tree.cursor_session == target
        assert model.summaries[new_id].status == "running"

        # A new message in the selected session: counted, and shown in the history.
        await write_outside(varied_file, "append", target, "hello from another process")
        await wait_until(pilot, lambda: model.summaries[target].message_count == 3, what="the new message")
        await wait_until(pilot, lambda: "hello from another process" in screen_text(pilot), what="message shown")

        # A status change elsewhere.
        other = session_id(2)
        await write_outside(varied_file, "status", other, "failed")
        await wait_until(pilot, lambda: model.summaries[other].status == "failed", what="status change")

        # A session removed.
        await write_outside(varied_file, "delete", new_id)
        await wait_until(pilot, lambda: new_id not in model.summaries, what="removal")
        assert app.tree.cursor_session == target
        assert app.is_running


async def test_cursor_keeps_its_screen_line_when_rows_arrive_above(tmp_path: Path) -> None:
    """Scrolled down a long chat, a new session above must not move what is under the cursor."""
    # Days old, so that a session created now (by the real clock) sorts above them all.
    sessions = [
        fixture_session(100 + i, "chat-a", "completed", age=timedelta(days=10 + i), idle=timedelta(days=5 + i))
        for i in range(120)
    ]
    path = write(tmp_path / "s.json", fixture_document(sessions))
    app = frozen_app(path, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        target = session_id(160)
        assert app.tree.select_session(target)
        await pilot.pause()
        tree = app.tree
        assert tree.scroll_offset.y > 0
        line = tree.cursor_index - tree.scroll_offset.y
        await write_outside(path, "create", "chat-a")
        await wait_until(pilot, lambda: len(tree.model.summaries) == 121, what="the new session")
        await pilot.pause()
        assert tree.cursor_session == target
        assert tree.cursor_index - tree.scroll_offset.y == line


async def test_invalid_file_warns_keeps_the_view_and_recovers(varied_file: Path) -> None:
    app = frozen_app(varied_file, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        count = len(app.tree.model.summaries)
        await write_outside(varied_file, "corrupt")
        await wait_until(pilot, lambda: app.error is not None, what="the error")
        await wait_until(pilot, lambda: "Showing the last good reading" in screen_text(pilot), what="the warning")
        assert len(app.tree.model.summaries) == count
        await write_outside(varied_file, "restore")
        await wait_until(pilot, lambda: app.error is None, what="recovery")
        # The banner goes with the next repaint, not within the handler.
        await wait_until(pilot, lambda: "Showing the last good reading" not in screen_text(pilot), what="the banner gone")
        assert len(app.tree.model.summaries) == count


async def test_missing_file_is_a_friendly_empty_screen_until_it_appears(tmp_path: Path) -> None:
    path = tmp_path / "later" / "bot_sessions.json"
    app = frozen_app(path, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        text = screen_text(pilot)
        assert "No session file yet" in text
        assert "session-tui --demo" in text
        assert "Looked for" in text and "bot_sessions.json" in text
        path.parent.mkdir()
        await write_outside(path, "create", "chat-z")
        await wait_until(pilot, lambda: len(app.tree.model.summaries) == 1, what="the file to appear", timeout=20)
        await wait_until(pilot, lambda: "No session file yet" not in screen_text(pilot), what="the empty state gone")


async def test_the_ticking_clock_does_not_fail_an_app_that_is_closing(varied_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The once-a-second refresh runs in its own timer task; one that fires while
    # the app removes its widgets used to raise NoMatches and fail the app's exit
    # (seen in CI's benchmark run). A tick every half millisecond makes it certain.
    monkeypatch.setattr(app_module, "TICK_SECONDS", 0.0005)
    for _ in range(5):
        async with frozen_app(varied_file).run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.02)


async def test_changes_off_screen_and_on_screen_repaint_their_rows_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # When nothing moves on screen, a reload repaints only the rows it names
    # (and their chats' rows): both must show the new state. (No clock tick,
    # which repaints everything, to hide a row that was missed.)
    monkeypatch.setattr(app_module, "TICK_SECONDS", 3600.0)
    sessions = [
        # Expiring in an hour: none stale (the chat row counts only running and failed).
        fixture_session(
            100 + i, "chat-a", "running", age=timedelta(minutes=10 + i), idle=timedelta(seconds=30),
            expires=-timedelta(hours=1),
        )
        for i in range(40)
    ]
    path = write(tmp_path / "s.json", fixture_document(sessions))
    app = frozen_app(path, watch=True)
    async with app.run_test(size=(100, 20)) as pilot:
        await ready(pilot)
        tree = app.tree
        assert tree.select_session(session_id(100))
        await pilot.pause()
        top, cursor = tree.scroll_offset.y, tree.cursor

        def chat_row_says(text: str) -> bool:
            return any("chat-a  40 sessions" in line and text in line for line in screen_text(pilot).splitlines())

        # Far below the window: only the chat row's counts change on screen.
        await write_outside(path, "status", session_id(139), "failed")
        await wait_until(pilot, lambda: chat_row_says("1 failed"), what="the chat row's new count")

        # On screen, not under the cursor: its own row repaints.
        visible = session_id(103)[:8]

        def badge_on_its_line() -> bool:
            return any(visible in line and "✗" in line for line in screen_text(pilot).splitlines())

        assert not badge_on_its_line()
        await write_outside(path, "status", session_id(103), "failed")
        await wait_until(pilot, badge_on_its_line, what="the failed badge on the visible row")
        await wait_until(pilot, lambda: chat_row_says("2 failed"), what="the chat row's count")
        assert (tree.scroll_offset.y, tree.cursor) == (top, cursor)  # the in-place path was taken


def detail_line(pilot, app, key: str) -> str:  # type: ignore[no-untyped-def]
    lines = [line.strip("│ ") for line in widget_text(pilot, app.detail).splitlines() if line.strip("│ ").startswith(key)]
    return lines[0] if lines else ""


async def test_a_chats_detail_follows_its_sessions_and_the_filter(varied_file: Path) -> None:
    chat = "5302729479"  # running 1, pending 2, completed 3
    app = frozen_app(varied_file, watch=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        tree = app.tree
        assert tree.select_session(session_id(1))
        await pilot.press("left")  # the chat's row
        await wait_until(pilot, lambda: detail_line(pilot, app, "Sessions") == "Sessions    3", what="the chat's detail")
        for _ in range(2):  # another process adds two sessions to the chat
            await write_outside(varied_file, "create", chat)
        await wait_until(pilot, lambda: len(tree.model.groups[chat].ids) == 5, what="the new sessions")
        await wait_until(pilot, lambda: detail_line(pilot, app, "Sessions") == "Sessions    5", what="the detail's new count")
        assert "3 running" in detail_line(pilot, app, "By status")
        assert tree.cursor == ChatRow(chat)
        # A filter shows fewer of its sessions: so does its detail, the cursor staying on the chat.
        await pilot.press("s", "s")  # running, then pending
        await wait_until(pilot, lambda: tree.model.filter.status == "pending", what="the pending filter")
        assert tree.cursor == ChatRow(chat)
        await wait_until(pilot, lambda: detail_line(pilot, app, "Sessions") == "Sessions    1", what="the filtered count")
        assert detail_line(pilot, app, "By status") == "By status   1 pending"
        await quiesce(pilot)


async def test_a_view_at_the_top_shows_a_new_chat_that_sorts_first(tmp_path: Path) -> None:
    sessions = [
        fixture_session(100 + i, f"chat-{i // 3:02d}", "completed", age=timedelta(hours=1 + i), idle=timedelta(hours=1 + i))
        for i in range(60)
    ]
    path = write(tmp_path / "s.json", fixture_document(sessions))
    app = frozen_app(path, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        tree = app.tree
        target = session_id(104)  # chat-01's second session, on screen
        assert tree.select_session(target)
        await pilot.pause()
        assert tree.scroll_offset.y == 0
        line = tree.cursor_index
        await write_outside(path, "create", "a-new-chat")  # sorts before every "chat-NN"
        await wait_until(pilot, lambda: "a-new-chat" in tree.model.groups, what="the new chat")
        await pilot.pause()
        assert tree.scroll_offset.y == 0  # still at the top
        assert tree.cursor_session == target  # the cursor keeps its session, two lines lower
        assert tree.cursor_index == line + 2
        rows = widget_text(pilot, tree).splitlines()
        assert "a-new-chat" in rows[1], rows[:3]  # the first row, right under the border
        assert target[:8] in rows[1 + line + 2]
        await quiesce(pilot)
