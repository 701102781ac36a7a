"""Starting the app from the command line, with or without the demo agents."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def run_app(path: Path, *, demo: bool = False, read_only: bool = False) -> int:
    """Run the app on ``path``; with ``demo``, on a temporary file the demo agents write."""
    from .app import SessionApp

    if not demo:
        SessionApp(path, read_only=read_only).run()
        return 0
    from tui.demo.agents import DemoAgents

    folder = Path(tempfile.mkdtemp(prefix="session-tui-demo-"))
    agents = DemoAgents(folder / "bot_sessions.json")
    try:
        agents.start()
        SessionApp(agents.path, read_only=read_only, note=f"demo: {agents.path}").run()
    finally:
        agents.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0
