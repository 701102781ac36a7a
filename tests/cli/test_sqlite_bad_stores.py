"""The commands on a bad tingly-box store (SPEC §7): one line on stderr naming where, exit 2, nothing written.

Each store is bad in one way the issue lists (not a SQLite file, no
``remote_sessions`` table, a column of the wrong type, NULL where text
belongs, an unparsable time, a truncated transcript line, a transcript of
no session); each command that needs what is bad fails cleanly, and one
that does not need it still works.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlitefiles import go_database, go_row, transcript_line, tree_state

GOOD = "good-session"


def _base(tmp_path: Path, *rows: dict, ddl: tuple[str, ...] | None = None) -> Path:
    base = tmp_path / ".tingly-box"
    if ddl is None:
        go_database(base / "db" / "tingly.db", go_row(GOOD), *rows)
    else:
        go_database(base / "db" / "tingly.db", ddl=ddl)
    transcripts = base / "remote" / "transcripts"
    transcripts.mkdir(parents=True)
    (transcripts / f"{GOOD}.jsonl").write_bytes(transcript_line("one"))
    return base


def not_sqlite(tmp_path: Path) -> Path:
    base = _base(tmp_path)
    (base / "db" / "tingly.db").write_bytes(b'{"version": 1, "items": {}}')
    return base


def no_table(tmp_path: Path) -> Path:
    return _base(tmp_path, ddl=("CREATE TABLE notes (x text)",))


BAD_STORES = {
    "not a SQLite file": (not_sqlite, "not a SQLite database"),
    "no table": (no_table, "without a remote_sessions table"),
    "a BLOB status": (lambda p: _base(p, go_row("bad", status=b"running")), "column status holds BLOB"),
    "a NULL chat": (lambda p: _base(p, go_row("bad", chat_id=None)), "column chat_id holds NULL, not text"),
    "an unparsable time": (lambda p: _base(p, go_row("bad", last_activity="yesterday")), "column last_activity: not a time"),
}


@pytest.mark.parametrize("command", [["stats"], ["list"], ["close", GOOD], ["cleanup", "--older-than", "7d"]])
@pytest.mark.parametrize("kind", list(BAD_STORES))
def test_a_bad_store_is_one_line_exit_2_and_nothing_written(cli, tmp_path: Path, kind: str, command: list[str]) -> None:
    make, says = BAD_STORES[kind]
    base = make(tmp_path)
    db = base / "db" / "tingly.db"
    before = tree_state(base)
    for path in (base, db):
        result = cli(command[0], path, *command[1:])
        assert (result.code, result.out) == (2, ""), (kind, result)
        assert result.err.startswith(f"session-tui {command[0]}: error: {db}") and says in result.err, result.err
        assert len(result.err.splitlines()) == 1 and "Traceback" not in result.err
    assert tree_state(base) == before


def test_a_truncated_transcript_line_fails_show_and_not_the_rest(cli, tmp_path: Path) -> None:
    base = _base(tmp_path)
    path = base / "remote" / "transcripts" / f"{GOOD}.jsonl"
    path.write_bytes(transcript_line("one") + transcript_line("two")[:25])
    before = tree_state(base)
    shown = cli("show", base, GOOD)
    assert shown.code == 2 and len(shown.err.splitlines()) == 1
    assert f"{path}:2: truncated (no end of line)" in shown.err, shown.err
    assert tree_state(base) == before
    assert cli("list", base).code == 0  # the rows read; only that history fails
    assert cli("close", base, GOOD).code == 0  # an edit that does not need the history
    conn = sqlite3.connect(base / "db" / "tingly.db")
    assert conn.execute("SELECT status FROM remote_sessions WHERE id = ?", (GOOD,)).fetchone() == ("closed",)
    conn.close()
    assert path.read_bytes() == before[f"remote/transcripts/{GOOD}.jsonl"]


def test_a_transcript_of_no_session_is_a_warning_in_stats_and_never_removed(cli, tmp_path: Path) -> None:
    base = _base(tmp_path)
    stray = base / "remote" / "transcripts" / "nobody.jsonl"
    stray.write_bytes(transcript_line("lost"))
    result = cli("stats", base)
    assert result.code == 0
    assert "1 transcript belongs to no session: nobody.jsonl" in result.out + result.err
    assert cli("cleanup", base, "--older-than", "1s").code == 0
    assert stray.read_bytes() == transcript_line("lost")
