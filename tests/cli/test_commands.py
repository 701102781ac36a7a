"""The commands for scripts and cron, run in-process through ``tui.cli.main.main``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from clifiles import (
    ALL_IDS,
    CLEANED_7D,
    EVIL,
    LIVE,
    OLD_CLOSED,
    OLD_COMPLETED,
    PERSISTENT,
    RECENT,
    STALE_PENDING,
    STALE_RUNNING,
    TWIN_A,
    TWIN_B,
    UNKNOWN,
    every_kind,
)
from rawfiles import read_items, write_json

from tui.session import read_snapshot

ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def listed_ids(text: str) -> list[str]:
    """Session ids in a command's output, in order."""
    return ID.findall(text)


def no_controls(text: str) -> bool:
    return not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


# -- stats -------------------------------------------------------------------


def test_stats_table(cli, sessions_file: Path) -> None:
    result = cli("stats", sessions_file)
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{sessions_file}: 13 sessions in 3 chats, 13 messages")
    table = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+) +(\d+)$", result.out, re.MULTILINE)}
    assert table == {
        "pending": 1, "running": 3, "completed": 5, "failed": 1, "expired": 1, "closed": 1,
        "paused": 1, "total": 13, "stale": 2, "persistent": 1,
    }
    counts = [line for line in lines if re.match(r"^\w+ +\d+$", line)]
    assert len({len(line) for line in counts}) == 1  # the count column is right-aligned
    assert "oldest activity" in result.out and "newest activity" in result.out


def test_stats_json(cli, sessions_file: Path) -> None:
    result = cli("stats", sessions_file, "--json")
    assert result.code == 0, result.err
    assert len(result.out.strip().splitlines()) == 1
    report = json.loads(result.out)
    assert report["path"] == str(sessions_file)
    assert report["exists"] is True
    assert report["total"] == 13
    assert report["statuses"] == {
        "pending": 1, "running": 3, "completed": 5, "failed": 1, "expired": 1, "closed": 1, "paused": 1,
    }
    assert list(report["statuses"])[:6] == ["pending", "running", "completed", "failed", "expired", "closed"]
    assert (report["stale"], report["persistent"], report["chats"], report["messages"]) == (2, 1, 3, 13)
    assert report["bytes"] == sessions_file.stat().st_size
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["oldest_activity"])
    assert report["oldest_activity"] < report["newest_activity"] <= report["now"]
    assert report["updated"] == "2026-11-24T05:43:00Z"


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_stats_of_a_missing_file_is_an_error(cli, tmp_path: Path, json_flag: list[str]) -> None:
    missing = tmp_path / "nonexistent" / "x.json"
    result = cli("stats", missing, *json_flag)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"session-tui stats: error: {missing}: no such file (the bot creates it with its first session)\n"
    assert not missing.parent.exists()


def test_stats_reads_the_default_path(cli, home: Path) -> None:
    default = home / ".tingly-box" / "bot_sessions.json"
    default.parent.mkdir()
    write_json(default, every_kind())
    report = json.loads(cli("stats", "--json").out)
    assert report["path"] == str(default) and report["total"] == 13


def test_a_file_named_like_a_command_is_reached_as_dot_slash(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_json(tmp_path / "stats", every_kind())
    assert json.loads(cli("stats", "./stats", "--json").out)["total"] == 13
    # "session-tui ./stats" opens the app on the file, "stats" alone is the command.
    opened = []
    fake = type(sys)("tui.app.run")
    fake.run_app = lambda path, **kw: opened.append(path) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.app.run", fake)
    monkeypatch.setattr("tui.cli.main._no_terminal", lambda: None)  # (the test's streams are no TTY)
    assert cli("./stats").code == 0
    assert opened == [Path("stats")]
    assert cli("close", "stats", LIVE).code == 0  # an existing file comes first: it is PATH
    assert read_items(tmp_path / "stats")[LIVE]["Status"] == "closed"


# -- cleanup -----------------------------------------------------------------


def test_cleanup_dry_run_lists_exactly_and_changes_nothing(cli, sessions_file: Path) -> None:
    before = sessions_file.read_bytes()
    result = cli("cleanup", sessions_file, "--older-than", "7d", "--dry-run")
    assert result.code == 0, result.err
    assert result.out.startswith("would remove 4 sessions idle for more than 7d")
    assert listed_ids(result.out) == CLEANED_7D  # oldest first
    assert sessions_file.read_bytes() == before


def test_cleanup_removes_exactly_those_and_keeps_live_persistent_and_unknown(cli, sessions_file: Path) -> None:
    before = read_items(sessions_file)
    result = cli("cleanup", sessions_file, "--older-than", "7d")
    assert result.code == 0, result.err
    assert result.out.startswith("removed 4 sessions")
    assert listed_ids(result.out) == CLEANED_7D
    after = read_items(sessions_file)
    assert sorted(after) == sorted(set(ALL_IDS) - set(CLEANED_7D))
    for kept in (STALE_RUNNING, STALE_PENDING, PERSISTENT, UNKNOWN, RECENT, LIVE):
        assert after[kept] == before[kept]
    again = cli("cleanup", sessions_file, "--older-than", "7d")
    assert again.code == 0 and again.out.startswith("nothing to clean up")


def test_cleanup_with_a_shorter_age_takes_more(cli, sessions_file: Path) -> None:
    result = cli("cleanup", sessions_file, "--older-than", "90m", "--dry-run")
    assert set(listed_ids(result.out)) == set(CLEANED_7D) | {TWIN_A, TWIN_B}
    assert "more than 90m" in result.out


def test_cleanup_of_a_missing_file_is_an_error_and_creates_nothing(cli, tmp_path: Path) -> None:
    result = cli("cleanup", tmp_path / "none.json", "--older-than", "1d")
    assert (result.code, result.out) == (2, "")
    assert "none.json: no such file" in result.err and len(result.err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]  # no file, no lock file


@pytest.mark.parametrize("age", ["7x", "0d", "-1d", "d", "7 days"])
def test_a_bad_age_is_a_usage_error(cli, sessions_file: Path, age: str) -> None:
    before = sessions_file.read_bytes()
    result = cli("cleanup", sessions_file, "--older-than", age)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith("session-tui cleanup: error: argument --older-than:")
    assert "expected one argument" not in result.err
    assert sessions_file.read_bytes() == before


def test_a_negative_age_says_so(cli, sessions_file: Path) -> None:
    result = cli("cleanup", sessions_file, "--older-than", "-1d")
    assert result.err.startswith("session-tui cleanup: error: argument --older-than: age '-1d': must not be negative")


def test_cleanup_needs_an_age(cli, sessions_file: Path) -> None:
    result = cli("cleanup", sessions_file)
    assert result.code == 2 and "--older-than" in result.err and len(result.err.splitlines()) == 1


# -- close and delete ----------------------------------------------------------


def test_close_by_full_id_and_by_prefix(cli, sessions_file: Path) -> None:
    before = read_items(sessions_file)
    result = cli("close", sessions_file, LIVE, RECENT[:8], OLD_CLOSED[:12])
    assert result.code == 0, result.err
    head, already = result.out.split("already closed")
    assert head.startswith(f"closed 2 sessions in {sessions_file}:")
    assert listed_ids(head) == [LIVE, RECENT] and "was running" in head
    assert already.startswith(f" in {sessions_file} (left as it was):") and listed_ids(already) == [OLD_CLOSED]
    after = read_items(sessions_file)
    assert [after[i]["Status"] for i in (LIVE, RECENT, OLD_CLOSED)] == ["closed"] * 3
    assert after[OLD_CLOSED] == before[OLD_CLOSED]  # already closed: untouched
    for other in set(ALL_IDS) - {LIVE, RECENT, OLD_CLOSED}:
        assert after[other] == before[other]


def test_delete_by_full_id_and_by_prefix(cli, sessions_file: Path) -> None:
    before = read_items(sessions_file)
    result = cli("delete", sessions_file, OLD_COMPLETED, STALE_RUNNING[:8])
    assert result.code == 0, result.err
    assert listed_ids(result.out) == [OLD_COMPLETED, STALE_RUNNING]
    after = read_items(sessions_file)
    assert sorted(after) == sorted(set(ALL_IDS) - {OLD_COMPLETED, STALE_RUNNING})
    assert all(after[i] == before[i] for i in after)


def test_closing_only_already_closed_sessions_does_not_say_closed(cli, sessions_file: Path) -> None:
    before = sessions_file.read_bytes()
    result = cli("close", sessions_file, OLD_CLOSED)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"already closed in {sessions_file} (left as it was):")
    assert "closed 1 session" not in result.out
    assert sessions_file.read_bytes() == before


def test_an_unknown_id_exits_1_and_nothing_is_changed(cli, sessions_file: Path) -> None:
    before = sessions_file.read_bytes()
    result = cli("delete", sessions_file, "nope-not-an-id", LIVE, "0123456789abcdef")
    assert result.code == 1
    assert result.out == ""
    assert sessions_file.read_bytes() == before  # every id is checked first
    assert result.err.splitlines() == [
        f"session-tui delete: nothing deleted: every ID must name exactly one session in {sessions_file}",
        f"session-tui delete: not found in {sessions_file}: nope-not-an-id, 0123456789abcdef",
    ]


def test_an_ambiguous_or_short_prefix_is_not_acted_on(cli, sessions_file: Path) -> None:
    before = sessions_file.read_bytes()
    result = cli("close", sessions_file, "abcdef12", "a000000")
    assert result.code == 1
    assert result.out == ""
    assert f"abcdef12 is ambiguous: 2 session ids start with it: {TWIN_A}, {TWIN_B}" in result.err
    assert ("a000000: no session has this id, and it is too short for an id prefix (at least 8 characters)"
            in result.err)
    assert "not found" not in result.err
    assert sessions_file.read_bytes() == before
    assert cli("close", sessions_file, "abcdef12-1").code == 0
    assert read_items(sessions_file)[TWIN_B]["Status"] == "closed"


def test_close_and_delete_in_the_default_file(cli, home: Path) -> None:
    default = home / ".tingly-box" / "bot_sessions.json"
    default.parent.mkdir()
    write_json(default, every_kind())
    assert cli("close", LIVE).code == 0  # a uuid is never taken for PATH
    assert cli("delete", RECENT, TWIN_A).code == 0
    items = read_items(default)
    assert items[LIVE]["Status"] == "closed" and RECENT not in items and TWIN_A not in items


def test_close_in_a_missing_file_is_an_error(cli, tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    result = cli("close", missing, LIVE)
    assert result.code == 2
    assert "none.json: no such file" in result.err and len(result.err.splitlines()) == 1
    assert not missing.exists() and not missing.with_name("none.json.lock").exists()


def test_close_needs_an_id(cli, sessions_file: Path) -> None:
    result = cli("close", sessions_file)
    assert result.code == 2
    assert result.err.startswith("session-tui close: error: no session id given")


def test_untrusted_text_is_shown_inert(cli, sessions_file: Path) -> None:
    result = cli("close", sessions_file, EVIL)
    assert result.code == 0
    assert no_controls(result.out)
    assert "␛]0;pwned␇/srv/[bold]proj[/bold]" in result.out
    assert "chat␛[31m    tab" in result.out


# -- bad files -------------------------------------------------------------------

BAD_FILES = {
    "truncated": b'{\n  "version": 1,\n  "items": {\n    "x": {',
    "not json": b"hello",
    "empty": b"",
    "version 2": b'{"version": 2, "items": {}}',
    "wrong type": b'{"version": 1, "items": []}',
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
@pytest.mark.parametrize(
    "command",
    [["stats"], ["stats", "--json"], ["cleanup", "--older-than", "1d"], ["close", LIVE], ["delete", LIVE]],
    ids=lambda c: " ".join(c),
)
def test_a_bad_file_exits_2_with_one_line_and_stays_unchanged(
    cli, tmp_path: Path, content: bytes, command: list[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = cli(command[0], bad, *command[1:])
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"session-tui {command[0]}: error: {bad}")
    assert bad.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "home"]


def test_version_2_says_so(cli, tmp_path: Path) -> None:
    newer = tmp_path / "newer.json"
    newer.write_bytes(BAD_FILES["version 2"])
    assert "version 2 is newer" in cli("stats", newer).err


def test_a_directory_without_a_store_names_both(cli, tmp_path: Path) -> None:
    # A directory is a base directory (SPEC §7): one that holds neither store is an error naming both.
    result = cli("stats", tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"session-tui stats: error: {tmp_path}: no session store here "
                          "(neither bot_sessions.json nor db/tingly.db)\n")


# -- generate ------------------------------------------------------------------


def test_generate_writes_n_sessions_of_m_messages(cli, tmp_path: Path) -> None:
    target = tmp_path / "gen.json"
    result = cli("generate", target, "--sessions", 40, "--messages", 7)
    assert result.code == 0, result.err
    assert result.out.startswith(f"wrote {target}: 40 sessions x 7 messages")
    items = json.loads(target.read_bytes())["items"]
    assert len(items) == 40 and {len(s["Messages"]) for s in items.values()} == {7}
    snap = read_snapshot(target)
    assert len(snap) == 40 and {s.message_count for s in snap.summaries()} == {7}
    assert all(len(s.messages or ()) == 7 for s in snap.sessions())
    assert json.loads(cli("stats", target, "--json").out)["total"] == 40


def test_generate_refuses_to_replace_a_file_without_force(cli, tmp_path: Path) -> None:
    target = tmp_path / "gen.json"
    target.write_bytes(b"precious")
    result = cli("generate", target, "--sessions", 2, "--messages", 1)
    assert result.code == 2
    assert "already exists (use --force to replace it)" in result.err
    assert target.read_bytes() == b"precious"
    assert cli("generate", target, "--sessions", 2, "--messages", 1, "--force").code == 0
    assert len(read_items(target)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen.json", "home"]  # no temp files left


@pytest.mark.parametrize(
    "args",
    [["--sessions", "-1", "--messages", "1"], ["--sessions", "x", "--messages", "1"], ["--sessions", "1"], []],
)
def test_generate_usage_errors(cli, tmp_path: Path, args: list[str]) -> None:
    result = cli("generate", tmp_path / "gen.json", *args)
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert not (tmp_path / "gen.json").exists()


def test_generate_then_every_command_works_on_the_result(cli, tmp_path: Path) -> None:
    target = tmp_path / "gen.json"
    cli("generate", target, "--sessions", 60, "--messages", 3, "--seed", 7)
    dry = cli("cleanup", target, "--older-than", "7d", "--dry-run")
    doomed = listed_ids(dry.out)
    assert doomed and dry.code == 0
    assert no_controls(dry.out)
    assert cli("cleanup", target, "--older-than", "7d").code == 0
    assert not set(doomed) & set(read_items(target))
    first = sorted(read_items(target))[0]
    assert cli("close", target, first[:8]).code == 0
    assert read_items(target)[first]["Status"] == "closed"


# -- help --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["stats", "cleanup", "close", "delete", "generate"])
def test_help_exits_0(cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: session-tui {command}")

