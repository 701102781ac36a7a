"""``tui.tools.synthetic``: realistic, deterministic Go-format session files."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rawfiles import ZERO, expected_time, session_blocks

from tui.session import Status, read_snapshot
from tui.session.layout import split_items
from tui.tools.synthetic import generate_document, write_file

NOW = datetime(2026, 11, 24, 6, 0, 0, 123456, tzinfo=timezone.utc)
GO_KEYS = [
    "ID", "ChatID", "Agent", "Project", "Status", "Request", "Response", "Error",
    "CreatedAt", "LastActivity", "ExpiresAt", "Context", "Messages", "PermissionMode",
]
MESSAGE_KEYS = ["Role", "Content", "Summary", "Timestamp"]


@pytest.fixture(scope="module")
def data() -> bytes:
    return generate_document(300, 30, seed=1, now=NOW)


@pytest.fixture(scope="module")
def doc(data: bytes) -> dict:
    return json.loads(data)


def strings(value: object) -> list[str]:
    """Every string value in a decoded document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_deterministic() -> None:
    assert generate_document(20, 5, seed=3, now=NOW) == generate_document(20, 5, seed=3, now=NOW)
    assert generate_document(20, 5, seed=3, now=NOW) != generate_document(20, 5, seed=4, now=NOW)


def test_shape_is_the_go_format(doc: dict, data: bytes) -> None:
    assert list(doc) == ["version", "items", "updated"]
    assert doc["version"] == 1 and doc["updated"] == "2026-11-24T06:00:00.123456Z"
    items = doc["items"]
    assert len(items) == 300 and list(items) == sorted(items)
    for session_id, session in items.items():
        assert list(session) == GO_KEYS and session["ID"] == session_id
        assert len(session["Messages"]) == 30
        assert all(list(m) == MESSAGE_KEYS for m in session["Messages"])
    assert data.startswith(b'{\n  "version": 1,\n  "items": {\n    "') and data.endswith(b'"\n}')


def test_canonical_layout_takes_the_fast_path(data: bytes) -> None:
    split = split_items(data)
    assert split is not None and len(split.spans) == 300
    assert len(session_blocks(data)) == 300  # the layout Go's MarshalIndent writes


def test_escapes_like_go(data: bytes, doc: dict) -> None:
    for raw in (b"<", b">", b"&", "\u2028".encode(), "\u2029".encode()):
        assert raw not in data
    for escaped in (b"\\u003c", b"\\u003e", b"\\u0026", b"\\u2028", b"\\u001b"):
        assert escaped in data
    text = "\n".join(strings(doc))
    for needle in ("[bold]", "[@click=app.quit]", "<b>", "\x1b]0;", "\x9b", "中文", "🧪", "\r\n"):
        assert needle in text, needle


def test_statuses_stale_persistent_and_chats(doc: dict) -> None:
    sessions = list(doc["items"].values())
    statuses = Counter(s["Status"] for s in sessions)
    assert set(statuses) == {s.value for s in Status}
    assert statuses["completed"] > statuses["running"] > 0
    persistent = [s for s in sessions if s["ExpiresAt"] == ZERO]
    assert 0 < len(persistent) < len(sessions) // 4
    live = [s for s in sessions if s["Status"] in ("running", "pending") and s["ExpiresAt"] != ZERO]
    stale = [s for s in live if expected_time(s["ExpiresAt"]) < NOW]
    assert stale and len(stale) < len(live)
    assert len({s["ChatID"] for s in sessions}) >= 4
    assert {s["Context"] is None for s in sessions} == {True, False}
    nested = [s["Context"]["user"]["prefs"] for s in sessions if s["Context"]]
    assert nested and all(isinstance(p, dict) for p in nested)
    assert all(list(c) == sorted(c) for c in (s["Context"] for s in sessions) if c)  # Go sorts map keys


def test_times_are_nanosecond_ordered_and_before_now(doc: dict) -> None:
    stamps = []
    offsets = set()
    for session in doc["items"].values():
        created, last = expected_time(session["CreatedAt"]), expected_time(session["LastActivity"])
        assert created <= last <= NOW
        times = [expected_time(m["Timestamp"]) for m in session["Messages"]]
        assert times == sorted(times) and created <= times[0] and times[-1] <= last
        stamps += [session["CreatedAt"], *(m["Timestamp"] for m in session["Messages"])]
        offsets.add(session["CreatedAt"][-6:] if session["CreatedAt"][-6] in "+-" else "Z")
    assert sum(1 for s in stamps if re.search(r"\.\d{9}(Z|[+-])", s)) > len(stamps) // 2
    assert offsets >= {"Z", "+08:00"}


def test_the_library_reads_every_session(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(data)
    snap = read_snapshot(path)
    assert len(snap) == 300
    assert all(s.message_count == 30 for s in snap.summaries())
    assert all(len(s.messages or ()) == 30 for s in snap.sessions())
    assert snap.data == data  # read as it is: no re-encoding was needed


def test_size_is_about_16_kb_a_session_at_30_messages(data: bytes) -> None:
    per_session = len(data) / 300
    assert 12_000 < per_session < 20_000
    sizes = [end - start for _, start, end in split_items(data).spans]
    assert max(sizes) > 3 * min(sizes)  # varied


def test_edge_counts() -> None:
    empty = generate_document(0, 30, now=NOW)
    assert json.loads(empty) == {"version": 1, "items": {}, "updated": "2026-11-24T06:00:00.123456Z"}
    assert split_items(empty) is not None
    silent = json.loads(generate_document(10, 0, now=NOW))["items"].values()
    assert all(not s["Messages"] for s in silent)
    with pytest.raises(ValueError):
        generate_document(-1, 1)


def test_now_defaults_to_the_current_time_and_naive_means_utc() -> None:
    updated = json.loads(generate_document(1, 1))["updated"]
    assert abs(expected_time(updated) - datetime.now(timezone.utc)) < timedelta(minutes=1)
    naive = NOW.replace(tzinfo=None)
    assert generate_document(5, 2, now=naive) == generate_document(5, 2, now=NOW)


def test_write_file_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    size = write_file(path, 10, 3, seed=2, now=NOW)
    assert path.read_bytes() == generate_document(10, 3, seed=2, now=NOW)
    assert size == path.stat().st_size
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        write_file(path, 1, 1, now=NOW)
    assert size == path.stat().st_size
    write_file(path, 1, 1, now=NOW, overwrite=True)
    assert len(json.loads(path.read_bytes())["items"]) == 1
    assert os.listdir(tmp_path) == ["s.json"]
