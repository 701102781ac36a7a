"""``session-tui cleanup [PATH] --older-than AGE [--dry-run] [--verify DURATION]``: remove old ended sessions."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from tui.session import EditKind, Manager, Source, cleanup_candidates
from tui.text import plural

from .args import STORE_RULE, UsageError, add_path, age, require_file, session_source
from .output import cell, session_rows, table
from .verify import VERIFY_HELP, add_verify, verify, warn_if_foreign

HELP = "Remove completed, failed, closed and expired sessions idle for longer than an age."
EPILOG = STORE_RULE + """

AGE is a number and a unit: 90s, 30m, 12h, 7d, 2w.

Running and pending sessions are never removed, nor persistent ones (no
expiry time), nor sessions with a status this version does not know: the
same rule as the library's cleanup_old_sessions, which does the removal
(one locked write, or one transaction). The sessions removed, or with --dry-run those that
would be, are listed oldest first.

Between session-tui processes the removal holds, and in a SQLite database
(every writer takes SQLite's lock). In a JSON file a writer that takes no
lock (the Go bot's old store) puts the sessions back at its next write: a
warning on stderr says so when one wrote in the last 10 minutes (stop the
bot first, or use the SQLite store of current tingly-box).

""" + VERIFY_HELP + """

Exit status: 0 on success (also when nothing is old enough), 2 on bad
usage, a missing, bad or read-only store or a database that stays locked,
3 when --verify saw removed sessions come back."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``cleanup``."""
    add_path(parser)
    parser.add_argument("--older-than", type=age, required=True, metavar="AGE",
                        help="remove sessions last active longer ago than this (e.g. 7d)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed; change nothing")
    add_verify(parser)


def run(options: argparse.Namespace) -> int:
    """List, then (unless ``--dry-run``) remove, the sessions older than the age."""
    if options.dry_run and options.verify is not None:
        raise UsageError("--verify has nothing to watch with --dry-run", hint=True)
    source = session_source(options.path)
    now = datetime.now(timezone.utc)
    try:
        return _run(options, source, now)
    finally:
        source.close()


def _run(options: argparse.Namespace, source: Source, now: datetime) -> int:
    path = source.path
    clock = lambda: now  # noqa: E731 - one "now" for the listing and the removal
    snap = require_file(source.read(), source)  # raises StoreError for a bad or busy store
    older_than, older = options.older_than
    candidates = cleanup_candidates(snap.summaries(), older_than, now)
    if not candidates:
        print(f"nothing to clean up in {cell(path)}: no ended session idle for more than {older}")
        return 0
    if options.dry_run:
        removed = candidates
        head = f"would remove {plural(len(removed), 'session')} idle for more than {older} from {cell(path)}:"
    else:
        with Manager(store=source.store(clock=clock, reading=snap), background=False, clock=clock) as manager:
            count = manager.cleanup_old_sessions(older_than)
        after = source.read(snap)
        # The store is re-read by the removal: another process may have changed
        # it since the listing, so list what is actually gone.
        removed = [s for s in candidates if s.id not in after]
        head = f"removed {plural(count, 'session')} idle for more than {older} from {cell(path)}:"
        if count > len(removed):
            head = head[:-1] + f" ({count - len(removed)} of them written after this listing):"
    print(head)
    for line in table(session_rows(removed, now)):
        print("  " + line)
    if options.dry_run:
        warn_if_foreign(options.prog, path, (snap,))
        return 0
    warn_if_foreign(options.prog, path, (snap, after))
    if options.verify is not None and removed:
        return verify(options.prog, source, EditKind.CLEANUP, [s.id for s in removed], options.verify, start=after)
    return 0
