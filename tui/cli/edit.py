"""``session-tui close|delete [PATH] ID...``: end or remove sessions by id.

Both go through the library's ``Manager`` (``close_many``/``delete_many``):
one locked read-modify-write of the latest file for all the ids, so
sessions other processes write meanwhile are kept.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tui.session import Manager, SessionStoreJSON, SessionSummary, Snapshot, Status

from .args import ID_RULE, MIN_PREFIX, PATH_RULE, split_path_and_ids
from .output import cell, plural, session_rows, table

CLOSE_HELP = "Close sessions: status 'closed', kept in the file."
DELETE_HELP = "Delete sessions from the file, whatever their status."
USAGE = "%(prog)s [PATH] ID [ID ...]"
EPILOG = f"""\
{PATH_RULE}

{ID_RULE}

Exit status: 0 when every ID was found, 1 when some were not (or a prefix
matched several sessions; the others are still acted on), 2 on bad usage
or a bad file."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``close`` and ``delete``."""
    parser.add_argument("words", nargs="+", metavar="[PATH] ID", help="the session file, then session ids")


def run_close(options: argparse.Namespace) -> int:
    """Close the sessions named on the command line."""
    def status(summary: SessionSummary) -> str:
        return "already closed" if summary.status == Status.CLOSED else f"was {summary.status}"

    return _run(options, Manager.close_many, "closed", "in", status)


def run_delete(options: argparse.Namespace) -> int:
    """Delete the sessions named on the command line."""
    return _run(options, Manager.delete_many, "deleted", "from", lambda summary: str(summary.status))


@dataclass
class Resolved:
    """Command-line ids matched against a file."""

    #: Full session ids, in command-line order, without repeats.
    ids: list[str] = field(default_factory=list)
    #: Arguments that match no session.
    missing: list[str] = field(default_factory=list)
    #: Prefixes that match several sessions, with how many.
    ambiguous: dict[str, int] = field(default_factory=dict)


def resolve(snap: Snapshot, wanted: Iterable[str]) -> Resolved:
    """Match each argument to a session: its full id, or a unique prefix of ``MIN_PREFIX``+ characters."""
    result = Resolved()
    for word in wanted:
        if word in snap:
            matches = [word]
        elif len(word) >= MIN_PREFIX:
            matches = [sid for sid in snap if sid.startswith(word)]
        else:
            matches = []
        if len(matches) > 1:
            result.ambiguous[word] = len(matches)
        elif not matches:
            result.missing.append(word)
        elif matches[0] not in result.ids:
            result.ids.append(matches[0])
    return result


def _run(
    options: argparse.Namespace,
    act: Callable[[Manager, list[str]], list[str]],
    verb: str,
    preposition: str,
    status: Callable[[SessionSummary], str],
) -> int:
    """Resolve the ids, ``act`` on those found (one write), list them, report the rest."""
    path, wanted = split_path_and_ids(options.words)
    store = SessionStoreJSON(path)  # raises StoreError for a bad file
    snap = store.snapshot()
    found = resolve(snap, wanted)
    done: list[str] = []
    if found.ids:
        with Manager(store=store, background=False) as manager:
            done = act(manager, found.ids)
    summaries = [s for s in map(snap.summary, done) if s is not None]
    if summaries:
        print(f"{verb} {plural(len(summaries), 'session')} {preposition} {cell(path)}:")
        rows = session_rows(summaries, datetime.now(timezone.utc))
        for summary, row in zip(summaries, rows):
            row[1] = status(summary)
        for line in table(rows):
            print("  " + line)
    # Found before the write but not by it: another process removed them meanwhile.
    missing = found.missing + [sid for sid in found.ids if sid not in done]
    where = cell(path) if snap.exists else f"{cell(path)} (no such file)"
    if missing:
        print(f"{options.prog}: not found in {where}: {', '.join(map(cell, missing))}", file=sys.stderr)
    for word, number in found.ambiguous.items():
        print(f"{options.prog}: {cell(word)} is ambiguous: {number} session ids start with it", file=sys.stderr)
    return 1 if missing or found.ambiguous else 0
