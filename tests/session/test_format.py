"""The Go file format (SPEC §1): read what Go wrote, write what Go reads, lose nothing."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rawfiles import (
    ZERO,
    FakeClock,
    expected_time,
    go_document,
    go_dumps,
    go_session,
    read_doc,
    read_items,
    session_blocks,
    write_go_json,
    write_json,
)

from tui.session import (
    Config,
    Manager,
    Message,
    Session,
    SessionStoreJSON,
    UnsupportedVersionError,
    read_snapshot,
)

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)
SESSION_KEYS = [
    "ID", "ChatID", "Agent", "Project", "Status", "Request", "Response", "Error",
    "CreatedAt", "LastActivity", "ExpiresAt", "Context", "Messages", "PermissionMode",
]
STRING_FIELDS = {
    "ID": "id", "ChatID": "chat_id", "Agent": "agent", "Project": "project", "Request": "request",
    "Response": "response", "Error": "error", "PermissionMode": "permission_mode",
}
TIME_FIELDS = {"CreatedAt": "created_at", "LastActivity": "last_activity", "ExpiresAt": "expires_at"}


def same(a: Any, b: Any) -> bool:
    """JSON equality that tells 1, 1.0 and True apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def assert_matches_go(session: Session, go: dict[str, Any]) -> None:
    """Every field of ``session`` is what Go decoded (``go`` is its re-encoding)."""
    for key, attr in STRING_FIELDS.items():
        assert getattr(session, attr) == go[key], key
    assert session.status == go["Status"]
    for key, attr in TIME_FIELDS.items():
        assert getattr(session, attr) == expected_time(go[key]), key
    assert session.persistent == (go["ExpiresAt"] == ZERO)
    assert same(session.context, go["Context"])
    if go["Messages"] is None:
        assert session.messages is None
    else:
        assert [(m.role, m.content, m.summary, m.timestamp) for m in session.messages] == [
            (m["Role"], m["Content"], m["Summary"], expected_time(m["Timestamp"])) for m in go["Messages"]
        ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def go_copy(go_small: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(go_small, tmp_path / "bot_sessions.json"))


def manager_on(path: Path, clock: FakeClock) -> Manager:
    return Manager(Config(), SessionStoreJSON(path, clock=clock), clock=clock, background=False)


# -- the Go oracle ---------------------------------------------------------------------


def test_loading_go_small_gives_what_go_read(go_small: Path, go_small_dump: Path, clock: FakeClock) -> None:
    dump = json.loads(go_small_dump.read_bytes())
    store = SessionStoreJSON(go_small, clock=clock)
    sessions = {s.id: s for s in store.list()}
    assert set(sessions) == set(dump)
    for session_id, go in dump.items():
        assert_matches_go(sessions[session_id], go)
        assert_matches_go(store.get(session_id), go)


def test_summaries_of_go_small_agree_with_go(go_small: Path, go_small_dump: Path) -> None:
    dump = json.loads(go_small_dump.read_bytes())
    snap = read_snapshot(go_small)
    assert len(snap) == len(dump)
    for session_id, go in dump.items():
        summary = snap.summary(session_id)
        assert (summary.chat_id, summary.agent, summary.project, summary.status) == (
            go["ChatID"], go["Agent"], go["Project"], go["Status"],
        )
        assert (summary.request, summary.error, summary.permission_mode) == (
            go["Request"], go["Error"], go["PermissionMode"],
        )
        assert summary.created_at == expected_time(go["CreatedAt"])
        assert summary.last_activity == expected_time(go["LastActivity"])
        assert summary.expires_at == expected_time(go["ExpiresAt"])
        assert summary.message_count == len(go["Messages"] or ())


def test_saving_without_edits_changes_no_value(go_copy: Path, go_small: Path, clock: FakeClock) -> None:
    SessionStoreJSON(go_copy, clock=clock).force_save()
    before, after = read_doc(go_small), read_doc(go_copy)
    assert after["version"] == before["version"] == 1
    assert same(after["items"], before["items"])
    assert set(after) == set(before)  # "updated" is restamped, like Go's save
    # Unedited sessions are written back byte for byte, Go's escaping included.
    assert session_blocks(go_copy.read_bytes()) == session_blocks(go_small.read_bytes())


@pytest.mark.parametrize(
    "session_id",
    [
        "a99a525f-7895-4fe9-8ad3-ac88123786b2",  # running, persistent, big_id in Context
        "38966b95-fccf-40b7-b256-e3b5233128fb",  # pending, Messages null
        "0bca62fb-c5a4-4fd1-8ff2-3d2d08e017c0",  # completed, 1e+21 and nulls in Context
        "112f362f-b47e-4b6e-bea6-1bdc3aafa82a",  # failed, HTML in texts
    ],
)
def test_close_changes_only_status_and_last_activity(
    go_copy: Path, go_small: Path, clock: FakeClock, session_id: str
) -> None:
    before_bytes = go_small.read_bytes()
    before = read_items(go_small)
    assert session_id in before and before[session_id]["Status"] != "closed"
    with manager_on(go_copy, clock) as m:
        assert m.close(session_id)
    after = read_items(go_copy)
    old, new = before[session_id], after[session_id]
    assert new["Status"] == "closed"
    assert expected_time(new["LastActivity"]) == NOW
    assert list(new) == list(old) == SESSION_KEYS
    for key in SESSION_KEYS:
        if key not in ("Status", "LastActivity"):
            assert same(new[key], old[key]), key  # time strings compared as exact strings
    old_blocks, new_blocks = session_blocks(before_bytes), session_blocks(go_copy.read_bytes())
    assert set(new_blocks) == set(old_blocks)
    for other, block in old_blocks.items():
        if other != session_id:
            assert new_blocks[other] == block, other


# -- times ------------------------------------------------------------------------------


def test_nanoseconds_and_offsets_survive_an_edit_of_another_field(tmp_path: Path, clock: FakeClock) -> None:
    created, expires = "2026-11-24T13:52:23.917658728+08:00", "2026-11-24T01:22:23.000000001-05:30"
    stamps = ["2026-11-24T13:52:24.100000000+08:00", "2026-11-24T05:52:25.123456789Z"]
    messages = [{"Role": "user", "Content": "hi", "Summary": "", "Timestamp": t} for t in stamps]
    path = write_json(tmp_path / "s.json", go_document(
        go_session("s", Status="running", CreatedAt=created, ExpiresAt=expires, Messages=messages),
    ))
    clock.now = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)  # before expiry
    session = SessionStoreJSON(path, clock=clock).get("s")
    assert session.created_at.utcoffset() == timedelta(hours=8)
    assert session.expires_at.utcoffset() == -timedelta(hours=5, minutes=30)
    assert session.created_at == expected_time(created)
    with manager_on(path, clock) as m:
        assert m.set_request("s", "edited")
        assert m.append_message("s", Message(role="assistant", content="new"))
    raw = read_items(path)["s"]
    assert raw["Request"] == "edited"
    assert (raw["CreatedAt"], raw["ExpiresAt"]) == (created, expires)
    assert [m["Timestamp"] for m in raw["Messages"][:2]] == stamps
    assert len(raw["Messages"]) == 3


def test_zero_time_reads_as_none_and_zero_expiry_is_persistent(tmp_path: Path, clock: FakeClock) -> None:
    path = write_json(tmp_path / "s.json", go_document(
        go_session("s", CreatedAt=ZERO, ExpiresAt=ZERO,
                   Messages=[{"Role": "user", "Content": "x", "Summary": "", "Timestamp": ZERO}]),
    ))
    session = SessionStoreJSON(path, clock=clock).get("s")
    assert session.created_at is None and session.expires_at is None
    assert session.persistent
    assert session.messages[0].timestamp is None
    assert read_snapshot(path).summary("s").persistent
    with manager_on(path, clock) as m:
        assert m.set_request("s", "edited")
    raw = read_items(path)["s"]
    assert (raw["CreatedAt"], raw["ExpiresAt"], raw["Messages"][0]["Timestamp"]) == (ZERO, ZERO, ZERO)


def test_none_times_are_written_as_the_zero_time(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "s.json"
    SessionStoreJSON(path, clock=clock).set("s", Session(id="s", messages=[Message(role="user")]))
    raw = read_items(path)["s"]
    assert (raw["CreatedAt"], raw["ExpiresAt"], raw["Messages"][0]["Timestamp"]) == (ZERO, ZERO, ZERO)
    assert list(raw) == SESSION_KEYS
    assert list(raw["Messages"][0]) == ["Role", "Content", "Summary", "Timestamp"]


# -- nulls, unknown statuses, unknown keys ------------------------------------------------


def test_nulls_read_as_zero_values_and_survive_as_null(tmp_path: Path, clock: FakeClock) -> None:
    nulls = dict(Context=None, Messages=None, Response=None, Error=None, PermissionMode=None, Agent=None)
    path = write_json(tmp_path / "s.json", go_document(
        go_session("s", ExpiresAt=ZERO, **nulls),
        go_session("m", ExpiresAt=ZERO,
                   Messages=[{"Role": "user", "Content": None, "Summary": None, "Timestamp": ZERO}]),
    ))
    s = SessionStoreJSON(path, clock=clock).get("s")
    assert (s.context, s.messages) == (None, None)
    assert (s.response, s.error, s.permission_mode, s.agent) == ("", "", "", "")
    m = SessionStoreJSON(path, clock=clock).get("m")
    assert (m.messages[0].content, m.messages[0].summary) == ("", "")
    with manager_on(path, clock) as manager:
        assert manager.set_request("s", "edited")
        assert manager.set_request("m", "edited")
    raw = read_items(path)
    for key in nulls:
        assert raw["s"][key] is None, key
    assert raw["m"]["Messages"][0]["Content"] is None
    assert raw["m"]["Messages"][0]["Summary"] is None


def test_unknown_status_is_kept_and_shown(tmp_path: Path, clock: FakeClock) -> None:
    path = write_json(tmp_path / "s.json", go_document(go_session("s", Status="paused", ExpiresAt=ZERO)))
    store = SessionStoreJSON(path, clock=clock)
    assert store.get("s").status == "paused"
    assert read_snapshot(path).summary("s").status == "paused"
    assert read_snapshot(path).stats().get("paused") == 1
    with manager_on(path, clock) as m:
        assert m.get_or_load("s").status == "paused"
        assert m.set_request("s", "edited")
        assert m.stats().get("paused") == 1
    assert read_items(path)["s"]["Status"] == "paused"


def test_unknown_keys_survive_edits(tmp_path: Path, clock: FakeClock) -> None:
    message = {"Role": "user", "Content": "hi", "Summary": "", "Timestamp": ZERO, "Attachments": [{"n": 1}]}
    session = go_session("s", ExpiresAt=ZERO, Messages=[message], Tags=["a", "b"], Cost={"usd": 0.25})
    path = write_json(tmp_path / "s.json", go_document(
        session, go_session("other", Extra=True), owner={"name": "bot", "pid": 4242}, schema="x",
    ))
    with manager_on(path, clock) as m:
        assert m.set_request("s", "edited")
        assert m.append_message("s", Message(role="assistant", content="yo"))
        assert m.close("other")
    doc = read_doc(path)
    assert (doc["owner"], doc["schema"]) == ({"name": "bot", "pid": 4242}, "x")
    raw = doc["items"]["s"]
    assert (raw["Tags"], raw["Cost"]) == (["a", "b"], {"usd": 0.25})
    assert list(raw)[: len(SESSION_KEYS)] == SESSION_KEYS  # Go's keys first, in Go's order
    assert raw["Messages"][0]["Attachments"] == [{"n": 1}]
    assert set(raw["Messages"][1]) == {"Role", "Content", "Summary", "Timestamp"}
    assert doc["items"]["other"]["Extra"] is True


# -- numbers ----------------------------------------------------------------------------


BIG_NUMBERS_JSON = (
    '{"big": 123456789012345678901234567890, "u64max": 18446744073709551615,'
    ' "below_i64": -9223372036854775809, "past_2_53": 9007199254740993,'
    ' "huge": 1e+21, "tiny": 1e-7, "neg": -12.5, "one": 1, "onef": 1.0, "flag": true}'
)
BIG_NUMBERS = json.loads(BIG_NUMBERS_JSON)


def _file_with_numbers(path: Path) -> Path:
    text = go_dumps(go_document(go_session("s", ExpiresAt=ZERO, Context={"nums": "PLACEHOLDER"})))
    path.write_text(text.replace('"PLACEHOLDER"', BIG_NUMBERS_JSON), encoding="utf-8")
    return path


def test_numbers_in_context_are_read_exactly(tmp_path: Path, clock: FakeClock) -> None:
    path = _file_with_numbers(tmp_path / "s.json")
    assert same(SessionStoreJSON(path, clock=clock).get("s").context["nums"], BIG_NUMBERS)


@pytest.mark.parametrize("edit", ["request", "context"])
def test_numbers_in_context_stay_exact_after_an_edit(tmp_path: Path, clock: FakeClock, edit: str) -> None:
    path = _file_with_numbers(tmp_path / "s.json")
    with manager_on(path, clock) as m:
        if edit == "request":
            assert m.set_request("s", "edited")
        else:
            assert m.set_context("s", "more", 2**70)
    context = read_items(path)["s"]["Context"]
    # Every value is the same JSON number; Go writes the float 1.0 as 1 (and so do we).
    assert same(context["nums"], {**BIG_NUMBERS, "onef": 1})
    if edit == "context":
        assert same(context["more"], 2**70)


@pytest.mark.parametrize("number", [-(2**63) - 1, -(10**19) + 1, 2**64])
def test_an_integer_just_outside_64_bits_stays_exact(tmp_path: Path, clock: FakeClock, number: int) -> None:
    """On its own in a session: no longer number elsewhere to trigger an exact parse."""
    path = write_json(tmp_path / "s.json", go_document(go_session("s", Context={"n": number})))
    assert same(SessionStoreJSON(path, clock=clock).get("s").context["n"], number)
    with manager_on(path, clock) as m:
        assert m.set_request("s", "edited")
    assert same(read_items(path)["s"]["Context"]["n"], number)


def test_big_integers_in_unknown_top_level_keys_stay_exact(tmp_path: Path, clock: FakeClock) -> None:
    path = write_json(tmp_path / "s.json", go_document(go_session("s"), counter=2**80, neg=-(2**63) - 1))
    SessionStoreJSON(path, clock=clock).set("t", Session(id="t"))
    doc = read_doc(path)
    assert same(doc["counter"], 2**80)
    assert same(doc["neg"], -(2**63) - 1)


# -- version and items ----------------------------------------------------------------------


def test_missing_version_reads_as_1_and_is_written_as_1(tmp_path: Path, clock: FakeClock) -> None:
    doc = go_document(go_session("s"))
    del doc["version"]
    path = write_json(tmp_path / "s.json", doc)
    store = SessionStoreJSON(path, clock=clock)
    assert store.get("s").request == "do the thing"
    store.set("t", Session(id="t"))
    assert read_doc(path)["version"] == 1


@pytest.mark.parametrize("version", [2, 99])
def test_a_newer_version_is_refused_and_never_written(tmp_path: Path, clock: FakeClock, version: int) -> None:
    path = write_json(tmp_path / "s.json", go_document(go_session("s"), version=version))
    before = path.read_bytes()
    with pytest.raises(UnsupportedVersionError, match=str(path)):
        SessionStoreJSON(path, clock=clock)
    with pytest.raises(UnsupportedVersionError):
        read_snapshot(path)
    assert path.read_bytes() == before


def test_a_file_upgraded_under_an_open_store_is_never_written(tmp_path: Path, clock: FakeClock) -> None:
    path = write_json(tmp_path / "s.json", go_document(go_session("s")))
    store = SessionStoreJSON(path, clock=clock)
    write_json(path, go_document(go_session("s"), version=2))
    before = path.read_bytes()
    with pytest.raises(UnsupportedVersionError):
        store.set("t", Session(id="t"))
    with pytest.raises(UnsupportedVersionError):
        store.delete("s")
    assert path.read_bytes() == before


def test_items_null_is_an_empty_store(tmp_path: Path, clock: FakeClock) -> None:
    path = write_json(tmp_path / "s.json", {"version": 1, "items": None, "updated": ZERO})
    store = SessionStoreJSON(path, clock=clock)
    assert store.list() == [] and len(read_snapshot(path)) == 0
    store.set("s", Session(id="s"))
    assert set(read_items(path)) == {"s"}


# -- escaping and layout --------------------------------------------------------------------


def test_go_escapes_and_other_valid_escaping_are_accepted(tmp_path: Path, clock: FakeClock) -> None:
    text = 'a <b> & "c" \u2028 é 中 🧪'
    path = write_go_json(tmp_path / "go.json", go_document(go_session("s", Request=text, Context={"k": text})))
    assert "\\u003c" in path.read_text()
    assert SessionStoreJSON(path, clock=clock).get("s").request == text
    ascii_path = tmp_path / "ascii.json"
    ascii_path.write_text(json.dumps(go_document(go_session("sé", Request=text)), indent=2, ensure_ascii=True))
    got = SessionStoreJSON(ascii_path, clock=clock).get("sé")
    assert got is not None and got.request == text and got.id == "sé"


def test_output_is_go_indented_utf8_sorted_by_id(tmp_path: Path, clock: FakeClock) -> None:
    """2-space indent, UTF-8, Go's escapes, sessions by id, Context keys sorted (Go's bytes)."""
    path = tmp_path / "s.json"
    store = SessionStoreJSON(path, clock=clock)
    for sid in ("b", "c", "a"):
        store.set(sid, Session(id=sid, request="中文 <tag> & ✓", context={"x": [1, {"y": None}], "e": {}}))
    data = path.read_bytes()
    text = data.decode("utf-8")
    document = json.loads(text)
    for session in document["items"].values():
        assert list(session["Context"]) == ["e", "x"]
    assert text == go_dumps(document)
    assert "中文 \\u003ctag\\u003e \\u0026 ✓".encode() in data
    assert list(read_items(path)) == ["a", "b", "c"]


@pytest.mark.parametrize(
    "dump",
    [
        lambda doc: json.dumps(doc),
        lambda doc: json.dumps(doc, separators=(",", ":")),
        lambda doc: json.dumps(doc, indent=4),
        lambda doc: json.dumps(doc, indent="\t", ensure_ascii=False),
        lambda doc: "\n\n" + json.dumps(doc, indent=2, separators=(" ,", " : ")) + "\n",
        lambda doc: json.dumps({"updated": doc["updated"], "items": doc["items"], "version": 1}, indent=2),
    ],
    ids=["compact", "no-spaces", "indent-4", "tabs", "odd-separators", "items-not-second"],
)
def test_any_valid_layout_is_read_and_rewritten_losslessly(tmp_path: Path, clock: FakeClock, dump: Any) -> None:
    sessions = [
        go_session("a", CreatedAt="2026-11-24T13:52:23.917658728+08:00"),
        go_session("b", Context={"big": 2**70, "f": 1e21}, Messages=None),
        go_session("c", Status="paused", Unknown=[1, 2]),
    ]
    doc = go_document(*sessions)
    path = tmp_path / "s.json"
    path.write_text(dump(doc), encoding="utf-8")
    store = SessionStoreJSON(path, clock=clock)
    assert {s.id for s in store.list()} == {"a", "b", "c"}
    assert store.get("a").created_at == expected_time("2026-11-24T13:52:23.917658728+08:00")
    assert same(store.get("b").context, {"big": 2**70, "f": 1e21})
    assert store.get("c").status == "paused"
    with manager_on(path, clock) as m:
        assert m.set_request("a", "edited")
    items = read_items(path)
    assert items["a"]["Request"] == "edited"
    assert items["a"]["CreatedAt"] == "2026-11-24T13:52:23.917658728+08:00"
    assert same(items["b"], doc["items"]["b"])
    assert same(items["c"], doc["items"]["c"])


def test_bulk_message_decoding_gives_what_the_precise_decoding_gives() -> None:
    """Messages are decoded in bulk when every one has its four string fields; the result is
    what decoding each alone gives, zero times, offsets and nanoseconds included."""
    from tui.session.codec import decode_message, decode_messages

    stamps = [ZERO, "0001-01-01T00:00:00+00:00", "0999-05-06T07:08:09.123456789+08:00",
              "2026-11-24T05:41:58.000000001Z", "2026-11-24T13:52:23.9-05:30", "9999-12-31T23:59:59-23:59"]
    array = [{"Role": "user", "Content": f"c{i}", "Summary": "", "Timestamp": t, "Extra": i} for i, t in enumerate(stamps)]
    bulk = decode_messages(array)
    one_by_one = [decode_message(m, i) for i, m in enumerate(array)]
    assert bulk == one_by_one and [m.timestamp for m in bulk] == [m.timestamp for m in one_by_one]
    assert [m._source for m in bulk] == array
    assert bulk[0].timestamp is None and bulk[1].timestamp is None and bulk[3].timestamp.microsecond == 0


@pytest.mark.parametrize(
    ("text", "long"),
    [
        (b"1234567890123456789", False), (b"12345678901234567890", True), (b"-1234567890123456789", True),
        (b"-123456789012345678", False), (b'"2026-11-24T05:41:58.000000001Z", 5302729479', False),
        (b"[1234567890123456789, 2, 123456789012345678901]", True), (b"", False),
    ],
)
def test_long_integers_are_found_for_the_exact_parse(text: bytes, long: bool) -> None:
    from tui.session.jsonbytes import may_lose_digits

    assert may_lose_digits(text) is long
    assert may_lose_digits(memoryview(b"[" + text)[1:]) is long
