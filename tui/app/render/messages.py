"""The message history as lines: role-styled headers, wrapped content, summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui.session import Message
from tui.text import ago, one_line
from tui.text.safe import printable

from .styles import Styles
from .times import zoned_time

#: A message longer than this many lines is cut until expanded.
CUT_LINES = 12

ROLE_STYLES = {"user": "role--user", "assistant": "role--assistant", "system": "role--system", "tool": "role--tool"}


def role_style(role: str) -> str:
    """The style name of a role (unknown roles share one)."""
    return ROLE_STYLES.get(role, "role--other")


def message_lines(
    message: Message,
    index: int,
    now: datetime,
    width: int,
    console: Console,
    styles: Styles,
    *,
    expanded: bool,
) -> list[Text]:
    """One message as wrapped lines, cut to :data:`CUT_LINES` unless ``expanded``."""
    style = styles[role_style(message.role)]
    header = Text(no_wrap=True, overflow="ellipsis", end="")
    header.append("▌", style)
    header.append(f"{one_line(message.role) or '(no role)'}", style + Style(bold=True))
    header.append(f"  #{index + 1}", styles["dim"])
    if message.timestamp is not None:
        header.append(f"  {zoned_time(message.timestamp, now)}", styles["dim"])  # in the viewer's zone
        header.append(f"  {ago(message.timestamp, now)}", styles["dim"])
    lines = [header]
    body_width = max(10, width - 2)
    content = printable(message.content)
    if not expanded:
        # Wrap only what will be shown: a huge message costs no more than a short one.
        head = content.split("\n", CUT_LINES + 1)
        content_lines = _wrap("\n".join(head[: CUT_LINES + 1]), body_width, console)
        hidden_source = len(head) > CUT_LINES + 1
        if len(content_lines) > CUT_LINES or hidden_source:
            total = content.count("\n") + 1
            content_lines = content_lines[:CUT_LINES]
            more = Text(f"… {max(total - CUT_LINES, 1)} more lines — press e to expand", styles["dim"])
            content_lines.append(more)
    else:
        content_lines = _wrap(content, body_width, console)
    lines.extend(Text("  ", end="") + line for line in content_lines)
    if message.summary:
        summary = Text("  ↳ ", styles["dim"], end="")
        summary.append(one_line(message.summary), styles["summary"])
        lines.extend(_wrap_text(summary, width, console))
    lines.append(Text(""))
    return lines


def history_lines(
    messages: Sequence[Message], now: datetime, width: int, console: Console, styles: Styles, *, expanded: bool
) -> list[Text]:
    """Every message, in order, or a note when there are none."""
    if not messages:
        return [Text("No messages.", styles["dim"])]
    lines: list[Text] = []
    for index, message in enumerate(messages):
        lines.extend(message_lines(message, index, now, width, console, styles, expanded=expanded))
    return lines


def _wrap(content: str, width: int, console: Console) -> list[Text]:
    return _wrap_text(Text(content), width, console)


def _wrap_text(text: Text, width: int, console: Console) -> list[Text]:
    return list(text.wrap(console, width, overflow="fold")) or [Text("")]
