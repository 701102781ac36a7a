"""The text of the tree's rows: a chat header, or one session's columns.

Everything from the file goes through :func:`one_line` into ``Text`` spans:
never markup, never a control byte. Columns adapt to the width: below
:data:`WIDE` the status word, agent and message count give way to the
symbol, a narrower agent and a bare count.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text

from tui.session import SessionSummary
from tui.text import ago, one_line, plural

from ..state.attention import Alert
from ..state.tree_model import ChatGroup
from .badges import summary_badge
from .styles import Styles

#: From this width on, rows show every column.
WIDE = 60
#: From this width on (the tree of a 160-column terminal), rows show the request too.
REQUEST_COLUMN = 84
#: The project's share of the row when the request is shown too.
PROJECT_WITH_REQUEST = 20
SHORT_ID = 8



def short_id(session_id: str) -> str:
    """The first characters of an id, enough to tell sessions apart."""
    return one_line(session_id[:SHORT_ID])


def alert_text(alert: Alert) -> str:
    """``Session 00000004 in chat -100… failed`` (plain text: shown with markup off)."""
    chat = one_line(alert.chat_id)
    if len(chat) > 24:
        chat = chat[:23] + "…"
    return f"Session {short_id(alert.session_id)} in chat {chat or '(no chat)'} {'is stale' if alert.status == 'stale' else 'failed'}."


def left_truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells from the left (``…/tail``): paths end in their point."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    kept = ""
    for char in reversed(text):
        if cell_len(kept) + cell_len(char) > width - 1:
            break
        kept = char + kept
    return "…" + kept


_CHAT_COUNTS = (("running", "●"), ("pending", "○"), ("stale", "◐"), ("failed", "✗"))


def chat_row(
    group: ChatGroup, expanded: bool, width: int, styles: Styles, now: datetime, *, shown: int | None = None
) -> Text:
    """``▾ chat-id  12 sessions · 3 running · 1 stale · 1 failed``; ``shown`` when filtered.

    Counted as the badges are (a stale session is not running); when that
    does not fit in ``width``, the counts shrink to ``12 ●3 ◐1 ✗1``.
    """
    total = len(group.ids)
    by_status = group.shown_counts(now)
    counts = [(status, symbol, by_status.get(status, 0)) for status, symbol in _CHAT_COUNTS]
    for compact in (False, True):
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("▾ " if expanded else "▸ ", styles["dim"])
        text.append(one_line(group.chat_id) or "(no chat)", styles["chat"])
        count = f"{total}" if compact else plural(total, "session")
        if shown is not None and shown != total:
            count = f"{shown}/{count}" if compact else f"{shown} of {count}"
        text.append(f"  {count}", styles["dim"])
        for status, symbol, n in counts:
            if n:
                text.append(" " if compact else " · ", styles["dim"])
                text.append(f"{symbol}{n}" if compact else f"{n} {status}", styles[f"badge--{status}"])
        if text.cell_len <= width:
            break
    return text


def session_row(summary: SessionSummary, now: datetime, width: int, styles: Styles, *, marked: bool) -> Text:
    """One session's columns, fitted to ``width`` cells."""
    badge = summary_badge(summary, now)
    wide = width >= WIDE
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append("  ")
    text.append("◆ " if marked else "  ", styles["mark"])
    badge_style = styles[f"badge--{badge.style}"]
    if wide:
        label = one_line(badge.label)
        if len(label) > 9:
            label = label[:8] + "…"
        text.append(f"{badge.symbol} {label}", badge_style)
        text.append(" " * (10 - len(label)))
    else:
        text.append(badge.symbol, badge_style)
        text.append(" ")
    text.append(f"{short_id(summary.id):<{SHORT_ID}} ", styles["id"])
    agent_width = 10 if wide else 6
    agent = one_line(summary.agent)
    text.append(f"{agent[:agent_width]:<{agent_width}} ", styles["agent"])
    # (None: not counted yet; the next reading brings the count)
    shown = "…" if summary.message_count is None else str(summary.message_count)
    count = f"{shown} msg" if wide else shown
    activity = ago(summary.last_activity, now)
    tail = f" {count:>7} {activity:>9}" if wide else f" {count:>3} {activity:>8}"
    room = width - text.cell_len - cell_len(tail)
    request_room = 0
    if width >= REQUEST_COLUMN:
        request_room = room - PROJECT_WITH_REQUEST - 1
        room = PROJECT_WITH_REQUEST
    project = left_truncate(one_line(summary.project), room)
    text.append(f"{project}{' ' * max(0, room - cell_len(project))}", styles["project"])
    if request_room > 0:
        request = Text(" " + one_line(summary.request), styles["dim"], no_wrap=True, overflow="ellipsis", end="")
        request.truncate(request_room + 1, overflow="ellipsis", pad=True)
        text.append_text(request)
    text.append(tail, styles["dim"])
    return text
