"""Edits through the real app (issue 5): close, delete, cleanup, filters, marks, read-only, failures.

Every result is checked in the file itself, read with the plain ``json`` module;
expectations come from the fixture document (tui/demo/fixtures.py).
"""

from __future__ import annotations

import asyncio
import subprocess
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from textual.widgets import Button, Static

import tui.session.json_source as json_source
from tui.app.app import SessionApp
from tui.app.screens.cleanup import CleanupScreen
from tui.app.screens.confirm import ConfirmScreen
from tui.demo.fixtures import (
    NOW,
    fixture_document,
    fixture_session,
    session_id,
    varied_document,
    write,
)
from tui.session import SessionStoreJSON

from apphelpers import (
    Notifications,
    file_items,
    frozen_app,
    quiesce,
    ready,
    screen_text,
    settle,
    start_writer,
    wait_until,
    widget_text,
)

SIZE = (160, 50)
ALL = {session_id(n) for n in range(1, 12)}


def short(n: int) -> str:
    return session_id(n)[:8]


def parse_go_time(text: str) -> datetime | None:
    return None if text.startswith("0001-01-01") else datetime.fromisoformat(text)


def keys_for(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


def unchanged_except(before: dict, after: dict, ids: set[str]) -> None:
    """Every session not in ``ids`` is in ``after`` exactly as it was."""
    for sid, session in before.items():
        if sid not in ids:
            assert after.get(sid) == session, f"session {sid} changed"


async def select(pilot, app: SessionApp, n: int) -> None:
    assert app.tree.select_session(session_id(n))
    await settle(pilot)


async def confirm_dialog(pilot, app: SessionApp) -> str:
    """Wait for the confirm dialog; return its text."""
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirm dialog")
    await pilot.pause()
    return screen_text(pilot)


async def dialog_closed(pilot, app: SessionApp) -> None:
    await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
    await settle(pilot)


async def notified(pilot, text: str) -> None:
    await wait_until(pilot, lambda: text in screen_text(pilot), what=f"the notification {text!r}")


# -- delete and close -----------------------------------------------------------


async def test_filter_to_one_session_and_delete_it(varied_file: Path) -> None:
    before = file_items(varied_file)
    target = session_id(7)
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("slash", *short(7))
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [target], what="the filter")
        await pilot.press("enter")
        tree = widget_text(pilot, app.tree)
        assert short(7) in tree and not any(short(n) in tree for n in range(1, 12) if n != 7)

        await pilot.press("d")
        dialog = await confirm_dialog(pilot, app)
        assert "Delete this session?" in dialog
        assert short(7) in dialog and "oc_7b169c846f218ab552fa82fbf86758bf" in dialog
        await pilot.press("y")
        await dialog_closed(pilot, app)
        await wait_until(pilot, lambda: target not in file_items(varied_file), what="the delete")
        await notified(pilot, "Deleted 1 session.")
        await wait_until(pilot, lambda: target not in app.tree.model.summaries, what="the tree to follow the file")

    after = file_items(varied_file)
    assert set(after) == set(before) - {target}
    unchanged_except(before, after, {target})


async def test_mark_a_set_and_close_it(varied_file: Path) -> None:
    before = file_items(varied_file)
    chosen = {session_id(n) for n in (1, 2, 3, 4)}
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await select(pilot, app, 2)  # first row of chat 5302729479: 2, 1, 3
        await pilot.press("space", "space", "space")  # each mark moves the cursor down
        await select(pilot, app, 4)
        await pilot.press("space")
        await pilot.pause()
        assert app.tree.model.marked == chosen
        tree = widget_text(pilot, app.tree)
        for n in range(1, 12):
            line = next(line for line in tree.splitlines() if short(n) in line)
            assert ("◆" in line) == (session_id(n) in chosen), line
        assert "4 marked" in tree

        await select(pilot, app, 9)  # the cursor elsewhere: the marks win
        await pilot.press("c")
        dialog = await confirm_dialog(pilot, app)
        assert "Close 4 sessions?" in dialog
        assert all(short(n) in dialog for n in (1, 2, 3, 4))
        await pilot.press("y")
        await dialog_closed(pilot, app)
        await wait_until(
            pilot,
            lambda: all(file_items(varied_file)[sid]["Status"] == "closed" for sid in chosen),
            what="the close",
        )
        await notified(pilot, "Closed 4 sessions.")
        await wait_until(pilot, lambda: not app.tree.model.marked, what="marks cleared")
        await wait_until(pilot, lambda: all(app.tree.model.summaries[sid].status == "closed" for sid in chosen), what="tree")

    after = file_items(varied_file)
    assert set(after) == set(before)
    unchanged_except(before, after, chosen)
    for sid in chosen:
        for key, value in before[sid].items():
            if key not in ("Status", "LastActivity"):
                assert after[sid][key] == value, (sid, key)


async def test_bulk_actions_apply_to_the_visible_marks_only(varied_file: Path) -> None:
    before = file_items(varied_file)
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        app.tree.model.toggle_marks([session_id(1), session_id(4)])
        await pilot.press("slash", *"5302729479", "enter")  # hides session 4 (another chat)
        await wait_until(pilot, lambda: session_id(4) not in app.tree.model.visible_ids(), what="the filter")
        await pilot.press("c")
        dialog = await confirm_dialog(pilot, app)
        assert "Close this session?" in dialog and short(1) in dialog and short(4) not in dialog
        await pilot.press("y")
        await dialog_closed(pilot, app)
        await wait_until(pilot, lambda: file_items(varied_file)[session_id(1)]["Status"] == "closed", what="the close")
        await notified(pilot, "Closed 1 session.")
    unchanged_except(before, file_items(varied_file), {session_id(1)})


# (In the cleanup dialog "n" is a letter typed into the age box: only escape cancels there.)
@pytest.mark.parametrize(("key", "cancel"), [("c", "n"), ("c", "escape"), ("d", "n"), ("d", "escape"), ("x", "escape")])
async def test_cancel_changes_nothing(varied_file: Path, key: str, cancel: str) -> None:
    data = varied_file.read_bytes()
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        app.tree.model.toggle_marks([session_id(1), session_id(6)])
        await pilot.press(key)
        dialog = ConfirmScreen if key != "x" else CleanupScreen
        await wait_until(pilot, lambda: isinstance(app.screen, dialog), what="the dialog")
        await pilot.press(cancel)
        await dialog_closed(pilot, app)
        assert app.is_running
        assert app.tree.model.marked == {session_id(1), session_id(6)}  # a cancel keeps the marks
    assert varied_file.read_bytes() == data


# -- cleanup ------------------------------------------------------------------------


def cleanup_expectation(age: timedelta, now: datetime) -> set[str]:
    """What cleanup must remove: ended sessions idle longer than ``age``, never persistent ones."""
    doomed = set()
    for sid, s in varied_document()["items"].items():
        ended = s["Status"] in ("closed", "completed", "failed", "expired")
        persistent = parse_go_time(s["ExpiresAt"]) is None
        if ended and not persistent and parse_go_time(s["LastActivity"]) < now - age:
            doomed.add(sid)
    return doomed


async def run_cleanup(pilot, app: SessionApp, path: Path, expected: set[str]) -> None:
    """Open the cleanup dialog with its default 7d, check the preview, confirm, and wait for the file."""
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, CleanupScreen), what="the cleanup dialog")
    await pilot.pause()
    preview = widget_text(pilot, app.screen.query_one("#preview"))
    assert f"{len(expected)} sessions would be removed" in preview, preview
    for sid in ALL:
        assert (sid[:8] in preview) == (sid in expected), (sid, preview)
    assert not app.screen.query_one("#yes", Button).disabled
    await pilot.press("enter")
    await dialog_closed(pilot, app)
    await wait_until(pilot, lambda: len(file_items(path)) < len(ALL), what="the cleanup")
    removed = ALL - set(file_items(path))
    assert removed == expected, f"the preview listed {sorted(expected)}, the cleanup removed {sorted(removed)}"
    await notified(pilot, f"Cleaned up {len(expected)} sessions.")


async def test_cleanup_7d_removes_exactly_the_ended_sessions_older_than_a_week(varied_file: Path) -> None:
    before = file_items(varied_file)
    expected = cleanup_expectation(timedelta(days=7), NOW)
    assert expected == {session_id(6), session_id(11)}  # closed 9 and 12 days ago (8 is persistent)
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await run_cleanup(pilot, app, varied_file, expected)
    after = file_items(varied_file)
    assert set(after) == set(before) - expected
    unchanged_except(before, after, expected)


async def test_cleanup_removes_what_its_preview_listed_whatever_the_apps_clock(tmp_path: Path) -> None:
    """The preview is computed with the app's clock; the cleanup must use the same one.

    A month after the fixture's NOW, every ended session but the persistent one
    is older than a week; running, pending and unknown ones stay.
    """
    later = NOW + timedelta(days=30)
    path = write(tmp_path / "bot_sessions.json", varied_document())
    before = file_items(path)
    expected = cleanup_expectation(timedelta(days=7), later)
    assert expected == {session_id(n) for n in (3, 4, 6, 7, 10, 11)}
    app = frozen_app(path, clock=lambda: later)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await run_cleanup(pilot, app, path, expected)
    assert set(file_items(path)) == set(before) - expected


async def test_bad_age_says_why_and_cannot_be_confirmed(varied_file: Path) -> None:
    data = varied_file.read_bytes()
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, CleanupScreen), what="the cleanup dialog")
        dialog = app.screen
        preview = dialog.query_one("#preview", Static)
        for value, reason in (
            ("7x", "expected a number and a unit (s, m, h, d, w), like 7d"),
            ("0d", "must be more than zero"),
            ("", "expected a number and a unit"),
            ("1000w", "Nothing is idle longer than 1000w"),
            ("1000000d", "too large, at most 365000d"),
            ("99999999999d", "too large, at most 365000d"),
        ):
            await pilot.press("end", *["backspace"] * 8, *keys_for(value))
            await wait_until(pilot, lambda reason=reason: reason in widget_text(pilot, preview), what=f"the reason for {value!r}")
            assert dialog.query_one("#yes", Button).disabled
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog  # not confirmed
        await pilot.press("escape")
        await dialog_closed(pilot, app)
    assert varied_file.read_bytes() == data


# -- concurrent writers ---------------------------------------------------------------


async def test_a_delete_while_another_process_appends_loses_no_append(varied_file: Path, tmp_path: Path) -> None:
    before = file_items(varied_file)
    appended = [session_id(1), session_id(3)]
    target = session_id(7)
    stop, acks_file = tmp_path / "stop", tmp_path / "acks"

    def acks() -> list[str]:
        lines = acks_file.read_text().split("\n")
        return lines[:-1]  # only complete lines: the last may be half written

    app = frozen_app(varied_file, watch=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        with acks_file.open("w") as out:
            writer = start_writer(varied_file, "append-loop", str(stop), *appended, stdout=out)
            try:
                await wait_until(pilot, lambda: len(acks()) >= 5, what="the writer to start appending", timeout=30)
                await select(pilot, app, 7)
                await pilot.press("d")
                await confirm_dialog(pilot, app)
                await pilot.press("y")
                await wait_until(pilot, lambda: target not in file_items(varied_file), what="the delete", timeout=30)
                during = len(acks())
                await wait_until(pilot, lambda: len(acks()) >= during + 5, what="appends after the delete", timeout=30)
            finally:
                stop.touch()
                code = await asyncio.to_thread(writer.wait, 60)
        assert code == 0, "the writer failed"
        await notified(pilot, "Deleted 1 session.")
        # The view catches up with the last append, then stops following the file.
        final = file_items(varied_file)
        await wait_until(
            pilot,
            lambda: all(app.tree.model.summaries[sid].message_count == len(final[sid]["Messages"]) for sid in appended),
            what="the view to catch up",
        )
        await quiesce(pilot)

    after = file_items(varied_file)
    assert set(after) == set(before) - {target}
    done = [line.split(" ", 1) for line in acks_file.read_text().splitlines()]
    assert len(done) >= 10
    for sid in appended:
        written = [m["Content"] for m in after[sid]["Messages"][len(before[sid]["Messages"]) :]]
        acknowledged = [text for who, text in done if who == sid]
        # Every acknowledged append is there, in order (one more may have landed unacknowledged).
        assert written[: len(acknowledged)] == acknowledged
        assert len(written) - len(acknowledged) in (0, 1)
    unchanged_except(before, after, {target, *appended})


# -- read-only and failures ------------------------------------------------------------


async def test_read_only_refuses_every_edit_and_writes_nothing(varied_file: Path) -> None:
    data = varied_file.read_bytes()
    app = frozen_app(varied_file, read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert "read-only" in screen_text(pilot).splitlines()[-2]  # the status bar says so
        await select(pilot, app, 6)
        await pilot.press("space")
        for key in ("c", "d", "x"):  # not offered (test_chrome.py): their keys do nothing
            await pilot.press(key)
            await settle(pilot)
            assert len(app.screen_stack) == 1  # no dialog
        for verb in ("close", "delete", "clean up"):  # nor does an action run some other way
            getattr(app, {"close": "action_close_sessions", "delete": "action_delete_sessions", "clean up": "action_cleanup"}[verb])()
            await notified(pilot, f"Read-only: cannot {verb}")
            assert len(app.screen_stack) == 1
        await pilot.press("y")  # nothing is waiting for a yes
        await settle(pilot)
        assert app.is_running
    assert varied_file.read_bytes() == data
    assert not Path(f"{varied_file}.lock").exists()  # not even the lock was taken


async def test_an_edit_on_an_invalid_file_fails_clearly_and_writes_nothing(varied_file: Path) -> None:
    good = varied_file.read_bytes()
    notes = Notifications()
    app = frozen_app(varied_file)  # no watcher: the app keeps its last good reading
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        broken = good[: len(good) // 2]
        varied_file.write_bytes(broken)
        await select(pilot, app, 6)
        await pilot.press("d")
        await confirm_dialog(pilot, app)
        await pilot.press("y")
        await dialog_closed(pilot, app)
        await notified(pilot, "Could not delete:")
        # The message says which file and what is wrong with it.
        [note] = notes.having("Could not delete:")
        assert str(varied_file) in note and "line" in note
        assert app.is_running
        assert varied_file.read_bytes() == broken
        assert sorted(p.name for p in varied_file.parent.iterdir()) == ["bot_sessions.json", "bot_sessions.json.lock"]

        # Once the file is good again, the same edit goes through.
        varied_file.write_bytes(good)
        await pilot.press("d")
        await confirm_dialog(pilot, app)
        await pilot.press("y")
        await wait_until(pilot, lambda: session_id(6) not in file_items(varied_file), what="the delete")


async def test_an_edit_while_another_process_holds_the_lock_fails_clearly(
    varied_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app's store waits 10 s for the lock by default; half a second keeps the test short.
    monkeypatch.setattr(json_source, "SessionStoreJSON", partial(SessionStoreJSON, lock_timeout=0.5))
    data = varied_file.read_bytes()
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        holder = start_writer(varied_file, "hold-lock", stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert await asyncio.to_thread(holder.stdout.readline) == "locked\n"
            await select(pilot, app, 1)
            await pilot.press("c")
            await confirm_dialog(pilot, app)
            await pilot.press("y")
            await notified(pilot, "Could not close:")
            assert "lock" in screen_text(pilot)
            assert app.is_running
            assert varied_file.read_bytes() == data
        finally:
            holder.stdin.close()
            await asyncio.to_thread(holder.wait, 30)

        await pilot.press("c")
        await confirm_dialog(pilot, app)
        await pilot.press("y")
        await wait_until(
            pilot, lambda: file_items(varied_file)[session_id(1)]["Status"] == "closed", what="the close after the lock"
        )


@pytest.mark.parametrize("hostile_id", ["[@click=app.quit]x[/]", "[/nope]"])
async def test_a_failed_edit_shows_untrusted_text_inert(tmp_path: Path, hostile_id: str) -> None:
    """SPEC §3 Safety holds for notifications too: the error names the session by its (untrusted) id.

    A bad message timestamp is only found when the session is decoded, so the
    session lists fine and its close fails with an error that quotes the id.
    """
    session = fixture_session(70, "chat", "running", age=timedelta(minutes=5), idle=timedelta(minutes=1))
    session["ID"] = hostile_id
    session["Messages"][0]["Timestamp"] = "not a time"
    path = write(tmp_path / "bot_sessions.json", fixture_document([session]))
    data = path.read_bytes()
    app = frozen_app(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await confirm_dialog(pilot, app)
        await pilot.press("y")
        await notified(pilot, "Could not close:")
        [toast] = app.screen.query("Toast")
        text = widget_text(pilot, toast)
        flat = " ".join(line.strip("▌ ") for line in text.splitlines())  # undo the toast's wrapping
        assert f"session '{hostile_id}'" in flat  # shown as written, not as markup
        # Click on the id, where markup would have made a link of "x".
        for row, line in enumerate(text.splitlines()):
            if hostile_id in line:
                start = line.index(hostile_id)
                for column in {start, start + max(0, hostile_id.find("x"))}:
                    await pilot.click(offset=(toast.region.x + column, toast.region.y + row))
                    await pilot.pause()
        assert app.is_running and app.return_code is None
    assert path.read_bytes() == data


# -- filters ---------------------------------------------------------------------


def status_expectation(status: str) -> set[str]:
    """The fixture sessions a status filter shows (``stale``: running or pending past
    expiry, and then neither running nor pending)."""
    found = set()
    for sid, s in varied_document()["items"].items():
        expires = parse_go_time(s["ExpiresAt"])
        stale = s["Status"] in ("running", "pending") and expires is not None and expires < NOW
        if (status == "stale" and stale) or (not stale and s["Status"] == status):
            found.add(sid)
    return found


async def test_status_filter_cycles_and_shows_only_that_status(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        for status in ("running", "pending", "stale", "failed", "completed", "closed", "expired"):
            await pilot.press("s")
            await pilot.pause()
            expected = status_expectation(status)
            assert expected, status
            assert set(app.tree.model.visible_ids()) == expected, status
            tree = widget_text(pilot, app.tree)
            for sid in ALL:
                assert (sid[:8] in tree) == (sid in expected), (status, sid)
        await pilot.press("s")  # and back to everything
        await pilot.pause()
        assert set(app.tree.model.visible_ids()) == ALL


async def test_the_status_bar_names_the_active_filter(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        status_bar = app.query_one("#status")
        for status in ("running", "pending", "stale", "failed", "completed", "closed", "expired"):
            await pilot.press("s")
            await pilot.pause()
            assert f"filter status: {status}" in widget_text(pilot, status_bar)
        await pilot.press("s", "slash", *"5302729479")
        await wait_until(pilot, lambda: len(app.tree.model.visible_ids()) == 3, what="the text filter")
        assert "filter text: 5302729479" in widget_text(pilot, status_bar)
        await pilot.press("escape")
        await pilot.pause()
        assert "filter" not in widget_text(pilot, status_bar)


async def test_escape_clears_the_text_and_status_filters(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("s", "slash", *"5302729479")
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(1)], what="both filters")
        await pilot.press("escape")  # from the filter box
        await wait_until(pilot, lambda: set(app.tree.model.visible_ids()) == ALL, what="the filters cleared")
        assert not app.query_one("#filter").display
        assert app.focused is app.tree

        await pilot.press("s", "s")  # pending, then escape from the tree
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(2)], what="pending")
        await pilot.press("escape")
        await wait_until(pilot, lambda: set(app.tree.model.visible_ids()) == ALL, what="cleared again")


async def test_a_filter_that_matches_nothing_says_so(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"no-such-session")
        await wait_until(pilot, lambda: "Nothing matches the filter" in screen_text(pilot), what="the empty note")
        await pilot.press("enter", "d")  # nothing to delete
        await notified(pilot, "Nothing to delete")
        assert len(app.screen_stack) == 1
