"""Edits next to a writer that takes no lock: the warning before, and ``--verify`` after.

Between session-tui processes an edit holds. The Go bot's JSON store takes
no lock and rewrites the file from memory, so its next write undoes a
close, a delete or a cleanup (SPEC §6). ``close``, ``delete`` and
``cleanup`` say so on stderr when such a writer wrote recently (a reading's
``writer``; a SQLite store has none to report: every writer takes its
lock), and ``--verify DURATION`` watches the store after the edit and exits
:data:`UNDONE` if any of it was undone (on either store: a bot may still
write a session back whole).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tui.session import EditKind, EditLedger, Reading, Source, StoreError, UndoneEdit, WriterInfo, format_age
from tui.text.advice import HOW_TO_MAKE_IT_STICK

from .args import duration
from .output import cell

#: Exit status when ``--verify`` saw part of the change undone.
UNDONE = 3

#: How often ``--verify`` looks at the store.
POLL_SECONDS = 0.05

VERIFY_HELP = """\
--verify DURATION (e.g. 2s) watches the store that long after the change and
exits 3, naming the sessions, if any of it was undone (a closed session no
longer closed, a removed one back): a writer that takes no lock, such as
the Go bot's store, undoes edits at its next write."""

def add_verify(parser: argparse.ArgumentParser) -> None:
    """Add ``--verify DURATION``."""
    parser.add_argument("--verify", type=duration, metavar="DURATION",
                        help="watch the store this long after the change; exit 3 if any of it is undone")


def warn_if_foreign(prog: str, path: Path, readings: Iterable[Reading], now: datetime | None = None) -> bool:
    """Print one warning line on stderr if a writer that takes no lock wrote recently; True if so.

    Readings whose store has no such writer (``writer`` is ``None``: SQLite) never warn.
    """
    now = now or datetime.now(timezone.utc)
    recent = [w for w in map(_writer, readings) if w is not None and w.recent(now)]
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
    prog: str, source: Source, kind: EditKind, ids: list[str], watch: tuple[timedelta, str],
    start: Reading | None = None,
) -> int:
    """Watch ``source`` for ``watch`` (an ``--verify`` value) after ``ids`` were changed; report what was undone.

    Returns 0 if the change held, :data:`UNDONE` (after one line on stderr
    naming each session undone and its state now) if not.
    """
    ledger = EditLedger()
    ledger.record(kind, ids, datetime.now(timezone.utc))
    seen: dict[str, UndoneEdit] = {}
    snap = start if start is not None else source.read()
    span, span_text = watch
    deadline = time.monotonic() + span.total_seconds()
    try:
        while True:
            for undone in ledger.check(snap):
                seen[undone.session_id] = undone
            if len(seen) == len(ids) or time.monotonic() >= deadline:
                break
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            if source.changed_since(snap):
                try:
                    snap = source.read(snap)
                except StoreError:  # busy for a moment: look again at the next poll
                    continue
    finally:
        source.close()
    if not seen:
        return 0
    undone = [seen[sid] for sid in ids if sid in seen]
    named = ", ".join(f"{cell(u.session_id)} ({cell(u.status)} again)" if kind is EditKind.CLOSE
                      else f"{cell(u.session_id)} (back, {cell(u.status)})" for u in undone)
    writer = _writer(snap)
    if writer is None:  # a store where every writer takes the lock: one wrote the session back whole
        who, hint = " by another writer", "stop the bot first, or close it through the bot"
    else:
        who = " by a writer that takes no lock (the bot?)" if writer.foreign else ""
        hint = HOW_TO_MAKE_IT_STICK
    print(
        f"{prog}: undone{who} within {span_text}: {len(undone)} of {len(ids)}: {named} (to make it stick, {hint})",
        file=sys.stderr,
    )
    return UNDONE


def _writer(reading: Reading) -> WriterInfo | None:
    """Who wrote the version read, when the store can tell (``None``: SQLite, where every writer is safe)."""
    writer = reading.writer
    return writer if isinstance(writer, WriterInfo) else None
