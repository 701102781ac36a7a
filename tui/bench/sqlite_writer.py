"""Another process writing tingly-box's database and transcripts as the Go bot does (plain ``sqlite3``).

``python -m tui.bench.sqlite_writer BASE`` reads one JSON command per line
on stdin and answers each on stdout with the times, on the system-wide
monotonic clock, of the call (``t_call``), of the write (``t_write``: just
before the ``COMMIT``, or the transcript's ``write``) and of its return
(``t_done``):

- ``{"id": ..., "project": ...}``: Go's ``Save`` of the whole row (every
  column, from what it read) with a new project and last activity;
- ``{"op": "append", "id": ...}``: one message appended to the session's
  transcript with ``O_APPEND``, as the bot does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from tui.session.sqlite.store import default_transcripts
from tui.session.sqlite.transcripts import transcript_path

clock = time.monotonic

COLUMNS = (
    "id", "chat_id", "agent", "project", "status", "request", "response", "error",
    "permission_mode", "created_at", "last_activity", "expires_at",
)
_UPSERT = (
    f"INSERT INTO remote_sessions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
    f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in COLUMNS if n != 'id')}"
)


def _driver_now() -> str:
    """Now as Go's driver writes a time."""
    return datetime.now(timezone.utc).isoformat(sep=" ")


def serve(db: Path) -> None:
    transcripts = default_transcripts(db)
    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    conn.execute("PRAGMA journal_mode=WAL")
    count = conn.execute("SELECT count(*) FROM remote_sessions").fetchone()[0]
    print(json.dumps({"ready": count}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        t_call = clock()
        session_id = command["id"]
        if command.get("op") == "append":
            message = {"Role": "assistant", "Content": "one more line from the bot", "Summary": "",
                       "Timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
            data = json.dumps(message, separators=(",", ":")).encode() + b"\n"
            fd = os.open(transcript_path(transcripts, session_id), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                t_write = clock()
                os.write(fd, data)
            finally:
                os.close(fd)
            ok = True
        else:
            row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM remote_sessions WHERE id = ?", (session_id,)).fetchone()
            ok = row is not None
            t_write = clock()
            if ok:
                values = dict(zip(COLUMNS, row), project=command["project"], last_activity=_driver_now())
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(_UPSERT, [values[n] for n in COLUMNS])
                t_write = clock()
                conn.execute("COMMIT")
        print(json.dumps({"ok": ok, "t_call": t_call, "t_write": t_write, "t_done": clock()}), flush=True)
    conn.close()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
