"""``session-tui list [PATH] [--status S] [--chat C] [--json]``: the sessions, most recent first."""

from __future__ import annotations

import argparse
import errno
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from tui.session import Reading, SessionSummary, Source, Status
from tui.text import plural

from .args import STORE_RULE, UsageError, add_path, session_source
from .output import cell, dumps_json, session_rows, table, utc

HELP = "List the sessions of a session store, most recently active first."
#: What ``--status`` accepts: every status name, and ``stale``.
STATUSES = (*(s.value for s in Status), "stale")
USAGE = "%(prog)s [PATH] [--status S] [--chat C] [--json]"
EPILOG = STORE_RULE + f"""

One line per session: id, status, last activity, messages, chat, agent,
project. --json prints one JSON object per line instead, with the keys
  id, chat, agent, project, status, last_activity, messages
(last_activity is RFC 3339 in UTC, null when never set; messages is the
number of messages).

--status S keeps sessions whose status is S: one of
  {', '.join(STATUSES)}
(stale: running or pending past its expiry). --chat C keeps the sessions of
chat C. A missing or invalid store, or a database that stays locked,
exits 2."""

def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``list``."""
    add_path(parser)
    parser.add_argument("--status", metavar="S", help="only sessions with status S (or 'stale')")
    parser.add_argument("--chat", metavar="C", help="only the sessions of chat C")
    parser.add_argument("--json", action="store_true", help="print one JSON object per session")


def run(options: argparse.Namespace) -> int:
    """Print the sessions of the store. Raises ``StoreError`` for a bad or busy one."""
    if options.status is not None and options.status not in STATUSES:
        raise UsageError(
            f"unknown status {options.status!r} for --status (choose from {', '.join(STATUSES)})", hint=True
        )
    now = datetime.now(timezone.utc)
    snap = existing_reading(session_source(options.path))
    summaries = most_recent_first(
        s for s in snap.summaries()
        if (options.chat is None or s.chat_id == options.chat)
        and (options.status is None or has_status(s, options.status, now))
    )
    if options.json:
        for summary in summaries:
            print(dumps_json(session_object(summary)))
    else:
        for line in table(list_rows(summaries, now), right=(2,)):  # "5m ago" under "12m ago"
            print(line)
    return 0


def existing_reading(source: Source) -> Reading:
    """Read ``source`` once (closing what it opened); a missing store is an error (``FileNotFoundError``)."""
    try:
        snap = source.read()
    finally:
        source.close()  # a reading still reads a session on demand (it reopens the database)
    if not snap.exists:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(snap.path))
    return snap


def has_status(summary: SessionSummary, status: str, now: datetime) -> bool:
    """Whether ``summary`` matches ``--status status`` (``stale`` is past its expiry while live)."""
    if status == "stale":
        return summary.is_stale(now)
    return str(summary.status) == status


def most_recent_first(summaries: Iterable[SessionSummary]) -> list[SessionSummary]:
    """Most recently active first; never-active sessions last; ties by id."""
    never = datetime.min.replace(tzinfo=timezone.utc)
    by_id = sorted(summaries, key=lambda s: s.id)
    return sorted(by_id, key=lambda s: s.last_activity or never, reverse=True)


def list_rows(summaries: list[SessionSummary], now: datetime) -> list[list[str]]:
    """The table rows of ``list``: :func:`session_rows` with the message count after the idle time."""
    rows = [[cell(value) for value in row] for row in session_rows(summaries, now)]
    for summary, row in zip(summaries, rows):
        row.insert(3, plural(summary.message_count, "msg"))
    return rows


def session_object(summary: SessionSummary) -> dict[str, Any]:
    """The JSON object ``list --json`` prints for one session."""
    return {
        "id": summary.id,
        "chat": summary.chat_id,
        "agent": summary.agent,
        "project": summary.project,
        "status": str(summary.status),
        "last_activity": utc(summary.last_activity),
        "messages": summary.message_count,
    }
