"""Unit tests of the tree's rows (``TreeModel``) and of ``Filter``: plain Python, no app.

Snapshots are built in memory with ``Snapshot.edited`` from fixture sessions, so
that every change set is exactly the one the test names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.app.state.classify import shown_status
from tui.app.state.filters import STATUS_CYCLE, Filter, next_status_filter
from tui.app.state.order import ORDERS, next_order
from tui.app.state.tree_model import ChatRow, Row, SessionRow, TreeModel
from tui.demo.fixtures import HOSTILE, NOW, fixture_session, session_id, varied_document
from tui.session import ChangeSet, SessionSummary, Snapshot, read_snapshot

M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def snapshot_of(sessions: list[dict]) -> Snapshot:
    """An in-memory snapshot holding these Go-format sessions."""
    empty = read_snapshot(Path("/nonexistent/session-tui-tests/none.json"))
    return empty.edited(put={s["ID"]: s for s in sessions}, updated=NOW)


def edit(base: Snapshot, put: list[dict] = (), remove: list[str] = ()) -> tuple[Snapshot, ChangeSet]:
    """``base`` with sessions put and removed, and the change set that says so."""
    new = base.edited(put={s["ID"]: s for s in put}, remove=remove, updated=NOW)
    changes = ChangeSet(
        added=frozenset(s["ID"] for s in put if s["ID"] not in base),
        changed=frozenset(s["ID"] for s in put if s["ID"] in base),
        removed=frozenset(sid for sid in remove if sid in base),
    )
    return new, changes


def all_rows(model: TreeModel) -> list[Row]:
    rows = [model.row_at(i) for i in range(model.row_count)]
    assert None not in rows
    return rows  # type: ignore[return-value]


def _active_at(summary: SessionSummary) -> datetime | None:
    return summary.last_activity or summary.created_at


def _reference_session_order(order: str, now: datetime) -> Callable[[SessionSummary], tuple]:
    def recent_first(s: SessionSummary) -> tuple:
        # Most recently active first; sessions with no time at all last; ties by id.
        moment = _active_at(s)
        return (moment is None, -(moment.timestamp() if moment else 0), s.id)

    if order == "chat":
        # Newest created first; sessions without a creation time last; ties by id.
        return lambda s: (s.created_at is None, -(s.created_at.timestamp() if s.created_at else 0), s.id)
    if order == "failures":
        return lambda s: (0 if s.status == "failed" else 1 if s.is_stale(now) else 2, *recent_first(s))
    return recent_first


def _reference_chat_order(order: str, now: datetime) -> Callable[[tuple[str, list[SessionSummary]]], tuple]:
    def latest_first(chat_id: str, members: list[SessionSummary]) -> tuple:
        times = [m.timestamp() for m in map(_active_at, members) if m is not None]
        return (not times, -max(times) if times else 0, chat_id)

    if order == "chat":
        return lambda item: (item[0],)
    if order == "failures":

        def rank(members: list[SessionSummary]) -> int:
            if any(s.status == "failed" for s in members):
                return 0
            return 1 if any(s.is_stale(now) for s in members) else 2

        return lambda item: (rank(item[1]), *latest_first(*item))
    return lambda item: latest_first(*item)


def expected_rows(model: TreeModel) -> list[Row]:
    """The rows the model should show, computed from scratch (the reference)."""
    now = model.now or NOW
    by_chat: dict[str, list] = {}
    for summary in model.summaries.values():
        by_chat.setdefault(summary.chat_id, []).append(summary)
    rows: list[Row] = []
    for chat_id, members in sorted(by_chat.items(), key=_reference_chat_order(model.order, now)):
        visible = [s for s in members if model.filter.matches(s, now)]
        if model.filter.active and not visible:
            continue
        rows.append(ChatRow(chat_id))
        if chat_id in model.collapsed:
            continue
        visible.sort(key=_reference_session_order(model.order, now))
        rows.extend(SessionRow(chat_id, s.id) for s in visible)
    return rows


def check_consistent(model: TreeModel) -> None:
    """row_at and index_of agree with each other and with the reference."""
    rows = all_rows(model)
    assert rows == expected_rows(model)
    for index, row in enumerate(rows):
        assert model.index_of(row) == index
    assert model.row_at(model.row_count) is None
    assert model.row_at(-1) is None


def varied_model(order: str = "activity", **filter_args: object) -> TreeModel:
    model = TreeModel()
    model.order = order
    model.load(snapshot_of(list(varied_document()["items"].values())), NOW)
    if filter_args:
        model.set_filter(Filter(**filter_args), NOW)  # type: ignore[arg-type]
    return model


# -- grouping and order -------------------------------------------------------


def test_sessions_are_grouped_by_chat_in_chat_order_newest_first() -> None:
    model = varied_model("chat")
    rows = all_rows(model)
    chats = [row.chat_id for row in rows if isinstance(row, ChatRow)]
    assert chats == sorted({s["ChatID"] for s in varied_document()["items"].values()})
    # The fixture's ages (see tui/demo/fixtures.py): 2 (2m) < 1 (10m) < 3 (3h) in chat 5302729479.
    start = rows.index(ChatRow("5302729479"))
    assert rows[start + 1 : start + 4] == [SessionRow("5302729479", session_id(n)) for n in (2, 1, 3)]
    for row in rows:
        if isinstance(row, SessionRow):
            assert model.summaries[row.session_id].chat_id == row.chat_id
    assert model.row_count == 4 + 11
    check_consistent(model)


def test_by_default_chats_and_sessions_are_ordered_by_latest_activity() -> None:
    model = varied_model()
    assert model.order == "activity" and TreeModel().order == "activity"
    rows = all_rows(model)
    # Latest activity per chat (tui/demo/fixtures.py): 5302729479 11:58, oc_7b… 11:30, -100… 11:20, C0VI… 11:00.
    chats = [r.chat_id for r in rows if isinstance(r, ChatRow)]
    assert chats == ["5302729479", "oc_7b169c846f218ab552fa82fbf86758bf", "-1001947779410", "C0VI7HVSZWK"]
    # Sessions by last activity: 2 (11:58), 1 (11:55), 3 (10:00); 4 (11:20) before 5 (10:00) before 6.
    assert model.visible_ids("5302729479") == [session_id(n) for n in (2, 1, 3)]
    assert model.visible_ids("-1001947779410") == [session_id(n) for n in (4, 5, 6)]
    check_consistent(model)


def test_failures_first_puts_failed_then_stale_sessions_and_their_chats_first() -> None:
    model = varied_model("failures")
    chats = [r.chat_id for r in all_rows(model) if isinstance(r, ChatRow)]
    assert chats[0] == "-1001947779410"  # has the failed session 4
    assert model.visible_ids("-1001947779410") == [session_id(n) for n in (4, 5, 6)]  # failed, stale, closed
    check_consistent(model)
    # 30 minutes on, 1 and 2 are stale: they stay first in their chat, and the chat ranks before those with none.
    model.advance(NOW + 30 * M)
    assert model.visible_ids("5302729479") == [session_id(n) for n in (2, 1, 3)]
    check_consistent(model)


def test_stale_sessions_move_up_in_failures_first_as_time_passes() -> None:
    sessions = [
        fixture_session(1, "a", "completed", age=M, idle=M),  # the most recent
        fixture_session(2, "a", "running", age=10 * M, idle=M),  # expires 20 minutes after NOW
        fixture_session(3, "b", "completed", age=2 * M, idle=M),
    ]
    model = TreeModel()
    model.order = "failures"
    model.load(snapshot_of(sessions), NOW)
    assert model.visible_ids() == [session_id(n) for n in (1, 2, 3)]
    assert model.advance(NOW + M) is False  # nothing turned stale: nothing moves
    assert model.advance(NOW + 25 * M) is True
    assert model.visible_ids("a") == [session_id(2), session_id(1)]
    check_consistent(model)


def test_a_change_set_applied_later_re_ranks_sessions_that_turned_stale_meanwhile() -> None:
    base = snapshot_of(
        [fixture_session(1, "a", "completed", age=M, idle=M), fixture_session(2, "a", "running", age=10 * M, idle=M)]
    )
    model = TreeModel()
    model.order = "failures"
    model.load(base, NOW)
    assert model.visible_ids() == [session_id(1), session_id(2)]
    snapshot, changes = edit(base, put=[fixture_session(3, "b", "completed", age=M, idle=M)])
    model.apply(snapshot, changes, NOW + 25 * M)  # session 2 is stale by then
    assert model.visible_ids("a") == [session_id(2), session_id(1)]
    check_consistent(model)


def test_set_order_cycles_through_every_order_and_keeps_rows_consistent() -> None:
    model = varied_model()
    seen = []
    for _ in ORDERS:
        seen.append(model.order)
        check_consistent(model)
        model.set_order(next_order(model.order), NOW)
    assert seen == list(ORDERS) == ["activity", "chat", "failures"] and model.order == "activity"
    assert next_order("no-such-order") == "activity"


def test_a_session_that_becomes_active_moves_its_chat_to_the_top() -> None:
    sessions = [fixture_session(n, chat, "running", age=(10 + n) * M, idle=(10 + n) * M) for n, chat in ((1, "a"), (2, "b"), (3, "c"))]
    base = snapshot_of(sessions)
    model = TreeModel()
    model.load(base, NOW)
    assert [r.chat_id for r in all_rows(model) if isinstance(r, ChatRow)] == ["a", "b", "c"]
    snapshot, changes = edit(base, put=[fixture_session(3, "c", "running", age=13 * M, idle=timedelta(seconds=5))])
    model.apply(snapshot, changes, NOW)
    assert [r.chat_id for r in all_rows(model) if isinstance(r, ChatRow)] == ["c", "a", "b"]
    check_consistent(model)


def test_group_counts_follow_statuses() -> None:
    model = varied_model()
    group = model.groups["-1001947779410"]
    assert group.ids == {session_id(4), session_id(5), session_id(6)}
    assert group.statuses["failed"] == 1 and group.statuses["running"] == 1 and group.statuses["closed"] == 1


def test_group_counts_classify_stale_apart_through_changes() -> None:
    # Sessions of age a expire 30 - a minutes after NOW: 1 (3 min) is still running then.
    later = NOW + 26 * M + timedelta(seconds=30)
    live = [fixture_session(n, "a", "running", age=(2 + n) * M, idle=M) for n in (1, 2, 3)]
    snapshot = snapshot_of([*live, fixture_session(4, "a", "pending", age=4 * M, idle=M)])
    model = TreeModel()
    model.load(snapshot, NOW)
    group = model.groups["a"]
    assert group.shown_counts(NOW) == {**group.statuses, "stale": 0}
    assert {k: n for k, n in group.shown_counts(later).items() if n} == {"running": 1, "stale": 3}
    snapshot, changes = edit(snapshot, put=[fixture_session(3, "a", "completed", age=5 * M, idle=M)])
    model.apply(snapshot, changes, NOW)
    assert {k: n for k, n in group.shown_counts(later).items() if n} == {"running": 1, "stale": 2, "completed": 1}
    snapshot, changes = edit(snapshot, remove=[session_id(4)])
    model.apply(snapshot, changes, NOW)
    assert {k: n for k, n in group.shown_counts(later).items() if n} == {"running": 1, "stale": 1, "completed": 1}


@pytest.mark.parametrize("order", ORDERS)
def test_same_times_order_by_id(order: str) -> None:
    sessions = [fixture_session(n, "chat", "running", age=5 * M, idle=M) for n in (3, 1, 2)]
    model = TreeModel()
    model.order = order
    model.load(snapshot_of(sessions), NOW)
    assert model.visible_ids() == [session_id(n) for n in (1, 2, 3)]


# -- applying change sets -------------------------------------------------------


def test_apply_adds_changes_and_removes_only_what_it_names() -> None:
    base = snapshot_of(list(varied_document()["items"].values()))
    model = TreeModel()
    model.load(base, NOW)
    untouched = {sid: model.summaries[sid] for sid in (session_id(4), session_id(8), session_id(10))}

    new_session = fixture_session(30, "5302729479", "running", age=M, idle=timedelta(seconds=10))
    changed = fixture_session(2, "5302729479", "failed", age=2 * M, idle=M, agent="tingly-box", message_count=1)
    snapshot, changes = edit(base, put=[new_session, changed], remove=[session_id(7)])
    model.apply(snapshot, changes, NOW)

    assert session_id(7) not in model.summaries
    assert model.summaries[session_id(2)].status == "failed"
    assert model.summaries[session_id(30)].chat_id == "5302729479"
    # The most recently active session comes first in its chat.
    assert model.visible_ids("5302729479")[0] == session_id(30)
    assert model.groups["5302729479"].statuses["failed"] == 1
    assert model.groups["5302729479"].statuses["pending"] == 0
    # Sessions the change set does not name are the very same objects.
    for sid, summary in untouched.items():
        assert model.summaries[sid] is summary
    check_consistent(model)


def test_a_session_moving_to_another_chat_leaves_the_old_one() -> None:
    base = snapshot_of([fixture_session(1, "a", "running", age=M, idle=M), fixture_session(2, "b", "running", age=M, idle=M)])
    model = TreeModel()
    model.load(base, NOW)
    snapshot, changes = edit(base, put=[fixture_session(1, "b", "running", age=M, idle=M)])
    model.apply(snapshot, changes, NOW)
    assert "a" not in model.groups
    assert model.groups["b"].ids == {session_id(1), session_id(2)}
    check_consistent(model)


def test_removing_the_last_session_of_a_chat_removes_the_chat_and_its_marks() -> None:
    base = snapshot_of([fixture_session(1, "a", "closed", age=D, idle=D), fixture_session(2, "b", "closed", age=D, idle=D)])
    model = TreeModel()
    model.load(base, NOW)
    model.toggle_marks([session_id(1), session_id(2)])
    snapshot, changes = edit(base, remove=[session_id(1)])
    model.apply(snapshot, changes, NOW)
    assert list(model.groups) == ["b"]
    assert model.marked == {session_id(2)}
    assert all_rows(model) == [ChatRow("b"), SessionRow("b", session_id(2))]


def test_apply_respects_the_filter() -> None:
    base = snapshot_of([fixture_session(1, "a", "running", age=M, idle=M)])
    model = TreeModel()
    model.load(base, NOW)
    model.set_filter(Filter(status="failed"), NOW)
    assert model.row_count == 0
    snapshot, changes = edit(base, put=[fixture_session(1, "a", "failed", age=M, idle=M)])
    model.apply(snapshot, changes, NOW)
    assert all_rows(model) == [ChatRow("a"), SessionRow("a", session_id(1))]
    snapshot2, changes2 = edit(snapshot, put=[fixture_session(1, "a", "completed", age=M, idle=M)])
    model.apply(snapshot2, changes2, NOW)
    assert model.row_count == 0
    check_consistent(model)


# -- collapse and expand --------------------------------------------------------


def test_collapse_hides_a_chats_sessions_and_expand_brings_them_back() -> None:
    model = varied_model()
    before = all_rows(model)
    model.toggle_chat("5302729479", expanded=False)
    rows = all_rows(model)
    assert ChatRow("5302729479") in rows
    assert not any(isinstance(r, SessionRow) and r.chat_id == "5302729479" for r in rows)
    assert model.row_count == len(before) - 3
    assert model.index_of(SessionRow("5302729479", session_id(1))) is None
    check_consistent(model)
    model.toggle_chat("5302729479")  # None flips it back
    assert all_rows(model) == before


# -- filters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0000000b", {11}),  # id
        ("OC_7B169", {7, 8, 9}),  # chat, case-insensitive
        ("claude", {1, 3, 4, 5, 6, 7, 8, 9, 10}),  # agent (2 and 11 are tingly-box)
        ("项目", {1}),  # project
        ("r&d", {4}),  # project with punctuation
        ("migrate the", {5}),  # request
        ("[@click", {10}),  # request with markup, matched literally
        ("no such thing", set()),
    ],
)
def test_text_filter_matches_id_chat_agent_project_and_request(text: str, expected: set[int]) -> None:
    model = varied_model(text=text)
    assert set(model.visible_ids()) == {session_id(n) for n in expected}
    check_consistent(model)


def test_text_filter_does_not_look_at_the_response_or_messages() -> None:
    model = varied_model(text="All 214 tests pass")  # session 3's response
    assert model.visible_ids() == []
    model = varied_model(text="of session 4")  # a message of session 4
    assert model.visible_ids() == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("running", {1}),  # not 5: stale is a class of its own (tui/app/state/classify.py)
        ("pending", {2}),
        ("stale", {5}),  # running, past its expiry at NOW
        ("failed", {4}),
        ("completed", {3, 8, 10}),
        ("closed", {6, 11}),
        ("expired", {7}),
        ("waiting-for-review", {9}),
    ],
)
def test_status_filter(status: str, expected: set[int]) -> None:
    model = varied_model(status=status)
    assert set(model.visible_ids()) == {session_id(n) for n in expected}
    # Chats with nothing visible are hidden while a filter is active.
    assert {r.chat_id for r in all_rows(model)} == {model.summaries[sid].chat_id for sid in model.visible_ids()}
    check_consistent(model)


def test_stale_depends_on_the_time() -> None:
    model = varied_model(status="stale")
    assert set(model.visible_ids()) == {session_id(5)}
    # 30 minutes later, session 1 (expires 20 minutes after NOW) and 2 (28 minutes) are stale too.
    model.set_filter(Filter(status="stale"), NOW + 30 * M)
    assert set(model.visible_ids()) == {session_id(n) for n in (1, 2, 5)}


def test_text_and_status_filters_combine() -> None:
    model = varied_model(text="5302729479", status="running")
    assert model.visible_ids() == [session_id(1)]


def test_empty_filter_is_inactive_and_shows_everything() -> None:
    assert not Filter().active
    assert Filter("x").active and Filter(status="stale").active
    assert len(varied_model().visible_ids()) == 11


def test_status_cycle_visits_every_filter_and_comes_back() -> None:
    seen = [None]
    current = next_status_filter(None)
    while current is not None:
        seen.append(current)
        current = next_status_filter(current)
    assert seen == list(STATUS_CYCLE)
    assert set(seen) == {None, "running", "pending", "stale", "failed", "completed", "closed", "expired"}
    assert next_status_filter("some-unknown-status") == STATUS_CYCLE[0]


# -- marks ----------------------------------------------------------------------


def test_marks_toggle_and_marked_visible_follows_the_filter_in_display_order() -> None:
    model = varied_model("chat")
    ids = [session_id(n) for n in (3, 1, 6)]
    model.toggle_marks(ids)
    assert model.marked == set(ids)
    # Display order: chat -1001947779410 (6) before 5302729479 (1 before 3).
    assert model.marked_visible() == [session_id(6), session_id(1), session_id(3)]
    model.set_filter(Filter("5302729479"), NOW)
    assert model.marked_visible() == [session_id(1), session_id(3)]
    assert model.marked == set(ids)  # hidden marks are kept
    model.toggle_marks([session_id(1), session_id(3)])  # all marked: unmark them
    assert model.marked == {session_id(6)}
    model.toggle_marks([session_id(6), session_id(2)])  # some marked: mark them all
    assert model.marked == {session_id(6), session_id(2)}


def test_reload_drops_marks_of_sessions_that_are_gone() -> None:
    model = varied_model()
    model.toggle_marks([session_id(1), session_id(2)])
    model.load(snapshot_of([s for s in varied_document()["items"].values() if s["ID"] != session_id(2)]), NOW)
    assert model.marked == {session_id(1)}


# -- a property: rows stay consistent through any sequence of operations ----------

CHATS = ("a", "b", "c", "-100", HOSTILE)
STATUSES = ("running", "pending", "completed", "failed", "closed", "expired", "mystery")

session_numbers = st.integers(min_value=1, max_value=12)
operations = st.one_of(
    st.tuples(
        st.just("put"),
        session_numbers,
        st.sampled_from(CHATS),
        st.sampled_from(STATUSES),
        st.integers(min_value=0, max_value=5),  # age in minutes (ties on purpose)
        st.sampled_from(["claude", "tingly-box"]),
    ),
    st.tuples(st.just("remove"), session_numbers),
    st.tuples(st.just("filter"), st.sampled_from(["", "a", "claude", "0000000", "tingly"]), st.sampled_from(STATUS_CYCLE)),
    st.tuples(st.just("toggle"), st.sampled_from(CHATS), st.sampled_from([None, True, False])),
    st.tuples(st.just("mark"), st.lists(session_numbers, max_size=3)),
    st.tuples(st.just("reload")),
    st.tuples(st.just("order"), st.sampled_from(ORDERS)),
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=40)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, max_size=25))
def test_rows_stay_consistent_through_random_operations(ops: list[tuple]) -> None:
    snapshot = snapshot_of([])
    model = TreeModel()
    model.load(snapshot, NOW)
    clock = NOW  # only moves on, as the app's does
    for op in ops:
        kind = op[0]
        if kind == "put":
            _, n, chat, status, age, agent = op
            session = fixture_session(n, chat, status, age=age * M, idle=M, agent=agent)
            snapshot, changes = edit(snapshot, put=[session])
            model.apply(snapshot, changes, clock)
        elif kind == "remove":
            snapshot, changes = edit(snapshot, remove=[session_id(op[1])])
            model.apply(snapshot, changes, clock)
        elif kind == "filter":
            model.set_filter(Filter(op[1], op[2]), clock)
        elif kind == "toggle":
            model.toggle_chat(op[1], op[2])
        elif kind == "order":
            model.set_order(op[1], clock)
        elif kind == "advance":
            # The clock moves on (only the failures-first order depends on it); the filter is re-applied at that time.
            clock = max(clock, NOW + op[1] * M)
            model.advance(clock)
            model.set_filter(model.filter, clock)
        elif kind == "mark":
            model.toggle_marks(session_id(n) for n in op[1] if session_id(n) in model.summaries)
        else:
            model.load(snapshot, clock)
        assert set(model.summaries) == set(snapshot)
        assert model.marked <= set(model.summaries)
        assert set(model.marked_visible()) == model.marked & set(model.visible_ids())
        check_consistent(model)
        # The chat rows' counts, kept in place, are those of the one classification.
        later = NOW + 28 * M  # some of the live sessions (expiring 25-30 min after NOW) are stale
        for chat_id, group in model.groups.items():
            members = [model.summaries[sid] for sid in group.ids]
            for moment in (NOW, later):
                expected = Counter(shown_status(summary, moment) for summary in members)
                shown = group.shown_counts(moment)
                assert {k: n for k, n in shown.items() if n} == dict(expected), (chat_id, moment)
