"""The commands for scripts and cron: ``session-tui COMMAND ...`` without the UI.

::

    session-tui stats [PATH] [--json]
    session-tui cleanup [PATH] --older-than 7d [--dry-run]
    session-tui close [PATH] ID...        session-tui delete [PATH] ID...
    session-tui generate PATH --sessions N --messages M
    session-tui list [PATH] [--status S] [--chat C] [--json]
    session-tui show [PATH] ID [--json | --markdown]
    session-tui watch [PATH] [--json]

Exit status: 0 on success, 1 when a session id is not found (then nothing
is changed), 2 on bad usage, a bad or missing file or one this user may not
write, 3 when ``--verify`` saw the change undone (by a writer that takes no
lock, such as the Go bot). Errors are one line on stderr, never a traceback. Each command lives in its own
module; this one parses the command line and turns failures into exit
statuses.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.session import StoreError

from . import cleanup, edit, generate, listing, show, stats, watch
from .args import UsageError, attach_values
from .output import error_line


@dataclass(frozen=True)
class Command:
    """One command: its one-line help, its arguments, and what it runs."""

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    usage: str | None = None
    epilog: str | None = None


#: Every command, by the name that selects it as the first word of the command line.
COMMANDS: dict[str, Command] = {
    "stats": Command(stats.HELP, stats.configure, stats.run, epilog=stats.EPILOG),
    "cleanup": Command(cleanup.HELP, cleanup.configure, cleanup.run, epilog=cleanup.EPILOG),
    "close": Command(edit.CLOSE_HELP, edit.configure, edit.run_close, usage=edit.USAGE, epilog=edit.EPILOG),
    "delete": Command(edit.DELETE_HELP, edit.configure, edit.run_delete, usage=edit.USAGE, epilog=edit.EPILOG),
    "generate": Command(generate.HELP, generate.configure, generate.run, epilog=generate.EPILOG),
    "list": Command(listing.HELP, listing.configure, listing.run, usage=listing.USAGE, epilog=listing.EPILOG),
    "show": Command(show.HELP, show.configure, show.run, usage=show.USAGE, epilog=show.EPILOG),
    "watch": Command(watch.HELP, watch.configure, watch.run, usage=watch.USAGE, epilog=watch.EPILOG),
}

#: Exit statuses (1, an id not found, and 3, a change undone, are returned by the commands themselves).
USAGE, BROKEN_PIPE, INTERRUPTED = 2, 141, 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and raise instead of exiting)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, hint=True)


def run_command(argv: Sequence[str]) -> int:
    """Run ``argv[0]`` (a name in :data:`COMMANDS`) with the rest as its arguments.

    Returns the exit status; never raises for bad usage, bad files or
    failed writes (each is one line on stderr and status 2).
    """
    name, rest = argv[0], list(argv[1:])
    command = COMMANDS[name]
    prog = f"session-tui {name}"
    parser = _Parser(
        prog=prog,
        usage=command.usage,
        description=command.help,
        epilog=command.epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.configure(parser)
    try:
        try:
            options = parser.parse_args(attach_values(rest))
        except SystemExit as done:  # --help
            return done.code if isinstance(done.code, int) else USAGE
        options.prog = prog
        return command.run(options)
    except UsageError as exc:
        hint = f" (see '{prog} --help')" if exc.hint else ""
        print(error_line(f"{prog}: error: {exc}{hint}"), file=sys.stderr)
        return USAGE
    except BrokenPipeError:  # piped into head, say: stop quietly
        _silence_stdout()
        return BROKEN_PIPE
    except (StoreError, OSError) as exc:
        print(error_line(f"{prog}: error: {_describe(exc)}"), file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return INTERRUPTED


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    return str(exc)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
