"""Build session files as raw JSON, independently of the library's writer."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ZERO = "0001-01-01T00:00:00Z"


def go_session(session_id: str, **fields: Any) -> dict[str, Any]:
    """A session object with every Go key, in Go's order; ``fields`` override."""
    session: dict[str, Any] = {
        "ID": session_id,
        "ChatID": "chat-1",
        "Agent": "claude",
        "Project": "/work/proj",
        "Status": "running",
        "Request": "do the thing",
        "Response": "",
        "Error": "",
        "CreatedAt": "2026-11-24T05:41:57.072125512Z",
        "LastActivity": "2026-11-24T05:42:57.072125512Z",
        "ExpiresAt": "2026-11-24T06:11:57.072125512Z",
        "Context": {"project_path": "/work/proj"},
        "Messages": [
            {"Role": "user", "Content": "hello", "Summary": "", "Timestamp": "2026-11-24T05:41:58.000000001Z"},
        ],
        "PermissionMode": "default",
    }
    session.update(fields)
    return session


def go_document(*sessions: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A whole file: ``{"version": 1, "items": {...}, "updated": ...}``."""
    doc: dict[str, Any] = {
        "version": 1,
        "items": {s["ID"]: s for s in sessions},
        "updated": "2026-11-24T05:43:00.123456789Z",
    }
    doc.update(top)
    return doc


def write_json(path: Path, doc: Any, *, indent: int | None = 2) -> Path:
    """Write ``doc`` the way Go's MarshalIndent does (2 spaces, no trailing newline)."""
    path.write_text(json.dumps(doc, indent=indent, ensure_ascii=False), encoding="utf-8")
    return path


# -- additions: Go escaping, independent readers, a fake clock -----------------

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_dumps(doc: Any, *, indent: int | None = 2) -> str:
    """JSON text as Go's ``encoding/json`` writes it: ``<``, ``>``, ``&`` as ``\\u003c`` etc.

    These characters only ever occur inside strings, so replacing them in the
    encoded text is exact.
    """
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    for char, escape in _GO_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def write_go_json(path: Path, doc: Any) -> Path:
    """Write ``doc`` with Go's indentation and Go's HTML escaping."""
    path.write_bytes(go_dumps(doc).encode("utf-8"))
    return path


def read_doc(path: Path) -> Any:
    """The whole file, read with the plain ``json`` module."""
    return json.loads(path.read_bytes())


def read_items(path: Path) -> dict[str, Any]:
    """The file's ``items`` (``{}`` for ``null``), read with the plain ``json`` module."""
    return read_doc(path).get("items") or {}


_MEMBER = re.compile(rb'^    ("(?:[^"\\]|\\.)*"): \{$', re.MULTILINE)


def session_blocks(data: bytes) -> dict[str, bytes]:
    """Each session's raw bytes in a 2-space indented file, by id.

    Relies only on the layout Go's ``MarshalIndent`` writes (a session's key on
    a line indented four spaces, its closing brace alone on a line the same
    depth), not on the library.
    """
    blocks: dict[str, bytes] = {}
    for match in _MEMBER.finditer(data):
        start = match.end() - 1
        end = data.index(b"\n    }", start) + len(b"\n    }")
        blocks[json.loads(match.group(1))] = data[start:end]
    return blocks


_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|([+-])(\d\d):(\d\d))\Z")


def expected_time(text: str) -> datetime | None:
    """What a Go time string should decode to: ``None`` for the zero time,
    else an aware datetime truncated to microseconds, keeping the offset."""
    if text == ZERO:
        return None
    match = _TIME.match(text)
    if match is None:
        raise ValueError(f"not a Go time: {text!r}")
    base, fraction, zone, sign, hours, minutes = match.groups()
    if zone == "Z":
        tz = timezone.utc
    else:
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        tz = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "").ljust(6, "0")[:6])
    return datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(microsecond=micro, tzinfo=tz)


#: The frozen "now" of tests that inject a clock.
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


class FakeClock:
    """A settable clock for ``Manager(clock=...)`` and ``SessionStoreJSON(clock=...)``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move time forward by ``delta`` or ``timedelta(**kwargs)``; returns the new now."""
        self.now += delta if delta is not None else timedelta(**kwargs)
        return self.now


def go_time(moment: datetime, nanos: int = 0) -> str:
    """An aware datetime as Go's ``RFC3339Nano`` writes it, in UTC, plus ``nanos``
    nanoseconds below the microsecond (trailing zeros trimmed)."""
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = moment.microsecond * 1000 + nanos
    if fraction:
        text += f".{fraction:09d}".rstrip("0")
    return text + "Z"
