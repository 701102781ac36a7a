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

import sqlite3
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlitefiles import COLUMNS, append_lines, go_store, upsert  # noqa: E402

#: The app's tests call it by this name.
sqlite_store = go_store

HERE = Path(__file__).resolve()
DB = Path("db") / "tingly.db"


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
        for attempt in range(100):  # until the last reader's connection is closed
            try:
                conn.execute("BEGIN EXCLUSIVE")
                conn.execute("UPDATE remote_sessions SET error = error")
                break
            except sqlite3.OperationalError:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                time.sleep(0.1)
        print("locked", flush=True)
        sys.stdin.read()
        conn.execute("COMMIT")
    else:
        raise SystemExit(f"unknown op {op}")
    conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:])
