"""``session-tui watch [PATH] [--json]``: a line per session added, changed or removed, until stopped.

The file's directory is watched (writers replace the file by rename; see
:mod:`tui.session.watching`), and each reading is
compared with the last good one through the library's change sets
(:attr:`Snapshot.changes`), so only the sessions whose bytes changed are
looked at. A cheap ``stat`` every :data:`POLL_SECONDS` catches anything
the watcher missed (a change before it was set up, a filesystem without
notifications).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType

from tui.session.watching import watch_file
from tui.session import SessionSummary, Snapshot, StoreAccessError, StoreError, read_snapshot
from tui.session.snapshot import FileIdentity, file_identity

from .args import add_path, session_path
from .listing import session_object
from .output import cell, dumps_json, error_line, plural, utc

HELP = "Print a line per session added, changed or removed in a session file, until interrupted."
USAGE = "%(prog)s [PATH] [--json]"
EPILOG = """\
Each line: what happened (added, changed, removed), the session id, its
status, its last activity (RFC 3339, UTC) and its number of messages, and
its chat; a removed session is described as it was last seen. --json prints
one JSON object per line instead, with the keys
  change, id, chat, agent, project, status, last_activity, messages
Lines are flushed as they are written, for pipes.

The sessions already in the file are not printed, only what changes after
(a line on stderr says what is watched).
A missing file is waited for (its sessions are then added); a file that is
invalid or half-written is a warning on stderr and watching goes on.
Ctrl-C (SIGINT) or SIGTERM stops watching with exit status 0."""

#: How often the file is checked with ``stat`` besides the directory watcher.
POLL_SECONDS = 0.25


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``watch``."""
    add_path(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object per change")


def run(options: argparse.Namespace) -> int:
    """Watch the file until SIGINT or SIGTERM; returns 0 then."""
    path = session_path(options.path)
    with _signals_caught() as caught:
        _Watch(path, options.prog, options.json).run(caught)
    return 0


class _Watch:
    """The state of one ``watch``: the last good snapshot and how to print changes."""

    def __init__(self, path: Path, prog: str, as_json: bool) -> None:
        self.path = path
        self.prog = prog
        self.as_json = as_json
        self.snapshot: Snapshot | None = None

    def run(self, caught: _Caught) -> None:
        """Print changes until a signal is ``caught``."""
        seen = file_identity(self.path)
        try:
            self.snapshot = read_snapshot(self.path)
        except StoreAccessError:  # a directory, no permission: nothing to wait for
            raise
        except StoreError as exc:
            self._warn(str(exc))
        self._note()
        wake, stop = threading.Event(), threading.Event()
        watcher = threading.Thread(
            target=watch_file, args=(self.path, wake.set, stop), name="session-tui-watch", daemon=True
        )
        watcher.start()
        try:
            while not caught.signal:
                woke = wake.wait(POLL_SECONDS)
                if caught.signal:
                    break
                wake.clear()
                current = self._identity()
                if not woke and current == seen:
                    continue
                seen = current
                self._reload()
        finally:
            stop.set()
            watcher.join(timeout=2)

    def _identity(self) -> FileIdentity | None:
        try:
            return file_identity(self.path)
        except StoreAccessError:
            return None

    def _reload(self) -> None:
        previous = self.snapshot
        try:
            snap = read_snapshot(self.path, previous)
        except StoreError as exc:  # half-written, invalid, unreadable: keep the last good reading
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
            what = "not a valid session file yet"
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
