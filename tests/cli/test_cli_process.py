"""The commands as a real process (``python -m tui``): exit status, streams, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

from clifiles import ALL_IDS, CLEANED_7D, LIVE, run_process
from rawfiles import read_items


def test_stats_json_in_a_process(sessions_file: Path, tmp_path: Path) -> None:
    done = run_process("stats", sessions_file, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["total"] == len(ALL_IDS)


def test_cleanup_then_close_unknown_in_a_process(sessions_file: Path, tmp_path: Path) -> None:
    done = run_process("cleanup", sessions_file, "--older-than", "7d", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(read_items(sessions_file)) == sorted(set(ALL_IDS) - set(CLEANED_7D))
    done = run_process("close", sessions_file, LIVE, "ffffffff-dead", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"session-tui close: nothing closed: every ID must name exactly one session in {sessions_file}",
        f"session-tui close: not found in {sessions_file}: ffffffff-dead",
    ]
    assert read_items(sessions_file)[LIVE]["Status"] == "running"  # checked first: nothing changed
    done = run_process("close", sessions_file, LIVE, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert read_items(sessions_file)[LIVE]["Status"] == "closed"


def test_a_corrupt_file_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"version": 1, "items": {"x": ')
    for args in (["stats"], ["delete", LIVE], ["cleanup", "--older-than", "1d"]):
        done = run_process(args[0], bad, *args[1:], cwd=tmp_path)
        assert done.returncode == 2
        assert done.stdout == ""
        assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert bad.read_bytes() == b'{"version": 1, "items": {"x": '


def test_bad_usage_exits_2_without_traceback(sessions_file: Path, tmp_path: Path) -> None:
    done = run_process("cleanup", sessions_file, "--older-than", "soon", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_an_age_longer_than_a_date_holds_is_one_line_exit_2(sessions_file: Path, tmp_path: Path) -> None:
    before = sessions_file.read_bytes()
    for age in ("740000d", "99999999999d"):
        done = run_process("cleanup", sessions_file, "--older-than", age, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stdout == ""
        assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
        assert f"age '{age}': too large" in done.stderr
    assert sessions_file.read_bytes() == before


def test_generate_in_a_process(tmp_path: Path) -> None:
    target = tmp_path / "gen.json"
    done = run_process("generate", target, "--sessions", 25, "--messages", 4, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    items = json.loads(target.read_bytes())["items"]
    assert len(items) == 25 and all(len(s["Messages"]) == 4 for s in items.values())
    again = run_process("generate", target, "--sessions", 1, "--messages", 1, cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
