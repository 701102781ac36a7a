"""At 160 columns and more the tree's rows show the request too (one line, cut)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.demo.fixtures import session_id

from apphelpers import frozen_app, quiesce, ready, widget_text


def row_of(tree_text: str, n: int) -> str:
    return next(line for line in tree_text.splitlines() if session_id(n)[:8] in line)


@pytest.mark.parametrize(("columns", "shown"), [(120, False), (159, False), (160, True), (220, True)])
async def test_the_request_is_a_column_from_160_columns(varied_file: Path, columns: int, shown: bool) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=(columns, 30)) as pilot:
        await ready(pilot)
        tree = widget_text(pilot, app.tree)
        row = row_of(tree, 5)  # request "Migrate the database", on one line
        assert ("Migrate th" in row) is shown, row
        assert row.rstrip(" │").endswith("2h ago"), row  # the last activity stays last
        if shown:
            hostile = row_of(tree, 10)  # its request holds markup and more: printed as is, cut
            assert "[@click" in hostile and row.index("Migrate") == hostile.index("[@click")
        await quiesce(pilot)
