"""``session-tui generate PATH --sessions N --messages M``: write a synthetic session file."""

from __future__ import annotations

import argparse
import os
import time

from tui.text import plural
from tui.tools.synthetic import write_file
from tui.tools.synthetic_sqlite import write_sqlite

from .args import UsageError, add_path, count, session_path
from .output import cell

HELP = "Write a synthetic session file in the Go format, for trying the app and benchmarks."
EPILOG = """\
The file looks like what the Go bot writes: several chats, all six statuses
plus stale running and pending sessions, persistent ones, nanosecond times,
nested contexts, and untrusted text (unicode, markup, escape sequences).
Times are relative to now; the same --seed gives the same sessions.
10000 sessions x 30 messages is about 160 MB.

The file is written atomically (a temporary file, then a rename). An
existing PATH is never replaced without --force.

With --sqlite, PATH is a base directory and the same sessions are written
the way current tingly-box keeps them: PATH/db/tingly.db and one JSONL
transcript per session in PATH/remote/transcripts (no contexts: the
table has no column for them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``generate``."""
    add_path(parser, optional=False)
    parser.add_argument("--sessions", type=count, required=True, metavar="N", help="number of sessions")
    parser.add_argument("--messages", type=count, required=True, metavar="M", help="messages per session")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    parser.add_argument("--sqlite", action="store_true",
                        help="write tingly-box's SQLite store under the base directory PATH")


def run(options: argparse.Namespace) -> int:
    """Write the file; raises ``UsageError`` if it exists (without ``--force``)."""
    path = session_path(options.path)
    if options.sqlite:
        return _run_sqlite(path, options)
    if os.path.isdir(path):
        raise UsageError(f"{cell(path)} is a directory")
    started = time.perf_counter()
    try:
        size = write_file(path, options.sessions, options.messages, seed=options.seed, overwrite=options.force)
    except FileExistsError:
        raise UsageError(f"{cell(path)} already exists (use --force to replace it)") from None
    elapsed = time.perf_counter() - started
    print(
        f"wrote {cell(path)}: {plural(options.sessions, 'session')} x {plural(options.messages, 'message')}, "
        f"{size / 1_000_000:.1f} MB in {elapsed:.1f}s"
    )
    return 0


def _run_sqlite(base: os.PathLike[str], options: argparse.Namespace) -> int:
    """``generate --sqlite``: PATH is the base directory of the store."""
    if os.path.lexists(base) and not os.path.isdir(base):
        raise UsageError(f"{cell(base)} is not a directory (with --sqlite, PATH is the base directory)")
    started = time.perf_counter()
    try:
        size = write_sqlite(base, options.sessions, options.messages, seed=options.seed, overwrite=options.force)
    except FileExistsError as exc:
        raise UsageError(f"{cell(str(exc).rsplit(':', 1)[0])} already exists (use --force to replace it)") from None
    except OSError as exc:
        raise UsageError(f"{cell(base)}: cannot write: {exc.strerror or exc}") from None
    elapsed = time.perf_counter() - started
    print(
        f"wrote {cell(base)} (db/tingly.db and transcripts): {plural(options.sessions, 'session')} x "
        f"{plural(options.messages, 'message')}, {size / 1_000_000:.1f} MB in {elapsed:.1f}s"
    )
    return 0
