"""``session-tui watch [PATH] [--json]``: a line per session added, changed or removed, until stopped.

What the store's :class:`~tui.session.Source` names is watched (a JSON
file's directory, as writers replace the file by rename; a database's
directory and its transcripts; see :func:`~tui.session.watch_source`),
and each reading is compared with the last good one through the library's
change sets (:attr:`Reading.changes`), so only the sessions that changed
are looked at. A cheap look every :data:`POLL_SECONDS`
(:meth:`Source.changed_since`) catches anything the watcher missed (a
change before it was set up, a filesystem without notifications).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from types import FrameType

from tui.session import Reading, SessionSummary, Source, StoreAccessError, StoreError, watch_source
from tui.text import plural

from .args import STORE_RULE, add_path, session_source
from .listing import session_object
from .output import cell, dumps_json, error_line, utc

HELP = "Print a line per session added, changed or removed in a session store, until interrupted."
USAGE = "%(prog)s [PATH] [--json]"
EPILOG = STORE_RULE + """

Each line: what happened (added, changed, removed), the session id, its
status, its last activity (RFC 3339, UTC) and its number of messages, and
its chat; a removed session is described as it was last seen. --json prints
one JSON object per line instead, with the keys
  change, id, chat, agent, project, status, last_activity, messages
Lines are flushed as they are written, for pipes.

The sessions already in the store are not printed, only what changes after
(a line on stderr says what is watched).
A missing store is waited for (its sessions are then added); a store that
is invalid, half-written or busy is a warning on stderr and watching goes on.
Ctrl-C (SIGINT) or SIGTERM stops watching with exit status 0."""

#: How often the store is looked at (cheaply) besides the directory watcher.
POLL_SECONDS = 0.25


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``watch``."""
    add_path(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object per change")


def run(options: argparse.Namespace) -> int:
    """Watch the store until SIGINT or SIGTERM; returns 0 then."""
    source = session_source(options.path)
    try:
        with _signals_caught() as caught:
            _Watch(source, options.prog, options.json).run(caught)
    finally:
        source.close()
    return 0


class _Watch:
    """The state of one ``watch``: the last good reading and how to print changes."""

    def __init__(self, source: Source, prog: str, as_json: bool) -> None:
        self.source = source
        self.path = source.path
        self.prog = prog
        self.as_json = as_json
        self.snapshot: Reading | None = None

    def run(self, caught: _Caught) -> None:
        """Print changes until a signal is ``caught``."""
        try:
            self.snapshot = self.source.read()
        except StoreAccessError:  # a directory, no permission: nothing to wait for
            raise
        except StoreError as exc:
            self._warn(str(exc))
        self._note()
        wake, stop = threading.Event(), threading.Event()
        watcher = threading.Thread(
            target=watch_source, args=(self.source, wake.set, stop), name="session-tui-watch", daemon=True
        )
        watcher.start()
        try:
            while not caught.signal:
                woke = wake.wait(POLL_SECONDS)
                if caught.signal:
                    break
                wake.clear()
                # Without a wake-up only a store that looks changed is read (an
                # invalid one, with no good reading to compare, waits for the watcher).
                if not woke and (self.snapshot is None or not self.source.changed_since(self.snapshot)):
                    continue
                self._reload()
        finally:
            stop.set()
            watcher.join(timeout=2)

    def _reload(self) -> None:
        previous = self.snapshot
        try:
            snap = self.source.read(previous)
        except StoreError as exc:  # half-written, invalid, unreadable, busy: keep the last good reading
            self._warn(str(exc))
            return
        self.snapshot = snap
        changes = snap.changes
        for kind, ids, source in (
            ("added", changes.added, snap),
            ("changed", changes.changed, snap),
            ("removed", changes.removed, previous),
        ):
            summaries = [s for s in map(source.summary, ids) if s is not None] if source else []
            for summary in sorted(summaries, key=_chronological):
                self._print(kind, summary)

    def _print(self, kind: str, summary: SessionSummary) -> None:
        if self.as_json:
            line = dumps_json({"change": kind, **session_object(summary)})
        else:
            line = "  ".join([
                f"{kind:<7}",
                cell(summary.id),
                f"{cell(summary.status):<9}",
                utc(summary.last_activity) or "never",
                plural(summary.message_count, "msg"),
                cell(summary.chat_id) or "-",
            ])
        print(line, flush=True)

    def _note(self) -> None:
        """Say on stderr what is watched (so a person knows it is waiting)."""
        snap = self.snapshot
        if snap is None:
            what = "not a valid session store yet"
        elif not snap.exists:
            what = "no such file yet, waiting for it"
        else:
            what = plural(len(snap), "session")
        print(error_line(f"{self.prog}: watching {self.path} ({what}); Ctrl-C stops"), file=sys.stderr, flush=True)

    def _warn(self, message: str) -> None:
        print(error_line(f"{self.prog}: warning: {message} (still watching)"), file=sys.stderr, flush=True)


def _chronological(summary: SessionSummary) -> tuple[datetime, str]:
    return (summary.last_activity or datetime.min.replace(tzinfo=timezone.utc), summary.id)


class _Caught:
    """The signal that asked watching to stop, if any."""

    signal: int | None = None


@contextmanager
def _signals_caught() -> Iterator[_Caught]:
    """Catch SIGINT and SIGTERM (instead of raising or dying) while inside, then restore the handlers.

    The handler only records the signal: it runs between two bytecodes of the
    main thread, which may be holding any lock at that moment.
    """
    caught = _Caught()

    def handle(signum: int, _frame: FrameType | None) -> None:
        caught.signal = signum

    saved = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            saved[signum] = signal.signal(signum, handle)
    except ValueError:  # not the main thread: no handlers, interrupts stay exceptions
        pass
    try:
        yield caught
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
