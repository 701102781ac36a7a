"""Edits next to a writer that takes no lock: the warning before, and ``--verify`` after.

Between session-tui processes an edit holds. The Go bot's store takes no
lock and rewrites the file from memory, so its next write undoes a close,
a delete or a cleanup (SPEC §6). ``close``, ``delete`` and ``cleanup`` say
so on stderr when such a writer wrote recently, and ``--verify DURATION``
watches the file after the edit and exits :data:`UNDONE` if any of it was
undone.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tui.session import EditKind, EditLedger, Snapshot, UndoneEdit, format_age, read_snapshot
from tui.session.snapshot import file_identity
from tui.text.advice import HOW_TO_MAKE_IT_STICK

from .args import duration
from .output import cell

#: Exit status when ``--verify`` saw part of the change undone.
UNDONE = 3

#: How often ``--verify`` looks at the file.
POLL_SECONDS = 0.05

VERIFY_HELP = """\
--verify DURATION (e.g. 2s) watches the file that long after the change and
exits 3, naming the sessions, if any of it was undone (a closed session no
longer closed, a removed one back): a writer that takes no lock, such as
the Go bot's store, undoes edits at its next write."""

def add_verify(parser: argparse.ArgumentParser) -> None:
    """Add ``--verify DURATION``."""
    parser.add_argument("--verify", type=duration, metavar="DURATION",
                        help="watch the file this long after the change; exit 3 if any of it is undone")


def warn_if_foreign(prog: str, path: Path, readings: Iterable[Snapshot], now: datetime | None = None) -> bool:
    """Print one warning line on stderr if a writer that takes no lock wrote recently; True if so."""
    now = now or datetime.now(timezone.utc)
    recent = [r.writer for r in readings if r.writer.recent(now)]
    if not recent:
        return False
    latest = max(recent, key=lambda w: w.foreign_at or now)
    age = latest.age(now) or timedelta(0)
    print(
        f"{prog}: warning: {cell(path)} was written {format_age(max(age, timedelta(0)))} ago by a writer "
        f"that takes no lock (the bot?); it is likely to undo this change at its next write "
        f"(to make it stick, {HOW_TO_MAKE_IT_STICK})",
        file=sys.stderr,
    )
    return True


def verify(
    prog: str, path: Path, kind: EditKind, ids: list[str], watch: tuple[timedelta, str],
    start: Snapshot | None = None,
) -> int:
    """Watch ``path`` for ``watch`` (an ``--verify`` value) after ``ids`` were changed; report what was undone.

    Returns 0 if the change held, :data:`UNDONE` (after one line on stderr
    naming each session undone and its state now) if not.
    """
    ledger = EditLedger()
    ledger.record(kind, ids, datetime.now(timezone.utc))
    seen: dict[str, UndoneEdit] = {}
    snap = start if start is not None else read_snapshot(path)
    span, span_text = watch
    deadline = time.monotonic() + span.total_seconds()
    while True:
        for undone in ledger.check(snap):
            seen[undone.session_id] = undone
        if len(seen) == len(ids) or time.monotonic() >= deadline:
            break
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        if file_identity(path) != snap.identity:
            snap = read_snapshot(path, previous=snap)
    if not seen:
        return 0
    undone = [seen[sid] for sid in ids if sid in seen]
    named = ", ".join(f"{cell(u.session_id)} ({cell(u.status)} again)" if kind is EditKind.CLOSE
                      else f"{cell(u.session_id)} (back, {cell(u.status)})" for u in undone)
    who = " by a writer that takes no lock (the bot?)" if snap.writer.foreign else ""
    print(
        f"{prog}: undone{who} within {span_text}: {len(undone)} of {len(ids)}: {named} "
        f"(to make it stick, {HOW_TO_MAKE_IT_STICK})",
        file=sys.stderr,
    )
    return UNDONE
