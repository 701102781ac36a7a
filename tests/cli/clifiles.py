"""A session file with every case the commands distinguish, and a process runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from rawfiles import ZERO, go_document, go_session, go_time

# Times are relative to the real clock (the commands use it), with margins of
# hours or days around the 7-day age the tests clean up with.
NOW = datetime.now(timezone.utc)

OLD_COMPLETED = "a0000001-0000-4000-8000-000000000001"
OLD_FAILED = "a0000002-0000-4000-8000-000000000002"
OLD_CLOSED = "a0000003-0000-4000-8000-000000000003"
OLD_EXPIRED = "a0000004-0000-4000-8000-000000000004"
STALE_RUNNING = "b0000001-0000-4000-8000-000000000001"
STALE_PENDING = "b0000002-0000-4000-8000-000000000002"
PERSISTENT = "c0000001-0000-4000-8000-000000000001"
RECENT = "d0000001-0000-4000-8000-000000000001"
LIVE = "d0000002-0000-4000-8000-000000000002"
UNKNOWN = "e0000001-0000-4000-8000-000000000001"
TWIN_A = "abcdef12-0000-4000-8000-000000000001"
TWIN_B = "abcdef12-1111-4000-8000-000000000002"
EVIL = "f0000001-0000-4000-8000-000000000001"

#: What ``cleanup --older-than 7d`` removes, oldest first.
CLEANED_7D = [OLD_COMPLETED, OLD_FAILED, OLD_CLOSED, OLD_EXPIRED]
ALL_IDS = [
    OLD_COMPLETED, OLD_FAILED, OLD_CLOSED, OLD_EXPIRED, STALE_RUNNING, STALE_PENDING,
    PERSISTENT, RECENT, LIVE, UNKNOWN, TWIN_A, TWIN_B, EVIL,
]
EVIL_PROJECT = "\x1b]0;pwned\x07/srv/[bold]proj[/bold]"
EVIL_CHAT = "chat\x9b31m\ttab"


def session(session_id: str, status: str, idle: timedelta, *, persistent: bool = False, **fields: Any) -> dict[str, Any]:
    """A raw session last active ``idle`` ago, created a minute before, expiring 30 minutes after."""
    last = NOW - idle
    created = last - timedelta(minutes=1)
    return go_session(
        session_id,
        Status=status,
        CreatedAt=go_time(created, 123),
        LastActivity=go_time(last, 456),
        ExpiresAt=ZERO if persistent else go_time(created + timedelta(minutes=30), 789),
        **fields,
    )


def every_kind() -> dict[str, Any]:
    """A document with every case the commands distinguish."""
    days, hours = (lambda n: timedelta(days=n)), (lambda n: timedelta(hours=n))
    return go_document(
        session(OLD_COMPLETED, "completed", days(40)),
        session(OLD_FAILED, "failed", days(30), Error="boom"),
        session(OLD_CLOSED, "closed", days(20)),
        session(OLD_EXPIRED, "expired", days(10)),
        session(STALE_RUNNING, "running", days(40)),
        session(STALE_PENDING, "pending", days(40)),
        session(PERSISTENT, "completed", days(40), persistent=True),
        session(RECENT, "completed", hours(1)),
        session(LIVE, "running", timedelta(minutes=1), ChatID="chat-2"),
        session(UNKNOWN, "paused", days(40)),
        session(TWIN_A, "completed", hours(2)),
        session(TWIN_B, "completed", hours(2)),
        session(EVIL, "running", timedelta(minutes=2), Project=EVIL_PROJECT, ChatID=EVIL_CHAT),
    )


@dataclass
class Result:
    """What a command did: its exit status and output."""

    code: int
    out: str
    err: str


def run_process(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui ARGS...`` as a real process (HOME is the test's)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
