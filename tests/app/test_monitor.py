"""The monitor's keys under Pilot (SPEC §8): order, attention, taking things out, times, themes."""

from __future__ import annotations

from pathlib import Path

from tui.app.state.tree_model import ChatRow, SessionRow
from tui.demo.fixtures import session_id

from apphelpers import frozen_app, ready, settle, widget_text

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
