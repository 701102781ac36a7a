"""Hostile files that are valid JSON (issue 14): deep contexts, duplicate ids, odd ids, huge
files, Windows line endings, invalid UTF-8. Each either works or is one clear StoreError."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rawfiles import go_document, go_session
from test_bad_files import FileState, assert_clear, put_in_place
from tui.session import (
    CorruptStoreError,
    Manager,
    Session,
    SessionStoreJSON,
    StoreAccessError,
    StoreError,
    read_snapshot,
)
from tui.session.snapshot import DEFAULT_MAX_FILE_BYTES, MAX_FILE_BYTES_ENV


def run_cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, **(env or {})},
    )


def indented(document: Any) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


# -- 1. a deep Context in a session that takes the precise decoding path ------------------


def deep_file(depth: int, variant: str, layout: str, long_integer: bool = False) -> bytes:
    """Session ``a`` with a Context ``depth`` levels deep; ``variant`` sends it down the precise path."""
    a = go_session("a")
    if variant == "missing key":
        del a["PermissionMode"]
    else:
        a["Request"] = None
    data = indented(go_document(a, go_session("b"), go_session("c")))
    deep = b'{"d": ' * depth + b"{}" + b"}" * depth  # as text: json.dumps would recurse too deep
    big = b'"big": 123456789012345678901234567890, ' if long_integer else b""
    data = data.replace(b'"Context": {', b'"Context": {' + big + b'"deep": ' + deep + b", ", 1)
    if layout == "compact":
        data = b"".join(line.strip() for line in data.splitlines())
    return data


def context_depth(value: Any) -> int:
    depth = 0
    while isinstance(value, dict) and "d" in value:
        value, depth = value["d"], depth + 1
    return depth


@pytest.mark.parametrize(("depth", "layout"), [(600, "indented"), (990, "indented"), (600, "compact")])
@pytest.mark.parametrize("variant", ["missing key", "null string"])
def test_a_deep_context_is_read_copied_compared_written_and_reread(
    tmp_path: Path, depth: int, variant: str, layout: str
) -> None:
    """No RecursionError anywhere: open, summary, decode (its copy), encode, incremental
    reparse, and the CLI. (A compact file 990 deep is refused: see the next test.)"""
    path = tmp_path / "sessions.json"
    path.write_bytes(deep_file(depth, variant, layout))
    snap = read_snapshot(path)
    assert snap.summary("a") is not None and snap.summary("a").request == "do the thing" * (variant == "missing key")
    session = snap.session("a")
    assert session is not None and context_depth(session.context["deep"]) == depth
    store = SessionStoreJSON(path, lock_timeout=5)
    listed = {s.id: s for s in store.list()}
    assert context_depth(listed["a"].context["deep"]) == depth
    changed = store.modify("a", lambda s: s.context.__setitem__("k", 1))  # encode + compare
    assert changed is not None
    again = read_snapshot(path, previous=snap)  # the incremental reparse of the changed session
    assert context_depth(again.session("a").context["deep"]) == depth and again.session("a").context["k"] == 1
    # another writer changes b: the store re-reads incrementally, then writes a again
    put_in_place(path, path.read_bytes().replace(b'"Request": "do the thing"', b'"Request": "other"', 1))
    assert Manager(store=store, background=False).close("a")
    assert read_snapshot(path).session("a").status == "closed"
    for args in (["stats", path], ["stats", "--json", path], ["close", path, "a"]):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("variant", ["missing key", "null string"])
def test_too_deep_for_the_exact_parser_is_one_clear_error_naming_the_session(tmp_path: Path, variant: str) -> None:
    """Where the stdlib parser must keep a long integer exact (or a compact file is parsed
    whole) it stops before orjson's 1024 levels: a StoreError naming the session, exit 2."""
    for layout, long_integer in [("indented", True), ("compact", False)]:
        path = tmp_path / f"{layout}.json"
        path.write_bytes(deep_file(990, variant, layout, long_integer=long_integer))
        before = FileState.of(path)
        calls = [lambda: read_snapshot(path).session("a"), lambda: SessionStoreJSON(path).list()]
        for call in calls:
            with pytest.raises(StoreError) as info:
                call()
            assert_clear(info.value, path, ("session 'a'", "nested too deeply"))
        done = run_cli("close", path, "a")
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "session 'a'" in done.stderr, done.stderr
        assert FileState.of(path) == before


def test_a_session_nested_deeper_than_can_be_read_back_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    store = SessionStoreJSON(path)
    store.set("ok", Session(id="ok"))
    before = FileState.of(path)
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(1100):
        node["d"] = {}
        node = node["d"]
    with pytest.raises(CorruptStoreError) as info:
        store.set("deep", Session(id="deep", context=deep))
    assert_clear(info.value, path, ("session 'deep'", "could not be read back"))
    assert FileState.of(path) == before


# -- 2. duplicate ids ---------------------------------------------------------------------


def duplicated(layout: str) -> bytes:
    """``items`` holding ``a`` twice (the first copy says "first"), then ``b``."""
    first = indented(go_session("a", Request="first")).replace(b"\n", b"\n    ")
    second = indented(go_session("a", Request="second")).replace(b"\n", b"\n    ")
    b = indented(go_session("b")).replace(b"\n", b"\n    ")
    data = (b'{\n  "version": 1,\n  "items": {\n    "a": ' + first + b',\n    "a": ' + second
            + b',\n    "b": ' + b + b'\n  },\n  "updated": "2026-11-24T05:43:00Z"\n}')
    json.loads(data)  # valid JSON
    if layout == "compact":
        data = b"".join(line.strip() for line in data.splitlines())
    return data


@pytest.mark.parametrize("layout", ["indented", "compact"])
def test_a_duplicate_session_id_is_refused_naming_it_and_its_line(tmp_path: Path, layout: str) -> None:
    path = tmp_path / "sessions.json"
    path.write_bytes(indented(go_document(go_session("a"), go_session("b"))))
    good = read_snapshot(path)
    store = SessionStoreJSON(path, lock_timeout=5)
    put_in_place(path, duplicated(layout))
    before = FileState.of(path)
    data = path.read_bytes()
    second = data.index(b'"a": {', data.index(b'"a": {') + 1)
    line_number = data.count(b"\n", 0, second) + 1
    line = rf"line {line_number}\b"
    for name, call in [
        ("read_snapshot", lambda: read_snapshot(path)),
        ("read_snapshot(previous)", lambda: read_snapshot(path, previous=good)),  # incremental
        ("store.close", lambda: Manager(store=store, background=False).close("b")),
        ("store.set", lambda: store.set("c", Session(id="c"))),
    ]:
        with pytest.raises(CorruptStoreError) as info:
            call()
        assert_clear(info.value, path, ("session 'a'", "twice", line)), name
    done = run_cli("close", path, "b")
    assert done.returncode == 2 and "twice" in done.stderr and done.stderr.count("\n") == 1
    assert FileState.of(path) == before
    assert b'"first"' in path.read_bytes()


def test_an_incremental_reload_that_adds_a_duplicate_is_refused(tmp_path: Path) -> None:
    """The writer's incremental path (another process appended a second copy of a)."""
    path = tmp_path / "sessions.json"
    path.write_bytes(indented(go_document(go_session("a"), go_session("b"), go_session("c"))))
    store = SessionStoreJSON(path, lock_timeout=5)
    data = path.read_bytes()
    at = data.index(b'    "c": {')
    copy_of_a = data[data.index(b'    "a": {') : data.index(b'    "b": {')].replace(b"do the thing", b"copy")
    put_in_place(path, data[:at] + copy_of_a + data[at:])
    before = FileState.of(path)
    with pytest.raises(CorruptStoreError) as info:
        store.snapshot()
    assert_clear(info.value, path, ("session 'a'", "twice", r"line \d+"))
    with pytest.raises(CorruptStoreError):
        store.delete("c")
    assert FileState.of(path) == before


# -- 8. smaller: UTF-8 position, size limit, odd ids, CRLF ----------------------------------


def test_invalid_utf8_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    data = indented(go_document(go_session("a"), go_session("b", Request="ab\xe9cd")))
    bad = data.replace("ab\xe9cd".encode(), "ab\xe9".encode() + b"\xffcd")  # an é (two bytes), then 0xff
    path.write_bytes(bad)
    line = bad[: bad.index(b"\xff")].count(b"\n") + 1
    column = len(bad[bad.rindex(b"\n", 0, bad.index(b"\xff")) + 1 : bad.index(b"\xff")].decode()) + 1
    with pytest.raises(CorruptStoreError) as info:
        read_snapshot(path)
    assert_clear(info.value, path, (rf"line {line}, column {column}\b", "UTF-8", "0xff"))
    assert line > 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    with open(path, "wb") as handle:  # a sparse file of 2 GiB: nothing is allocated
        handle.truncate(2 << 30)
    assert DEFAULT_MAX_FILE_BYTES == 1 << 30
    for call in (lambda: read_snapshot(path), lambda: SessionStoreJSON(path)):
        with pytest.raises(StoreAccessError) as info:
            call()
        assert_clear(info.value, path, ("2,147,483,648 bytes", r"2\.0 GiB", "limit", MAX_FILE_BYTES_ENV))
    done = run_cli("stats", path)
    assert done.returncode == 2 and "2.0 GiB" in done.stderr and done.stderr.count("\n") == 1


def test_the_size_limit_can_be_set_by_argument_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sessions.json"
    path.write_bytes(indented(go_document(go_session("a"))))
    size = path.stat().st_size
    assert len(read_snapshot(path, max_bytes=size)) == 1
    with pytest.raises(StoreAccessError, match=f"{size:,} bytes"):
        read_snapshot(path, max_bytes=size - 1)
    with pytest.raises(StoreAccessError):
        SessionStoreJSON(path, max_file_bytes=100)
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "100")
    with pytest.raises(StoreAccessError, match="limit of 100 bytes"):
        read_snapshot(path)
    done = run_cli("stats", path, env={MAX_FILE_BYTES_ENV: "100"})
    assert done.returncode == 2 and "limit of 100 bytes" in done.stderr
    assert run_cli("stats", path, env={MAX_FILE_BYTES_ENV: str(size)}).returncode == 0


def test_an_id_that_differs_from_its_key_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    document = go_document(go_session("a"), go_session("b"), go_session("c"))
    document["items"]["b"]["ID"] = "not-b"
    path.write_bytes(indented(document))
    snap = read_snapshot(path)
    assert len(snap.warnings) == 1
    warning = snap.warnings[0]
    line = path.read_bytes()[: path.read_bytes().index(b'"not-b"')].count(b"\n")  # the line of "b": {
    assert "session 'b'" in warning and "'not-b'" in warning and f"line {line}" in warning and str(path) in warning
    store = SessionStoreJSON(path, lock_timeout=5)
    assert Manager(store=store, background=False).close("c")  # another session written: still warned
    assert len(store.snapshot().warnings) == 1
    put_in_place(path, path.read_bytes().replace(b'"Request": "do the thing"', b'"Request": "x"', 1))
    assert len(read_snapshot(path, previous=snap).warnings) == 1  # incremental reparse keeps it
    done = run_cli("stats", path)
    assert done.returncode == 0 and "warning" in done.stderr and "'not-b'" in done.stderr
    fixed = path.read_bytes().replace(b'"not-b"', b'"b"')
    put_in_place(path, fixed)
    assert read_snapshot(path, previous=store.snapshot()).warnings == ()


@pytest.mark.parametrize("layout", ["indented", "compact"])
def test_a_crlf_file_keeps_crlf_after_edits(tmp_path: Path, layout: str) -> None:
    path = tmp_path / "sessions.json"
    text = json.dumps(go_document(go_session("a"), go_session("b"), go_session("c")), indent=2 if layout == "indented" else None)
    path.write_bytes(text.replace("\n", "\r\n").encode() if layout == "indented" else text.encode() + b"\r\n")
    store = SessionStoreJSON(path, lock_timeout=5)
    manager = Manager(store=store, background=False)
    assert manager.close("b")
    store.set("d", Session(id="d"))
    assert manager.close("c")
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 20, "mixed line endings"
    assert json.loads(data)["items"]["b"]["Status"] == "closed"
    assert set(read_snapshot(path)) == {"a", "b", "c", "d"}
