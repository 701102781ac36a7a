"""An external writer for the app's live tests: one change to a session file per run.

Usage: writer.py PATH create CHAT [ID_FILE] | append ID TEXT | status ID STATUS | delete ID | corrupt | restore
"""

from __future__ import annotations

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
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        if op == "create":
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


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], *sys.argv[3:])
