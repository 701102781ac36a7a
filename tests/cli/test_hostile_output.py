"""Output of hostile but valid files (issue 14): times UTC cannot hold, invisible characters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clifiles import run_process
from rawfiles import go_document, go_session, write_json
from tui.text.safe import INVISIBLE

EARLY = "0001-01-01T00:00:00+01:00"  # 0000-12-31T23:00:00Z: before datetime.min in UTC
LATE = "9999-12-31T23:59:59-23:59"  # 10000-01-01T23:58:59Z: after datetime.max in UTC


@pytest.fixture
def extreme_times(tmp_path: Path) -> Path:
    return write_json(
        tmp_path / "sessions.json",
        go_document(
            go_session("early", LastActivity=EARLY, CreatedAt=EARLY, Status="completed"),
            go_session("late", LastActivity=LATE, ExpiresAt=LATE),
            updated=LATE,
        ),
    )


def test_stats_copes_with_times_utc_cannot_hold(extreme_times: Path, tmp_path: Path) -> None:
    done = run_process("stats", extreme_times, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-3000:]
    assert "oldest activity  0001-01-01 00:00:00 +01:00 (" in done.stdout
    assert "newest activity  9999-12-31 23:59:59 -23:59 (in " in done.stdout
    assert "file updated     9999-12-31 23:59:59 -23:59 (in " in done.stdout


def test_stats_json_copes_with_times_utc_cannot_hold(extreme_times: Path, tmp_path: Path) -> None:
    done = run_process("stats", "--json", extreme_times, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert (report["oldest_activity"], report["newest_activity"], report["updated"]) == (EARLY, LATE, LATE)


def test_close_and_cleanup_cope_with_times_utc_cannot_hold(extreme_times: Path, tmp_path: Path) -> None:
    done = run_process("cleanup", extreme_times, "--older-than", "1d", "--dry-run", cwd=tmp_path)
    assert done.returncode == 0 and "early" in done.stdout, done.stderr[-3000:]
    done = run_process("close", extreme_times, "early", "late", cwd=tmp_path)
    assert done.returncode == 0 and "late" in done.stdout, done.stderr[-3000:]


INVISIBLES = {
    "\u202e": "RLO", "\u200f": "RLM", "\u200e": "LRM", "\u061c": "ALM", "\u200b": "ZWSP", "\u200c": "ZWNJ",
    "\u200d": "ZWJ", "\u2060": "WJ", "\ufeff": "ZWNBSP", "\u2028": "LSEP", "\u2029": "PSEP", "\u2066": "LRI",
}
HIDDEN = re.compile(INVISIBLE)


@pytest.fixture
def invisible(tmp_path: Path) -> Path:
    chars = "".join(INVISIBLES)
    return write_json(
        tmp_path / "sessions.json",
        go_document(
            go_session("s1", Status=f"x{chars}evil"),  # an unknown status: counted by name
            go_session("s2", Agent=f"agent{chars}", Project=f"/p{chars}", ChatID=f"c{chars}"),
        ),
    )


def test_stats_json_escapes_invisible_and_bidi_characters(invisible: Path, tmp_path: Path) -> None:
    done = run_process("stats", "--json", invisible, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert HIDDEN.search(done.stdout) is None, "a raw invisible character in the JSON output"
    for char in INVISIBLES:
        assert f"\\u{ord(char):04x}" in done.stdout
    assert f"x{''.join(INVISIBLES)}evil" in json.loads(done.stdout)["statuses"]


@pytest.mark.parametrize("command", [["stats"], ["close"]])
def test_text_output_shows_invisible_characters_as_placeholders(invisible: Path, tmp_path: Path, command: list[str]) -> None:
    args = [*command, invisible] + (["s1", "s2"] if command == ["close"] else [])
    done = run_process(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert HIDDEN.search(done.stdout) is None, "a raw invisible character on the terminal"
    placeholders = "".join(f"\u27e8{name}\u27e9" for name in INVISIBLES.values())
    assert placeholders in done.stdout
