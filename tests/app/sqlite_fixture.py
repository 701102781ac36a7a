"""The app's fixture documents as tingly-box's SQLite store, and a simulated Go bot writing it from another process.

Rows are written with plain ``sqlite3`` as Go's driver writes them (times as
driver text), transcripts as JSONL lines; the session's ``Context`` has no
column and is left out, as the bot's import leaves it out.

Run as a script, this is the other process:

    python sqlite_fixture.py BASE status ID STATUS   (Go's Save: the whole row, a new last_activity)
    python sqlite_fixture.py BASE append ID TEXT     (one transcript line, O_APPEND)
    python sqlite_fixture.py BASE hold               (locks the database exclusively until stdin closes)
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlitefiles import COLUMNS, go_database, go_row, upsert  # noqa: E402

HERE = Path(__file__).resolve()
DB, TRANSCRIPTS = Path("db") / "tingly.db", Path("remote") / "transcripts"


def driver_time(text: str) -> str:
    """Go's RFC 3339 text as the SQLite driver writes the same instant (``T`` → space, ``Z`` → ``+00:00``)."""
    return text.replace("T", " ", 1).replace("Z", "+00:00")


def sqlite_store(base: Path, doc: dict[str, Any]) -> Path:
    """tingly-box's layout under ``base`` holding the sessions of a fixture document; returns ``base``."""
    rows = []
    for sid, s in doc["items"].items():
        rows.append(go_row(
            sid, chat_id=s["ChatID"], agent=s["Agent"], project=s["Project"], status=s["Status"],
            request=s["Request"], response=s["Response"], error=s["Error"], permission_mode=s["PermissionMode"],
            created_at=driver_time(s["CreatedAt"]), last_activity=driver_time(s["LastActivity"]),
            expires_at=driver_time(s["ExpiresAt"]),
        ))
        append_lines(base, sid, s["Messages"] or [])
    go_database(base / DB, *rows)
    return base


def transcript(base: Path, session_id: str) -> Path:
    """The transcript of a session (the fixtures' ids are plain: the key is the id)."""
    return base / TRANSCRIPTS / f"{session_id}.jsonl"


def append_lines(base: Path, session_id: str, messages: list[dict[str, Any]]) -> None:
    path = transcript(base, session_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for message in messages:
            os.write(fd, json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    finally:
        os.close(fd)


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(sep=" ")


def main(base: Path, op: str, *args: str) -> None:
    if op == "append":
        stamp = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        append_lines(base, args[0], [{"Role": "assistant", "Content": args[1], "Summary": "", "Timestamp": stamp}])
        return
    conn = sqlite3.connect(base / DB, isolation_level=None, timeout=10)
    if op == "status":
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM remote_sessions WHERE id = ?", (args[0],)).fetchone())
        row.update(status=args[1], last_activity=now_text())
        upsert(conn, {name: row[name] for name in COLUMNS})
    elif op == "hold":
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE remote_sessions SET error = error")
        print("locked", flush=True)
        sys.stdin.read()
        conn.execute("COMMIT")
    else:
        raise SystemExit(f"unknown op {op}")
    conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:])
