"""``session-tui cleanup [PATH] --older-than AGE [--dry-run] [--verify DURATION]``: remove old ended sessions."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from tui.session import EditKind, Manager, SessionStoreJSON, cleanup_candidates

from .args import UsageError, add_path, age, require_file, session_path
from .output import cell, plural, session_rows, table
from .verify import VERIFY_HELP, add_verify, verify, warn_if_foreign

HELP = "Remove completed, failed, closed and expired sessions idle for longer than an age."
EPILOG = """\
AGE is a number and a unit: 90s, 30m, 12h, 7d, 2w.

Running and pending sessions are never removed, nor persistent ones (no
expiry time), nor sessions with a status this version does not know: the
same rule as the library's cleanup_old_sessions, which does the removal
(one locked write). The sessions removed, or with --dry-run those that
would be, are listed oldest first.

Between session-tui processes the removal holds. A writer that takes no
lock (the Go bot's store) puts the sessions back at its next write: a
warning on stderr says so when one wrote in the last 10 minutes (stop the
bot first, or use the SQLite store of current tingly-box).

""" + VERIFY_HELP + """

Exit status: 0 on success (also when nothing is old enough), 2 on bad
usage or a missing, bad or read-only file, 3 when --verify saw removed
sessions come back."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``cleanup``."""
    add_path(parser)
    parser.add_argument("--older-than", type=age, required=True, metavar="AGE",
                        help="remove sessions last active longer ago than this (e.g. 7d)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed; change nothing")
    add_verify(parser)


def run(options: argparse.Namespace) -> int:
    """List, then (unless ``--dry-run``) remove, the sessions older than the age."""
    path = session_path(options.path)
    now = datetime.now(timezone.utc)
    clock = lambda: now  # noqa: E731 - one "now" for the listing and the removal
    if options.dry_run and options.verify is not None:
        raise UsageError("--verify has nothing to watch with --dry-run", hint=True)
    store = SessionStoreJSON(path, clock=clock)  # raises StoreError for a bad file
    snap = require_file(store.snapshot())
    older_than, older = options.older_than
    candidates = cleanup_candidates(snap.summaries(), older_than, now)
    if not candidates:
        print(f"nothing to clean up in {cell(path)}: no ended session idle for more than {older}")
        return 0
    if options.dry_run:
        removed = candidates
        head = f"would remove {plural(len(removed), 'session')} idle for more than {older} from {cell(path)}:"
    else:
        with Manager(store=store, background=False, clock=clock) as manager:
            count = manager.cleanup_old_sessions(older_than)
        after = store.snapshot()
        # The file is re-read under the lock: another process may have changed
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
        return verify(options.prog, path, EditKind.CLEANUP, [s.id for s in removed], options.verify, start=after)
    return 0
