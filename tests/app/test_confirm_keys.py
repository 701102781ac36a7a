"""The confirm dialog under Pilot: Enter confirms, its words fit the store, and an edit's marks
and kind travel as the app's messages say (MarksChanged, EditDone.kind)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message

from apphelpers import file_items, frozen_app, quiesce, ready, screen_text, settle, wait_until
from sqlite_fixture import sqlite_store
from sqlitefiles import raw_rows
from tui.app.messages import EditDone
from tui.app.screens.confirm import ConfirmScreen
from tui.app.widgets.session_tree import SessionTree
from tui.demo.fixtures import session_id, varied_document
from tui.session import EditKind

SIZE = (120, 40)


class Seen:
    """Every message the app handles, in order (``run_test(message_hook=seen.hook)``)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def hook(self, message: Message) -> None:
        self.messages.append(message)

    def after(self, kind: type[Message], first: type[Message]) -> list[Message]:
        """The messages of type ``kind`` handled after the first one of type ``first``."""
        start = next((n for n, m in enumerate(self.messages) if isinstance(m, first)), len(self.messages))
        return [m for m in self.messages[start:] if isinstance(m, kind)]


async def open_confirm(pilot, app, key: str) -> str:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirm dialog")
    await pilot.pause()
    return screen_text(pilot)


async def test_enter_confirms_the_close_dialog(varied_file: Path) -> None:
    target = session_id(2)  # pending
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.tree.select_session(target)
        await pilot.press("space")  # mark it (the cursor moves on)
        assert "Close this session?" in await open_confirm(pilot, app, "c")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
        await wait_until(pilot, lambda: file_items(varied_file)[target]["Status"] == "closed", what="the close")
        await settle(pilot)
        await quiesce(pilot)


async def test_tab_then_enter_cancels(varied_file: Path) -> None:
    data = varied_file.read_bytes()
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(2))
        await open_confirm(pilot, app, "c")
        await pilot.press("tab", "enter")  # to Cancel, and press it
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
        await settle(pilot)
        await quiesce(pilot)
    assert varied_file.read_bytes() == data


async def test_closing_marked_sessions_unmarks_them_with_a_marks_changed(varied_file: Path) -> None:
    seen = Seen()
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE, message_hook=seen.hook) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(2))
        await pilot.press("space")
        assert app.tree.select_session(session_id(3))
        await pilot.press("space")
        await settle(pilot)
        assert app.tree.marked_count == 2
        assert "2 marked" in str(app.tree.border_subtitle)
        await open_confirm(pilot, app, "c")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(seen.after(EditDone, EditDone)), what="the edit")
        await settle(pilot)
        done = seen.after(EditDone, EditDone)[0]
        assert isinstance(done, EditDone) and done.kind is EditKind.CLOSE  # a typed kind, not a verb string
        assert app.tree.marked_count == 0 and not app.tree.model.marked
        assert seen.after(SessionTree.MarksChanged, EditDone), "the marks changed without a MarksChanged"
        assert "marked" not in str(app.tree.border_subtitle)
        await quiesce(pilot)


def test_unmark_posts_marks_changed_only_when_a_mark_goes() -> None:
    tree = SessionTree(lambda: None)  # type: ignore[arg-type,return-value]
    posted: list[Message] = []
    tree.post_message = posted.append  # type: ignore[method-assign,assignment]
    tree.refresh = lambda *a, **k: tree  # type: ignore[method-assign]  # not mounted: nothing to repaint
    tree.model.marked.update({"a", "b"})
    tree.unmark(["c"])
    assert posted == []
    tree.unmark(["a", "c"])
    assert tree.model.marked == {"b"}
    assert len(posted) == 1 and isinstance(posted[0], SessionTree.MarksChanged)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return sqlite_store(tmp_path / "base", varied_document())


async def test_the_dialogs_speak_of_the_database_on_sqlite(base: Path) -> None:
    app = frozen_app(base)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert app.tree.select_session(session_id(2))
        await pilot.press("space")
        close = await open_confirm(pilot, app, "c")
        assert "Closed sessions stay in the database with status closed." in close
        assert "the file" not in close
        await pilot.press("n")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, what="the dialog to close")
        delete = await open_confirm(pilot, app, "d")
        assert "Deleted sessions are removed from the database." in delete
        assert "the file" not in delete
        await pilot.press("enter")
        await wait_until(pilot, lambda: session_id(2) not in raw_rows(base / "db" / "tingly.db"), what="the delete")
        await settle(pilot)
        await quiesce(pilot)
