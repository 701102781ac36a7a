"""The commands on tingly-box's SQLite store (SPEC §7): PATH a database or a base directory, or none.

The store holds :func:`every_kind` as the bot's import writes it (plain
``sqlite3``, driver time text, JSONL transcripts); what the commands did is
read back with plain ``sqlite3`` too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from clifiles import ALL_IDS, CLEANED_7D, LIVE, OLD_CLOSED, RECENT, STALE_RUNNING, TWIN_A, every_kind
from rawfiles import write_json
from sqlitefiles import go_store, raw_rows, transcript, tree_state


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return go_store(tmp_path / "base", every_kind())


def db(base: Path) -> Path:
    return base / "db" / "tingly.db"


def test_stats_of_a_database_and_of_its_base_directory(cli, base: Path) -> None:
    for path in (base, db(base)):
        report = json.loads(cli("stats", path, "--json").out)
        assert report["path"] == str(db(base)) and report["store"] == "sqlite" and report["exists"] is True
        assert report["total"] == 13 and report["statuses"]["running"] == 3 and report["stale"] == 2
        assert report["messages"] == 13  # one transcript line each
        files = [db(base), *(base / "remote" / "transcripts").iterdir()]
        wal = db(base).with_name("tingly.db-wal")
        assert report["bytes"] == sum(p.stat().st_size for p in files) + (wal.stat().st_size if wal.exists() else 0)
        assert report["updated"] is not None
    human = cli("stats", base).out
    assert human.startswith(f"{db(base)}: 13 sessions in 3 chats, 13 messages, ") and "last written" in human


def test_no_path_is_the_json_file_if_there_else_the_database(cli, home: Path) -> None:
    tingly = home / ".tingly-box"
    go_store(tingly, every_kind())
    assert json.loads(cli("stats", "--json").out)["path"] == str(tingly / "db" / "tingly.db")
    write_json(tingly / "bot_sessions.json", every_kind())  # the old bot's file wins while it is there
    assert json.loads(cli("stats", "--json").out)["path"] == str(tingly / "bot_sessions.json")


def test_no_store_at_all_names_both_and_the_migrated_file(cli, home: Path) -> None:
    tingly = home / ".tingly-box"
    tingly.mkdir()
    (tingly / "bot_sessions.json.migrated").write_text("{}")
    result = cli("stats", tingly)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"session-tui stats: error: {tingly}: no session store here (neither bot_sessions.json nor db/tingly.db); "
        "bot_sessions.json.migrated is there: the bot moved its sessions to the database\n"
    )
    assert sorted(p.name for p in tingly.iterdir()) == ["bot_sessions.json.migrated"]  # nothing created


def test_list_and_show(cli, base: Path) -> None:
    lines = [json.loads(line) for line in cli("list", base, "--json").out.splitlines()]
    assert {line["id"] for line in lines} == set(ALL_IDS) and lines[0]["id"] == LIVE
    assert [line["id"] for line in map(json.loads, cli("list", base, "--status", "stale", "--json").out.splitlines())] \
        == sorted([STALE_RUNNING, "b0000002-0000-4000-8000-000000000002"])
    shown = cli("show", base, RECENT[:8])
    assert shown.code == 0, shown.err
    assert "status:" in shown.out and "completed" in shown.out and "hello" in shown.out
    assert "other keys" not in shown.out  # every column is known
    markdown = cli("show", base, RECENT, "--markdown").out
    assert "## Other keys" not in markdown and "- **Created:** `" in markdown


def test_show_json_is_the_row_and_the_transcript_as_stored(cli, base: Path) -> None:
    row = raw_rows(db(base))[RECENT]
    line = json.loads(transcript(base, RECENT).read_text())
    printed = json.loads(cli("show", db(base), RECENT, "--json").out)
    assert printed == {**row, "messages": [line]}
    assert printed["created_at"].endswith("+00:00") and " " in printed["created_at"]  # the driver's text, untouched


def test_close_and_delete_change_only_their_rows(cli, base: Path) -> None:
    before = raw_rows(db(base))
    result = cli("close", base, LIVE, TWIN_A)
    assert result.code == 0, result.err
    assert result.err == ""  # no foreign-writer warning: every writer of a database takes its lock
    assert result.out.startswith(f"closed 2 sessions in {base}:")
    after = raw_rows(db(base))
    for sid in (LIVE, TWIN_A):
        assert after[sid]["status"] == "closed"
        assert {k: v for k, v in after[sid].items() if k not in ("status", "last_activity")} == \
            {k: v for k, v in before[sid].items() if k not in ("status", "last_activity")}
    assert {sid: after[sid] for sid in before if sid not in (LIVE, TWIN_A)} == \
        {sid: before[sid] for sid in before if sid not in (LIVE, TWIN_A)}
    result = cli("delete", db(base), OLD_CLOSED)
    assert result.code == 0 and result.out.startswith(f"deleted 1 session from {db(base)}:")
    assert OLD_CLOSED not in raw_rows(db(base)) and not transcript(base, OLD_CLOSED).exists()
    missing = cli("close", base, "ffffffff-0000-4000-8000-000000000000")
    assert missing.code == 1 and len(raw_rows(db(base))) == 12


def test_verify_on_a_database_holds_when_nobody_writes_it_back(cli, base: Path) -> None:
    result = cli("close", base, LIVE, "--verify", "0.3s")
    assert (result.code, result.err) == (0, "")
    assert raw_rows(db(base))[LIVE]["status"] == "closed"


def test_cleanup(cli, base: Path) -> None:
    dry = cli("cleanup", base, "--older-than", "7d", "--dry-run")
    assert dry.code == 0 and f"would remove 4 sessions idle for more than 7d from {base}:" in dry.out
    assert len(raw_rows(db(base))) == 13
    done = cli("cleanup", base, "--older-than", "7d")
    assert done.code == 0, done.err
    assert set(raw_rows(db(base))) == set(ALL_IDS) - set(CLEANED_7D)
    assert not any(transcript(base, sid).exists() for sid in CLEANED_7D)


HOLD = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE remote_sessions SET error = error")
    print("locked", flush=True)
    sys.stdin.read()
    conn.execute("ROLLBACK")
""")


@pytest.mark.parametrize("command", [["stats"], ["list"], ["show", RECENT], ["close", LIVE], ["cleanup", "--older-than", "7d"]])
def test_a_locked_database_is_one_line_and_exit_2(cli, base: Path, command: list[str]) -> None:
    before = tree_state(base)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db(base))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        argv = [command[0], base, *command[1:]] if command[0] != "close" else ["close", base, LIVE]
        result = cli(*argv)
    finally:
        holder.communicate("", timeout=30)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"session-tui {command[0]}: error: {db(base)}: ") and "busy" in result.err
    assert len(result.err.splitlines()) == 1
    assert tree_state(base) == before  # nothing written
