"""Starting the app from the command line, with or without the demo agents."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .signals import ExitOnSignals


def theme_names() -> list[str]:
    """The names ``--theme`` accepts: Textual's built-in themes."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def run_app(
    path: Path | None,
    *,
    demo: bool = False,
    sqlite: bool = False,
    read_only: bool = False,
    theme: str | None = None,
    bell: bool = False,
) -> int:
    """Run the app on ``path`` (``None``: the default store, SPEC §7); with ``demo``, on a
    temporary store the demo agents write (a SQLite database and transcripts with ``sqlite``).

    SIGTERM, SIGHUP and SIGINT end it as ``q`` does, then the process with
    status 128 + the signal; the demo's agents and folder go however it ends.
    """
    from tui.session import default_path, open_source, store_locations

    from .app import SessionApp
    from .settings import config_dir

    if not demo:
        signals = ExitOnSignals()
        # No PATH: the empty screen names both stores it looked for.
        locations = store_locations() if path is None else None
        source = open_source(path if path is not None else default_path())
        SessionApp(
            source, locations=locations, read_only=read_only, signals=signals, theme=theme, bell=bell,
            config_dir=config_dir(),
        ).run()
        signals.end_if_signalled()
        return 0
    from tui.demo.agents import DemoAgents

    folder = Path(tempfile.mkdtemp(prefix="session-tui-demo-"))
    # A JSON file, or a base directory that will hold db/tingly.db and remote/transcripts/.
    agents = DemoAgents(folder if sqlite else folder / "bot_sessions.json")

    def cleanup() -> None:
        try:
            agents.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    signals = ExitOnSignals(cleanup)
    try:
        agents.start()
        SessionApp(
            agents.path,
            read_only=read_only,
            note=f"demo: {agents.path}",
            signals=signals,
            theme=theme,
            bell=bell,
            config_dir=config_dir(),
        ).run()
    finally:
        signals.cleanup_once()
    signals.end_if_signalled()
    return 0
