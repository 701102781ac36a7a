"""A whole session as Markdown: for ``session-tui show --markdown`` and for reading in a pager.

Session text is untrusted twice over here: control characters go through
:func:`~tui.text.safe.printable` (the pager is a terminal), and no session
text can act as Markdown. Field values are code spans, long texts and
message contents are fenced code blocks (fences longer than any run of
backticks inside), and the little prose there is (role, summary) has its
Markdown punctuation escaped. Times are the raw values stored in the file.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from tui.session import Message, Session, SessionSummary, extra_fields, format_time, stored_time

from .safe import NEWLINE_PICTURE, one_line, printable

_BACKTICKS = re.compile("`+")
# ASCII punctuation Markdown (CommonMark or GitHub's) may read as syntax inline.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#!|~&])")


def session_markdown(session: Session, summary: SessionSummary | None = None, now: datetime | None = None) -> str:
    """``session`` as a Markdown document: a header with its fields, then every message.

    With ``summary`` and ``now``, a running or pending session past its
    expiry is marked stale. The text ends with a newline.
    """
    status = code(str(session.status) or "(none)")
    if summary is not None and now is not None and summary.is_stale(now):
        status += " (stale: past its expiry and still live)"
    messages = session.messages
    lines = [
        f"# Session {code(session.id)}",
        "",
        f"- **Status:** {status}",
        f"- **Chat:** {code(session.chat_id)}",
        f"- **Agent:** {code(session.agent)}",
        f"- **Project:** {code(session.project)}",
        f"- **Permission mode:** {code(session.permission_mode)}",
        f"- **Created:** {_session_time(session, 'created_at', session.created_at)}",
        f"- **Last activity:** {_session_time(session, 'last_activity', session.last_activity)}",
        f"- **Expires:** {'never (persistent)' if session.expires_at is None else _session_time(session, 'expires_at', session.expires_at)}",
        f"- **Messages:** {'none (null)' if messages is None else len(messages)}",
    ]
    for title, text in (("Request", session.request), ("Response", session.response), ("Error", session.error)):
        if text:
            lines += ["", f"## {title}", "", *fenced(text)]
    lines += ["", "## Context", "", *fenced(_json(session.context), "json")]
    extra = extra_fields(session)
    if extra:
        lines += ["", "## Other keys", "", *fenced(_json(extra), "json")]
    lines += ["", f"## Messages ({len(messages or ())})"]
    for number, message in enumerate(messages or (), 1):
        lines += ["", *message_markdown(number, message)]
    return "\n".join(lines) + "\n"


def message_markdown(number: int, message: Message) -> list[str]:
    """One message: a heading with its number, role and time, its summary, its content."""
    lines = [f"### {number}. {prose(message.role) or '(no role)'} · {_time(message, 'Timestamp', message.timestamp)}"]
    if message.summary:
        lines += ["", f"**Summary:** {prose(message.summary)}"]
    lines += ["", *fenced(message.content)] if message.content else ["", "*(no content)*"]
    return lines


def code(text: str) -> str:
    """``text`` on one line as a Markdown code span (so nothing in it is Markdown)."""
    text = one_line(text, NEWLINE_PICTURE)
    if not text:
        return "*(empty)*"
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, language: str = "text") -> list[str]:
    """``text`` as the lines of a fenced code block whose fence nothing inside can close."""
    text = printable(text)
    fence = "`" * max(3, max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    return [f"{fence}{language}", *text.split("\n"), fence]


def prose(text: str) -> str:
    """``text`` on one line, its Markdown punctuation escaped (it reads as typed)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line(text, NEWLINE_PICTURE))


def _time(obj: Message, key: str, value: datetime | None) -> str:
    """The message's time as stored (nanoseconds and offset kept), or ``not set``."""
    raw = (obj._source or {}).get(key)
    return _shown(raw if isinstance(raw, str) else None, value)


def _session_time(session: Session, attr: str, value: datetime | None) -> str:
    """The session's time as its store holds it, or ``not set``."""
    return _shown(stored_time(session, attr), value)


def _shown(raw: str | None, value: datetime | None) -> str:
    if value is None:
        return "not set"
    return code(raw if raw is not None else format_time(value))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
