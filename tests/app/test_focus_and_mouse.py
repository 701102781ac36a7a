"""Keys and clicks reach what they are meant for (issue 12.5, 12.6, 12.8): the tree keeps
its keys after an empty filter view, a click selects the row under it, and ``e`` expands
the selected session's long messages from any pane. The real app under Pilot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tui.app.app import SessionApp
from tui.app.state.tree_model import ChatRow, SessionRow
from tui.demo.fixtures import fixture_document, fixture_session, session_id, write

from apphelpers import frozen_app, ready, screen_text, settle, wait_until, widget_text

SIZE = (120, 30)


def footer(pilot) -> str:  # type: ignore[no-untyped-def]
    return screen_text(pilot).splitlines()[-1]


async def test_the_tree_keeps_its_keys_after_the_status_filter_showed_nothing(tmp_path: Path) -> None:
    # Running and completed only: pending, stale, failed, closed and expired are empty views.
    sessions = [
        fixture_session(1, "chat-a", "running", age=timedelta(minutes=10), idle=timedelta(minutes=1)),
        fixture_session(2, "chat-a", "completed", age=timedelta(hours=1), idle=timedelta(minutes=30)),
    ]
    app = frozen_app(write(tmp_path / "s.json", fixture_document(sessions)))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tree = app.tree
        seen_empty = False
        while True:  # s until the empty "expired" view, then once more: every session again
            await pilot.press("s")
            await settle(pilot)
            seen_empty = seen_empty or not tree.display
            if tree.model.filter.status == "expired":
                assert not tree.display and "Nothing matches the filter" in screen_text(pilot)
                break
        assert seen_empty
        await pilot.press("s")
        await settle(pilot)
        assert tree.display and tree.model.filter.status is None
        assert app.focused is tree
        assert "space Mark" in footer(pilot)
        first = tree.cursor
        await pilot.press("j")
        await settle(pilot)
        assert tree.cursor != first  # j moves
        on = tree.cursor
        assert isinstance(on, SessionRow)
        await pilot.press("space")
        await settle(pilot)
        assert tree.model.marked == {on.session_id}  # space marks


async def test_a_focused_pane_keeps_focus_when_the_tree_comes_back(tmp_path: Path) -> None:
    sessions = [fixture_session(1, "chat-a", "running", age=timedelta(minutes=10), idle=timedelta(minutes=1))]
    app = frozen_app(write(tmp_path / "s.json", fixture_document(sessions)))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s", "s")  # running, then pending: nothing
        await settle(pilot)
        assert not app.tree.display
        await pilot.press("tab")
        assert app.focused is app.detail
        await pilot.press("escape")  # clears the filter: the tree is back
        await settle(pilot)
        assert app.tree.display
        # (escape focuses the tree itself; a status change does not.)
        app.detail.focus()
        await pilot.press("s", "s")
        await settle(pilot)
        await pilot.press(*["s"] * 6)  # back round to all
        await settle(pilot)
        assert app.tree.model.filter.status is None and app.tree.display
        assert app.focused is app.detail


def many_chats_document() -> dict:
    sessions = [
        fixture_session(100 + i, f"chat-{i // 4:02d}", "completed", age=timedelta(hours=1 + i), idle=timedelta(hours=1 + i))
        for i in range(60)
    ]
    return fixture_document(sessions)


def row_text(app: SessionApp, row: ChatRow | SessionRow) -> str:
    return row.chat_id if isinstance(row, ChatRow) else row.session_id[:8]


async def clicked_rows_match_the_screen(pilot, app: SessionApp) -> int:  # type: ignore[no-untyped-def]
    """Click every row line of the tree: the cursor must be on the row drawn there."""
    tree = app.tree
    lines = widget_text(pilot, tree).splitlines()
    checked = 0
    for y in range(1, tree.content_region.height + 1, 3):  # line 0 is the border
        await pilot.click(tree, offset=(20, y))
        await settle(pilot)
        cursor = tree.cursor
        assert cursor is not None
        assert row_text(app, cursor) in lines[y], (y, cursor, lines[y])
        checked += 1
    return checked


async def test_a_click_selects_the_row_under_the_pointer_at_the_top_and_scrolled(tmp_path: Path) -> None:
    app = frozen_app(write(tmp_path / "s.json", many_chats_document()))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tree = app.tree
        # A chat header selects the chat, not its first session.
        await pilot.click(tree, offset=(20, 1))
        await settle(pilot)
        assert tree.cursor == ChatRow("chat-00")
        assert await clicked_rows_match_the_screen(pilot, app) >= 9
        # Scrolled down: the scroll offset counts, the border does not.
        tree.move_cursor(40)
        await settle(pilot)
        assert tree.scroll_offset.y > 0
        assert await clicked_rows_match_the_screen(pilot, app) >= 9
        # A click on the border selects nothing new.
        before = tree.cursor
        await pilot.click(tree, offset=(20, 0))
        await settle(pilot)
        assert tree.cursor == before


def long_message_document() -> dict:
    content = "\n".join(f"line {i + 1} of the build log" for i in range(60))
    messages = [
        {"Role": "user", "Content": "show me the log", "Summary": "", "Timestamp": "2026-11-24T11:50:00Z"},
        {"Role": "tool", "Content": content, "Summary": "the whole log", "Timestamp": "2026-11-24T11:51:00Z"},
    ]
    return fixture_document([fixture_session(40, "chat-long", "running", age=timedelta(minutes=20), idle=timedelta(minutes=9), messages=messages)])


async def test_e_expands_long_messages_from_any_pane_and_is_in_the_footer(tmp_path: Path) -> None:
    app = frozen_app(write(tmp_path / "s.json", long_message_document()))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(40))
        view = app.messages_view
        await wait_until(pilot, lambda: "press e to expand" in widget_text(pilot, view), what="the cut message")
        for pane in (app.tree, app.detail):
            pane.focus()
            await settle(pilot)
            assert "e Expand" in footer(pilot), (pane, footer(pilot))
            await pilot.press("e")
            await wait_until(pilot, lambda: "line 12 of" in widget_text(pilot, view), what=f"expanded from {pane}")
            assert view.expanded
            await pilot.press("e")
            await wait_until(pilot, lambda: "press e to expand" in widget_text(pilot, view), what=f"cut again from {pane}")
            assert not view.expanded
        view.focus()
        await settle(pilot)
        assert footer(pilot).count("e Expand") == 1
