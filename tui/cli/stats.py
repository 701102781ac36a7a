"""``session-tui stats [PATH] [--json]``: what a session store holds, at a glance."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tui.session import Reading, SourceKind, store_footprint
from tui.text import plural

from .args import STORE_RULE, add_path, require_file, session_source
from .output import cell, dumps_json, error_line, human_time, table, utc

HELP = "Count the sessions of a session store by status."
EPILOG = STORE_RULE + """

--json prints one JSON object, on one line, with the keys
  path, store, exists, bytes, updated, now, total,
  statuses   counts of pending running completed failed expired closed
             (always present), then of any unknown status by name,
  stale      running or pending sessions past their expiry,
  persistent, chats, messages, oldest_activity, newest_activity.
path is the file read (the JSON file, or the database); store is "json" or
"sqlite"; bytes what the store takes on disk (for SQLite the database, its
write-ahead log and the transcripts); updated the file's "updated" time
(JSON) or when one of those files was last written (SQLite).
Times are RFC 3339 in UTC, null when unknown (a time whose UTC form falls
outside years 1-9999 keeps its own offset). Invisible and bidirectional
characters in strings are escaped (\\u202e).

Warnings about the store (a session whose "ID" differs from its key in
items, a transcript of no session) go to stderr; they do not change the
exit status.

A missing store exits 2 with a one-line error, like a file that is not a
valid session store, or a database that stays locked (the app, by
contrast, waits for the bot to create it).
"exists" is therefore always true; it stays for scripts that read it."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``stats``."""
    add_path(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def run(options: argparse.Namespace) -> int:
    """Print the statistics of the store. Raises ``StoreError`` for a bad or busy one."""
    now = datetime.now(timezone.utc)
    source = session_source(options.path)
    try:
        snap = require_file(source.read(), source)
    finally:
        source.close()
    for warning in snap.warnings:
        print(error_line(f"{options.prog}: warning: {warning}"), file=sys.stderr)
    stats = FileStats.of(snap, now, source.kind)
    print(dumps_json(stats.as_json()) if options.json else "\n".join(stats.human_lines()))
    return 0


@dataclass(frozen=True)
class FileStats:
    """The statistics of one reading of a session store, at ``now``."""

    snapshot: Reading
    now: datetime
    kind: SourceKind
    #: What the store takes on disk, in bytes, and when it was last written.
    bytes: int
    updated: datetime | None
    statuses: dict[str, int]
    stale: int
    persistent: int
    chats: int
    messages: int
    oldest: datetime | None
    newest: datetime | None

    @classmethod
    def of(cls, snap: Reading, now: datetime, kind: SourceKind = "json") -> FileStats:
        """Gather the statistics of ``snap`` (from summaries: no history is decoded)."""
        summaries = snap.summaries()
        statuses = snap.stats()
        del statuses["total"]
        activity = [s.last_activity for s in summaries if s.last_activity is not None]
        footprint = store_footprint(snap)
        return cls(
            snapshot=snap,
            now=now,
            kind=kind,
            bytes=footprint.bytes,
            updated=footprint.updated,
            statuses=statuses,
            stale=sum(1 for s in summaries if s.is_stale(now)),
            persistent=sum(1 for s in summaries if s.persistent),
            chats=len({s.chat_id for s in summaries}),
            messages=sum(s.message_count for s in summaries),
            oldest=min(activity, default=None),
            newest=max(activity, default=None),
        )

    @property
    def total(self) -> int:
        """The number of sessions."""
        return len(self.snapshot)

    def as_json(self) -> dict[str, Any]:
        """The object ``--json`` prints (keys documented in the command's help)."""
        snap = self.snapshot
        return {
            "path": str(snap.path),
            "store": self.kind,
            "exists": snap.exists,
            "bytes": self.bytes,
            "updated": utc(self.updated),
            "now": utc(self.now),
            "total": self.total,
            "statuses": self.statuses,
            "stale": self.stale,
            "persistent": self.persistent,
            "chats": self.chats,
            "messages": self.messages,
            "oldest_activity": utc(self.oldest),
            "newest_activity": utc(self.newest),
        }

    def human_lines(self) -> list[str]:
        """The human form: a headline, a table of counts, the oldest and newest times."""
        snap = self.snapshot
        if not snap.exists:
            return [f"{cell(snap.path)}: no session store yet (0 sessions)"]
        lines = [
            f"{cell(snap.path)}: {plural(self.total, 'session')} in {plural(self.chats, 'chat')}, "
            f"{plural(self.messages, 'message')}, {_size(self.bytes)}",
            "",
        ]
        rows: list[list[object]] = [["status", "count"], *([s, n] for s, n in self.statuses.items())]
        rows += [["total", self.total], ["", ""], ["stale", self.stale], ["persistent", self.persistent]]
        lines += table(rows, right=(1,))
        times: list[list[str]] = []
        if self.oldest is not None and self.newest is not None:
            times += [["oldest activity", human_time(self.oldest, self.now)],
                      ["newest activity", human_time(self.newest, self.now)]]
        if self.updated is not None:
            label = "file updated" if self.kind == "json" else "last written"
            times.append([label, human_time(self.updated, self.now)])
        if times:
            lines += ["", *table(times)]
        return lines


def _size(size: int) -> str:
    if size < 1000:
        return plural(size, "byte")
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"
