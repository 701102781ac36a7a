"""The filter's search in message text (tui/app/state/search.py), and in the app."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tui.app.state.search import search_texts
from tui.session.text_search import plain_run
from tui.demo.fixtures import fixture_document, fixture_session, session_id, write
from tui.session import read_snapshot

from apphelpers import frozen_app, quiesce, ready, settle, wait_until

M = timedelta(minutes=1)


def odd_texts_document() -> dict:
    messages = [
        {"Role": "user", "Content": 'use <div class="x"> & then\nnew line', "Summary": "", "Timestamp": "2026-11-24T11:00:00Z"},
        {"Role": "assistant", "Content": "Готово: 项目 updated", "Summary": "Straße done", "Timestamp": "2026-11-24T11:01:00Z"},
    ]
    return fixture_document(
        [
            fixture_session(1, "a", "running", age=M, idle=M, messages=messages),
            fixture_session(2, "a", "failed", age=M, idle=M, error="Disk FULL on /var", response="nothing"),
            fixture_session(3, "b", "completed", age=M, idle=M),
        ]
    )


@pytest.fixture
def odd_snapshot(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "s.json", odd_texts_document())
    return read_snapshot(path)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("All 214 tests pass", {3}),  # session 3's response
        ("all 214 TESTS", {3}),  # any case
        ("of session 4", {4}),  # a message
        ("context window exceeded", {4}),  # the error
        ("Content", set()),  # a key of every message, not a text
        ("2026-11-24", set()),  # a time, not a text
        ("no such words", set()),
    ],
)
def test_search_finds_response_error_and_message_text(varied_file: Path, needle: str, expected: set[int]) -> None:
    snapshot = read_snapshot(varied_file)
    assert search_texts(snapshot, needle) == {session_id(n) for n in expected}


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ('<div class="x">', {1}),  # escaped in the file (\u003c, \")
        ("& then", {1}),
        ("then\nnew", {1}),  # a newline (\n in the file)
        ("项目", {1}),  # no ASCII to look for: every session decoded
        ("готово", {1}),  # casefolded
        ("STRAßE", {1}),  # the ASCII part in any case
        ("STRASSE", set()),  # the documented limit: the ASCII of the needle must be in the bytes (not ß's "ss")
        ("disk full", {2}),
        ("nothing", {2}),
    ],
)
def test_search_sees_through_json_escapes_and_case(odd_snapshot, needle: str, expected: set[int]) -> None:  # type: ignore[no-untyped-def]
    raw = bytes(odd_snapshot.raw(session_id(1)))
    assert b"<div" not in raw or b"\\n" in raw  # (the file holds escapes)
    assert search_texts(odd_snapshot, needle) == {session_id(n) for n in expected}


def test_search_only_some_sessions_and_stops_when_cancelled(varied_file: Path) -> None:
    snapshot = read_snapshot(varied_file)
    assert search_texts(snapshot, "of session", only=[session_id(1), session_id(2)]) == {session_id(1)}
    assert search_texts(snapshot, "of session", cancelled=lambda: True) is None
    assert search_texts(snapshot, "") == frozenset()


def test_plain_run_is_the_longest_part_json_writes_as_is() -> None:
    assert plain_run('say "hello world" <b>') == "hello world"
    assert plain_run("项目") == ""
    assert plain_run("a\nbcd") == "bcd"


async def test_the_filter_finds_sessions_by_their_message_text(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *["space" if c == " " else c for c in "of session 4"])
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(4)], what="the search's match")
        # The next keystroke searches again ("of session 1" is in 10's and 11's messages too).
        await pilot.press("backspace", "1")
        expected = {session_id(n) for n in (1, 10, 11)}
        await wait_until(pilot, lambda: set(app.tree.model.visible_ids()) == expected, what="the new matches")
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.tree.model.visible_ids()) == 11
        await quiesce(pilot)


async def test_a_message_written_while_filtering_is_found_in_the_sessions_it_changed(varied_file: Path) -> None:
    import asyncio

    from apphelpers import external_write

    app = frozen_app(varied_file, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *["space" if c == " " else c for c in "of session 4"])
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(4)], what="the first match")
        await asyncio.to_thread(external_write, varied_file, "append", session_id(2), "now of session 4 too")
        expected = {session_id(2), session_id(4)}
        await wait_until(pilot, lambda: set(app.tree.model.visible_ids()) == expected, what="the written message found")
        await quiesce(pilot)


async def test_the_history_highlights_the_filters_text(varied_file: Path) -> None:
    from apphelpers import widget_text

    app = frozen_app(varied_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *["space" if c == " " else c for c in "OF SESSION 4"])
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(4)], what="the match")
        await pilot.press("enter", "down")
        await wait_until(pilot, lambda: "of session 4" in widget_text(pilot, app.messages_view), what="its history")
        await settle(pilot)
        view = app.messages_view
        row = next(y for y, line in enumerate(widget_text(pilot, view).splitlines()) if "of session 4" in line)
        strip = app.screen._compositor.render_strips()[view.region.y + row]
        marked = "".join(seg.text for seg in strip if seg.style is not None and seg.style.underline)
        assert marked == "of session 4", marked
        await quiesce(pilot)


async def test_the_detail_highlights_the_filters_text_in_the_searched_fields(varied_file: Path) -> None:
    from apphelpers import widget_text

    app = frozen_app(varied_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *["space" if c == " " else c for c in "EXCEEDED"])
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(4)], what="the match")
        await pilot.press("enter", "down")
        await wait_until(pilot, lambda: "exceeded" in widget_text(pilot, app.detail), what="its detail")
        await settle(pilot)
        view = app.detail
        lines = widget_text(pilot, view).splitlines()
        row = next(y for y, line in enumerate(lines) if "exceeded" in line)
        strip = app.screen._compositor.render_strips()[view.region.y + row]
        marked = "".join(seg.text for seg in strip if seg.style is not None and seg.style.underline)
        assert marked == "exceeded", marked
        match = app.detail._styles.get()["match"]
        assert match.bgcolor is not None and match.bgcolor != app.detail._styles.fill().bgcolor
        await quiesce(pilot)


async def test_the_status_bar_says_searching_until_the_message_search_is_done(
    varied_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import tui.app.app as app_module
    from apphelpers import widget_text
    from tui.app.widgets.status_bar import StatusBar

    release = threading.Event()

    def held_search(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(10)
        return search_texts(*args, **kwargs)

    monkeypatch.setattr(app_module, "search_texts", held_search)
    app = frozen_app(varied_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        bar = app.query_one(StatusBar)
        await pilot.press("slash", *["space" if c == " " else c for c in "of session 4"])
        await wait_until(pilot, lambda: "searching messages" in widget_text(pilot, bar), what="the searching note")
        release.set()
        await wait_until(pilot, lambda: app.tree.model.visible_ids() == [session_id(4)], what="the search's match")
        # The search found what the tree showed already or not: either way the note goes.
        await wait_until(pilot, lambda: "searching" not in widget_text(pilot, bar), what="the note to go")
        assert "filter text: of session 4" in widget_text(pilot, bar)
        await quiesce(pilot)
