"""``list`` and ``show``, in-process through the console entry point."""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from clifiles import (
    EVIL,
    LIVE,
    OLD_FAILED,
    PERSISTENT,
    RECENT,
    STALE_PENDING,
    STALE_RUNNING,
    TWIN_A,
    UNKNOWN,
    session,
)
from hostile import (
    BIG,
    HOSTILE,
    HOSTILE_CHAT,
    HOSTILE_PROJECT,
    RAW_CONTROL,
    RAW_IN_JSON,
    write_hostile,
)
from markdown_it import MarkdownIt
from rawfiles import expected_time, go_document, read_items, write_json

from tui.cli.main import main

ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    return write_hostile(tmp_path / "hostile.json")


def most_recent_first(items: dict[str, Any]) -> list[str]:
    """The expected order, from the raw file: latest LastActivity first, ties by id."""
    def key(raw: dict[str, Any]) -> tuple[float, str]:
        moment = expected_time(raw["LastActivity"])
        return (-(moment.timestamp() if moment else -math.inf), raw["ID"])

    return [raw["ID"] for raw in sorted(items.values(), key=key)]


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


# -- list --------------------------------------------------------------------


def test_list_right_aligns_the_idle_time_so_ago_lines_up(cli, tmp_path: Path) -> None:
    doc = go_document(
        session("a0000001-0000-4000-8000-000000000001", "running", timedelta(hours=3)),
        session("a0000002-0000-4000-8000-000000000002", "running", timedelta(hours=15)),
    )
    result = cli("list", write_json(tmp_path / "s.json", doc))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [re.search(r"\d+h ago", line).group() for line in lines] == ["3h ago", "15h ago"]
    assert len({line.index(" ago ") for line in lines}) == 1


def test_list_is_one_aligned_line_per_session_most_recent_first(cli, sessions_file: Path) -> None:
    result = cli("list", sessions_file)
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert [ID.match(line).group() for line in lines] == most_recent_first(read_items(sessions_file))
    assert lines[0].startswith(f"{LIVE}  running")
    # Every column starts at the same place on every line.
    assert len({re.search(r"\d+ msgs?", line).start() for line in lines}) == 1
    assert len({line.index(" ago ") for line in lines}) == 1
    assert re.search(rf"^{UNKNOWN}  paused +\S+ ago +1 msg +chat-1 +claude +/work/proj$", result.out, re.M)


def test_list_json_is_one_object_per_line(cli, sessions_file: Path) -> None:
    result = cli("list", sessions_file, "--json")
    assert result.code == 0, result.err
    objects = json_lines(result.out)
    items = read_items(sessions_file)
    assert [o["id"] for o in objects] == most_recent_first(items)
    for obj in objects:
        raw = items[obj["id"]]
        assert list(obj) == ["id", "chat", "agent", "project", "status", "last_activity", "messages"]
        assert (obj["chat"], obj["agent"], obj["project"], obj["status"]) == (
            raw["ChatID"], raw["Agent"], raw["Project"], raw["Status"]
        )
        assert obj["messages"] == len(raw["Messages"])
        # RFC 3339 in UTC to the second, the raw time cut to the second.
        assert obj["last_activity"] == raw["LastActivity"][:19] + "Z"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "failed"], [OLD_FAILED]),
        (["--status", "stale"], [STALE_PENDING, STALE_RUNNING]),
        (["--status", "running"], [EVIL, LIVE, STALE_RUNNING]),
        (["--chat", "chat-2"], [LIVE]),
        (["--chat", "chat-2", "--status", "failed"], []),
        (["--chat", "chat-1", "--status", "completed"], sorted([PERSISTENT, RECENT, TWIN_A, "abcdef12-1111-4000-8000-000000000002",
                                                              "a0000001-0000-4000-8000-000000000001"])),
    ],
)
def test_list_filters(cli, sessions_file: Path, args: list[str], expected: list[str]) -> None:
    for form in ([], ["--json"]):
        result = cli("list", sessions_file, *args, *form)
        assert result.code == 0, result.err
        assert sorted(ID.findall(result.out)) == sorted(expected)
        assert len(result.out.splitlines()) == len(expected)


@pytest.mark.parametrize("status", ["paused", "bogus", "RUNNING", ""])
def test_list_unknown_status_is_bad_usage(cli, sessions_file: Path, status: str) -> None:
    result = cli("list", sessions_file, "--status", status)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith("session-tui list: error: unknown status") and "stale" in result.err


def test_list_missing_or_corrupt_file_exits_2(cli, tmp_path: Path) -> None:
    result = cli("list", tmp_path / "nothere.json")
    assert (result.code, result.out) == (2, "")
    assert result.err.strip() == f"session-tui list: error: {tmp_path / 'nothere.json'}: No such file or directory"
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "items": {"x": ')
    result = cli("list", bad, "--json")
    assert (result.code, result.out) == (2, "")
    assert len(result.err.splitlines()) == 1 and "bad.json" in result.err
    assert bad.read_text() == '{"version": 1, "items": {"x": '


def test_list_keeps_hostile_text_inert(cli, hostile_file: Path) -> None:
    text = cli("list", hostile_file)
    assert text.code == 0
    assert RAW_CONTROL.search(text.out) is None
    first = text.out.splitlines()[0]
    assert first.startswith(f"{HOSTILE}  failed")
    assert "chat␛]0;pwned␇⟨LSEP⟩x" in first and "⟨RLO⟩exe.txt⟨PDF⟩" in first and "[bold red]" in first

    as_json = cli("list", hostile_file, "--json")
    assert as_json.code == 0
    assert RAW_IN_JSON.search(as_json.out) is None
    assert "\\u202e" in as_json.out and "\\u2028" in as_json.out and "\\u001b" in as_json.out
    obj = json_lines(as_json.out)[0]
    assert (obj["id"], obj["chat"], obj["project"]) == (HOSTILE, HOSTILE_CHAT, HOSTILE_PROJECT)


# -- show --------------------------------------------------------------------


def fields(text: str) -> dict[str, str]:
    """The ``label: value`` lines of ``show`` (values start in one column)."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^([a-z ]+):( +)(.*)$", line)
        if match:
            found[match.group(1)] = match.group(3)
    return found


def test_show_prints_every_field_context_and_history(cli, hostile_file: Path) -> None:
    result = cli("show", hostile_file, HOSTILE)
    assert result.code == 0, result.err
    assert result.err == ""
    out = result.out
    assert RAW_CONTROL.search(out) is None
    got = fields(out)
    assert got["id"] == HOSTILE
    assert got["status"] == "failed"
    assert got["chat"] == "chat␛]0;pwned␇⟨LSEP⟩x"
    assert got["project"] == "/srv/[bold red]⟨RLO⟩exe.txt⟨PDF⟩[/]"
    assert got["agent"] == "[link=https://evil]agent[/link]"
    assert got["expires"].startswith("2026-11-24 05:52:23 UTC (")
    assert got["error"] == "boom␛[0m⟨RLO⟩exe.txt⟨PDF⟩"
    assert got["messages"] == "2"
    # Values line up; a multi-line request continues under its value column.
    value_columns = {line.index(value) for line in out.splitlines() for label, value in got.items()
                     if line.startswith(label + ":") and value}
    assert len(value_columns) == 1
    column = value_columns.pop()
    lines = out.splitlines()
    request = lines.index(next(line for line in lines if line.startswith("request:")))
    assert lines[request][column:] == "please ␛]0;pwned␇"
    assert lines[request + 1] == " " * column + "*now*"
    # The context as pretty JSON (exact big integer), the unknown key, then one line per message.
    assert f'    "big": {BIG},' in out
    assert '"kept": true' in out
    history = out.split("\nhistory:\n", 1)[1].splitlines()
    assert len(history) == 2
    assert re.match(r"^  1  user +2026-11-24T00:11:58Z  sum \*x\* ␛]0;pwned␇⟨RLO⟩exe.txt⟨PDF⟩$", history[0])
    assert re.match(r"^  2  assistant␛\[7m +\S+Z  ok$", history[1])


def test_show_json_is_the_session_as_stored(cli, hostile_file: Path) -> None:
    result = cli("show", hostile_file, HOSTILE[:8], "--json")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 1
    assert RAW_IN_JSON.search(result.out) is None
    stored = read_items(hostile_file)[HOSTILE]
    shown = json.loads(result.out)
    assert shown == stored  # raw times with nanoseconds and offsets, unknown keys, exact integers
    assert list(shown) == list(stored)
    assert shown["ExpiresAt"] == "2026-11-24T13:52:23.917658728+08:00"
    assert shown["Context"]["big"] == BIG and f"{BIG}" in result.out


def test_show_markdown_has_fields_then_every_message(cli, hostile_file: Path) -> None:
    result = cli("show", hostile_file, HOSTILE, "--markdown")
    assert result.code == 0, result.err
    out = result.out
    assert RAW_CONTROL.search(out) is None
    assert out.startswith(f"# Session `{HOSTILE}`\n")
    assert "- **Expires:** `2026-11-24T13:52:23.917658728+08:00`" in out
    assert "- **Chat:** `chat␛]0;pwned␇⟨LSEP⟩x`" in out
    assert "- **Messages:** 2" in out
    assert "### 1. user · `2026-11-24T05:41:58.000000001+05:30`" in out
    assert "**Summary:** sum \\*x\\* ␛\\]0;pwned␇⟨RLO⟩exe.txt⟨PDF⟩" in out
    assert "### 2. assistant␛\\[7m · " in out
    assert out.index("## Request") < out.index("## Context") < out.index("### 1.") < out.index("### 2.")

    # Rendered as Markdown, no session text becomes Markdown or HTML: the one
    # heading of the content stays inside a code block, which holds all of it.
    html = MarkdownIt("commonmark").render(out)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h1>Injected heading</h1>" not in html
    tokens = MarkdownIt("commonmark").parse(out)
    blocks = [t.content for t in tokens if t.type == "fence"]
    content = "# Injected heading\n<script>alert(1)</script>\n```\nnot the end of the block\n````\n"
    assert any(block.startswith(content) and block.rstrip("\n").endswith("done") for block in blocks)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[:7] == [f"Session `{HOSTILE}`", "Request", "Error", "Context", "Other keys", "Messages (2)",
                            "1. user · `2026-11-24T05:41:58.000000001+05:30`"]
    assert len(headings) == 8 and re.fullmatch(r"2\. assistant␛\\\[7m · `\S+Z`", headings[7])
    summary = next(t for t in tokens if t.type == "inline" and t.content.startswith("**Summary:**"))
    assert [c.type for c in summary.children if c.type.endswith("_open")] == ["strong_open"]  # *x* is not emphasis


def test_show_accepts_a_unique_prefix_and_the_default_path(cli, home: Path, hostile_file: Path) -> None:
    default = home / ".tingly-box" / "bot_sessions.json"
    default.parent.mkdir()
    default.write_bytes(hostile_file.read_bytes())
    result = cli("show", HOSTILE[:8])
    assert result.code == 0, result.err
    assert fields(result.out)["id"] == HOSTILE


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("abcdef12", "session-tui show: abcdef12 is ambiguous: 2 session ids start with it: "
                     "abcdef12-0000-4000-8000-000000000001, abcdef12-1111-4000-8000-000000000002"),
        ("f000000", "session-tui show: f000000: no session has this id, and it is too short for an id prefix "
                    "(at least 8 characters)"),
        ("ffffffff-dead", "session-tui show: not found in {path}: ffffffff-dead"),
        ("\x1b[31mx", "session-tui show: ␛[31mx: no session has this id, and it is too short for an id prefix "
                      "(at least 8 characters)"),
    ],
)
def test_show_unknown_or_ambiguous_id_exits_1(cli, hostile_file: Path, word: str, message: str) -> None:
    for form in ([], ["--json"], ["--markdown"]):
        result = cli("show", hostile_file, word, *form)
        assert (result.code, result.out) == (1, "")
        assert result.err.strip() == message.format(path=hostile_file)


@pytest.mark.parametrize(
    "args",
    [
        ["show"],
        ["show", "{path}"],
        ["show", "{path}", HOSTILE, TWIN_A],
        ["show", "{path}", HOSTILE, "--json", "--markdown"],
        ["show", "{missing}", HOSTILE],
        ["show", "{corrupt}", HOSTILE],
    ],
)
def test_show_bad_usage_or_file_exits_2(cli, hostile_file: Path, tmp_path: Path, args: list[str]) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("[1, 2")
    words = [a.format(path=hostile_file, missing=tmp_path / "missing.json", corrupt=corrupt) for a in args]
    result = cli(*words)
    assert (result.code, result.out) == (2, "")
    assert len(result.err.splitlines()) == 1 and result.err.startswith("session-tui show: error: ")


def test_the_commands_are_named_in_the_app_help_and_have_their_own(cli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "generate, list, show, watch;" in " ".join(capsys.readouterr().out.split())
    for name in ("list", "show", "watch"):
        result = cli(name, "--help")
        assert result.code == 0 and f"usage: session-tui {name} [PATH]" in result.out


def test_show_text_of_a_plain_session(cli, sessions_file: Path) -> None:
    result = cli("show", sessions_file, PERSISTENT)
    assert result.code == 0, result.err
    got = fields(result.out)
    assert got["expires"] == "never (persistent)"
    assert got["response"] == "-"
    assert "context:\n  {\n    \"project_path\": \"/work/proj\"\n  }\n" in result.out
    assert re.search(r"\nhistory:\n  1  user  \S+Z  hello\n$", result.out)
    assert all(not label.startswith("other") for label in got)
