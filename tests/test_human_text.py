"""``tui.text``'s shared words: ages, plurals, text on one line (the app and the commands use the same functions)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tui.cli.output import cell, human_time
from tui.text import NEWLINE_PICTURE, RETURN_MARK, ago, one_line, plural

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


def test_ago_names_past_and_future_and_blurs_the_last_second_by_default() -> None:
    assert ago(None, NOW) == "never"
    assert ago(NOW - timedelta(minutes=3, seconds=5), NOW) == "3m ago"
    assert ago(NOW + timedelta(hours=2), NOW) == "in 2h"
    assert ago(NOW - timedelta(milliseconds=400), NOW) == "just now"
    assert ago(NOW + timedelta(milliseconds=400), NOW) == "just now"
    assert ago(NOW - timedelta(seconds=1), NOW) == "1s ago"
    assert ago(NOW + timedelta(seconds=1), NOW) == "in 1s"


def test_the_commands_always_print_a_number() -> None:
    exact = timedelta(0)
    assert ago(NOW - timedelta(milliseconds=400), NOW, just_now=exact) == "0s ago"
    assert ago(NOW + timedelta(milliseconds=400), NOW, just_now=exact) == "in 0s"
    assert ago(NOW, NOW, just_now=exact) == "0s ago"
    assert human_time(NOW - timedelta(milliseconds=400), NOW) == "2026-11-24 11:59:59 UTC (0s ago)"


def test_plural() -> None:
    assert [plural(n, "session") for n in (0, 1, 2)] == ["0 sessions", "1 session", "2 sessions"]


def test_one_line_marks_line_breaks_and_shows_controls() -> None:
    assert one_line("a\nb\x1b[2Jc\r\nd") == f"a{RETURN_MARK}b␛[2Jc{RETURN_MARK}d"
    assert one_line("a\nb", NEWLINE_PICTURE) == "a␤b"
    assert cell("a\nb\tc") == "a␤b    c"
