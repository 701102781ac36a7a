"""``Reading.search`` on both stores: the same sessions a decode of every session finds, whatever the layout and escapes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from tui.demo.fixtures import fixture_document, fixture_session, session_id, varied_document, write
from tui.session import Reading, read_snapshot
from tui.session.text_search import any_holds, session_texts

M = timedelta(minutes=1)


def tricky_document() -> dict:
    """Texts behind JSON escapes, in any case, and needles that also appear where no text is."""
    messages = [
        {"Role": "user", "Content": 'use <div class="x"> & then\nnew line', "Summary": "", "Timestamp": "2026-11-24T11:00:00Z"},
        {"Role": "assistant", "Content": "Готово: 项目 updated", "Summary": "Straße done", "Timestamp": "2026-11-24T11:01:00Z"},
        {"Role": "assistant", "Content": 'a "quoted" word and a back\\slash', "Summary": "tab\there", "Timestamp": "2026-11-24T11:02:00Z"},
    ]
    doc = fixture_document(
        [
            fixture_session(1, "a", "running", age=M, idle=M, messages=messages),
            fixture_session(2, "a", "failed", age=M, idle=M, error="Disk FULL on /var", response="nothing"),
            fixture_session(3, "b", "completed", age=M, idle=M, response="then\\nnew is not a newline"),
            fixture_session(4, "b", "completed", age=M, idle=M),
        ]
    )
    items = doc["items"]
    # Keys named like the searched ones, where no searched text is: in Context, and after Messages.
    items[session_id(4)]["Context"] = {"Content": "hidden needle", "Messages": [{"Content": "deeper needle"}]}
    items[session_id(4)]["Summary"] = "an unknown field's needle"
    items[session_id(2)]["Messages"] = []
    return doc


NEEDLES = [
    '<div class="x">', "& then", "then\nnew", "nnew", "项目", "готово", "STRAßE", "disk full", "nothing",
    '"quoted"', "back\\slash", "tab\there", "needle", "Content", "content", "role", "2026-11-24", "o", "e", "n",
    "running", "of session", "u003c", "\\u003c", "x", "fix the", "Please FIX", "message", "<>",
]


def decoded_search(reading: Reading, needle: str) -> frozenset[str]:
    """What the search must find: every session decoded and looked at."""
    folded = needle.casefold()
    found = set()
    for session_id_ in reading:
        session = reading.session(session_id_)
        if session is not None and any_holds(folded, session_texts(session)):
            found.add(session_id_)
    return frozenset(found)


def _go_escaped(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


LAYOUTS = {
    "indented": lambda doc: orjson.dumps(doc, option=orjson.OPT_INDENT_2),
    "go-escaped": lambda doc: _go_escaped(json.dumps(doc, indent=2, ensure_ascii=False)).encode(),
    "four-spaces-ascii": lambda doc: json.dumps(doc, indent=4, ensure_ascii=True).encode(),
    "compact": lambda doc: orjson.dumps(doc),
    "crlf": lambda doc: orjson.dumps(doc, option=orjson.OPT_INDENT_2).replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("make", [tricky_document, varied_document], ids=["tricky", "varied"])
def test_the_json_search_finds_what_decoding_every_session_finds(tmp_path: Path, layout: str, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.json"
    path.write_bytes(LAYOUTS[layout](make()))
    snapshot = read_snapshot(path)
    for needle in NEEDLES:
        assert snapshot.search(needle) == decoded_search(snapshot, needle), needle
        some = list(snapshot)[::2]
        assert snapshot.search(needle, only=some) == decoded_search(snapshot, needle) & set(some), needle


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ('<div class="x">', {1}),  # escaped in the file (\u003c, \")
        ("then\nnew", {1}),  # a newline (\n in the file), not session 3's backslash and n
        ("then\\nnew", {3}),
        ("nnew", {3}),  # session 1's raw bytes "n\\nnew" hold "nnew" too, its text does not
        ("u003c", set()),  # the escape's own letters
        ('"quoted"', {1}),
        ("needle", set()),  # only in Context and an unknown field
        ("content", set()),  # a key of every message
        ("straße", {1}),
        ("STRASSE", set()),  # the ASCII run must be in the bytes (documented)
    ],
)
def test_escapes_neither_hide_a_match_nor_make_one(tmp_path: Path, needle: str, expected: set[int]) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(LAYOUTS["go-escaped"](tricky_document()))
    assert b"\\u003cdiv" in path.read_bytes()
    assert read_snapshot(path).search(needle) == {session_id(n) for n in expected}


def test_a_search_stops_when_cancelled_and_finds_nothing_for_nothing(tmp_path: Path) -> None:
    snapshot = read_snapshot(write(tmp_path / "s.json", varied_document()))
    assert snapshot.search("of session", cancelled=lambda: True) is None
    assert snapshot.search("") == frozenset()
    assert snapshot.search("of session", only=["no such id"]) == frozenset()


def test_the_sqlite_search_finds_what_decoding_every_session_finds(tmp_path: Path) -> None:
    from sqlitefiles import go_store

    from tui.session import open_source

    base = go_store(tmp_path / "base", tricky_document())
    source = open_source(base)
    try:
        reading = source.read()
        assert len(reading) == 4
        for needle in NEEDLES:
            assert reading.search(needle) == decoded_search(reading, needle), needle
        assert reading.search("disk full") == {session_id(2)}  # a row's error
        assert reading.search("готово") == {session_id(1)}  # a transcript's line
        assert reading.search("of session", cancelled=lambda: True) is None
        assert reading.search("готово", only=[session_id(2)]) == frozenset()
    finally:
        source.close()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_typing_a_needle_a_character_at_a_time_finds_what_decoding_finds(tmp_path: Path, layout: str) -> None:
    """Each search among the last one's finds, as the app does (it starts where the last needle was found)."""
    path = tmp_path / "s.json"
    doc = tricky_document()
    doc["items"].update(varied_document()["items"])
    path.write_bytes(LAYOUTS[layout](doc))
    snapshot = read_snapshot(path)
    for needle in ("of session 1", "please fix the failing", '<div class="x"> & then', "a back\\slash", "then\\nnew"):
        found = None
        for end in range(1, len(needle) + 1):
            typed = needle[:end]
            found = snapshot.search(typed, only=found)
            assert found == decoded_search(snapshot, typed), typed


def test_typing_in_the_sqlite_search_finds_what_decoding_finds(tmp_path: Path) -> None:
    """As the app types: each search among the last one's finds, where the last needle's lines
    are looked at first (a later line may hold the longer needle); then a character taken back."""
    from sqlitefiles import go_store

    from tui.session import open_source

    doc = tricky_document()
    doc["items"].update(varied_document()["items"])
    later = [
        {"Role": "user", "Content": "alpha beta", "Summary": "", "Timestamp": "2026-11-24T11:00:00Z"},
        {"Role": "assistant", "Content": "nothing here", "Summary": "", "Timestamp": "2026-11-24T11:01:00Z"},
        {"Role": "tool", "Content": "ALPHA <gamma> & more", "Summary": "", "Timestamp": "2026-11-24T11:02:00Z"},
    ]
    doc["items"][session_id(30)] = fixture_session(30, "c", "running", age=M, idle=M, messages=later)
    source = open_source(go_store(tmp_path / "base", doc))
    try:
        reading = source.read()
        reading.prepare_search()
        for needle in ("alpha <gamma> &", "of session 1", '<div class="x"> & then', "a back\\slash", "готово"):
            found = None
            for end in range(1, len(needle) + 1):
                typed = needle[:end]
                found = reading.search(typed, only=found)
                assert found == decoded_search(reading, typed), typed
            for end in range(len(needle) - 1, 0, -1):  # taken back a character at a time: all searched again
                typed = needle[:end]
                assert reading.search(typed) == decoded_search(reading, typed), typed
        assert session_id(30) in reading.search("alpha <gamma>")
        # A needle that does not extend the last one looks at every line again.
        assert session_id(30) in reading.search("nothing here")
        assert session_id(30) in reading.search("alpha beta")
    finally:
        source.close()


def test_a_later_sqlite_reading_keeps_the_lowered_transcripts_that_did_not_change(tmp_path: Path) -> None:
    """The bot appends to one transcript while the filter is open: the next reading's search
    reads that transcript again, and no other, and finds the new line."""
    from sqlitefiles import append_lines, go_store

    from tui.session import open_source

    base = go_store(tmp_path / "base", varied_document())
    source = open_source(base)
    try:
        first = source.read()
        first.prepare_search()
        assert first.search("of session") == decoded_search(first, "of session")
        grown = session_id(3)
        append_lines(base, grown, [{"Role": "assistant", "Content": "a brand-new NEEDLE", "Summary": "", "Timestamp": "2026-11-24T12:00:00Z"}])
        second = source.read(first)
        assert grown in second.changes.changed
        kept = second._search_index[0].lowered
        names = second._names
        assert names[grown] not in kept
        assert set(kept) == {names[sid] for sid in second if sid != grown}
        assert all(kept[name] is first._search_index[0].lowered[name] for name in kept)  # not read again
        for needle in ("brand-new needle", "of session", "of session 3"):
            assert second.search(needle) == decoded_search(second, needle), needle
        assert second.search("brand-new needle") == {grown}
    finally:
        source.close()
