"""``open_source``, ``default_path``/``default_source`` and ``store_locations`` (SPEC §7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlitefiles import go_database, go_row

from tui.session import (
    JSONSource,
    SQLiteSource,
    StoreLocations,
    default_path,
    default_source,
    open_source,
    store_locations,
)


def _kind_and_file(source: object) -> tuple[str, Path]:
    if isinstance(source, JSONSource):
        return "json", source.file
    assert isinstance(source, SQLiteSource)
    return "sqlite", source.db_path


def test_existing_files_by_contents_and_name(tmp_path: Path) -> None:
    db = go_database(tmp_path / "any-name", go_row("a"))  # a SQLite header, whatever the name
    named_json = tmp_path / "sessions.json"
    named_json.write_text("{}")
    unnamed = tmp_path / "sessions"
    unnamed.write_text('{"items": {}}')
    empty_db = tmp_path / "new.db"
    empty_db.touch()
    assert _kind_and_file(open_source(db)) == ("sqlite", db)
    assert _kind_and_file(open_source(named_json)) == ("json", named_json)
    assert _kind_and_file(open_source(unnamed)) == ("json", unnamed)
    assert _kind_and_file(open_source(empty_db)) == ("sqlite", empty_db)
    assert open_source(db).read().summary("a") is not None


def test_missing_files_by_name(tmp_path: Path) -> None:
    for name in ("tingly.db", "x.sqlite", "x.SQLITE3"):
        assert _kind_and_file(open_source(tmp_path / name)) == ("sqlite", tmp_path / name)
    for name in ("bot_sessions.json", "sessions", "s.txt"):
        assert _kind_and_file(open_source(tmp_path / name)) == ("json", tmp_path / name)
    # A name ending in '/' is a base directory still to come.
    later = open_source(f"{tmp_path}/later/")
    assert _kind_and_file(later) == ("sqlite", tmp_path / "later" / "db" / "tingly.db")
    assert later.path == tmp_path / "later"
    assert not later.read().exists


def test_a_base_directory_prefers_the_json_file(tmp_path: Path) -> None:
    base = tmp_path / ".tingly-box"
    base.mkdir()
    empty = open_source(base)
    assert _kind_and_file(empty) == ("sqlite", base / "db" / "tingly.db") and empty.path == base
    go_database(base / "db" / "tingly.db", go_row("a"))
    assert _kind_and_file(open_source(base)) == ("sqlite", base / "db" / "tingly.db")
    (base / "bot_sessions.json").write_text("{}")
    source = open_source(base)
    assert _kind_and_file(source) == ("json", base / "bot_sessions.json") and source.path == base


def test_the_default_is_the_json_file_if_it_exists_else_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    home = tmp_path / ".tingly-box"
    assert default_path() == home / "db" / "tingly.db"  # neither exists: the current bot's store
    assert _kind_and_file(default_source()) == ("sqlite", home / "db" / "tingly.db")
    home.mkdir()
    (home / "bot_sessions.json").write_text("{}")
    assert default_path() == home / "bot_sessions.json"
    assert _kind_and_file(default_source()) == ("json", home / "bot_sessions.json")
    other = tmp_path / "elsewhere"
    assert default_path(other) == other / "db" / "tingly.db"


def test_store_locations_name_both_stores_and_a_migrated_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    home = tmp_path / ".tingly-box"
    assert store_locations() == StoreLocations(home / "bot_sessions.json", home / "db" / "tingly.db", None)
    home.mkdir()
    (home / "bot_sessions.json.migrated").write_text("{}")
    assert store_locations() == StoreLocations(
        home / "bot_sessions.json", home / "db" / "tingly.db", home / "bot_sessions.json.migrated"
    )
    assert store_locations(tmp_path / "b").migrated_path is None
    # Once migrated, the default is the database.
    assert default_path() == home / "db" / "tingly.db"
