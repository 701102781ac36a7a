"""``SessionStoreJSON(path).list()`` at the floor's cost: one parse per session, messages on first use.

What must hold however the sessions are built: they are plain ``Session``
dataclasses (equality, ``replace``, pickling, ``copy``), equal to an exact
decode of the file, exact for integers orjson cannot hold, and bad values
are still refused when listing, never later when a field is read (but for a
session nested too deeply to be read exactly, which a field's first read
refuses with the same error).
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import json
import pickle
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest
from rawfiles import ZERO, go_document, go_dumps, go_session, write_json

from tui.session import CorruptStoreError, Message, Session, SessionStoreJSON, read_snapshot
from tui.session.codec import decode_session, encode_session
from tui.session.gcpause import gc_paused
from tui.session.gotime import VALID_TIME_PATTERN, parse_time
from tui.tools.synthetic import write_file

BIG = (
    '{"big": 123456789012345678901234567890, "u64max": 18446744073709551615,'
    ' "below_i64": -9223372036854775809, "huge": 1e+21, "tiny": 1e-7, "one": 1, "onef": 1.0}'
)


def same(a: Any, b: Any) -> bool:
    """JSON equality that tells 1, 1.0 and True apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return bool(a == b)


def exact_sessions(path: Path) -> list[Session]:
    """Every session of the file, decoded one by one from an exact parse (the reference)."""
    return [decode_session(raw) for raw in json.loads(path.read_bytes())["items"].values()]


@pytest.fixture
def varied(tmp_path: Path) -> Path:
    """A synthetic file: odd sessions, nulls, unknown keys, big and float numbers, offsets."""
    path = tmp_path / "varied.json"
    write_file(path, 120, 6, seed=3)
    return path


def write_long_histories(path: Path, sessions: int) -> Path:
    """Sessions whose 30 messages are most of their bytes (the store keeps what it parsed of those)."""
    history = [
        {"Role": "user", "Content": f"message {i} " * 20, "Summary": "", "Timestamp": f"2026-11-24T05:{i:02d}:00.5Z"}
        for i in range(30)
    ]
    return write_json(path, go_document(*(go_session(f"s{n}", Messages=history) for n in range(sessions))))


@pytest.mark.parametrize("history", ["long", "short"])
def test_list_parses_each_session_once(path: Path, monkeypatch: pytest.MonkeyPatch, history: str) -> None:
    if history == "long":
        write_long_histories(path, 40)
    else:  # two messages, a session mostly its other fields (the 50k × 2 shape)
        two = [{"Role": "user", "Content": "hi", "Summary": "", "Timestamp": "2026-11-24T05:41:58Z"}] * 2
        write_json(path, go_document(*(go_session(f"s{n}", Messages=two, Response="r" * 500) for n in range(40))))
    calls: list[int] = []
    loads = orjson.loads

    def counting(data: Any) -> Any:
        calls.append(len(data))
        return loads(data)

    monkeypatch.setattr(orjson, "loads", counting)
    sessions = SessionStoreJSON(path).list()
    assert len(sessions) == 40
    assert len(calls) == 1 + 40  # the head, then each session once
    assert [len(s.messages) for s in sessions] == [30 if history == "long" else 2] * 40  # parsed when first read
    assert len(calls) == 1 + 40 + 40
    assert [s.response for s in sessions] == [sessions[0].response] * 40
    assert len(calls) == 1 + 40 + 40  # with the history, every field its summary does not hold


def test_a_listed_session_decodes_nothing_until_a_field_needs_it(path: Path) -> None:
    write_long_histories(path, 3)
    session = SessionStoreJSON(path).list()[1]
    held = vars(session)
    assert "_pending" in held and not {"response", "context", "messages", "_source"} & held.keys()
    assert (session.id, session.chat_id, session.request) == ("s1", "chat-1", "do the thing")  # from its summary
    assert "_pending" in vars(session)
    assert session.context == {"project_path": "/work/proj"}
    assert "_pending" not in vars(session) and len(vars(session)["messages"]) == 30


def test_a_field_set_before_the_rest_is_decoded_is_kept(path: Path) -> None:
    write_long_histories(path, 2)
    first, second = SessionStoreJSON(path).list()
    first.response = "mine"
    first.context = {"mine": True}
    assert len(first.messages) == 30  # decodes the rest
    assert (first.response, first.context) == ("mine", {"mine": True})
    assert encode_session(first)["Response"] == "mine"
    second.messages = []
    assert second.context == {"project_path": "/work/proj"} and second.messages == []
    assert second._source["ID"] == "s1"


def test_threads_reading_one_listed_session_at_once_share_its_history(path: Path) -> None:
    write_long_histories(path, 1)
    for _ in range(20):
        (session,) = SessionStoreJSON(path).list()
        with ThreadPoolExecutor(4) as pool:
            seen = list(pool.map(lambda _: session.messages, range(8)))
        assert all(history is seen[0] for history in seen)
        assert session.messages is seen[0] and len(seen[0]) == 30


def test_listed_sessions_equal_an_exact_decode_field_by_field(varied: Path) -> None:
    listed = SessionStoreJSON(varied).list()
    reference = exact_sessions(varied)
    assert [s.id for s in listed] == [s.id for s in reference]
    for got, want in zip(listed, reference):
        assert got == want
        assert same(got.context, want.context), got.id
        assert encode_session(got) == encode_session(want), got.id
        assert [m._source for m in got.messages or ()] == [m._source for m in want.messages or ()]


def test_a_listed_session_is_a_plain_dataclass_before_its_messages_are_read(varied: Path) -> None:
    reference = {s.id: s for s in exact_sessions(varied)}

    def fresh() -> Session:
        # a session with a history, not read yet
        return next(s for s in SessionStoreJSON(varied).list() if "_pending" in vars(s))

    session = fresh()
    assert type(session) is Session
    assert session == reference[session.id]
    session = fresh()
    assert pickle.loads(pickle.dumps(session)) == reference[session.id]
    session = fresh()
    shallow = copy.copy(session)
    assert shallow.messages is session.messages  # a copy shares the list, as with any dataclass
    session = fresh()
    assert copy.deepcopy(session) == reference[session.id]
    session = fresh()
    assert dataclasses.replace(session) == reference[session.id]
    session = fresh()
    assert dataclasses.asdict(session) == dataclasses.asdict(reference[session.id])
    session = fresh()
    assert repr(session) == repr(reference[session.id])


def test_messages_read_late_are_those_of_the_version_listed(path: Path) -> None:
    write_json(path, go_document(go_session("a"), go_session("b")))
    listed = {s.id: s for s in SessionStoreJSON(path).list()}
    other = SessionStoreJSON(path)
    other.modify("a", lambda s: s.messages.append(Message("assistant", "later")))
    other.delete("b")
    assert [m.content for m in listed["a"].messages] == ["hello"]
    assert [m.content for m in listed["b"].messages] == ["hello"]
    listed["a"].messages.append(Message("user", "mine"))
    assert [m.content for m in listed["a"].messages] == ["hello", "mine"]  # one list, kept


@pytest.mark.parametrize("history", [1, 30])
def test_each_list_returns_sessions_of_its_own(path: Path, history: int) -> None:
    if history == 1:
        write_json(path, go_document(go_session("a"), go_session("b")))
    else:
        write_long_histories(path, 2)
    store = SessionStoreJSON(path)
    first = store.list()
    for session in first:
        session.context["project_path"] = "changed"
        session.messages.append(Message("user", "more"))
        session.request = "changed"
    second = store.list()
    assert [s.context for s in second] == [{"project_path": "/work/proj"}] * 2
    assert [len(s.messages) for s in second] == [history, history]
    assert second == exact_sessions(path)


def test_integers_orjson_cannot_hold_stay_exact_when_listed(path: Path) -> None:
    message = {"Role": "user", "Content": "x", "Summary": "", "Timestamp": ZERO, "Extra": "PLACEHOLDER"}
    doc = go_document(
        go_session("context", Context={"nums": "PLACEHOLDER"}),
        go_session("unknown", Extra="PLACEHOLDER"),
        go_session("message", Messages=[message]),
        go_session("float", Context={"huge": 1e21, "tiny": 1e-7}),
    )
    path.write_text(go_dumps(doc).replace('"PLACEHOLDER"', BIG), encoding="utf-8")
    big = json.loads(BIG)
    listed = {s.id: s for s in SessionStoreJSON(path).list()}
    assert same(listed["context"].context["nums"], big)
    assert same(listed["unknown"]._source["Extra"], big)
    assert same(listed["message"].messages[0]._source["Extra"], big)
    assert same(listed["float"].context, {"huge": 1e21, "tiny": 1e-7})
    assert same(encode_session(listed["unknown"])["Extra"], big)


def test_a_session_too_deep_for_the_exact_parser_is_refused_when_its_fields_are_read(path: Path) -> None:
    # orjson reads 1,000 levels and turns the integer into a float; the exact
    # parser, which would keep it, cannot go that deep. That is known only
    # once the session is parsed again, which list() leaves for later.
    doc = go_document(go_session("deep", Context={"deep": "PLACEHOLDER"}), go_session("fine"))
    deep = "[" * 1000 + "123456789012345678901234567890" + "]" * 1000
    path.write_text(go_dumps(doc).replace('"PLACEHOLDER"', deep), encoding="utf-8")
    deep_one, fine = SessionStoreJSON(path).list()
    assert (deep_one.id, deep_one.request, fine.context) == ("deep", "do the thing", {"project_path": "/work/proj"})
    for read in (lambda: deep_one.context, lambda: deep_one.messages, lambda: pickle.dumps(deep_one)):
        with pytest.raises(CorruptStoreError, match=r"bot_sessions\.json: session 'deep' \(line \d+\): .*nested too deeply"):
            read()


@pytest.mark.parametrize(
    "stamp",
    ["not a time", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T10:00:00Z", "0000-01-01T00:00:00Z"],
)
def test_a_bad_message_timestamp_is_refused_by_list_not_when_read(path: Path, stamp: str) -> None:
    bad = [{"Role": "user", "Content": "x", "Summary": "", "Timestamp": stamp}]
    write_json(path, go_document(go_session("good"), go_session("bad", Messages=bad)))
    store = SessionStoreJSON(path)  # opening checks session fields, not message times
    with pytest.raises(CorruptStoreError, match=r"session 'bad'.*Timestamp"):
        store.list()


def test_a_leap_day_is_a_valid_message_timestamp(path: Path) -> None:
    ok = [{"Role": "user", "Content": "x", "Summary": "", "Timestamp": "2024-02-29T23:59:59.999999999+05:30"}]
    write_json(path, go_document(go_session("leap", Messages=ok)))
    (session,) = SessionStoreJSON(path).list()
    assert session.messages[0].timestamp == parse_time("2024-02-29T23:59:59.999999999+05:30")


def test_the_valid_time_pattern_accepts_exactly_what_parse_time_parses() -> None:
    pattern = re.compile(VALID_TIME_PATTERN + r"\Z")
    years = [0, 1, 4, 99, 100, 400, 1000, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 9999]
    stamps = [f"{y:04d}-{m:02d}-{d:02d}T12:30:45Z" for y in years for m in range(0, 14) for d in range(0, 33)]
    stamps += [
        f"2026-11-25T{h}:{mi}:{s}{frac}{tz}"
        for h in ("00", "23", "24") for mi in ("00", "59", "60") for s in ("00", "59", "60")
        for frac in ("", ".1", ".123456789", ".1234567890") for tz in ("Z", "+23:59", "-24:00", "+05:60", "z")
    ]
    stamps += ["٢٠٢٦-11-25T12:00:00Z", "2026-11-25 12:00:00Z", "20261125T120000Z", "2026-11-25T12:00Z"]
    for stamp in stamps:
        try:
            parse_time(stamp)
            parsed = True
        except ValueError:
            parsed = False
        assert bool(pattern.match(stamp)) == parsed, stamp


def test_orjson_writes_every_float_that_may_be_a_lost_integer_with_an_exponent() -> None:
    # codec.may_be_inexact relies on it.
    for text in ("18446744073709551616", "-9223372036854775809", "123456789012345678901234567890", "1e19"):
        value = orjson.loads(text)
        assert type(value) is float and abs(value) >= 2.0**63
        assert b"e+" in orjson.dumps(value), text
    for value in (2.0**63, 9.3e18, 1.7976931348623157e308, -(2.0**63)):
        assert b"e+" in orjson.dumps(value), value


def test_the_store_keeps_parsed_sessions_only_until_its_first_read(path: Path) -> None:
    write_long_histories(path, 3)
    kept = SessionStoreJSON(path)
    assert kept._snapshot._parsed
    assert kept.get("s1") is not None
    assert not kept._snapshot._parsed  # a get() released them
    assert kept.list() == exact_sessions(path)


def test_gc_paused_restores_the_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), gc_paused():
        1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()


def test_a_snapshot_decodes_sessions_the_same_whether_kept_or_not(varied: Path) -> None:
    kept = read_snapshot(varied, keep_parsed=True).sessions()
    plain = read_snapshot(varied).sessions()
    one_by_one = [read_snapshot(varied).session(s.id) for s in plain]
    assert kept == plain == one_by_one == exact_sessions(varied)
