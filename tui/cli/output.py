"""What the commands print: safe text, aligned tables, times and ages, JSON.

Session text is untrusted: everything taken from a file goes through
:func:`cell` (or :func:`error_line`), which makes control characters
visible, so nothing a chat user typed can drive the terminal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

from rich.cells import cell_len

from tui.session import SessionSummary
from tui.text import NEWLINE_PICTURE, ago, one_line
from tui.text.safe import INVISIBLE

# Raw in JSON text they would reach whoever reads the output on a terminal.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f]|{INVISIBLE}")
# The commands always print the age (``0s ago``): scripts read a number.
_EXACT = timedelta(0)


def cell(text: object) -> str:
    """``text`` on one line, with every control character made visible."""
    return one_line(str(text), NEWLINE_PICTURE)


def error_line(text: str) -> str:
    """An error message as one safe line (it may quote a file's contents)."""
    return cell(text)


def table(rows: Iterable[Sequence[object]], *, right: Sequence[int] = ()) -> list[str]:
    """Rows of cells as aligned lines (columns ``right`` aligned right).

    Widths count terminal cells, so wide (CJK, emoji) text lines up; the
    last column is not padded.
    """
    cells = [[cell(value) for value in row] for row in rows]
    if not cells:
        return []
    widths = [max(cell_len(row[i]) for row in cells if i < len(row)) for i in range(max(map(len, cells)))]
    lines = []
    for row in cells:
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - cell_len(text))
            if i in right:
                parts.append(pad + text)
            elif i == len(row) - 1:
                parts.append(text)
            else:
                parts.append(text + pad)
        lines.append("  ".join(parts).rstrip())
    return lines


def session_rows(summaries: Iterable[SessionSummary], now: datetime) -> list[list[str]]:
    """One row per session: id, status, idle time, chat, agent, project."""
    return [
        [s.id, str(s.status), idle(s, now), s.chat_id or "-", s.agent or "-", s.project or "-"]
        for s in summaries
    ]


def idle(summary: SessionSummary, now: datetime) -> str:
    """How long ago a session was last active: ``12m ago``, or ``never``."""
    return ago(summary.last_activity, now, just_now=_EXACT)


def utc(moment: datetime | None) -> str | None:
    """A time as RFC 3339 in UTC to the second (``2026-11-24T05:42:57Z``), or ``None``.

    A time whose UTC form falls outside years 1-9999 (``0001-01-01T00:00:00+01:00``
    is in year 0 in UTC) keeps its own offset: ``0001-01-01T00:00:00+01:00``.
    """
    if moment is None:
        return None
    return _stamp(moment, "T", "Z")


def human_time(moment: datetime, now: datetime) -> str:
    """``2026-11-24 05:42:57 UTC (3h ago)`` (for a time UTC cannot hold, its own offset)."""
    return f"{_stamp(moment, ' ', ' UTC')} ({ago(moment, now, just_now=_EXACT)})"


def _stamp(moment: datetime, sep: str, utc_suffix: str) -> str:
    try:
        moment, suffix = moment.astimezone(timezone.utc), utc_suffix
    except OverflowError:  # year 0 or 10000 in UTC
        suffix = moment.strftime("%z")
        suffix = f"{' ' if sep == ' ' else ''}{suffix[:3]}:{suffix[3:5]}"
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{sep}"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{suffix}"
    )


def dumps_json(value: object) -> str:
    """One line of JSON (a cron log gets a line per run): UTF-8, but DEL, C1 controls and the
    invisible and bidirectional characters :func:`printable` names escaped (``\\u202e``)."""
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
