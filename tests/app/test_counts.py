"""One classification everywhere (issue 12.9): a stale session is neither running nor
pending, in the status bar, the chat rows, the chat detail and the status filter, so
that the counts add up. Driven through the real app with Pilot."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from tui.app.app import SessionApp
from tui.app.state.classify import add_expiry, live_expiries, remove_expiry, shown_counts
from tui.app.state.filters import Filter
from tui.demo.fixtures import NOW, session_id, varied_document
from tui.session import read_snapshot

from apphelpers import frozen_app, ready, screen_text, settle, wait_until, widget_text

SIZE = (160, 50)
#: "● 2 running" in the status bar, "2 running" in a chat row or the chat detail.
BAR_COUNT = re.compile(r"[○●✓✗⊘■◐?] (\d+) ")
CLASSES = ("running", "pending", "stale", "failed", "completed", "closed", "expired")


def status_line(pilot) -> str:  # type: ignore[no-untyped-def]
    return next(line for line in screen_text(pilot).splitlines() if "LIVE" in line)


def counts_in(text: str) -> dict[str, int]:
    """``{"running": 2, ...}`` from "2 running · 1 stale" or "● 2 running  ◐ 1 stale"."""
    return {name: int(n) for n, name in re.findall(rf"(\d+) ({'|'.join(CLASSES)}|unknown)\b", text)}


def chat_line(pilot, app: SessionApp, chat: str) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in widget_text(pilot, app.tree).splitlines() if f" {chat}  " in line]
    assert len(lines) == 1, lines
    return lines[0]


def chat_detail_of(pilot, app: SessionApp, chat: str) -> bool:  # type: ignore[no-untyped-def]
    lines = widget_text(pilot, app.detail).splitlines()
    return any("Chat" in line and chat in line for line in lines) and any("By status" in line for line in lines)


async def test_the_status_bar_counts_add_up_to_the_total(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        line = status_line(pilot)
        total = int(re.search(r"(\d+) sessions", line).group(1))
        assert total == len(varied_document()["items"]) == 11
        assert sum(int(n) for n in BAR_COUNT.findall(line + " ")) == total, line
        counts = counts_in(line)
        assert counts["running"] == 1 and counts["stale"] == 1, line  # session 5 is stale, not running


async def test_chat_rows_and_the_chat_detail_count_alike(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for chat in sorted(app.tree.model.groups):
            row = counts_in(chat_line(pilot, app, chat))
            assert app.tree.select_session(app.tree.model.visible_ids(chat)[0])
            await pilot.press("left")  # up to the chat's row
            await wait_until(pilot, lambda chat=chat: chat_detail_of(pilot, app, chat), what=f"the detail of {chat}")
            by_status = next(line for line in widget_text(pilot, app.detail).splitlines() if "By status" in line)
            detail = counts_in(by_status)
            members = sum(detail.values())
            assert members == len(app.tree.model.groups[chat].ids), by_status
            for name in ("running", "pending", "stale", "failed"):  # what a chat row shows
                assert row.get(name, 0) == detail.get(name, 0), (chat, row, by_status)
        # The chat with the stale session: 1 stale, and so not running.
        assert counts_in(chat_line(pilot, app, "-1001947779410")) == {"stale": 1, "failed": 1}


async def test_a_session_turning_stale_moves_from_running_to_stale_everywhere(varied_file: Path) -> None:
    now = [NOW]
    app = frozen_app(varied_file, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tree = app.tree
        assert counts_in(status_line(pilot))["running"] == 1
        assert counts_in(chat_line(pilot, app, "5302729479")) == {"running": 1, "pending": 1}
        # Session 1 (running) expires 20 minutes after NOW; session 2 (pending) after 28.
        now[0] = NOW + timedelta(minutes=21)
        app._tick()
        await settle(pilot)
        bar = counts_in(status_line(pilot))
        assert "running" not in bar and bar["stale"] == 2 and bar["pending"] == 1, status_line(pilot)
        assert counts_in(chat_line(pilot, app, "5302729479")) == {"pending": 1, "stale": 1}
        tree.set_filter(Filter(status="running"))
        await settle(pilot)
        assert tree.model.visible_ids() == []
        tree.set_filter(Filter(status="stale"))
        assert set(tree.model.visible_ids()) == {session_id(1), session_id(5)}


def test_shown_counts_move_live_sessions_to_stale_as_time_passes(varied_file: Path) -> None:
    snapshot = read_snapshot(varied_file)
    summaries = snapshot.summaries()
    expiries = live_expiries(summaries)
    counts = snapshot.stats()

    def at(moment: datetime) -> dict[str, int]:
        shown = shown_counts(counts, expiries, moment)
        assert sum(n for key, n in shown.items() if key != "total") == shown["total"]
        return shown

    assert (at(NOW)["running"], at(NOW)["pending"], at(NOW)["stale"]) == (1, 1, 1)
    later = NOW + timedelta(minutes=29)
    assert (at(later)["running"], at(later)["pending"], at(later)["stale"]) == (0, 0, 3)
    # Kept up to date in place, as the tree's chat groups do.
    one = next(s for s in summaries if s.id == session_id(1))
    remove_expiry(expiries, one)
    counts["running"] -= 1
    counts["total"] -= 1
    assert at(later)["stale"] == 2
    add_expiry(expiries, one)
    counts["running"] += 1
    counts["total"] += 1
    assert at(later)["stale"] == 3
