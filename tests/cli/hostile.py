"""A session whose every text field is hostile: terminal escapes, bidi overrides, markup, Markdown."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from clifiles import NOW, every_kind
from rawfiles import go_session, go_time, write_json

HOSTILE = "f0000002-0000-4000-8000-000000000002"
#: Characters that must never reach a terminal raw (SPEC §3, tui/text/safe.py): C0 but
#: newline, DEL, C1, bidi embeddings, overrides and isolates; and the line and
#: paragraph separators, at which line-based readers (str.splitlines) end a line.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
RAW_IN_JSON = RAW_CONTROL
ESC_TITLE = "\x1b]0;pwned\x07"
BIDI = "\u202eexe.txt\u202c"
HOSTILE_CHAT = f"chat{ESC_TITLE}\u2028x"
HOSTILE_PROJECT = f"/srv/[bold red]{BIDI}[/]"
HOSTILE_CONTENT = (
    "# Injected heading\n"
    "<script>alert(1)</script>\n"
    "```\nnot the end of the block\n````\n"
    f"\x1b[2J\x1b[31mred{BIDI}\x9b1m\u2029done"
)
BIG = 2**70 + 1


def hostile_session() -> dict[str, Any]:
    """The hostile session: last active 30 s ago, so it lists first."""
    last = NOW - timedelta(seconds=30)
    return go_session(
        HOSTILE,
        ChatID=HOSTILE_CHAT,
        Agent="[link=https://evil]agent[/link]",
        Project=HOSTILE_PROJECT,
        Status="failed",
        Request=f"please {ESC_TITLE}\n*now*",
        Error=f"boom\x1b[0m{BIDI}",
        CreatedAt=go_time(last - timedelta(minutes=1), 1),
        LastActivity=go_time(last, 987654321 % 1000),
        ExpiresAt="2026-11-24T13:52:23.917658728+08:00",
        Context={"big": BIG, "text": f"{BIDI}{ESC_TITLE}", "nested": {"x": [1, 2.5, None]}},
        Messages=[
            {"Role": "user", "Content": HOSTILE_CONTENT, "Summary": f"sum *x* {ESC_TITLE}{BIDI}",
             "Timestamp": "2026-11-24T05:41:58.000000001+05:30"},
            {"Role": "assistant\x1b[7m", "Content": "ok", "Summary": "",
             "Timestamp": go_time(last, 5)},
        ],
        Unknown={"kept": True},
    )


def write_hostile(path: Path) -> Path:
    """``every_kind`` plus the hostile session."""
    doc = every_kind()
    doc["items"][HOSTILE] = hostile_session()
    return write_json(path, doc)
