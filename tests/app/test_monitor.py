"""The monitor's keys under Pilot (SPEC §8): order, attention, taking things out, times, themes."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tui.app.state.tree_model import ChatRow, SessionRow
from tui.demo.fixtures import NOW, fixture_document, fixture_session, session_id, write

from apphelpers import Notifications, external_write, frozen_app, quiesce, ready, settle, wait_until, widget_text

M = timedelta(minutes=1)

SIZE = (120, 40)


def chat_order(app) -> list[str]:  # type: ignore[no-untyped-def]
    model = app.tree.model
    return [row.chat_id for row in (model.row_at(i) for i in range(model.row_count)) if isinstance(row, ChatRow)]


# -- order ----------------------------------------------------------------------------


async def test_o_cycles_the_order_shown_on_the_border_and_the_cursor_keeps_its_session(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tree = app.tree
        target = session_id(6)  # closed, last in chat -1001947779410 in every order
        assert tree.select_session(target)
        await settle(pilot)
        assert chat_order(app)[0] == "5302729479"  # the most recently active chat
        assert "Sessions · by activity" in widget_text(pilot, tree).splitlines()[0]
        seen = []
        for expected, label, first in (
            ("chat", "by chat id", "-1001947779410"),
            ("failures", "failures first", "-1001947779410"),
            ("activity", "by activity", "5302729479"),
        ):
            await pilot.press("o")
            await settle(pilot)
            seen.append(tree.model.order)
            assert tree.model.order == expected
            assert chat_order(app)[0] == first
            assert f"Sessions · {label}" in widget_text(pilot, tree).splitlines()[0]
            assert tree.cursor == SessionRow("-1001947779410", target)
            assert app.detail.session_id == target
        assert seen == ["chat", "failures", "activity"]


# -- attention ------------------------------------------------------------------------


async def test_n_and_shift_n_jump_to_failed_and_stale_sessions_opening_collapsed_chats(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        tree = app.tree
        tree.model.toggle_chat("-1001947779410", expanded=False)
        tree.move_cursor(0)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert tree.cursor_session == session_id(4)  # failed; its chat opened
        assert "-1001947779410" not in tree.model.collapsed
        assert app.detail.session_id == session_id(4)
        await pilot.press("n")
        assert tree.cursor_session == session_id(5)  # stale
        await pilot.press("n")
        assert tree.cursor_session == session_id(4)  # wrapped
        await pilot.press("N")
        assert tree.cursor_session == session_id(5)  # wrapped backwards
        await pilot.press("N")
        assert tree.cursor_session == session_id(4)
        await pilot.press("s", "s")  # status filter: pending
        await settle(pilot)
        before = tree.cursor
        await pilot.press("n")
        await settle(pilot)
        assert tree.cursor == before  # nowhere to go
        assert any("No shown session is failed or stale" in n.message for n in app._notifications)


def _summaries_at(path: Path) -> dict:
    return {sid: s for sid, s in json.loads(path.read_text())["items"].items()}


async def test_a_session_turning_failed_or_stale_raises_a_notification_naming_it_and_rings_with_bell(
    varied_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = [NOW]
    app = frozen_app(varied_file, watch=True, clock=lambda: times[0], bell=True)
    rung: list[bool] = []
    monkeypatch.setattr(app, "bell", lambda: rung.append(True))
    notes = Notifications()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        assert notes.having("Session") == [] and rung == []  # already failed or stale at the start: no alert
        await asyncio.to_thread(external_write, varied_file, "status", session_id(2), "failed")
        await wait_until(pilot, lambda: notes.having("00000002"), what="the failed alert")
        assert notes.having("Session 00000002 in chat 5302729479 failed.")
        assert rung == [True]
        # Time passes: session 1 (running) expires 20 minutes after NOW.
        times[0] = NOW + 21 * M
        app._tick()
        await wait_until(pilot, lambda: notes.having("00000001"), what="the stale alert")
        assert notes.having("Session 00000001 in chat 5302729479 is stale.")
        assert len(rung) == 2
        await quiesce(pilot)


async def test_without_bell_no_bell(varied_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    times = [NOW]
    app = frozen_app(varied_file, clock=lambda: times[0])
    rung: list[bool] = []
    monkeypatch.setattr(app, "bell", lambda: rung.append(True))
    notes = Notifications()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        times[0] = NOW + 21 * M
        app._tick()
        await wait_until(pilot, lambda: notes.having("00000001"), what="the stale alert")
        assert rung == []


async def test_changes_out_of_view_are_counted_on_the_border_until_scrolled_into_view(tmp_path: Path) -> None:
    sessions = [
        fixture_session(100 + i, f"chat-{i:03d}", "completed", age=timedelta(hours=1 + i), idle=timedelta(hours=1 + i))
        for i in range(80)
    ]
    path = write(tmp_path / "s.json", fixture_document(sessions))
    app = frozen_app(path, watch=True, clock=datetime.now().astimezone)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        tree = app.tree
        await pilot.press("o")  # by chat id: a change moves no row (by activity it would go to the top)
        assert tree.select_session(session_id(140))  # halfway down: rows above and below are off screen
        await settle(pilot)
        top = tree.scroll_offset.y
        assert top > 0
        await asyncio.to_thread(external_write, path, "create", "a-new-chat")  # most recent: the first row
        await asyncio.to_thread(external_write, path, "status", session_id(179), "failed")  # the last chat
        await wait_until(pilot, lambda: tree.unseen_text == "1 new above · 1 changed below", what="the counts")
        border = widget_text(pilot, tree).splitlines()[-1]
        assert "1 new above · 1 changed below" in border
        assert tree.cursor_session == session_id(140)
        tree.scroll_to(y=0, animate=False, immediate=True)
        await wait_until(pilot, lambda: tree.unseen_text == "1 changed below", what="the new one seen")
        tree.scroll_end(animate=False, immediate=True)
        await wait_until(pilot, lambda: tree.unseen_text == "", what="everything seen")
        await pilot.pause()
        assert "changed below" not in widget_text(pilot, tree).splitlines()[-1]
        await quiesce(pilot)


def test_bell_option_reaches_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.app.run as run
    import tui.cli.main as cli_main

    seen: dict[str, object] = {}
    monkeypatch.setattr(run, "run_app", lambda path, **options: seen.update(options) or 0)
    monkeypatch.setattr(cli_main, "_no_terminal", lambda: None)  # pytest's streams are not a terminal
    assert cli_main.main([str(tmp_path / "x.json"), "--bell"]) == 0
    assert seen["bell"] is True
    assert cli_main.main([str(tmp_path / "x.json")]) == 0
    assert seen["bell"] is False


# -- taking things out -------------------------------------------------------------------


async def test_y_copies_the_selected_id_and_says_so(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    notes = Notifications()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(4))
        await pilot.press("y")
        assert app.clipboard == session_id(4)
        assert notes.having(f"Copied {session_id(4)} to the clipboard.")
        app.tree.move_cursor(0)  # a chat row: nothing to copy
        await pilot.press("y")
        assert app.clipboard == session_id(4)
        assert notes.having("Select a session")


PAGER_SCRIPT = """
import shutil, sys
shutil.copyfile(sys.argv[-1], sys.argv[1])
"""


async def test_v_shows_the_session_as_markdown_in_the_pager(
    varied_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, seen = tmp_path / "pager.py", tmp_path / "seen.md"
    script.write_text(PAGER_SCRIPT)
    monkeypatch.setenv("PAGER", f"{sys.executable} {script} {seen}")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the text is handed over
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(10))  # its request holds markup
        await pilot.press("v")
        await settle(pilot)
        text = seen.read_text(encoding="utf-8")
        assert text.startswith(f"# Session `{session_id(10)}`")
        assert "message 2 of session 10" in text
        assert "\x1b" not in text
        assert app.is_running and app.tree.cursor_session == session_id(10)
        assert list(tmp_path.glob("session-tui-session-*")) == []


async def test_v_without_any_pager_says_so(varied_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no less there
    notes = Notifications()
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(1))
        await pilot.press("v")
        assert notes.having("No pager: set $PAGER, or install less.")
        monkeypatch.setenv("PAGER", str(tmp_path / "no-such-pager"))
        await pilot.press("v")
        assert notes.having("Could not run the pager")


def test_the_pager_is_pager_else_less() -> None:
    from tui.app.pager import pager_command

    assert pager_command({"PAGER": "less -R", "PATH": ""}) == ["less", "-R"]
    assert pager_command({"PAGER": "  ", "PATH": "/nonexistent"}) is None
    assert pager_command({"PAGER": "'unclosed", "PATH": ""}) is None


# -- times ---------------------------------------------------------------------------------


async def test_t_toggles_every_time_between_the_local_zone_and_utc_named_once_in_the_status_bar(varied_file: Path) -> None:
    from datetime import timezone

    india = timezone(timedelta(hours=5, minutes=30))
    app = frozen_app(varied_file, clock=lambda: NOW.astimezone(india))  # a "local" zone that is not UTC
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(1))  # created 11:50Z, first message 11:53Z
        await wait_until(pilot, lambda: app.detail.session_id == session_id(1), what="the detail of session 1")
        await settle(pilot)

        def shown() -> tuple[str, str, str]:
            status = widget_text(pilot, app.query_one("#status"))
            return status, widget_text(pilot, app.detail), widget_text(pilot, app.messages_view)

        status, detail, messages = shown()
        assert "17:30:00 +05:30" in status and "UTC" not in status
        assert "2026-11-24 17:20:00" in detail and "stored 2026-11-24T11:50:00.000000123Z" in detail
        assert "2026-11-24 17:23:00" in messages
        await pilot.press("t")
        await settle(pilot)
        status, detail, messages = shown()
        assert "12:00:00 UTC" in status and "+05:30" not in status
        assert "2026-11-24 11:50:00" in detail and "17:20:00" not in detail
        assert "stored 2026-11-24T11:50:00.000000123Z" in detail  # the raw value stays
        assert "2026-11-24 11:53:00" in messages
        assert "5m ago" in detail  # relative times do not change
        await pilot.press("t")
        await settle(pilot)
        assert "17:30:00 +05:30" in shown()[0]


# -- themes ---------------------------------------------------------------------------------


async def test_the_theme_chosen_is_remembered_and_used_next_time_unless_theme_is_given(varied_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "config" / "session-tui"
    app = frozen_app(varied_file, config_dir=folder)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not (folder / "settings.json").exists()  # nothing chosen yet
        app.theme = "nord"  # as the palette's theme picker does
        await wait_until(pilot, lambda: (folder / "settings.json").exists(), what="the settings file")
        await settle(pilot)
    assert json.loads((folder / "settings.json").read_text()) == {"theme": "nord"}

    again = frozen_app(varied_file, config_dir=folder)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert again.theme == "nord"
    given = frozen_app(varied_file, config_dir=folder, theme="textual-light")
    async with given.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert given.theme == "textual-light"  # --theme wins
        await settle(pilot)
    assert json.loads((folder / "settings.json").read_text()) == {"theme": "nord"}  # and is not remembered


@pytest.mark.parametrize(
    ("contents", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"theme": 3}', "'theme' must be a string"),
        ('{"theme": "no-such-theme"}', "unknown theme 'no-such-theme'"),
    ],
)
async def test_a_broken_settings_file_is_ignored_with_a_notice(
    varied_file: Path, tmp_path: Path, contents: str, problem: str
) -> None:
    folder = tmp_path / "session-tui"
    folder.mkdir()
    (folder / "settings.json").write_text(contents)
    notes = Notifications()
    app = frozen_app(varied_file, config_dir=folder)
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        assert app.theme == "textual-dark"
        assert [note for note in notes.having("Settings ignored") if problem in note], notes.texts
    assert (folder / "settings.json").read_text() == contents  # left as it was


def test_the_config_folder_follows_xdg() -> None:
    from tui.app.settings import config_dir

    assert config_dir({"XDG_CONFIG_HOME": "/x/conf", "HOME": "/home/a"}) == Path("/x/conf/session-tui")
    assert config_dir({"HOME": "/home/a"}) == Path("/home/a/.config/session-tui")
    assert config_dir({"XDG_CONFIG_HOME": "relative", "HOME": "/home/a"}) == Path("/home/a/.config/session-tui")
