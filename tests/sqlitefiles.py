"""Go-written SQLite stores for tests: copies of the shared fixtures, and raw rows written as Go does.

Everything here uses the ``sqlite3`` module directly, never the library, so
that tests hold the library against an independent reading and writing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

#: ``../shared`` beside the clone, as in ``conftest.py``.
GO_SQLITE = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "go-sqlite"
DB_ZERO = "0001-01-01 00:00:00+00:00"
COLUMNS = (
    "id", "chat_id", "agent", "project", "status", "request", "response", "error",
    "permission_mode", "created_at", "last_activity", "expires_at",
)
#: The DDL Go's ORM runs (tingly-box's ``remote_sessions``).
GO_DDL = (
    "CREATE TABLE `remote_sessions` (`id` text,`chat_id` text,`agent` text,`project` text,"
    "`status` text,`request` text,`response` text,`error` text,`permission_mode` text,"
    "`created_at` datetime,`last_activity` datetime,`expires_at` datetime,PRIMARY KEY (`id`))",
    "CREATE INDEX `idx_remote_sessions_bind` ON `remote_sessions`(`chat_id`,`agent`,`project`,`last_activity`)",
    "CREATE INDEX `idx_remote_sessions_chat` ON `remote_sessions`(`chat_id`)",
    "CREATE INDEX `idx_remote_sessions_status` ON `remote_sessions`(`status`)",
)


def copy_fixture(name: str, into: Path) -> Path:
    """Copy ``go-sqlite/<name>`` (a base directory) under ``into``, writable; returns the copy."""
    source = GO_SQLITE / name
    if not source.exists():
        import pytest

        pytest.skip(f"Go SQLite fixtures not found at {GO_SQLITE}")
    target = into / name
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
    return target


def go_row(session_id: str, **fields: Any) -> dict[str, Any]:
    """A row with every column, as Go writes it; ``fields`` override."""
    row: dict[str, Any] = {
        "id": session_id,
        "chat_id": "chat-1",
        "agent": "claude",
        "project": "/work/proj",
        "status": "running",
        "request": "do the thing",
        "response": "",
        "error": "",
        "permission_mode": "default",
        "created_at": "2026-11-24 13:41:57.072125512+08:00",
        "last_activity": "2026-11-24 13:42:57.072125512+08:00",
        "expires_at": "2026-11-24 14:11:57.072125512+08:00",
    }
    row.update(fields)
    return row


def go_database(path: Path, *rows: dict[str, Any], ddl: tuple[str, ...] = GO_DDL) -> Path:
    """Create a WAL database at ``path`` with Go's schema and ``rows`` (raw values)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in ddl:
        conn.execute(statement)
    for row in rows:
        upsert(conn, row)
    conn.close()
    return path


def upsert(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    """Go's ``Save``: write every column of the row, inserting it if missing."""
    names = list(row)
    conn.execute(
        f"INSERT INTO remote_sessions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names if n != 'id')}",
        [row[n] for n in names],
    )


def raw_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Every row of ``remote_sessions`` with every column (known or not), by id."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute("SELECT * FROM remote_sessions")}
    finally:
        conn.close()


_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})\Z")


def exact_instant(text: str) -> tuple[int, int] | None:
    """``(nanoseconds since the epoch, offset in minutes)`` of RFC 3339 or driver time text.

    ``None`` for the zero time. Independent of the library's parser.
    """
    if text in ("0001-01-01T00:00:00Z", DB_ZERO):
        return None
    match = _RFC3339.match(text)
    assert match, f"not a time: {text!r}"
    day, clock, fraction, zone = match.groups()
    if zone == "Z":
        offset = 0
    else:
        offset = (int(zone[1:3]) * 60 + int(zone[4:6])) * (-1 if zone[0] == "-" else 1)
    base = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=timezone(timedelta(minutes=offset)))
    seconds = int(base.timestamp())
    return seconds * 1_000_000_000 + int((fraction or "").ljust(9, "0")), offset


def tree_state(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, to show that nothing was written.

    Leaves out what any SQLite reader of a WAL database creates: the ``-shm``
    index and an empty ``-wal`` (a write would leave frames in it).
    """
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith("-shm"):
            data = path.read_bytes()
            if data or not path.name.endswith("-wal"):
                state[str(path.relative_to(root))] = data
    return state


def transcript_line(content: str, timestamp: str = "2026-11-24T05:41:58.000000001Z", role: str = "user") -> bytes:
    """One transcript line as Go writes it (no characters that Go escapes in ``content``)."""
    return (
        f'{{"Role":"{role}","Content":"{content}","Summary":"","Timestamp":"{timestamp}"}}\n'.encode()
    )


def driver_time(text: str) -> str:
    """Go's RFC 3339 text as the SQLite driver writes the same instant (``T`` → space, ``Z`` → ``+00:00``)."""
    return text.replace("T", " ", 1).replace("Z", "+00:00")


def go_store(base: Path, doc: dict[str, Any]) -> Path:
    """tingly-box's layout under ``base`` holding the sessions of a Go JSON document, as the bot's
    import writes them (rows in driver time text, transcripts; no context); returns ``base``."""
    rows = []
    for sid, s in doc["items"].items():
        rows.append(go_row(
            sid, chat_id=s["ChatID"], agent=s["Agent"], project=s["Project"], status=s["Status"],
            request=s["Request"], response=s["Response"], error=s["Error"], permission_mode=s["PermissionMode"],
            created_at=driver_time(s["CreatedAt"]), last_activity=driver_time(s["LastActivity"]),
            expires_at=driver_time(s["ExpiresAt"]),
        ))
        append_lines(base, sid, s["Messages"] or [])
    go_database(base / "db" / "tingly.db", *rows)
    return base


def transcript(base: Path, session_id: str) -> Path:
    """The transcript of a session (the fixtures' ids are plain: the key is the id)."""
    return base / "remote" / "transcripts" / f"{session_id}.jsonl"


def append_lines(base: Path, session_id: str, messages: list[dict[str, Any]]) -> None:
    path = transcript(base, session_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for message in messages:
            os.write(fd, json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    finally:
        os.close(fd)
