"""``close``/``delete``/``cleanup`` next to a writer that takes no lock (issue 9, SPEC §6).

The bot is :mod:`tui.tools.gostore`, a real process that loads the file once
and rewrites it from memory; the commands run as real processes too.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from clifiles import CLEANED_7D, LIVE, OLD_COMPLETED, RECENT, run_process
from rawfiles import read_items

from tui.session import SessionStoreJSON
from tui.tools import gostore

WARNING = "by a writer that takes no lock (the bot?); it is likely to undo this change at its next write"
STICK = "stop the bot first, or use the SQLite store of current tingly-box"


@pytest.fixture
def ours(sessions_file: Path) -> Path:
    """The CLI fixture file, last written by session-tui (so its versions are recorded)."""
    SessionStoreJSON(sessions_file).force_save()
    return sessions_file


def test_no_warning_and_verify_holds_without_a_foreign_writer(ours: Path, tmp_path: Path) -> None:
    done = run_process("close", ours, LIVE, "--verify", "0.5s", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert read_items(ours)[LIVE]["Status"] == "closed"
    done = run_process("cleanup", ours, "--older-than", "7d", "--verify", "0.3s", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("command", [["close", LIVE], ["delete", RECENT], ["cleanup", "--older-than", "7d"]])
def test_an_edit_after_the_bot_wrote_warns_on_one_line(ours: Path, tmp_path: Path, command: list[str]) -> None:
    bot = gostore.start(ours, stdin=True)
    try:
        gostore.write(bot)
        args = [command[0], ours, *command[1:]]
        done = run_process(*args, cwd=tmp_path)
    finally:
        gostore.stop(bot)
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"session-tui {command[0]}: warning: {ours} was written ")
    assert WARNING in lines[0] and STICK in lines[0]


def test_the_warning_stays_after_our_own_write_over_the_bots(ours: Path, tmp_path: Path) -> None:
    bot = gostore.start(ours, stdin=True)
    try:
        gostore.write(bot)
        assert run_process("close", ours, LIVE, cwd=tmp_path).returncode == 0  # over the bot's version
        done = run_process("delete", ours, RECENT, cwd=tmp_path)  # the file's last version is ours
    finally:
        gostore.stop(bot)
    assert done.returncode == 0 and WARNING in done.stderr


@pytest.mark.parametrize(
    ("command", "ids", "state"),
    [
        (["close", LIVE], [LIVE], "running again"),
        (["delete", RECENT, OLD_COMPLETED], [RECENT, OLD_COMPLETED], "back, "),
        (["cleanup", "--older-than", "7d"], CLEANED_7D, "back, "),
    ],
)
def test_verify_exits_3_naming_what_the_bot_undid(
    ours: Path, tmp_path: Path, command: list[str], ids: list[str], state: str
) -> None:
    bot = gostore.start(ours, every=0.3, touch=LIVE)
    try:
        started = time.monotonic()
        done = run_process(command[0], ours, *command[1:], "--verify", "20s", cwd=tmp_path)
        took = time.monotonic() - started
    finally:
        gostore.stop(bot)
    assert done.returncode == 3, done.stderr
    assert took < 15, "--verify should stop as soon as all of the change was undone"
    undone = done.stderr.splitlines()[-1]
    assert undone.startswith(f"session-tui {command[0]}: undone by a writer that takes no lock (the bot?) within 20s: ")
    assert f"{len(ids)} of {len(ids)}" in undone
    for sid in ids:
        assert sid in undone
    assert state in undone and STICK in undone
    items = read_items(ours)
    assert all(sid in items for sid in ids)  # the bot put them back


def test_verify_with_dry_run_is_a_usage_error(ours: Path, tmp_path: Path) -> None:
    done = run_process("cleanup", ours, "--older-than", "7d", "--dry-run", "--verify", "1s", cwd=tmp_path)
    assert done.returncode == 2 and "--verify has nothing to watch with --dry-run" in done.stderr


@pytest.mark.parametrize("bad", ["-1s", "soon", "0s"])
def test_a_bad_verify_duration_is_one_line(ours: Path, tmp_path: Path, bad: str) -> None:
    done = run_process("close", ours, LIVE, "--verify", bad, cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert "argument --verify: duration" in done.stderr
    assert read_items(ours)[LIVE]["Status"] == "running"
