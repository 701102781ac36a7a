"""The screen of SPEC §3 (issue 4), driven through the real app with Pilot.

What the tree, the detail pane, the message pane, the status bar, help and the
command palette show; navigation, pause/reload/follow; untrusted text shown inert.
Expectations are computed from the fixture documents (tui/demo/fixtures.py),
not from the app's own rendering helpers.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandPalette

import tui.app.app as app_module
from tui.app.app import SessionApp
from tui.app.screens.cleanup import CleanupScreen
from tui.app.screens.help import HelpScreen
from tui.demo.fixtures import (
    HOSTILE,
    NOW,
    fixture_document,
    fixture_session,
    long_history_document,
    session_id,
    varied_document,
    write,
)

from apphelpers import (
    external_write,
    frozen_app,
    raw_controls,
    ready,
    screen_text,
    settle,
    wait_until,
    widget_text,
)

SIZE = (160, 50)

#: The badge design (SPEC §3): a distinct symbol for each of the six statuses, stale, unknown.
BADGES = {
    "pending": "○ pending",
    "running": "● running",
    "completed": "✓ completed",
    "failed": "✗ failed",
    "expired": "⊘ expired",
    "closed": "■ closed",
}
STALE = "◐ stale"


def parse_go_time(text: str) -> datetime | None:
    """A Go time string from the fixture (nanoseconds cut), ``None`` for the zero time."""
    return None if text.startswith("0001-01-01") else datetime.fromisoformat(text)


def expected_badge(session: dict) -> str:
    status = session["Status"]
    expires = parse_go_time(session["ExpiresAt"])
    if status in ("running", "pending") and expires is not None and expires < NOW:
        return STALE
    return BADGES.get(status, f"? {status[:7]}")  # an unknown status as written (cut to the column)


def expected_ago(moment: datetime) -> str:
    seconds = int((NOW - moment).total_seconds())
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def line_with(text: str, needle: str) -> str:
    """The one line of ``text`` that contains ``needle``."""
    lines = [line for line in text.splitlines() if needle in line]
    assert len(lines) == 1, f"{needle!r} is on {len(lines)} lines of:\n{text}"
    return lines[0]


def keys_for(text: str) -> list[str]:
    """The key presses that type ``text``."""
    return ["space" if char == " " else char for char in text]


def segment_styles(pilot, needle: str) -> list:
    """The styles of the on-screen segments whose text contains ``needle``."""
    strips = pilot.app.screen._compositor.render_strips()
    return [segment.style for strip in strips for segment in strip if needle in segment.text]


def footer_line(pilot) -> str:
    return screen_text(pilot).splitlines()[-1]


async def move_to(pilot, app: SessionApp, sid: str) -> None:
    """Select a session and wait until the detail pane shows it."""
    assert app.tree.select_session(sid)
    await wait_until(pilot, lambda: app.detail.session_id == sid, what=f"detail of {sid}")
    await settle(pilot)


# -- the first screen -------------------------------------------------------------


async def test_first_screen_lists_every_chat_with_counts_and_every_session_with_its_badge(varied_file: Path) -> None:
    doc = varied_document()
    sessions = list(doc["items"].values())
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tree = widget_text(pilot, app.tree)

        chats = sorted({s["ChatID"] for s in sessions})
        for chat in chats:
            members = [s for s in sessions if s["ChatID"] == chat]
            line = line_with(tree, f"{chat}  ")
            assert f"{len(members)} sessions" in line
            for status in ("running", "pending", "stale", "failed"):
                # Counted as the badges are: a stale session is neither running nor pending.
                n = sum(1 for s in members if expected_badge(s) == BADGES.get(status, STALE))
                assert (f"{n} {status}" in line) == (n > 0), line

        for s in sessions:
            line = line_with(tree, s["ID"][:8])
            assert expected_badge(s) in line, line
            assert s["Agent"] in line
            assert f"{len(s['Messages'])} msg" in line
            assert line.rstrip(" │").endswith(expected_ago(parse_go_time(s["LastActivity"]))), line
        # The fixture shows every badge of the design, and each has its own symbol.
        shown = {expected_badge(s) for s in sessions}
        assert shown >= {*BADGES.values(), STALE, "? waiting"}
        assert len({badge[0] for badge in shown}) == len(shown)

        # Chats by their latest activity, sessions by theirs, most recent first (the default order).
        rows = [line for line in tree.splitlines() if any(s["ID"][:8] in line for s in sessions) or "sessions" in line]
        latest = {chat: max(s["LastActivity"] for s in sessions if s["ChatID"] == chat) for chat in chats}
        order = []
        for chat in sorted(chats, key=latest.__getitem__, reverse=True):
            order.append(chat)
            members = sorted((s for s in sessions if s["ChatID"] == chat), key=lambda s: s["LastActivity"], reverse=True)
            order.extend(s["ID"][:8] for s in members)
        assert len(rows) == len(order)
        for line, expected in zip(rows, order):
            assert expected in line

        status = line_with(screen_text(pilot), "LIVE")
        assert "11 sessions" in status
        for needle in ("● 1 running", "○ 1 pending", "✓ 3 completed", "✗ 1 failed", "■ 2 closed", "⊘ 1 expired", "◐ 1 stale", "? 1 unknown"):
            assert needle in status, status


async def test_status_bar_shows_the_file_path(varied_file: Path) -> None:
    """SPEC §3: the status bar has the file path (shortened if it must be, never gone)."""
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        status = widget_text(pilot, app.query_one("#status"))
        assert varied_file.name in status or str(varied_file)[:15] in status, status


# -- the detail and message panes -----------------------------------------------


async def test_cursor_moves_update_the_detail_and_message_panes(varied_file: Path) -> None:
    doc = varied_document()["items"]
    numbers = {session_id(n): n for n in range(1, 12)}
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("home")
        seen = set()
        for _ in range(app.tree.model.row_count):
            await settle(pilot)
            sid = app.tree.cursor_session
            if sid is None:  # a chat row: the detail pane sums it up
                chat = app.tree.cursor.chat_id
                await wait_until(pilot, lambda chat=chat: chat in widget_text(pilot, app.detail), what="chat detail")
                detail = widget_text(pilot, app.detail)
                count = sum(1 for s in doc.values() if s["ChatID"] == chat)
                assert line_with(detail, "Sessions").split("Sessions")[1].strip(" │") == str(count)
            else:
                await wait_until(pilot, lambda sid=sid: sid in widget_text(pilot, app.detail), what=f"detail of {sid}")
                messages = widget_text(pilot, app.messages_view)
                last = doc[sid]["Messages"][-1]["Content"]
                assert last in messages
                assert f"#{len(doc[sid]['Messages'])}" in messages
                seen.add(numbers[sid])
            await pilot.press("down")
        assert seen == set(range(1, 12))


async def test_the_detail_and_history_times_move_on_with_the_clock(
    varied_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "TICK_SECONDS", 0.2)
    now = [NOW]
    app = SessionApp(varied_file, watch=False, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(1))
        await wait_until(pilot, lambda: session_id(1) in widget_text(pilot, app.detail), what="the detail")
        assert "3d ago" not in widget_text(pilot, app.detail)
        now[0] = NOW + timedelta(days=3)
        await wait_until(pilot, lambda: "3d ago" in widget_text(pilot, app.detail), what="the detail's times")
        await wait_until(pilot, lambda: "3d ago" in widget_text(pilot, app.messages_view), what="the history's times")


async def test_detail_pane_shows_every_field_and_the_context_as_json(varied_file: Path) -> None:
    doc = varied_document()["items"]
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        sid = session_id(4)  # failed, with an error and an unusual project
        await move_to(pilot, app, sid)
        s = doc[sid]
        detail = widget_text(pilot, app.detail)
        assert s["ID"] in line_with(detail, "ID ")
        assert "✗ failed" in line_with(detail, "Status")
        assert s["ChatID"] in line_with(detail, "Chat")
        assert s["Agent"] in line_with(detail, "Agent")
        assert s["Project"] in line_with(detail, "Project")
        assert s["PermissionMode"] in line_with(detail, "Permission")
        # Relative, in the screen's zone (the frozen clock's: UTC), and as stored on the next line.
        lines = detail.splitlines()
        for label, shown, key in (
            ("Created", "50m ago  2026-11-24 11:10:00", "CreatedAt"),
            ("Last active", "40m ago  2026-11-24 11:20:00", "LastActivity"),
            ("Expires", "expired 20m ago  2026-11-24 11:40:00", "ExpiresAt"),
        ):
            line = line_with(detail, label)
            assert shown in line, line
            assert f"stored {s[key]}" in lines[lines.index(line) + 1]
        assert s["Request"] in line_with(detail, "Request")
        assert "—" in line_with(detail, "Response")  # empty
        assert s["Error"] in line_with(detail, "Error")
        assert "2" in line_with(detail, "Messages")
        # The context, as indented JSON.
        assert "Context     {" in detail
        assert '"project_path": "/home/alice/projects/tingly-box",' in detail
        assert '"message_id": 4' in detail

        await move_to(pilot, app, session_id(3))  # completed, with a response
        assert "All 214 tests pass." in line_with(widget_text(pilot, app.detail), "Response")

        await move_to(pilot, app, session_id(1))  # running, expires 20 minutes after NOW
        detail = widget_text(pilot, app.detail)
        assert "expires in 20m" in line_with(detail, "Expires")
        assert "● running" in line_with(detail, "Status")

        await move_to(pilot, app, session_id(5))  # running past its expiry
        assert "stale" in line_with(widget_text(pilot, app.detail), "Status")

        await move_to(pilot, app, session_id(8))  # ExpiresAt is Go's zero time
        assert "persistent" in line_with(widget_text(pilot, app.detail), "Expires")

        await move_to(pilot, app, session_id(9))  # a status this version does not know: shown as written
        assert "waiting-for-review" in line_with(widget_text(pilot, app.detail), "Status")


async def test_message_pane_shows_roles_timestamps_and_summaries(varied_file: Path) -> None:
    doc = varied_document()["items"]
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        sid = session_id(4)
        await move_to(pilot, app, sid)
        text = widget_text(pilot, app.messages_view)
        for i, message in enumerate(doc[sid]["Messages"]):
            header = line_with(text, f"#{i + 1} ")
            assert message["Role"] in header
            stamp = parse_go_time(message["Timestamp"])
            assert stamp.strftime("%H:%M:%S") in header  # the clock's zone is UTC, like the fixture
            assert expected_ago(stamp) in header
            assert message["Content"] in text
            if message["Summary"]:
                assert f"↳ {message['Summary']}" in text


# -- navigation ---------------------------------------------------------------------


async def test_collapse_and_expand_a_chat(varied_file: Path) -> None:
    chat = "5302729479"
    members = [session_id(n)[:8] for n in (1, 2, 3)]
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(1))
        rows = app.tree.model.row_count

        await pilot.press("left")  # from a session: up to its chat
        assert app.tree.cursor_session is None and app.tree.cursor.chat_id == chat
        await pilot.press("left")  # on the chat: collapse it
        await pilot.pause()
        tree = widget_text(pilot, app.tree)
        assert line_with(tree, f"{chat}  ").lstrip("│").startswith("▸")
        assert not any(short in tree for short in members)
        assert app.tree.model.row_count == rows - 3
        assert session_id(4)[:8] in tree  # other chats stay open

        await pilot.press("right")
        await pilot.pause()
        tree = widget_text(pilot, app.tree)
        assert line_with(tree, f"{chat}  ").lstrip("│").startswith("▾")
        assert all(short in tree for short in members)

        await pilot.press("enter")  # enter toggles too
        await pilot.pause()
        assert not any(short in widget_text(pilot, app.tree) for short in members)
        await pilot.press("enter")
        await pilot.pause()
        assert all(short in widget_text(pilot, app.tree) for short in members)


async def test_tab_cycles_focus_through_the_panes(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is app.tree
        for expected in (app.detail, app.messages_view, app.tree, app.detail):
            await pilot.press("tab")
            assert app.focused is expected
        await pilot.press("shift+tab")
        assert app.focused is app.tree


async def footer_bindings(pilot, app: SessionApp) -> dict[str, Binding]:
    """Every binding the footer shows, whichever pane has focus, by action; checked on screen."""
    shown: dict[str, Binding] = {}
    for pane in (app.tree, app.detail, app.messages_view):
        pane.focus()
        await pilot.pause()
        footer = footer_line(pilot)
        for active in app.screen.active_bindings.values():
            binding = active.binding
            if binding.show:
                assert f"{app.get_key_display(binding)} {binding.description}" in footer, (binding, footer)
                shown[binding.action] = binding
    return shown


#: The keys of SPEC §3, by action: "each also in the footer, the help screen and the command palette".
SPEC_KEYS = {
    "filter": "/",
    "cycle_status": "s",
    "mark": "space",
    "close_sessions": "c",
    "delete_sessions": "d",
    "cleanup": "x",
    "reload": "r",
    "toggle_pause": "p",
    "toggle_follow": "f",
    "help": "?",
    "quit": "q",
}


async def test_help_lists_the_bindings_the_footer_shows(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        shown = await footer_bindings(pilot, app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        help_lines = screen_text(pilot).splitlines()

        def in_help(key: str, binding: Binding) -> bool:
            # Help may explain a key with its tooltip, wrapped over lines: its start is on the key's line.
            meanings = [binding.description, (binding.tooltip or binding.description)[:20]]
            return any(
                any(m in line for m in meanings) and f" {key} " in f" {line.replace(',', ' ')} " for line in help_lines
            )

        for binding in shown.values():
            assert in_help(app.get_key_display(binding), binding), f"{binding} is in the footer but not in help"
        # Keys that are not in the footer are in help too.
        for binding in app.BINDINGS:
            assert in_help(app.get_key_display(Binding(binding.key, "")), binding), binding
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")


async def test_footer_shows_every_key_of_the_spec(varied_file: Path) -> None:
    """SPEC §3: every key is also in the footer (on a terminal wide enough for all of them)."""
    app = frozen_app(varied_file)
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        shown = await footer_bindings(pilot, app)
        missing = {action: key for action, key in SPEC_KEYS.items() if action not in shown}
        assert not missing, f"not in the footer: {missing}"
        for action, key in SPEC_KEYS.items():
            assert app.get_key_display(shown[action]) == key


async def test_command_palette_offers_the_apps_actions(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for description, key in (("Close", "c"), ("Delete", "d"), ("Reload", "r"), ("Pause", "p"), ("Mark", "space"), ("Expand", "e")):
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
            await pilot.press(*keys_for(description))
            await wait_until(pilot, lambda key=key: f"key: {key}" in screen_text(pilot), what=f"{description} in the palette", timeout=5)
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), what="palette closed")

        # Choosing one runs it.
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*keys_for("Cleanup"))
        await wait_until(pilot, lambda: "key: x" in screen_text(pilot), what="Cleanup in the palette")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CleanupScreen), what="the cleanup dialog")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CleanupScreen), what="dialog closed")
        assert app.is_running


# -- live state: pause, reload, follow ------------------------------------------------


async def write_outside(path: Path, *args: str) -> None:
    await asyncio.to_thread(external_write, path, *args)


async def test_pause_holds_the_view_reload_and_resume_apply_changes(varied_file: Path) -> None:
    app = frozen_app(varied_file, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        model = app.tree.model
        first, second = session_id(2), session_id(3)  # pending, completed
        short = first[:8]

        await pilot.press("p")
        assert app.paused
        assert "PAUSED" in screen_text(pilot)

        # An external change while paused: the banner says so, the view does not change.
        await write_outside(varied_file, "status", first, "failed")
        await wait_until(pilot, lambda: "Paused: the file has changed" in screen_text(pilot), what="the paused banner")
        await settle(pilot)
        assert model.summaries[first].status == "pending"
        assert "○ pending" in line_with(widget_text(pilot, app.tree), short)

        # r reloads even when paused (and stays paused).
        await pilot.press("r")
        await wait_until(pilot, lambda: "✗ failed" in line_with(widget_text(pilot, app.tree), short), what="reload")
        assert app.paused
        await wait_until(pilot, lambda: "Paused: the file has changed" not in screen_text(pilot), what="the banner gone")

        # Another change; p again applies it and goes live.
        await write_outside(varied_file, "status", second, "failed")
        await wait_until(pilot, lambda: "Paused: the file has changed" in screen_text(pilot), what="the banner again")
        assert model.summaries[second].status == "completed"
        await pilot.press("p")
        assert not app.paused
        await wait_until(pilot, lambda: model.summaries[second].status == "failed", what="resume applies the change")
        await wait_until(pilot, lambda: "Paused" not in screen_text(pilot), what="the banner gone")
        assert "LIVE" in screen_text(pilot)


def _long_session(lines: int = 60) -> Path:
    content = "\n".join(f"line {i:02d} of a long tool output" for i in range(lines))
    messages = [
        {"Role": "user", "Content": "Show me the log", "Summary": "", "Timestamp": "2026-11-24T11:50:00Z"},
        {"Role": "tool", "Content": content, "Summary": "the whole log", "Timestamp": "2026-11-24T11:51:00Z"},
    ]
    return fixture_document([fixture_session(40, "chat-long", "running", age=timedelta(minutes=20), idle=timedelta(minutes=9), messages=messages)])


async def test_long_messages_are_cut_and_e_expands_them(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", _long_session())
    app = frozen_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(40))
        view = app.messages_view
        text = widget_text(pilot, view)
        assert "line 11 of" in text
        assert "line 12 of" not in text
        assert "press e to expand" in text

        await pilot.press("tab", "tab")
        assert app.focused is view
        await pilot.press("e")
        await wait_until(pilot, lambda: "line 12 of" in widget_text(pilot, view), what="the expanded message")
        assert "press e to expand" not in widget_text(pilot, view)
        await pilot.press("end")
        await wait_until(pilot, lambda: "line 59 of" in widget_text(pilot, view), what="the end of the message")
        assert "↳ the whole log" in widget_text(pilot, view)

        await pilot.press("e")  # and cut again
        await pilot.press("home")
        await wait_until(pilot, lambda: "press e to expand" in widget_text(pilot, view), what="cut again")
        assert "line 59 of" not in widget_text(pilot, view)


async def test_selecting_a_long_history_shows_its_newest_messages(tmp_path: Path) -> None:
    """Following is on by default: a session's history opens at its newest message."""
    path = write(tmp_path / "s.json", long_history_document())
    app = frozen_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(21))
        view = app.messages_view
        assert view.follow and view.max_scroll_y > 0
        assert "Step 40: checked the scheduler lock." in widget_text(pilot, view)
        assert view.scroll_y == view.max_scroll_y


async def test_a_followed_history_stays_at_its_end_when_the_pane_is_resized(tmp_path: Path) -> None:
    """Narrower, the history wraps into more lines: a view that followed its end still shows it."""
    path = write(tmp_path / "s.json", long_history_document())
    app = frozen_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(21))
        view = app.messages_view
        await wait_until(pilot, lambda: view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y, what="the end")
        lines = view.virtual_size.height
        await pilot.resize_terminal(90, 50)
        await wait_until(pilot, lambda: view.virtual_size.height > lines, what="the history laid out again")
        await wait_until(
            pilot,
            lambda: view.scroll_y == view.max_scroll_y and "Step 40: checked the scheduler" in widget_text(pilot, view),
            what="the end again",
            timeout=5,
        )


async def test_a_history_shown_before_the_panes_scrollbar_exists_opens_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scroll to the end must not be lost while the first layout after the history has not
    yet given the pane a scrollbar (Textual ignores an unforced scroll there)."""
    path = write(tmp_path / "s.json", long_history_document())
    app = frozen_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(21))
        view = app.messages_view
        session = app.snapshot.session(session_id(21))
        view.show(None, [])
        await settle(pilot)
        assert view.max_scroll_y == 0 and not view.show_vertical_scrollbar
        # The worst order of the loop (a busy machine): what waits for a refresh runs before
        # the layout that gives the pane its scrollbar.
        def at_once(callback, *args, **kwargs) -> bool:
            result = callback(*args, **kwargs)
            if asyncio.iscoroutine(result):
                asyncio.ensure_future(result)
            return True

        monkeypatch.setattr(view, "call_after_refresh", at_once)
        view.show(session.id, session.messages)
        monkeypatch.undo()
        await wait_until(pilot, lambda: view.max_scroll_y > 0 and view.show_vertical_scrollbar, what="the scrollbar")
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y, what="the end", timeout=5)
        assert "Step 40: checked the scheduler lock." in widget_text(pilot, view)


async def test_following_keeps_the_newest_message_in_view_as_the_history_grows(tmp_path: Path) -> None:
    """A short history that grows past the pane's height keeps showing its newest message."""
    doc = fixture_document([fixture_session(60, "chat", "running", age=timedelta(minutes=5), idle=timedelta(minutes=1))])
    path = write(tmp_path / "s.json", doc)
    sid = session_id(60)
    app = frozen_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, sid)
        view = app.messages_view
        assert view.max_scroll_y == 0  # it all fits
        # One long message makes it overflow, and the next one must still be followed.
        big = "\n".join(f"output line {i:02d}" for i in range(10))
        for n, text in enumerate([big, big, "the newest message"], start=3):
            await write_outside(path, "append", sid, text)
            await pilot.press("r")
            await wait_until(pilot, lambda n=n: app.tree.model.summaries[sid].message_count == n, what=f"message {n}")
            await wait_until(pilot, lambda n=n: f"#{n} " in widget_text(pilot, view), what=f"message {n} shown", timeout=5)
        assert view.max_scroll_y > 0
        assert "the newest message" in widget_text(pilot, view)
        assert view.scroll_y == view.max_scroll_y


async def test_f_toggles_following_new_messages(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", long_history_document())
    sid = session_id(21)
    app = frozen_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, sid)
        view = app.messages_view
        view.focus()
        await pilot.press("end")  # at the bottom (whatever the view opened at)
        await wait_until(pilot, lambda: view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y, what="the bottom")
        assert view.follow
        assert "following" in widget_text(pilot, view)

        # Following: a new message scrolls into view.
        await write_outside(path, "append", sid, "first new message")
        await pilot.press("r")
        await wait_until(pilot, lambda: "first new message" in widget_text(pilot, view), what="followed message")
        assert view.scroll_y == view.max_scroll_y

        # Not following: the view stays where it is.
        await pilot.press("f")
        assert not view.follow
        assert "not following (f)" in widget_text(pilot, view)
        bottom = view.scroll_y
        await write_outside(path, "append", sid, "second new message")
        await pilot.press("r")
        await wait_until(pilot, lambda: app.tree.model.summaries[sid].message_count == 42, what="the second message")
        await settle(pilot)
        assert view.max_scroll_y > bottom
        assert view.scroll_y == bottom
        assert "second new message" not in widget_text(pilot, view)

        # f again: back to following, at the newest message.
        await pilot.press("f")
        await wait_until(pilot, lambda: "second new message" in widget_text(pilot, view), what="follow resumed")
        assert "not following" not in widget_text(pilot, view)


# -- untrusted text -----------------------------------------------------------------


def all_fields_hostile() -> dict:
    """A session with hostile text in every field that is shown."""
    text = HOSTILE + " \x9b31mCSI\r\x00end\ttab"
    messages = [{"Role": text, "Content": text, "Summary": text, "Timestamp": "2026-11-24T11:59:00Z"}]
    return fixture_document(
        [
            fixture_session(
                50,
                text,
                "failed",
                age=timedelta(minutes=5),
                idle=timedelta(minutes=1),
                agent=text,
                project=text,
                request=text,
                response=text,
                error=text,
                permission_mode=text,
                context={text: text},
                messages=messages,
            )
        ]
    )


async def click_everywhere(pilot, app: SessionApp, needle: str) -> int:
    """Click on every place ``needle`` shows on screen; return how many."""
    clicks = 0
    for y, line in enumerate(screen_text(pilot).splitlines()):
        x = line.find(needle)
        if x >= 0:
            # On the first character, and on the "x" that markup would have made a link.
            for dx in (0, needle.find("]x[") + 1):
                await pilot.click(offset=(x + dx, y))
                clicks += 1
            await pilot.pause()
            assert app.is_running
    return clicks


async def test_hostile_request_is_shown_literally_and_does_nothing(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(10))  # its request is HOSTILE
        text = screen_text(pilot)
        request = line_with(widget_text(pilot, app.detail), "Request")
        assert "[@click=app.quit]x[/] ␛]0;owned␇ [bold red]not bold[/]" in request
        assert raw_controls(text) == []
        # Markup was not applied: the text after [bold red] is not bold.
        styles = segment_styles(pilot, "not bold[/]")
        assert styles and not any(style and style.bold for style in styles)
        assert await click_everywhere(pilot, app, "[@click=app.quit]x[/]") >= 1
        assert app.is_running and app.return_code is None
        await pilot.press("down", "up")  # and the app still answers
        await settle(pilot)
        assert app.tree.cursor_session == session_id(10)


async def test_hostile_text_in_every_field_is_inert_everywhere(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", all_fields_hostile())
    app = frozen_app(path)
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        await move_to(pilot, app, session_id(50))
        text = screen_text(pilot)
        assert raw_controls(text) == []
        assert "[@click=app.quit]x[/]" in widget_text(pilot, app.tree)
        detail = widget_text(pilot, app.detail)
        for key in ("Chat", "Agent", "Project", "Request", "Response", "Error"):
            assert "[@click=app.quit]x[/] ␛]0;owned␇ [bold red]not bold[/]" in line_with(detail, key), key
        assert "␛[31mCSI" in detail  # the C1 CSI shown as ESC [
        assert "␍␀end" in detail
        messages = widget_text(pilot, app.messages_view)
        assert "[@click=app.quit]x[/]" in messages and "␛]0;owned␇" in messages
        assert await click_everywhere(pilot, app, "[@click=app.quit]x[/]") >= 3
        assert app.is_running and app.return_code is None

        # The confirm dialog names the session with the same text, inert.
        await pilot.press("d")
        await wait_until(pilot, lambda: "Delete this session?" in screen_text(pilot), what="the confirm dialog")
        assert raw_controls(screen_text(pilot)) == []
        assert "[@click=app.quit]x[/]" in screen_text(pilot)
        await click_everywhere(pilot, app, "[@click=app.quit]x[/]")
        await pilot.press("n")
        await wait_until(pilot, lambda: "Delete this session?" not in screen_text(pilot), what="dialog closed")
        assert app.is_running and session_id(50) in app.tree.model.summaries
