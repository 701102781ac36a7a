"""``session-tui close|delete [PATH] ID... [--verify DURATION]``: end or remove sessions by id.

Every id is checked against the store first; if any matches no session (or
several, or is too short to be a prefix), nothing is changed. Then both go
through the library's ``Manager`` (``close_many``/``delete_many``): one
locked read-modify-write of the latest store for all the ids (a JSON file
under its lock, a database in one transaction), so sessions other writers
write meanwhile are kept. A writer of a JSON file that takes no lock (the
Go bot's old store) is not held back by the lock: its next write puts back
what it has in memory, undoing the change. The commands warn when such a
writer wrote recently, and ``--verify`` watches for the undo.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tui.session import EditKind, Manager, Reading, SessionSummary, Status, open_source
from tui.text import plural

from .args import ID_RULE, MIN_PREFIX, PATH_RULE, require_file, split_path_and_ids
from .output import cell, session_rows, table
from .verify import VERIFY_HELP, add_verify, verify, warn_if_foreign

CLOSE_HELP = "Close sessions: status 'closed', kept in the store."
DELETE_HELP = "Delete sessions from the store, whatever their status."
USAGE = "%(prog)s [PATH] ID [ID ...] [--verify DURATION]"
EPILOG = f"""\
{PATH_RULE}

{ID_RULE}

Between session-tui processes the change holds, and in a SQLite database
(every writer takes SQLite's lock). In a JSON file a writer that takes no
lock (the Go bot's old store) undoes it at its next write: a warning on
stderr says so when one wrote in the last 10 minutes (stop the bot first,
or use the SQLite store of current tingly-box).

{VERIFY_HELP}

Exit status: 0 when every ID was found and changed (or already closed), 1
when some were not found, were ambiguous or too short (nothing is changed),
2 on bad usage, a bad, missing or read-only store or a database that stays
locked, 3 when --verify saw the change undone."""

#: How many sessions an ambiguous prefix lists.
SHOWN_MATCHES = 5


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``close`` and ``delete``."""
    parser.add_argument("words", nargs="+", metavar="[PATH] ID", help="the session store (see below), then session ids")
    add_verify(parser)


def run_close(options: argparse.Namespace) -> int:
    """Close the sessions named on the command line."""
    return _run(options, Manager.close_many, EditKind.CLOSE)


def run_delete(options: argparse.Namespace) -> int:
    """Delete the sessions named on the command line."""
    return _run(options, Manager.delete_many, EditKind.DELETE)


@dataclass
class Resolved:
    """Command-line ids matched against a file."""

    #: Full session ids, in command-line order, without repeats.
    ids: list[str] = field(default_factory=list)
    #: Arguments that match no session.
    missing: list[str] = field(default_factory=list)
    #: Arguments that match no session and are too short to be a prefix.
    too_short: list[str] = field(default_factory=list)
    #: Prefixes that match several sessions, with the ids they match.
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every argument named exactly one session."""
        return not (self.missing or self.too_short or self.ambiguous)


def resolve(snap: Reading, wanted: Iterable[str]) -> Resolved:
    """Match each argument to a session: its full id, or a unique prefix of ``MIN_PREFIX``+ characters."""
    result = Resolved()
    for word in wanted:
        if word in snap:
            matches = [word]
        elif len(word) >= MIN_PREFIX:
            matches = [sid for sid in snap if sid.startswith(word)]
        else:
            result.too_short.append(word)
            continue
        if len(matches) > 1:
            result.ambiguous[word] = sorted(matches)
        elif not matches:
            result.missing.append(word)
        elif matches[0] not in result.ids:
            result.ids.append(matches[0])
    return result


def _run(options: argparse.Namespace, act: Callable[[Manager, list[str]], list[str]], kind: EditKind) -> int:
    """Check every id, then ``act`` on them all (one write), list them; or report what is wrong and change nothing."""
    path, wanted = split_path_and_ids(options.words)
    source = open_source(path)
    try:
        snap = require_file(source.read(), source)  # raises StoreError for a bad or busy store
        found = resolve(snap, wanted)
        if not found.complete:
            _report_unresolved(options.prog, found, path, kind)
            return 1
        with Manager(store=source.store(reading=snap), background=False) as manager:
            done = act(manager, found.ids)
        after = source.read(snap)
    finally:
        source.close()
    now = datetime.now(timezone.utc)
    summaries = [s for s in map(snap.summary, done) if s is not None]
    if kind is EditKind.CLOSE:
        already = [s for s in summaries if s.status == Status.CLOSED]
        changed = [s for s in summaries if s.status != Status.CLOSED]
        _list(f"closed {plural(len(changed), 'session')} in {cell(path)}:", changed, now,
              lambda s: f"was {s.status}")
        _list(f"already closed in {cell(path)} (left as {'they were' if len(already) > 1 else 'it was'}):",
              already, now, lambda s: str(s.status))
    else:
        _list(f"deleted {plural(len(summaries), 'session')} from {cell(path)}:", summaries, now,
              lambda s: str(s.status))
    # Found before the write but not by it: another process removed them meanwhile.
    gone = [sid for sid in found.ids if sid not in done]
    if gone:
        print(f"{options.prog}: removed by another process meanwhile: {', '.join(map(cell, gone))}",
              file=sys.stderr)
    warn_if_foreign(options.prog, path, (snap, after), now)
    if options.verify is not None and done:
        return verify(options.prog, source, kind, done, options.verify, start=after)
    return 1 if gone else 0


def _list(head: str, summaries: list[SessionSummary], now: datetime, status: Callable[[SessionSummary], str]) -> None:
    if not summaries:
        return
    print(head)
    rows = session_rows(summaries, now)
    for summary, row in zip(summaries, rows):
        row[1] = status(summary)
    for line in table(rows):
        print("  " + line)


def _report_unresolved(prog: str, found: Resolved, path: object, kind: EditKind) -> None:
    verb = "closed" if kind is EditKind.CLOSE else "deleted"
    print(f"{prog}: nothing {verb}: every ID must name exactly one session in {cell(path)}", file=sys.stderr)
    report_unmatched(prog, found, path)


def report_unmatched(prog: str, found: Resolved, path: object) -> None:
    """One line on stderr per argument that names no session, or several."""
    if found.missing:
        print(f"{prog}: not found in {cell(path)}: {', '.join(map(cell, found.missing))}", file=sys.stderr)
    for word in found.too_short:
        print(f"{prog}: {cell(word)}: no session has this id, and it is too short for an id prefix "
              f"(at least {MIN_PREFIX} characters)", file=sys.stderr)
    for word, matches in found.ambiguous.items():
        shown = ", ".join(map(cell, matches[:SHOWN_MATCHES]))
        more = f" and {len(matches) - SHOWN_MATCHES} more" if len(matches) > SHOWN_MATCHES else ""
        print(f"{prog}: {cell(word)} is ambiguous: {len(matches)} session ids start with it: {shown}{more}",
              file=sys.stderr)
