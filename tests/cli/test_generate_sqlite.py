"""``session-tui generate --sqlite``: a synthetic store in tingly-box's SQLite layout."""

from __future__ import annotations

from pathlib import Path

from tui.session import SessionStoreSQLite, open_store


def test_generate_sqlite_writes_a_base_directory(cli, tmp_path: Path) -> None:
    base = tmp_path / "box"
    result = cli("generate", base, "--sessions", 30, "--messages", 4, "--sqlite")
    assert result.code == 0, result.err
    assert result.out.startswith(f"wrote {base} (db/tingly.db and transcripts): 30 sessions x 4 messages")
    store = open_store(base)
    assert isinstance(store, SessionStoreSQLite)
    sessions = store.list()
    assert len(sessions) == 30 and {len(s.messages) for s in sessions} == {4}


def test_generate_sqlite_refuses_to_replace_without_force(cli, tmp_path: Path) -> None:
    base = tmp_path / "box"
    assert cli("generate", base, "--sessions", 3, "--messages", 1, "--sqlite").code == 0
    before = (base / "db" / "tingly.db").read_bytes()
    result = cli("generate", base, "--sessions", 2, "--messages", 1, "--sqlite")
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "tingly.db already exists (use --force to replace it)" in result.err
    assert (base / "db" / "tingly.db").read_bytes() == before
    assert cli("generate", base, "--sessions", 2, "--messages", 1, "--sqlite", "--force").code == 0
    assert len(SessionStoreSQLite(base / "db" / "tingly.db").summaries()) == 2


def test_generate_sqlite_wants_a_directory(cli, tmp_path: Path) -> None:
    target = tmp_path / "file.json"
    target.write_text("{}")
    result = cli("generate", target, "--sessions", 1, "--messages", 1, "--sqlite")
    assert result.code == 2 and "is not a directory" in result.err and len(result.err.splitlines()) == 1
    assert target.read_text() == "{}"
