"""The app on a bad tingly-box store (SPEC §7): a visible one-line warning, never a crash, never a write.

The real app under Pilot on stores bad in each way the issue lists; the
files are compared before and after the whole session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlitefiles import go_database, go_row, transcript_line, tree_state

from apphelpers import frozen_app, quiesce, ready, screen_text, settle

SIZE = (160, 40)
GOOD = "00000001-1eef-4001-a01f-00009e3779b1"


def _base(tmp_path: Path, *rows: dict, ddl: tuple[str, ...] | None = None) -> Path:
    base = tmp_path / ".tingly-box"
    db = base / "db" / "tingly.db"
    if ddl is None:
        go_database(db, go_row(GOOD), *rows)
    else:
        go_database(db, ddl=ddl)
    transcripts = base / "remote" / "transcripts"
    transcripts.mkdir(parents=True)
    (transcripts / f"{GOOD}.jsonl").write_bytes(transcript_line("one"))
    return base


def _not_sqlite(tmp_path: Path) -> Path:
    base = _base(tmp_path)
    (base / "db" / "tingly.db").write_bytes(b"SQLite? no: just some text\n")
    return base


BAD_STORES = {
    "not a SQLite file": (_not_sqlite, "not a SQLite database"),
    "no table": (lambda p: _base(p, ddl=("CREATE TABLE notes (x text)",)), "without a remote_sessions table"),
    "a BLOB request": (lambda p: _base(p, go_row("bad", request=b"\x01")), "column request holds BLOB"),
    "a NULL error": (lambda p: _base(p, go_row("bad", error=None)), "column error holds NULL, not text"),
    "an unparsable time": (lambda p: _base(p, go_row("bad", created_at="at noon")), "column created_at: not a time"),
}


@pytest.mark.parametrize("kind", list(BAD_STORES))
async def test_a_bad_store_is_a_warning_on_screen_and_nothing_is_written(tmp_path: Path, kind: str) -> None:
    make, says = BAD_STORES[kind]
    base = make(tmp_path)
    before = tree_state(base)
    app = frozen_app(base, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.error is not None and says in app.error and "\n" not in app.error, app.error
        assert str(base / "db" / "tingly.db") in app.error
        text = screen_text(pilot)
        assert says in " ".join(text.split()) or "tingly.db" in text, text
        await pilot.press("r")  # reading again is the same warning, not a crash
        await settle(pilot)
        assert app.is_running and app.error is not None
        await quiesce(pilot)
    assert tree_state(base) == before


async def test_a_transcript_of_no_session_is_a_warning_on_screen(tmp_path: Path) -> None:
    base = _base(tmp_path)
    (base / "remote" / "transcripts" / "nobody.jsonl").write_bytes(transcript_line("lost"))
    before = tree_state(base)
    app = frozen_app(base)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.error is None and app.snapshot is not None and app.snapshot.counted
        assert "1 transcript belongs to no session: nobody.jsonl" in screen_text(pilot)
        await quiesce(pilot)
    assert tree_state(base) == before


async def test_a_truncated_transcript_line_is_named_where_the_history_would_be(tmp_path: Path) -> None:
    base = _base(tmp_path)
    path = base / "remote" / "transcripts" / f"{GOOD}.jsonl"
    path.write_bytes(transcript_line("one") + transcript_line("two")[:25])
    before = tree_state(base)
    app = frozen_app(base)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.tree.select_session(GOOD)
        await pilot.pause(0.2)
        await settle(pilot)
        text = " ".join(screen_text(pilot).split())
        assert "truncated (no end of line)" in text, text
        assert app.is_running and GOOD in app.tree.model.summaries  # the row still reads and shows
        await quiesce(pilot)
    assert tree_state(base) == before
