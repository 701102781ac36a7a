"""Entry point of ``session-tui`` and ``python -m tui``.

``session-tui [PATH] [--demo [--sqlite]] [--read-only] [--theme NAME] [--bell]`` opens the app. A first word
naming a command (``stats``, ``cleanup``, ``close``, ``delete``,
``generate``, ``list``, ``show``, ``watch``) runs it without the UI; a file named like a command is
reached as ``./stats``.

The UI needs a terminal: with no TTY on stdin, stdout or stderr (cron, a pipe) it
exits 2 at once with one line naming the commands, and a PATH that is a bare
word naming no file (``session-tui stat``) is taken for a mistyped command.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tui import __version__

from .args import DEFAULT_PATH
from .output import error_line


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
        description="Watch coding-agent sessions as they change and clean up stale ones.",
        epilog=(
            "commands (no UI): stats, cleanup, close, delete, generate, list, show, watch; "
            "see 'session-tui COMMAND --help'"
        ),
    )
    parser.add_argument(
        "path", nargs="?", default=None,
        help=f"session store to open: a JSON session file, a database or a base directory (default: {DEFAULT_PATH})",
    )
    parser.add_argument(
        "--demo", action="store_true", help="simulate agents writing a temporary session store and watch it"
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="with --demo: the agents write a SQLite store (db + transcripts)"
    )
    parser.add_argument("--read-only", action="store_true", help="disable every edit")
    parser.add_argument("--theme", metavar="NAME", help="colour theme, e.g. textual-light or nord (default: textual-dark)")
    parser.add_argument("--bell", action="store_true", help="ring the terminal bell when a session turns failed or stale")
    parser.add_argument("--version", action="version", version=f"session-tui {__version__}")
    return parser


def _run_app(args: list[str]) -> int:
    options = _app_parser().parse_args(args)
    problem = (
        _unknown_command(options.path)
        or ("--sqlite goes with --demo (a store of your own is opened by its PATH)" if options.sqlite and not options.demo else None)
        or _unknown_theme(options.theme)
        or _no_terminal()
    )
    if problem:
        print(error_line(f"session-tui: error: {problem}"), file=sys.stderr)
        return 2
    from tui.app.run import run_app

    return run_app(
        Path(options.path).expanduser() if options.path is not None else None,
        demo=options.demo,
        sqlite=options.sqlite,
        read_only=options.read_only,
        theme=options.theme,
        bell=options.bell,
    )


def _command_names() -> str:
    from .commands import COMMANDS

    return ", ".join(COMMANDS)


def _unknown_command(path: str | None) -> str | None:
    """Why PATH looks like a mistyped command: a bare word (no folder, no
    extension) that names no file. ``None`` when it may well be a file."""
    from .commands import COMMANDS

    from .output import cell

    bare = bool(path) and "/" not in path and os.sep not in path and "." not in path and not path.startswith("~")
    if not bare or os.path.exists(path):
        return None
    shown = cell(path)
    if path in COMMANDS:  # after an option: "session-tui --read-only stats"
        return f"{shown!r} is a command: put it first (session-tui {shown} ...)"
    close = difflib.get_close_matches(path, COMMANDS, n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"unknown command {shown!r}{guess}; the commands are {_command_names()}"
        f" (a file of that name is opened as ./{shown})"
    )


def _unknown_theme(theme: str | None) -> str | None:
    """Why ``--theme`` cannot be used: a name that is not one of Textual's themes."""
    if theme is None:
        return None
    from tui.app.run import theme_names

    names = theme_names()
    return None if theme in names else f"unknown theme {theme!r} (one of: {', '.join(names)})"


def _no_terminal() -> str | None:
    """Why the UI cannot start here: stdin or stdout (or stderr, where Textual
    draws) is not a terminal."""
    named = (("stdin", sys.stdin), ("stdout", sys.stdout), ("stderr", sys.stderr))
    streams = [name for name, stream in named if not _is_tty(stream)]
    if not streams:
        return None
    return (
        f"the UI needs a terminal ({', '.join(streams)} {'is' if len(streams) == 1 else 'are'} not one);"
        f" for scripts and cron use a command: {_command_names()} (see session-tui COMMAND --help)"
    )


def _is_tty(stream: object) -> bool:
    try:
        return stream is not None and stream.isatty()  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False
