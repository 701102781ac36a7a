"""Starting the app from the command line, with or without the demo agents."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def theme_names() -> list[str]:
    """The names ``--theme`` accepts: Textual's built-in themes."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def run_app(path: Path, *, demo: bool = False, read_only: bool = False, theme: str | None = None) -> int:
    """Run the app on ``path``; with ``demo``, on a temporary file the demo agents write."""
    from .app import SessionApp

    if not demo:
        SessionApp(path, read_only=read_only, theme=theme).run()
        return 0
    from tui.demo.agents import DemoAgents

    folder = Path(tempfile.mkdtemp(prefix="session-tui-demo-"))
    agents = DemoAgents(folder / "bot_sessions.json")
    try:
        agents.start()
        SessionApp(agents.path, read_only=read_only, note=f"demo: {agents.path}", theme=theme).run()
    finally:
        agents.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0
