"""Build session files as raw JSON, independently of the library's writer."""

from __future__ import annotations

import json
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
