"""What we re-encode is byte-for-byte what Go's encoding/json writes (issue 14, item 9).

Checked against a file Go wrote (``/work/shared/fixtures/go/small.json``): every session
re-encoded, every session of a file another writer reformatted, and edits, which must give
Go's bytes with just the edited values changed."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rawfiles import FakeClock, go_document, go_session, write_json
from tui.session import Manager, SessionStoreJSON, read_snapshot
from tui.session.codec import encode_session
from tui.session.gojson import encode_session_bytes, go_float

GO_SMALL = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "go" / "small.json"
needs_go = pytest.mark.skipif(not GO_SMALL.exists(), reason=f"Go fixtures not found at {GO_SMALL}")


def go_sessions(path: Path) -> dict[str, bytes]:
    snap = read_snapshot(path)
    return {sid: bytes(snap.raw(sid) or b"") for sid in snap}


@needs_go
def test_every_session_of_the_go_file_re_encodes_to_gos_bytes() -> None:
    snap = read_snapshot(GO_SMALL)
    assert len(snap) >= 50
    for sid in snap:
        session = snap.session(sid)
        assert session is not None
        assert encode_session_bytes(encode_session(session), 2) == bytes(snap.raw(sid) or b""), sid


@needs_go
@pytest.mark.parametrize("layout", ["compact, keys shuffled", "4-space indent"])
def test_a_file_another_writer_reformatted_is_written_back_as_go_wrote_it(tmp_path: Path, layout: str) -> None:
    """Python's json (raw <, >, &, Context keys in reverse order, 1e-07) → our write → Go's bytes."""
    document = json.loads(GO_SMALL.read_bytes())
    for session in document["items"].values():
        if isinstance(session.get("Context"), dict):
            session["Context"] = dict(reversed(list(session["Context"].items())))
    path = tmp_path / "sessions.json"
    write_json(path, document, indent=None if layout.startswith("compact") else 4)
    SessionStoreJSON(path, lock_timeout=5).force_save()
    assert go_sessions(path) == go_sessions(GO_SMALL)
    written = path.read_bytes()
    assert written.startswith(b'{\n  "version": 1,\n  "items": {\n    "')
    assert written.index(b'"items"') < written.index(b'"updated"')


@needs_go
def test_an_edited_session_is_gos_bytes_with_the_edit(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    path.write_bytes(GO_SMALL.read_bytes())
    go = go_sessions(path)
    sid = max((s for s in go if b'"Status": "running"' in go[s]), key=lambda s: go[s].count(b"\\u0026"))
    clock = FakeClock(datetime(2026, 12, 1, 8, 0, 0, 123456, tzinfo=timezone.utc))
    manager = Manager(store=SessionStoreJSON(path, clock=clock, lock_timeout=5), clock=clock, background=False)
    assert manager.update(sid, lambda s: setattr(s, "request", "a <b> & c \u2028 d"))
    old = json.loads(go[sid])
    request = re.compile(rb'\n      "Request": "(?:[^"\\]|\\.)*",\n')
    assert len(request.findall(go[sid])) == 1
    expected = request.sub(lambda m: b'\n      "Request": "a \\u003cb\\u003e \\u0026 c \\u2028 d",\n', go[sid]).replace(
        f'"LastActivity": "{old["LastActivity"]}"'.encode(), b'"LastActivity": "2026-12-01T08:00:00.123456Z"', 1
    )
    assert go_sessions(path)[sid] == expected
    others = {s: b for s, b in go_sessions(path).items() if s != sid}
    assert others == {s: b for s, b in go.items() if s != sid}


@needs_go
def test_a_new_context_key_is_written_in_sorted_place(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    path.write_bytes(GO_SMALL.read_bytes())
    go = go_sessions(path)
    sid = next(s for s in go if b'"Context": {\n' in go[s])
    clock = FakeClock(datetime(2026, 12, 1, 8, 0, 0, tzinfo=timezone.utc))
    store = SessionStoreJSON(path, clock=clock, lock_timeout=5)
    last = json.loads(go[sid])["LastActivity"]
    store.modify(sid, lambda s: s.context.update({"zz_last": [1.5e-7, 1e16, 2.0], "AA_first": "<x>"}))
    expected = (
        go[sid]
        .replace(b'"Context": {\n', b'"Context": {\n        "AA_first": "\\u003cx\\u003e",\n', 1)
        .replace(f'"LastActivity": "{last}"'.encode(), b'"LastActivity": "2026-12-01T08:00:00Z"', 1)
    )
    context_end = expected.index(b"\n      },\n      \"Messages\"")
    expected = (
        expected[:context_end]
        + b',\n        "zz_last": [\n          1.5e-7,\n          10000000000000000,\n          2\n        ]'
        + expected[context_end:]
    )
    assert go_sessions(path)[sid] == expected


def test_unknown_keys_stay_where_they_were(tmp_path: Path) -> None:
    """A newer writer's fields keep their place among the Go fields (and the Go fields Go's order)."""
    session = go_session("s", Status="running")
    keys = list(session)
    at = keys.index("Messages")
    with_new = {k: session[k] for k in keys[:at]} | {"Future": {"b": 1, "a": 2}} | {k: session[k] for k in keys[at:]}
    with_new["Trailing"] = True
    path = write_json(tmp_path / "s.json", go_document(with_new))
    clock = FakeClock(datetime(2026, 12, 1, 8, 0, 0, tzinfo=timezone.utc))
    assert Manager(store=SessionStoreJSON(path, clock=clock), clock=clock, background=False).close("s")
    written = list(json.loads(path.read_bytes())["items"]["s"])
    assert written == [*keys[:at], "Future", *keys[at:], "Trailing"]
    assert list(json.loads(path.read_bytes())["items"]["s"]["Future"]) == ["a", "b"]  # a map: sorted


@pytest.mark.parametrize(
    ("value", "go"),
    [
        (0.0, "0"), (-0.0, "-0"), (1.0, "1"), (100.0, "100"), (-12.5, "-12.5"), (0.7, "0.7"),
        (2048.5, "2048.5"), (1e-6, "0.000001"), (1.5e-5, "0.000015"), (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"), (1e16, "10000000000000000"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.5e300, "1.5e+300"), (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (123456789.0, "123456789"),
        (9.999999999999999e20, "999999999999999900000"), (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_floats_are_formatted_as_go_formats_a_float64(value: float, go: str) -> None:
    # Expected values: strconv.AppendFloat(f, 'f' or 'e', -1, 64) as encoding/json uses it.
    assert go_float(value) == go
    assert float(go) == value
