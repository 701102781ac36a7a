"""Without a terminal the UI does not start (SPEC §9): real processes, stdin, stdout and
stderr redirected as cron or a pipe would have them."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMANDS = "stats, cleanup, close, delete, generate"
#: Far more than a start-up takes; an app that started would run until killed.
TIMEOUT = 20


def run_tui(*args: str, cwd: Path, stdin: object = subprocess.DEVNULL, stdout: object = subprocess.PIPE) -> tuple[int, str, str, float]:
    """Run ``python -m tui ARGS`` with the given stdin and stdout, stderr a pipe; (rc, out, err, seconds)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", TMPDIR=str(cwd))
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=TIMEOUT,
    )
    out = done.stdout.decode() if done.stdout is not None else ""
    return done.returncode, out, done.stderr.decode(), time.monotonic() - start


def one_line(err: str) -> str:
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    path = tmp_path / "sessions.json"
    path.write_text('{"version": 1, "items": {}}')
    return path


def test_a_typo_of_a_command_from_cron_says_unknown_command(tmp_path: Path) -> None:
    rc, out, err, _ = run_tui("stat", cwd=tmp_path)
    assert rc == 2 and out == ""
    line = one_line(err)
    assert "unknown command 'stat'" in line and "did you mean 'stats'?" in line
    assert COMMANDS in line


def test_a_command_word_after_an_option_says_to_put_it_first(tmp_path: Path) -> None:
    rc, out, err, _ = run_tui("--read-only", "stats", cwd=tmp_path)
    assert rc == 2 and out == ""
    assert "'stats' is a command: put it first" in one_line(err)


def test_no_tty_exits_2_at_once_naming_the_commands_and_writes_no_escape_codes(sessions: Path, tmp_path: Path) -> None:
    for args in ([str(sessions)], [], ["--demo"], ["--read-only", str(sessions)]):
        rc, out, err, seconds = run_tui(*args, cwd=tmp_path)
        assert rc == 2, (args, err)
        assert out == ""  # no escape codes, no screen
        line = one_line(err)
        assert "the UI needs a terminal (stdin, stdout, stderr are not one)" in line
        assert COMMANDS in line
        assert seconds < 10
    # The demo did not start: no temporary folder was made for it.
    assert not list(tmp_path.glob("session-tui-demo-*"))


def test_a_bare_word_that_names_a_file_is_the_file(tmp_path: Path) -> None:
    (tmp_path / "stat").write_text('{"version": 1, "items": {}}')
    rc, _, err, _ = run_tui("stat", cwd=tmp_path)
    assert rc == 2 and "needs a terminal" in one_line(err)


def test_one_stream_a_terminal_is_not_enough(sessions: Path, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        rc, out, err, _ = run_tui(str(sessions), cwd=tmp_path, stdin=terminal)
        assert rc == 2 and out == ""
        assert "(stdout, stderr are not one)" in one_line(err)
        rc, _, err, _ = run_tui(str(sessions), cwd=tmp_path, stdout=terminal)
        assert rc == 2
        assert "(stdin, stderr are not one)" in one_line(err)
        rc, _, err, _ = run_tui(str(sessions), cwd=tmp_path, stdin=terminal, stdout=terminal)
        assert rc == 2
        assert "(stderr is not one)" in one_line(err)  # where Textual would draw
        os.set_blocking(controller, False)
        try:
            written = os.read(controller, 65536)
        except BlockingIOError:
            written = b""
        assert b"\x1b" not in written  # nothing drawn on the terminal it had
    finally:
        os.close(controller)
        os.close(terminal)
