"""Deterministic session files for snapshot tests, screenshots and demos.

Each builder returns a Go-format document (plain dicts with Go's keys) for
a fixed "now", so that screens drawn with a clock frozen at :data:`NOW` look
the same on every machine.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

from tui.session import format_time

#: The frozen "now" of every fixture.
NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=timezone.utc)

Doc = dict[str, Any]

#: Untrusted text that must show literally and do nothing.
HOSTILE = "[@click=app.quit]x[/] \x1b]0;owned\x07 [bold red]not bold[/]"


def _t(delta: timedelta, nanos: int = 0) -> str:
    """A Go time string ``delta`` before :data:`NOW`, with extra nanoseconds."""
    text = format_time(NOW - delta)
    if nanos:
        base = text.rstrip("Z")
        if "." not in base:
            base += ".000000"
        text = f"{base[:26]}{nanos:03d}Z"
    return text


def fixture_session(n: int, chat: str, status: str, *, age: timedelta, idle: timedelta, **fields: Any) -> Doc:
    sid = f"{n:08x}-{n * 7919 % 65536:04x}-4{n % 4096:03x}-a{n * 31 % 4096:03x}-{n * 2654435761 % 2**48:012x}"
    messages = fields.pop("messages", None)
    if messages is None:
        count = fields.pop("message_count", 2)
        messages = [
            {
                "Role": "user" if i % 2 == 0 else "assistant",
                "Content": f"message {i + 1} of session {n}" if i % 2 else "Please fix the failing build",
                "Summary": "" if i % 2 == 0 else f"step {i + 1}",
                "Timestamp": _t(idle + timedelta(minutes=count - i), nanos=i + 1),
            }
            for i in range(count)
        ]
    expires = fields.pop("expires", age - timedelta(minutes=30))
    session = {
        "ID": sid,
        "ChatID": chat,
        "Agent": fields.pop("agent", "claude"),
        "Project": fields.pop("project", "/home/alice/projects/tingly-box"),
        "Status": status,
        "Request": fields.pop("request", "Please fix the failing build"),
        "Response": fields.pop("response", ""),
        "Error": fields.pop("error", ""),
        "CreatedAt": _t(age, nanos=123),
        "LastActivity": _t(idle, nanos=456),
        "ExpiresAt": "0001-01-01T00:00:00Z" if expires is None else _t(expires, nanos=123),
        "Context": fields.pop("context", {"project_path": "/home/alice/projects/tingly-box", "message_id": n}),
        "Messages": messages,
        "PermissionMode": fields.pop("permission_mode", "default"),
    }
    session.update(fields)
    return session


def varied_document() -> Doc:
    """Several chats, every status, stale, unknown, persistent and hostile sessions."""
    m, h, d = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
    sessions = [
        fixture_session(1, "5302729479", "running", age=10 * m, idle=5 * m, agent="claude", project="/srv/项目/后端服务"),
        fixture_session(2, "5302729479", "pending", age=2 * m, idle=2 * m, agent="tingly-box", message_count=1),
        fixture_session(3, "5302729479", "completed", age=3 * h, idle=2 * h, response="All 214 tests pass."),
        fixture_session(
            4,
            "-1001947779410",
            "failed",
            age=50 * m,
            idle=40 * m,
            error="agent exited with status 1: context window exceeded",
            project="D:\\work\\R&D\\tool",
        ),
        fixture_session(5, "-1001947779410", "running", age=3 * h, idle=2 * h, request="Migrate the database"),
        fixture_session(6, "-1001947779410", "closed", age=9 * d, idle=9 * d),
        fixture_session(7, "oc_7b169c846f218ab552fa82fbf86758bf", "expired", age=2 * d, idle=2 * d),
        fixture_session(8, "oc_7b169c846f218ab552fa82fbf86758bf", "completed", age=20 * d, idle=15 * d, expires=None),
        fixture_session(9, "oc_7b169c846f218ab552fa82fbf86758bf", "waiting-for-review", age=30 * m, idle=30 * m),
        fixture_session(10, "C0VI7HVSZWK", "completed", age=1 * h, idle=1 * h, request=HOSTILE, project="~/notes"),
        fixture_session(11, "C0VI7HVSZWK", "closed", age=12 * d, idle=12 * d, agent="tingly-box"),
    ]
    return fixture_document(sessions)


def failed_document() -> Doc:
    """The varied file; the failed session is number 4 (see :func:`session_id`)."""
    return varied_document()


def long_history_document() -> Doc:
    """One running session with a long history, long messages among it."""
    m = timedelta(minutes=1)
    messages = []
    for i in range(40):
        role = ("user", "assistant", "assistant", "tool")[i % 4]
        content = f"Step {i + 1}: checked the scheduler lock."
        if i % 9 == 4:
            content = "\n".join(f"{j:3d} | func step{j}() {{ return a < b && c > d }}" for j in range(60))
        messages.append(
            {
                "Role": role,
                "Content": content,
                "Summary": "ran the tests" if role == "assistant" and i % 3 == 0 else "",
                "Timestamp": _t(timedelta(minutes=45 - i), nanos=i + 1),
            }
        )
    session = fixture_session(21, "5302729479", "running", age=50 * m, idle=5 * m, messages=messages)
    return fixture_document([session])


def session_id(n: int) -> str:
    """The id of fixture session number ``n``."""
    return str(fixture_session(n, "", "", age=timedelta(0), idle=timedelta(0))["ID"])


def fixture_document(sessions: list[Doc]) -> Doc:
    return {
        "version": 1,
        "items": {s["ID"]: s for s in sorted(sessions, key=lambda s: s["ID"])},
        "updated": _t(timedelta(seconds=1)),
    }


def write(path: Path, doc: Doc) -> Path:
    """Write ``doc`` like the Go writer (2-space indent, no trailing newline)."""
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return path
