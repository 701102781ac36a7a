"""Entry point of ``session-tui`` and ``python -m tui``.

``session-tui [PATH] [--demo] [--read-only] [--theme NAME]`` opens the app. A first word
naming a command (``stats``, ``cleanup``, ``close``, ``delete``,
``generate``) runs it without the UI; a file named like a command is
reached as ``./stats``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui import __version__

from .output import error_line

#: Where the Go bot writes its sessions.
DEFAULT_PATH = "~/.tingly-box/bot_sessions.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    from .commands import COMMANDS, run_command

    if args and args[0] in COMMANDS:
        return run_command(args)
    return _run_app(args)


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="session-tui",
        description="Watch coding-agent sessions live and clean up stale ones.",
        epilog=(
            "commands (no UI): stats, cleanup, close, delete, generate; "
            "see 'session-tui COMMAND --help'"
        ),
    )
    parser.add_argument(
        "path", nargs="?", default=DEFAULT_PATH, help=f"session file to open (default: {DEFAULT_PATH})"
    )
    parser.add_argument(
        "--demo", action="store_true", help="simulate agents writing a temporary session file and watch it"
    )
    parser.add_argument("--read-only", action="store_true", help="disable every edit")
    parser.add_argument("--theme", metavar="NAME", help="colour theme, e.g. textual-light or nord (default: textual-dark)")
    parser.add_argument("--version", action="version", version=f"session-tui {__version__}")
    return parser


def _run_app(args: list[str]) -> int:
    options = _app_parser().parse_args(args)
    from tui.app.run import run_app

    if options.theme is not None:
        from tui.app.run import theme_names

        if options.theme not in theme_names():
            choices = ", ".join(theme_names())
            print(error_line(f"session-tui: error: unknown theme {options.theme!r} (one of: {choices})"), file=sys.stderr)
            return 2
    return run_app(
        Path(options.path).expanduser(),
        demo=options.demo,
        read_only=options.read_only,
        theme=options.theme,
    )
