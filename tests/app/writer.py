"""An external writer for the app's live tests: one change to a session file per run.

Usage: writer.py PATH create CHAT [ID_FILE] | append ID TEXT | status ID STATUS | delete ID | corrupt | restore
       writer.py PATH hold-lock (holds PATH.lock, says "locked", lets go when stdin closes)
       writer.py PATH append-loop STOP_FILE ID... (appends round-robin until STOP_FILE exists,
       printing "ID TEXT" on stdout after each append that returned)
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from tui.session import Manager, Message, SessionStoreJSON


def main(path: Path, op: str, *args: str) -> None:
    if op == "corrupt":
        path.with_suffix(".good").write_bytes(path.read_bytes())
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
        return
    if op == "restore":
        path.write_bytes(path.with_suffix(".good").read_bytes())
        return
    if op == "hold-lock":
        hold_lock(path)
        return
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        if op == "append-loop":
            append_loop(manager, Path(args[0]), args[1:])
        elif op == "create":
            session = manager.create_with(args[0], "claude", "/tmp/new-project")
            manager.set_running(session.id)
            if len(args) > 1:
                Path(args[1]).write_text(session.id)
        elif op == "append":
            assert manager.append_message(args[0], Message("assistant", args[1])), "append refused"
        elif op == "status":
            session = manager.get_or_load(args[0])
            assert session is not None
            assert manager.update(args[0], lambda s: setattr(s, "status", args[1])), "update refused"
        elif op == "delete":
            assert manager.delete(args[0]), "not found"
        else:
            raise SystemExit(f"unknown op {op}")


def hold_lock(path: Path) -> None:
    """Hold the file's sidecar lock (SPEC §2: ``<file>.lock``) until stdin closes."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()


def append_loop(manager: Manager, stop: Path, ids: list[str], limit: int = 5000) -> None:
    """Append to ``ids`` in turn until ``stop`` exists; acknowledge each append on stdout."""
    for n in range(limit):
        if stop.exists():
            return
        session_id = ids[n % len(ids)]
        text = f"append {n} to {session_id}"
        assert manager.append_message(session_id, Message("assistant", text)), f"append refused: {text}"
        print(session_id, text, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], *sys.argv[3:])
