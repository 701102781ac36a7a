"""The chrome's and the edits' texts as pure functions (no app, no Pilot), and the worker hand-off."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app.handoff import Handoff
from tui.app.render.chrome import banner_text, empty_text, filter_label, store_noun, tree_subtitle, tree_title
from tui.app.render.edits import confirm_note, confirm_title, done_text, verb
from tui.app.state.filters import Filter
from tui.session import EditKind, StoreLocations

PATH = Path("/srv/bot/bot_sessions.json")


def test_filter_label_names_what_the_filter_hides() -> None:
    assert filter_label(Filter()) is None
    assert filter_label(Filter("abc")) == "filter text: abc"
    assert filter_label(Filter(status="failed")) == "filter status: failed"
    assert filter_label(Filter("abc", "stale")) == "filter status: stale, text: abc"
    assert filter_label(Filter("abc"), searching=True) == "filter text: abc … searching messages"
    assert filter_label(Filter(status="failed"), searching=True) == "filter status: failed"  # no text to search


def test_the_tree_border_names_the_order_the_filter_and_the_marks() -> None:
    assert tree_title("activity", None) == "Sessions · by activity"
    assert tree_title("failures", "filter text: x") == "Sessions · failures first — filter text: x"
    assert tree_subtitle("", 0) == ""
    assert tree_subtitle("", 3) == "3 marked"
    assert tree_subtitle("2 new above", 1) == "2 new above · 1 marked"


def banner(**given: object) -> str | None:
    facts: dict[str, object] = dict(kind="json", shown=True, error=None, paused=False, missed_change=False, warnings=())
    facts.update(given)
    text = banner_text(**facts)  # type: ignore[arg-type]
    return None if text is None else text.plain


def test_the_banner_says_the_most_pressing_thing_or_nothing() -> None:
    assert banner() is None
    assert banner(error="bad\njson") == "⚠ Showing the last good reading. bad⏎json"
    assert banner(error="bad", shown=False) is None  # the empty pane says it instead
    assert banner(paused=True) is None  # paused, nothing missed
    assert banner(paused=True, missed_change=True) == "❚❚ Paused: the file has changed. Press p to resume."
    assert banner(paused=True, missed_change=True, kind="sqlite") == "❚❚ Paused: the database has changed. Press p to resume."
    assert banner(warnings=("odd", "odder", "oddest")) == "⚠ odd (and 2 more)"
    assert banner(warnings=("odd",)) == "⚠ odd"
    assert banner(error="bad", warnings=("odd",)).startswith("⚠ Showing the last good reading.")


def empty(**given: object) -> str | None:
    facts: dict[str, object] = dict(kind="json", path=PATH, locations=None, error=None, exists=True, sessions=3, rows=3)
    facts.update(given)
    text = empty_text(**facts)  # type: ignore[arg-type]
    return None if text is None else text.plain


def test_the_empty_pane_says_why_there_are_no_rows() -> None:
    assert empty() is None
    assert empty(exists=None) == f"Reading {PATH}…"
    assert empty(exists=None, error="not JSON").startswith("Cannot show this file\n\nnot JSON\n\nIt is watched")
    assert empty(exists=None, error="locked", kind="sqlite").startswith("Cannot show this database\n\nlocked")
    assert "No session file yet" in (empty(exists=False, sessions=0, rows=0) or "")
    assert "No session database yet" in (empty(exists=False, sessions=0, rows=0, kind="sqlite") or "")
    both = StoreLocations(json_path=Path("/h/a.json"), db_path=Path("/h/db/tingly.db"), migrated_path=None)
    assert "Looked for" in (empty(exists=False, sessions=0, rows=0, locations=both) or "")
    assert empty(sessions=0, rows=0) == f"No sessions\n\nThe file {PATH} has none yet."
    assert empty(sessions=0, rows=0, kind="sqlite") == f"No sessions\n\nThe database {PATH} has none yet."
    assert empty(rows=0) == "Nothing matches the filter\n\nescape clears it"


def test_the_store_is_named_for_what_it_is() -> None:
    assert store_noun("json") == "the file"
    assert store_noun("sqlite") == "the database"


def test_each_edit_kind_has_its_words() -> None:
    assert [verb(kind) for kind in EditKind] == ["close", "delete", "clean up"]
    assert confirm_title(EditKind.CLOSE, 1) == "Close this session?"
    assert confirm_title(EditKind.DELETE, 3) == "Delete 3 sessions?"
    assert done_text(EditKind.CLOSE, 1) == "Closed 1 session."
    assert done_text(EditKind.DELETE, 2, missing=1) == "Deleted 2 sessions. 1 no longer in the file."
    assert done_text(EditKind.CLEANUP, 0) == "Nothing was old enough to clean up."
    assert done_text(EditKind.CLEANUP, 4) == "Cleaned up 4 sessions."
    assert done_text(EditKind.CLOSE, 2, at_risk=True) == "Closed 2 sessions — the bot may undo that at its next write."


def test_the_edit_texts_name_the_store_they_change() -> None:
    assert confirm_note(EditKind.CLOSE, "json") == "Closed sessions stay in the file with status closed."
    assert confirm_note(EditKind.CLOSE, "sqlite") == "Closed sessions stay in the database with status closed."
    assert confirm_note(EditKind.DELETE, "sqlite") == "Deleted sessions are removed from the database."
    assert "file" not in done_text(EditKind.DELETE, 1, missing=2, store="sqlite")
    assert done_text(EditKind.DELETE, 1, missing=2, store="sqlite").endswith("2 no longer in the database.")


def test_a_handoff_gives_its_value_once_and_then_holds_nothing() -> None:
    value = object()
    handoff = Handoff(value)
    assert "held" in repr(handoff)
    assert handoff.take() is value
    assert "taken" in repr(handoff) and handoff._value is None  # the worker's argument pins nothing
    with pytest.raises(RuntimeError):
        handoff.take()
