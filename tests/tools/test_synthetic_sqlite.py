"""``tui.tools.synthetic_sqlite``: the JSON generator's sessions as a tingly-box SQLite store."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rawfiles import expected_time
from sqlitefiles import GO_DDL, raw_rows

from tui.session import SessionStoreSQLite
from tui.session.sqlite.transcripts import go_json_line
from tui.tools.synthetic import generate_document
from tui.tools.synthetic_sqlite import write_sqlite

NOW = datetime(2026, 11, 24, 6, 0, 0, 123456, tzinfo=timezone.utc)


def test_the_store_holds_the_json_generators_sessions(tmp_path: Path) -> None:
    base = tmp_path / ".tingly-box"
    write_sqlite(base, 60, 6, seed=2, now=NOW)
    items = json.loads(generate_document(60, 6, seed=2, now=NOW))["items"]
    store = SessionStoreSQLite(base / "db" / "tingly.db")
    sessions = {s.id: s for s in store.list()}
    assert set(sessions) == set(items)
    for sid, go in items.items():
        s = sessions[sid]
        assert (s.chat_id, s.agent, s.project, s.status, s.request, s.response, s.error, s.permission_mode) == (
            go["ChatID"], go["Agent"], go["Project"], go["Status"], go["Request"], go["Response"], go["Error"],
            go["PermissionMode"],
        )
        assert (s.created_at, s.last_activity, s.expires_at) == tuple(
            expected_time(go[k]) for k in ("CreatedAt", "LastActivity", "ExpiresAt")
        )
        assert [(m.role, m.content, m.timestamp) for m in s.messages] == [
            (m["Role"], m["Content"], expected_time(m["Timestamp"])) for m in go["Messages"] or ()
        ]
        path = store.transcript_path(sid)
        if go["Messages"]:  # written as Go (and this library) encodes them
            assert path.read_bytes() == b"".join(go_json_line(m) for m in s.messages)
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.stray_transcripts() == []
    conn = sqlite3.connect(base / "db" / "tingly.db")
    assert tuple(sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")) == GO_DDL
    conn.close()
    assert any("+08:00" in row["created_at"] for row in raw_rows(base / "db" / "tingly.db").values())


def test_an_existing_store_is_replaced_only_when_asked(tmp_path: Path) -> None:
    write_sqlite(tmp_path, 5, 2, now=NOW)
    with pytest.raises(FileExistsError):
        write_sqlite(tmp_path, 3, 1, now=NOW)
    write_sqlite(tmp_path, 3, 1, now=NOW, overwrite=True)
    store = SessionStoreSQLite(tmp_path / "db" / "tingly.db")
    assert len(store.summaries()) == 3 and store.stray_transcripts() == []
