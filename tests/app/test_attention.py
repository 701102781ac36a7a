"""Sessions that need a look: the next one (n / N), alerts when one turns failed or
stale, and the count of unseen changes. Plain Python, no app."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tui.app.state.attention import Alert, TroubleWatch, trouble
from tui.app.state.filters import Filter
from tui.app.state.order import ORDERS
from tui.app.state.tree_model import ChatRow, Row, SessionRow, TreeModel
from tui.app.state.unseen import CHANGED, NEW, Tally, Unseen
from tui.demo.fixtures import NOW, fixture_session, session_id, varied_document

from test_tree_model import edit, snapshot_of

M = timedelta(minutes=1)


def varied(order: str = "activity") -> TreeModel:
    model = TreeModel()
    model.order = order
    model.load(snapshot_of(list(varied_document()["items"].values())), NOW)
    return model


def reference_next(model: TreeModel, start: Row | None, forward: bool) -> SessionRow | None:
    """Every visible session in display order (collapsed chats too), searched cyclically after ``start``."""
    collapsed = set(model.collapsed)
    for chat_id in collapsed:
        model.toggle_chat(chat_id, expanded=True)
    rows = [model.row_at(i) for i in range(model.row_count)]
    for chat_id in collapsed:
        model.toggle_chat(chat_id, expanded=False)
    if not forward:
        rows.reverse()
    at = rows.index(start) if start in rows else -1
    ordered = rows[at + 1 :] + rows[: at + 1]
    for row in ordered:
        if isinstance(row, SessionRow) and trouble(model.summaries[row.session_id], NOW):
            return row
    return None


def test_trouble_is_failed_or_stale() -> None:
    model = varied()
    found = {sid for sid, s in model.summaries.items() if trouble(s, NOW)}
    assert found == {session_id(4), session_id(5)}
    assert trouble(model.summaries[session_id(4)], NOW) == "failed"
    assert trouble(model.summaries[session_id(5)], NOW) == "stale"
    assert trouble(None, NOW) is None


def test_next_trouble_goes_forward_and_back_and_wraps() -> None:
    model = varied()
    failed, stale = SessionRow("-1001947779410", session_id(4)), SessionRow("-1001947779410", session_id(5))
    assert model.next_trouble(None, True, NOW) == failed
    assert model.next_trouble(failed, True, NOW) == stale
    assert model.next_trouble(stale, True, NOW) == failed  # wraps
    assert model.next_trouble(failed, False, NOW) == stale  # wraps backwards
    assert model.next_trouble(stale, False, NOW) == failed
    assert model.next_trouble(ChatRow("C0VI7HVSZWK"), True, NOW) == failed
    assert model.next_trouble(ChatRow("-1001947779410"), False, NOW) == stale  # wrapping from above


def test_next_trouble_opens_no_chat_but_finds_sessions_in_collapsed_ones() -> None:
    model = varied()
    model.toggle_chat("-1001947779410", expanded=False)
    assert model.next_trouble(ChatRow("5302729479"), True, NOW) == SessionRow("-1001947779410", session_id(4))
    assert "-1001947779410" in model.collapsed


def test_next_trouble_follows_the_filter_and_the_clock() -> None:
    model = varied()
    model.set_filter(Filter(status="completed"), NOW)
    assert model.next_trouble(None, True, NOW) is None
    model.set_filter(Filter("5302729479"), NOW)
    assert model.next_trouble(None, True, NOW) is None
    # 29 minutes on, 1 (expires 20 min after NOW) is stale, 2 (28 min) too.
    later = NOW + 29 * M
    assert model.next_trouble(None, True, later) == SessionRow("5302729479", session_id(2))


@pytest.mark.parametrize("order", ORDERS)
def test_next_trouble_agrees_with_a_plain_search_from_every_row(order: str) -> None:
    model = varied(order)
    model.toggle_chat("oc_7b169c846f218ab552fa82fbf86758bf", expanded=False)
    starts: list[Row | None] = [None, *(model.row_at(i) for i in range(model.row_count))]
    for start in starts:
        for forward in (True, False):
            expected = reference_next(model, start, forward)
            assert model.next_trouble(start, forward, NOW) == expected, (start, forward)


# -- alerts ------------------------------------------------------------------------


def test_a_session_turning_failed_raises_one_alert() -> None:
    running = fixture_session(1, "a", "running", age=M, idle=M)
    watch = TroubleWatch()
    base = snapshot_of([running])
    watch.load([base.summary(session_id(1))], NOW)
    snapshot, _ = edit(base, put=[fixture_session(1, "a", "failed", age=M, idle=M)])
    failed = snapshot.summary(session_id(1))
    assert watch.changed({session_id(1): base.summary(session_id(1))}, [failed], NOW) == [
        Alert(session_id(1), "a", "failed")
    ]
    # Failed again (another change of a failed session): nothing new.
    assert watch.changed({session_id(1): failed}, [failed], NOW) == []


def test_a_new_session_that_arrives_failed_raises_an_alert_a_completed_one_does_not() -> None:
    snapshot = snapshot_of([fixture_session(1, "a", "failed", age=M, idle=M), fixture_session(2, "b", "completed", age=M, idle=M)])
    watch = TroubleWatch()
    watch.load([], NOW)
    summaries = [snapshot.summary(session_id(n)) for n in (1, 2)]
    assert watch.changed({session_id(1): None, session_id(2): None}, summaries, NOW) == [Alert(session_id(1), "a", "failed")]


def test_a_session_turns_stale_with_time_once_and_not_if_it_was_extended() -> None:
    # Created 10 and 5 minutes before NOW: they expire 20 and 25 minutes after it.
    snapshot = snapshot_of([fixture_session(1, "a", "running", age=10 * M, idle=M), fixture_session(2, "b", "pending", age=5 * M, idle=M)])
    summaries = {sid: snapshot.summary(sid) for sid in snapshot}
    watch = TroubleWatch()
    watch.load(summaries.values(), NOW)
    assert watch.tick(NOW + 19 * M, summaries) == []
    assert watch.tick(NOW + 21 * M, summaries) == [Alert(session_id(1), "a", "stale")]
    assert watch.tick(NOW + 22 * M, summaries) == []  # once
    # Session 2 is written again before it expires: a later expiry, and no alert at the old one.
    extended, _ = edit(snapshot, put=[fixture_session(2, "b", "pending", age=-20 * M, idle=M)])
    summaries[session_id(2)] = extended.summary(session_id(2))
    assert watch.changed({session_id(2): snapshot.summary(session_id(2))}, [summaries[session_id(2)]], NOW + 22 * M) == []
    assert watch.tick(NOW + 26 * M, summaries) == []
    assert watch.tick(NOW + 51 * M, summaries) == [Alert(session_id(2), "b", "stale")]


def test_sessions_stale_at_load_or_removed_raise_nothing() -> None:
    snapshot = snapshot_of([fixture_session(1, "a", "running", age=40 * M, idle=M), fixture_session(2, "a", "running", age=10 * M, idle=M)])
    summaries = {sid: snapshot.summary(sid) for sid in snapshot}
    watch = TroubleWatch()
    watch.load(summaries.values(), NOW)  # 1 is stale already
    watch.removed([session_id(2)])
    del summaries[session_id(2)]
    assert watch.tick(NOW + 60 * M, summaries) == []


# -- unseen changes ------------------------------------------------------------------


def test_unseen_counts_above_and_below_and_forgets_what_comes_into_view() -> None:
    rows = {"a": 2, "b": 30, "c": 31, "d": 50, "gone": None}
    unseen = Unseen()
    unseen.note(["a", "b"], NEW)
    unseen.note(["c", "d", "gone"], CHANGED)
    unseen.note(["a"], CHANGED)  # new, then changed: still new
    assert unseen.tally(rows.get, 10, 20) == Tally(new_above=1, new_below=1, changed_below=2)
    assert Tally(new_above=1, new_below=1, changed_below=2).text() == "1 new above · 1 new below · 2 changed below"
    assert "gone" not in unseen.kinds
    # Scrolled down over b and c: seen.
    assert unseen.tally(rows.get, 25, 35) == Tally(new_above=1, changed_below=1)
    assert set(unseen.kinds) == {"a", "d"}
    assert Tally().text() == ""
