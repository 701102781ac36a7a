"""The detail pane's content: every field of a session, or a chat's summary."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.table import Table
from rich.text import Span, Text

from tui.session import Session, SessionSummary, extra_fields, plain_json, stored_time
from tui.text import ago, one_line
from tui.text.safe import printable

from .badges import BADGE_STYLES, badge_for, summary_badge
from .styles import Styles
from .times import expires_text, zoned_time

#: Longer texts are cut in the detail pane (the messages pane has the history).
MAX_TEXT = 4000

_json_highlighter = JSONHighlighter()


def cut(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` up to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit:,} more characters)"


def _time_cell(session: Session, attr: str, value: datetime | None, now: datetime, styles: Styles) -> Text:
    if value is None:
        return Text("not set", styles["dim"])
    raw = stored_time(session, attr)  # as stored: nanoseconds and offset kept
    shown = raw if raw is not None else value.isoformat()
    # Relative, then in the screen's zone, then as stored (the file's own text).
    text = Text(f"{ago(value, now)}  {zoned_time(value, now)}")
    text.append(f"\nstored {one_line(shown)}", styles["dim"])
    return text


#: The detail pane's part that colours each kind of JSON token Rich's highlighter finds.
JSON_PARTS = {
    "json.key": "json-key",
    "json.str": "json-string",
    "json.number": "json-number",
    "json.bool_true": "json-literal",
    "json.bool_false": "json-literal",
    "json.null": "json-literal",
    "json.brace": "dim",
}


def pretty_json(value: object, styles: Styles) -> Text:
    """Indented, highlighted JSON in the pane's own styles; control characters made visible."""
    try:
        dumped = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    except (TypeError, ValueError):
        dumped = repr(value)
    except RecursionError:  # deeper than json's encoder goes (the parser reads up to 1024 levels)
        dumped = plain_json(value)
    text = Text(printable(dumped))
    _json_highlighter.highlight(text)
    # The highlighter names Rich's theme styles (terminal colours, unreadable on some
    # backgrounds): the pane's parts instead, from the stylesheet.
    text.spans = [
        Span(span.start, span.end, styles[JSON_PARTS[span.style]])
        for span in text.spans
        if isinstance(span.style, str) and span.style in JSON_PARTS
    ]
    return text


def session_detail(
    session: Session, summary: SessionSummary | None, now: datetime, styles: Styles, highlight: str = ""
) -> RenderableType:
    """Every field of ``session``, in Go's order, plus unknown keys; ``highlight`` (the filter's
    text, any case) marked in the error, request and response with the ``match`` style."""
    stale = summary.is_stale(now) if summary is not None else False
    badge = badge_for(session.status, stale=stale)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=styles["key"], no_wrap=True)
    grid.add_column(overflow="fold")

    status = Text(f"{badge.symbol} {one_line(str(session.status)) or '(none)'}", styles[f"badge--{badge.style}"])
    if stale:
        status.append("  stale: past its expiry and still " + str(session.status), styles["badge--stale"])
    expires = Text(expires_text(session.expires_at, now))
    if session.expires_at is not None:
        expires.append(f"  {zoned_time(session.expires_at, now)}")
        expires.append(f"\nstored {one_line(stored_time(session, 'expires_at') or '')}", styles["dim"])

    rows: list[tuple[str, Text | RenderableType]] = [
        ("ID", Text(one_line(session.id))),
        ("Status", status),
    ]
    if session.error:
        rows.append(("Error", Text(printable(cut(session.error)), styles["error"])))
    rows += [
        ("Chat", Text(one_line(session.chat_id))),
        ("Agent", Text(one_line(session.agent))),
        ("Project", Text(one_line(session.project))),
        ("Permission", Text(one_line(session.permission_mode) or "—", styles["dim"] if not session.permission_mode else "")),
        ("Created", _time_cell(session, "created_at", session.created_at, now, styles)),
        ("Last active", _time_cell(session, "last_activity", session.last_activity, now, styles)),
        ("Expires", expires),
        ("Request", Text(printable(cut(session.request)) or "—")),
        ("Response", Text(printable(cut(session.response)) or "—")),
    ]
    count = len(session.messages or ())
    rows.append(("Messages", Text(f"{count}" if session.messages is not None else "none (null)")))
    rows.append(("Context", pretty_json(session.context, styles) if session.context is not None else Text("null", styles["dim"])))
    extra = extra_fields(session)
    if extra:
        rows.append(("Other keys", pretty_json(extra, styles)))
    for key, value in rows:
        if highlight and key in _SEARCHED and isinstance(value, Text):
            value.highlight_words([highlight], styles["match"], case_sensitive=False)
        grid.add_row(key, value)
    return grid


#: The fields the filter's text search looks in (the messages are the history's).
_SEARCHED = frozenset({"Error", "Request", "Response"})


def chat_detail(chat_id: str, summaries: list[SessionSummary], now: datetime, styles: Styles) -> RenderableType:
    """What a chat holds: sessions per status, agents and projects."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=styles["key"], no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Chat", Text(one_line(chat_id) or "(no chat)"))
    grid.add_row("Sessions", Text(str(len(summaries))))
    counts = Counter(summary_badge(s, now).style for s in summaries)
    by_status = Text()
    for style in BADGE_STYLES:  # always the same order
        if counts[style]:
            if by_status:
                by_status.append("  ")
            by_status.append(f"{counts[style]} {style}", styles[f"badge--{style}"])
    grid.add_row("By status", by_status)
    agents = sorted({one_line(s.agent) for s in summaries})
    projects = sorted({one_line(s.project) for s in summaries if s.project})
    grid.add_row("Agents", Text(", ".join(agents) or "—"))
    grid.add_row("Projects", Text("\n".join(projects) or "—"))
    latest = max((s.last_activity for s in summaries if s.last_activity), default=None)
    grid.add_row("Last active", Text(ago(latest, now)))
    return Group(grid)

