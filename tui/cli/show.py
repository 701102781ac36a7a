"""``session-tui show [PATH] ID [--json | --markdown]``: one whole session, history included."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from tui.session import Message, Session, SessionSummary, extra_fields, stored_object
from tui.text import printable
from tui.text.markdown import session_markdown

from .args import ID_RULE, STORE_RULE, UsageError, looks_like_path, session_source
from .edit import report_unmatched, resolve
from .listing import existing_reading
from .output import cell, dumps_json, human_time, table, utc

HELP = "Print one session: every field, the context and the whole history."
USAGE = "%(prog)s [PATH] ID [--json | --markdown]"
EPILOG = f"""\
{STORE_RULE}
With two arguments the first is PATH.
{ID_RULE}

The default output is the fields as "label: value" lines, the context as
JSON, then one line per message (number, role, time, summary). --markdown
prints a Markdown document: the fields, then every message with its role,
time, summary and content. --json prints the session as one JSON object on
one line, as stored (control and bidi characters escaped as \\uXXXX): from
a JSON file, the session's object with Go's field names, times as written,
unknown keys kept; from a SQLite database, the row's columns by their names
(id, chat_id, ..., times as the driver wrote them) and "messages": the
transcript's lines, each with Go's field names (Role, Content, Summary,
Timestamp).

Exit status: 0 when the session was printed, 1 when ID matches no session
(or several), 2 on bad usage, a missing or an invalid store, or a database
that stays locked."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``show``."""
    parser.add_argument("words", nargs="+", metavar="[PATH] ID", help="the session store (see below), then a session id")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the session as stored, as one JSON object")
    form.add_argument("--markdown", action="store_true", help="print the session as a Markdown document")


def run(options: argparse.Namespace) -> int:
    """Print one session. Raises ``StoreError`` for a bad or busy store."""
    words: list[str] = options.words
    if len(words) > 2:
        raise UsageError(f"show takes one session id, got {len(words) - 1} after PATH", hint=True)
    if len(words) == 1 and looks_like_path(words[0]):
        raise UsageError(f"no session id given after PATH {words[0]!r}", hint=True)
    source = session_source(words[0] if len(words) == 2 else None)
    wanted = words[-1]
    snap = existing_reading(source)
    found = resolve(snap, [wanted])
    if not found.ids:
        report_unmatched(options.prog, found, source.path)
        return 1
    session_id = found.ids[0]
    if options.json:
        stored = stored_object(snap, session_id)  # raises CorruptStoreError for a bad history
        if stored is None:
            return _gone(options.prog, session_id, source.path)
        print(dumps_json(stored))
        return 0
    session = snap.session(session_id)  # raises CorruptStoreError for a bad history
    if session is None:
        return _gone(options.prog, session_id, source.path)
    now = datetime.now(timezone.utc)
    if options.markdown:
        sys.stdout.write(session_markdown(session, snap.summary(session_id), now))
    else:
        print("\n".join(session_text(session, snap.summary(session_id), now)))
    return 0


def _gone(prog: str, session_id: str, path: object) -> int:
    """A session deleted since the reading (a database is read on demand): not found."""
    print(f"{prog}: not found in {cell(path)}: {cell(session_id)} (removed meanwhile)", file=sys.stderr)
    return 1


def session_text(session: Session, summary: SessionSummary | None, now: datetime) -> list[str]:
    """The default form of ``show``: aligned fields, the context, one line per message."""
    status = str(session.status) or "(none)"
    if summary is not None and summary.is_stale(now):
        status += " (stale: past its expiry and still live)"
    fields: list[tuple[str, str]] = [
        ("id", session.id),
        ("status", status),
        ("chat", session.chat_id),
        ("agent", session.agent),
        ("project", session.project),
        ("permission mode", session.permission_mode),
        ("created", _time(session.created_at, now)),
        ("last activity", _time(session.last_activity, now)),
        ("expires", "never (persistent)" if session.expires_at is None else _time(session.expires_at, now)),
        ("request", session.request),
        ("response", session.response),
        ("error", session.error),
        ("messages", "none (null)" if session.messages is None else str(len(session.messages))),
    ]
    width = max(len(label) for label, _ in fields) + 2
    lines: list[str] = []
    for label, value in fields:
        # Multi-line texts continue under the value column; control characters made visible.
        first, *rest = [cell(line) for line in printable(value).split("\n")] if value else ["-"]
        lines.append(f"{label + ':':<{width}}{first}".rstrip())
        lines += [" " * width + line for line in rest]
    lines += ["context:", *_indented_json(session.context)]
    extra = extra_fields(session)
    if extra:
        lines += ["other keys:", *_indented_json(extra)]
    if session.messages:
        lines += ["", "history:"]
        lines += ["  " + line for line in table(_message_rows(session.messages), right=(0,))]
    return lines


def _message_rows(messages: list[Message]) -> list[list[str]]:
    rows = []
    for number, message in enumerate(messages, 1):
        about = message.summary or message.content
        cells = [message.role or "-", utc(message.timestamp) or "-", _cut(about) or "-"]
        rows.append([str(number), *map(cell, cells)])
    return rows


def _cut(text: str, limit: int = 120) -> str:
    """The first line of ``text``, at most ``limit`` characters."""
    stripped = text.strip()
    line = stripped.split("\n", 1)[0]
    if len(line) > limit:
        return line[: limit - 1] + "…"
    return line if line == stripped else line + " …"


def _time(moment: datetime | None, now: datetime) -> str:
    return "not set" if moment is None else human_time(moment, now)


def _indented_json(value: object) -> list[str]:
    return ["  " + cell(line) for line in json.dumps(value, indent=2, ensure_ascii=False).split("\n")]
