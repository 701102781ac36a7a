"""Bad files: a clear one-line StoreError, never a hang, the file left alone (issue 3; SPEC §1, §2, §5).

Each bad file is put in place *after* a store and a Manager opened a good one
(as happens when another program breaks the file under a running viewer), so
every write path is exercised too: it must refuse with a ``StoreError`` and
leave the file byte-for-byte as it was. Property-based mutations of a valid
file then check the same contract on whatever hypothesis comes up with:
either the file loads, or a ``StoreError`` comes, never anything else.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rawfiles import ZERO, go_document, go_session
from tui.session import (
    CorruptStoreError,
    Manager,
    Message,
    Session,
    SessionStoreJSON,
    Snapshot,
    StoreAccessError,
    StoreError,
    UnsupportedVersionError,
    read_snapshot,
)
from workers import finish, start, temp_files

#: A message may name the file and then say this much more (values are quoted, not dumped).
MAX_MESSAGE_EXTRA = 300
#: No call on a bad file may take longer than this.
GUARD_SECONDS = 30

GO_SMALL = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "go" / "small.json"


# -- helpers -------------------------------------------------------------------------


class Hang(BaseException):
    """Raised by the guard; a BaseException so that no ``except Exception`` can swallow it."""


@contextmanager
def guard(seconds: float = GUARD_SECONDS) -> Iterator[None]:
    """Fail (instead of hanging forever) when the block takes longer than ``seconds``."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds}s: the library hangs on this file")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_clear(exc: BaseException, path: Path, says: tuple[str, ...] = (), *, short: bool = True) -> None:
    """A StoreError whose message is one line naming the file and saying what is wrong
    (and, with ``short``, not much more: a bad value is quoted, not dumped)."""
    message = str(exc)
    shown = message if len(message) < 400 else f"{message[:300]}... ({len(message)} characters)"
    assert isinstance(exc, StoreError), f"{type(exc).__name__} is not a StoreError: {shown}"
    assert "\n" not in message and "\r" not in message, f"not one line: {shown!r}"
    assert str(path) in message, f"does not name the file: {shown}"
    assert not short or len(message) <= len(str(path)) + MAX_MESSAGE_EXTRA, (
        f"not a clear line but {len(message)} characters: {shown}"
    )
    for pattern in says:
        assert re.search(pattern, message, re.IGNORECASE), f"does not say {pattern!r}: {shown}"


def expect_error(
    name: str,
    call: Callable[[], Any],
    path: Path,
    error: type[StoreError],
    says: tuple[str, ...],
    seconds: float = GUARD_SECONDS,
) -> None:
    """``call`` raises ``error`` (a StoreError) with a clear message, promptly."""
    caught: BaseException | None = None
    try:
        with guard(seconds):
            call()
    except Exception as exc:  # judged below, outside the handler (no chained tracebacks)
        caught = exc
    if caught is None:
        pytest.fail(f"{name}: no error for a bad file")
    if not isinstance(caught, StoreError):
        pytest.fail(f"{name}: {type(caught).__name__} instead of a StoreError: {str(caught)[:300]}")
    assert isinstance(caught, error), (
        f"{name}: {type(caught).__name__} instead of {error.__name__}: {str(caught)[:300]}"
    )
    assert_clear(caught, path, says)


def put_in_place(path: Path, data: bytes) -> None:
    """Replace the file by rename (a new inode), as an editor or another program would."""
    incoming = path.with_name("incoming.tmp")
    incoming.write_bytes(data)
    os.replace(incoming, path)


@dataclass
class FileState:
    """What must not change about a bad file."""

    data: bytes
    inode: int
    mode: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        st_ = os.stat(path)
        return cls(path.read_bytes(), st_.st_ino, stat.S_IMODE(st_.st_mode), st_.st_mtime_ns)


# -- documents -------------------------------------------------------------------------

MESSAGE = {"Role": "user", "Content": "hello", "Summary": "", "Timestamp": "2026-11-24T05:41:58.000000001Z"}


def doc(**fields_of_a: Any) -> dict[str, Any]:
    """Two sessions, ``a`` (running, with ``fields_of_a``) and ``b`` (completed, old)."""
    document = go_document(go_session("a"), go_session("b", Status="completed", LastActivity="2020-01-01T00:00:00Z"))
    document["items"]["a"] = go_session("a", **fields_of_a)  # keyed "a" even when ID is bad
    return document


def dump(document: Any, indent: int | None = 2) -> bytes:
    return json.dumps(document, indent=indent, ensure_ascii=False).encode()


VALID = dump(doc())


def session_field(field: str, value: Any) -> Callable[[], bytes]:
    return lambda: dump(doc(**{field: value}))


def message_field(field: str, value: Any) -> Callable[[], bytes]:
    return lambda: dump(doc(Messages=[{**MESSAGE, field: value}]))


def top(**fields: Any) -> Callable[[], bytes]:
    return lambda: dump({**doc(), **fields})


def edit(old: bytes, new: bytes) -> Callable[[], bytes]:
    def make() -> bytes:
        assert old in VALID
        return VALID.replace(old, new, 1)

    return make


def nested(depth: int) -> Callable[[], bytes]:
    return lambda: VALID.replace(b'"Context": {', b'"Context": {"deep": ' + b"[" * depth + b"]" * depth + b", ", 1)


@dataclass
class Bad:
    """One kind of bad file and what its error must be and say."""

    id: str
    data: Callable[[], bytes]
    error: type[StoreError] = CorruptStoreError
    says: tuple[str, ...] = ()


SYNTAX = (r"line \d+",)  # a JSON syntax error says where it is
IN_A = r"session ['\"]a['\"]"

CASES: list[Bad] = [
    Bad("empty", lambda: b"", says=("empty",)),
    Bad("whitespace only", lambda: b" \n\t\r\n  ", says=("empty",)),
    *[
        Bad(f"truncated at {where}", (lambda cut=cut: VALID[: cut(len(VALID))]))
        for where, cut in [
            ("1 byte", lambda n: 1),
            ("the version", lambda n: VALID.index(b"1,")),
            ("a third", lambda n: n // 3),
            ("a string", lambda n: VALID.index(b"do the thing") + 3),
            ("half", lambda n: n // 2),
            ("the last byte", lambda n: n - 1),
        ]
    ],
    Bad("not JSON", lambda: b"this is not a session file\n", says=SYNTAX),
    Bad("NUL bytes", lambda: b"\0" * 64, says=SYNTAX),
    Bad("binary noise", lambda: bytes(range(256)) * 4, says=SYNTAX),
    Bad("UTF-8 byte order mark", lambda: b"\xef\xbb\xbf" + VALID, says=("byte order mark",)),
    Bad("invalid UTF-8", edit(b"do the thing", b"do the \xff\xfe thing"), says=SYNTAX),
    Bad("overlong UTF-8", edit(b"do the thing", b"do the \xc0\xaf thing"), says=SYNTAX),
    Bad("UTF-16", lambda: VALID.decode().encode("utf-16"), says=()),
    Bad("lone high surrogate escape", edit(b"do the thing", b"do the \\ud800 thing"), says=SYNTAX),
    Bad("lone low surrogate escape", edit(b"do the thing", b"do the \\udc00 thing"), says=SYNTAX),
    Bad("raw control character in a string", edit(b"do the thing", b"do the\x01thing"), says=SYNTAX),
    Bad("trailing comma", edit(b'"PermissionMode": "default"\n', b'"PermissionMode": "default",\n'), says=SYNTAX),
    Bad("single quotes", edit(b'"do the thing"', b"'do the thing'"), says=SYNTAX),
    Bad("a comment", lambda: b"// sessions\n" + VALID, says=SYNTAX),
    Bad("trailing garbage", lambda: VALID + b"\nx", says=SYNTAX),
    Bad("two documents", lambda: VALID + VALID, says=SYNTAX),
    Bad("top level is an array", lambda: dump([doc()]), says=("top level", "object")),
    Bad("top level is a string", lambda: b'"sessions"', says=("top level", "object")),
    Bad("top level is a number", lambda: b"1", says=("top level", "object")),
    Bad("top level is null", lambda: b"null", says=("top level", "object")),
    Bad("items is an array", top(items=[go_session("a")]), says=("items", "object")),
    Bad("items is a string", top(items="a"), says=("items", "object")),
    Bad("items is a number", top(items=0), says=("items", "object")),
    Bad("items is true", top(items=True), says=("items", "object")),
    *[
        Bad(f"a session is {kind}", top(items={"a": value, "b": go_session("b")}), says=(IN_A, "object"))
        for kind, value in [("a number", 7), ("an array", []), ("a string", "a"), ("null", None), ("false", False)]
    ],
    # A wrong type in each session field (null strings read as "", null maps and slices are fine).
    *[
        Bad(f"session {field} is {kind}", session_field(field, value), says=(IN_A, field))
        for field, kind, value in [
            ("ID", "a number", 5),
            ("ID", "an object", {"id": "a"}),
            ("ChatID", "an array", ["chat"]),
            ("ChatID", "a number", 5302729479),
            ("Agent", "an object", {}),
            ("Project", "true", True),
            ("Status", "a number", 1.5),
            ("Status", "an array", ["running"]),
            ("Request", "an array", ["x"]),
            ("Response", "an object", {"a": 1}),
            ("Error", "a number", 0),
            ("CreatedAt", "a number", 1764000000),
            ("LastActivity", "true", True),
            ("ExpiresAt", "an object", {}),
            ("Context", "a string", "ctx"),
            ("Context", "an array", [1]),
            ("Context", "a number", 5),
            ("Messages", "a string", "m"),
            ("Messages", "an object", {"Role": "user"}),
            ("Messages", "a number", 7),
            ("PermissionMode", "false", False),
        ]
    ],
    # A wrong type in each message field, and messages that are not objects.
    *[
        Bad(f"message {field} is {kind}", message_field(field, value), says=(IN_A, r"Messages\[0\]", field))
        for field, kind, value in [
            ("Role", "a number", 1),
            ("Content", "an array", ["hello"]),
            ("Summary", "an object", {}),
            ("Timestamp", "a number", 5),
            ("Timestamp", "false", False),
        ]
    ],
    *[
        Bad(f"a message is {kind}", session_field("Messages", [value]), says=(IN_A, r"Messages\[0\]"))
        for kind, value in [("a string", "hello"), ("a number", 3), ("null", None), ("an array", [MESSAGE])]
    ],
    # Bad times (each a string, so only the value is wrong).
    *[
        Bad(f"{field} is {value!r}", session_field(field, value), says=(IN_A, field))
        for field, value in [
            ("CreatedAt", "yesterday"),
            ("CreatedAt", ""),
            ("CreatedAt", "2026-13-01T00:00:00Z"),
            ("LastActivity", "2026-02-30T00:00:00Z"),
            ("LastActivity", "2026-11-24T25:00:00Z"),
            ("ExpiresAt", "2026-11-24T05:41:57"),
            ("ExpiresAt", "2026-11-24 05:41:57Z"),
            ("ExpiresAt", "2026-11-24t05:41:57z"),
            ("CreatedAt", "2026-11-24T05:41:57.1234567890Z"),
            ("CreatedAt", "2026-11-24T05:41:57+24:00"),
            ("CreatedAt", "1764000000"),
        ]
    ],
    Bad("updated is a number", top(updated=5), says=("updated",)),
    Bad("updated is not a time", top(updated="later"), says=("updated",)),
    # Versions.
    Bad("version 2", top(version=2), UnsupportedVersionError, says=(r"version 2",)),
    Bad("version 99", top(version=99), UnsupportedVersionError, says=(r"version 99",)),
    Bad("version 2 in a compact file", lambda: dump({**doc(), "version": 2}, indent=None), UnsupportedVersionError),
    Bad("version '1' (a string)", top(version="1"), says=("version",)),
    Bad("version 1.0", top(version=1.0), says=("version",)),
    Bad("version true", top(version=True), says=("version",)),
    Bad("version 0", top(version=0), says=("version",)),
    Bad("version -1", top(version=-1), says=("version",)),
    # Numbers JSON does not have.
    Bad("NaN", edit(b'"project_path"', b'"nan": NaN, "project_path"'), says=SYNTAX),
    Bad("Infinity", edit(b'"project_path"', b'"inf": Infinity, "project_path"'), says=SYNTAX),
    Bad("-Infinity", edit(b'"project_path"', b'"inf": -Infinity, "project_path"'), says=SYNTAX),
    Bad("a number too large for a double", edit(b'"project_path"', b'"big": 1e400, "project_path"'), says=SYNTAX),
    # Size and depth.
    Bad("deep nesting", nested(5000), says=SYNTAX),
    Bad("deep nesting at the top", lambda: b"[" * 200_000 + b"]" * 200_000, says=SYNTAX),
    Bad("a huge string as a time", session_field("CreatedAt", "9" * 5_000_000), says=(IN_A, "CreatedAt")),
    Bad(
        "a huge id of a bad session",
        lambda: dump(go_document(go_session("k" * 1_000_000, Status=5))),
        says=("Status",),
    ),
    Bad("a huge unterminated string", lambda: VALID[: VALID.index(b"do the")] + b"x" * 5_000_000, says=SYNTAX),
    # A repeated session id (the next write would drop the first copy), in each layout.
    Bad("a duplicate session id", lambda: duplicate_a(), says=(IN_A, "twice", r"line \d+")),
    Bad("a duplicate session id in a compact file", lambda: duplicate_a(compact=True), says=(IN_A, "twice")),
    Bad("a duplicate session id, the copies far apart", lambda: duplicate_a(last=True), says=(IN_A, "twice")),
]


def duplicate_a(*, compact: bool = False, last: bool = False) -> bytes:
    """Sessions a, b, c with a second "a" after the first one (or after c), as JSON text."""
    indent = None if compact else 2
    sessions = [("a", go_session("a", Request="first")), ("b", go_session("b")), ("c", go_session("c"))]
    sessions.insert(3 if last else 1, ("a", go_session("a", Request="second")))
    members = [f"{json.dumps(sid)}: {json.dumps(value, indent=indent, ensure_ascii=False)}" for sid, value in sessions]
    if compact:
        items = "{" + ", ".join(members) + "}"
        return f'{{"version": 1, "items": {items}, "updated": "2026-11-24T05:43:00Z"}}'.encode()
    items = "{\n    " + ",\n    ".join(m.replace("\n", "\n    ") for m in members) + "\n  }"
    return f'{{\n  "version": 1,\n  "items": {items},\n  "updated": "2026-11-24T05:43:00Z"\n}}'.encode()


@pytest.fixture
def opened(tmp_path: Path) -> tuple[Path, SessionStoreJSON, Manager, Snapshot]:
    """A store and a Manager that opened a good file (and hold session ``a`` in memory)."""
    path = tmp_path / "sessions.json"
    path.write_bytes(VALID)
    store = SessionStoreJSON(path, lock_timeout=5)
    manager = Manager(store=store, background=False)
    assert manager.get_or_load("a") is not None
    return path, store, manager, store.snapshot()


def every_call(
    path: Path, store: SessionStoreJSON, manager: Manager, good: Snapshot
) -> list[tuple[str, Callable[[], Any]]]:
    """Every library call that has to read the file, writes included."""
    old = timedelta(0)
    return [
        ("read_snapshot", lambda: read_snapshot(path)),
        ("read_snapshot(previous)", lambda: read_snapshot(path, good)),
        ("SessionStoreJSON()", lambda: SessionStoreJSON(path)),
        ("store.snapshot", store.snapshot),
        ("store.get", lambda: store.get("a")),
        ("store.list", store.list),
        ("store.summaries", store.summaries),
        ("store.find_by_chat_agent_project", lambda: store.find_by_chat_agent_project("chat-1", "claude", "/p")),
        ("store.list_by_chat", lambda: store.list_by_chat("chat-1")),
        ("store.set", lambda: store.set("new", Session(id="new", status="running"))),
        ("store.delete", lambda: store.delete("a")),
        ("store.delete_many", lambda: store.delete_many(["a", "b"])),
        ("store.modify", lambda: store.modify("a", lambda s: setattr(s, "request", "changed"))),
        ("store.force_save", store.force_save),
        ("store.cleanup_old_sessions", lambda: store.cleanup_old_sessions(old)),
        ("manager.get_or_load", lambda: manager.get_or_load("unknown")),
        ("manager.find_by", lambda: manager.find_by("chat-1", "claude", "/work/proj")),
        ("manager.list_by_chat", lambda: manager.list_by_chat("chat-1")),
        ("manager.create_with", lambda: manager.create_with("chat-1", "claude", "/work/proj")),
        ("manager.update", lambda: manager.update("a", lambda s: setattr(s, "request", "changed"))),
        ("manager.set_running", lambda: manager.set_running("a")),
        ("manager.set_completed", lambda: manager.set_completed("a", "done")),
        ("manager.set_context", lambda: manager.set_context("a", "k", 1)),
        ("manager.append_message", lambda: manager.append_message("a", Message(role="user", content="x"))),
        ("manager.close", lambda: manager.close("a")),
        ("manager.close_many", lambda: manager.close_many(["a", "b"])),
        ("manager.delete", lambda: manager.delete("b")),
        ("manager.delete_many", lambda: manager.delete_many(["a"])),
        ("manager.cleanup_old_sessions", lambda: manager.cleanup_old_sessions(old)),
    ]


# -- the corpus ------------------------------------------------------------------------


def test_the_corpus_has_at_least_25_kinds() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_a_bad_file_gives_a_clear_error_and_stays_as_it_is(opened: tuple, case: Bad) -> None:
    path, store, manager, good = opened
    put_in_place(path, case.data())
    before = FileState.of(path)
    for name, call in every_call(path, store, manager, good):
        expect_error(name, call, path, case.error, case.says)
    assert FileState.of(path) == before, "the bad file was changed"
    assert temp_files(path) == []


def test_a_directory_at_the_path(opened: tuple) -> None:
    path, store, manager, good = opened
    path.unlink()
    path.mkdir()
    (path / "inside").write_text("keep me")
    for name, call in every_call(path, store, manager, good):
        expect_error(name, call, path, StoreAccessError, ("directory",))
    assert path.is_dir() and os.listdir(path) == ["inside"] and (path / "inside").read_text() == "keep me"
    assert temp_files(path) == []


def test_a_symlink_loop_at_the_path(opened: tuple) -> None:
    path, store, manager, good = opened
    path.unlink()
    path.symlink_to(path.name)
    for name, call in every_call(path, store, manager, good):
        expect_error(name, call, path, StoreAccessError, ())
    assert path.is_symlink() and os.readlink(path) == path.name


def test_a_named_pipe_at_the_path_does_not_hang(opened: tuple) -> None:
    """Opening a FIFO for reading blocks until a writer comes: the library must not wait."""
    path, store, manager, good = opened
    path.unlink()
    os.mkfifo(path)
    for name, call in every_call(path, store, manager, good):
        expect_error(name, call, path, StoreAccessError, (), seconds=5)
    assert stat.S_ISFIFO(os.stat(path).st_mode)


# -- permissions -------------------------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="session-tui-perm-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _try_as_other_user(path: Path, writes: bool) -> dict[str, Any]:
    """Run the library on ``path`` as this user, or as ``nobody`` when we are root."""
    args: dict[str, Any] = {"path": str(path), "writes": writes}
    if os.geteuid() == 0:
        args.update(uid=65534, gid=65534)  # root reads anything: drop to nobody to feel permissions
    report = finish(start("try", args))
    if "skip" in report:
        pytest.skip(report["skip"])
    return report


def _assert_access_error(outcome: Any, path: Path, name: str) -> None:
    assert outcome is not None, f"{name}: no error"
    assert "StoreAccessError" in outcome["mro"], f"{name}: {outcome['type']}: {outcome['message'][:300]}"
    message = outcome["message"]
    assert "\n" not in message and str(path) in message and len(message) < len(str(path)) + MAX_MESSAGE_EXTRA


def test_no_read_permission(shared_dir: Path) -> None:
    path = shared_dir / "sessions.json"
    path.write_bytes(VALID)
    path.chmod(0o000)
    before = FileState.of(path)
    report = _try_as_other_user(path, writes=False)
    if report["read_snapshot"] is None and os.geteuid() != 0:
        pytest.skip("this user can read a mode-000 file (a capability?); cannot test permissions")
    for name in ("read_snapshot", "store"):
        _assert_access_error(report[name], path, name)
    assert FileState.of(path) == before


@pytest.mark.parametrize("lock_file", ["no lock file", "a writable lock file"])
def test_no_write_permission_on_the_directory(shared_dir: Path, lock_file: str) -> None:
    path = shared_dir / "sessions.json"
    path.write_bytes(VALID)
    path.chmod(0o644)
    if lock_file != "no lock file":
        lock = shared_dir / "sessions.json.lock"
        lock.touch()
        lock.chmod(0o666)
    if os.geteuid() != 0:
        shared_dir.chmod(0o555)
    before = FileState.of(path)
    try:
        report = _try_as_other_user(path, writes=True)
    finally:
        shared_dir.chmod(0o755)
    assert report["read_snapshot"] is None and report["store"] is None, "reading needs no write permission"
    for name in ("set", "force_save", "delete", "cleanup_old_sessions", "manager.create_with", "manager.close"):
        _assert_access_error(report[name], path, name)
    assert FileState.of(path) == before
    assert temp_files(path) == []


# -- the lock file -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["a directory", "a dangling symlink into a missing directory"])
def test_an_unusable_lock_path_refuses_writes_and_keeps_the_file(opened: tuple, kind: str) -> None:
    path, store, manager, good = opened
    lock = path.with_name(path.name + ".lock")
    if kind == "a directory":
        lock.mkdir()
    else:
        lock.symlink_to(path.parent / "missing" / "x.lock")
    before = FileState.of(path)
    expect_error("store.set", lambda: store.set("new", Session(id="new")), path, StoreAccessError, ("lock",))
    expect_error("manager.close", lambda: manager.close("a"), path, StoreAccessError, ("lock",))
    expect_error("store.force_save", store.force_save, path, StoreAccessError, ("lock",))
    assert FileState.of(path) == before
    assert store.get("a") is not None, "reading needs no lock"


def test_a_dangling_lock_file_neither_blocks_nor_hides_a_bad_file(opened: tuple) -> None:
    """A lock file left by a dead process (with junk in it) is just a file: nobody holds it."""
    path, store, manager, good = opened
    lock = path.with_name(path.name + ".lock")
    lock.write_bytes(b"pid 99999\n")
    with guard():
        manager.set_running("a")
    assert read_snapshot(path).summary("a").status == "running"
    put_in_place(path, VALID[:-10])
    before = FileState.of(path)
    expect_error("store.set", lambda: store.set("new", Session(id="new")), path, CorruptStoreError, SYNTAX)
    assert FileState.of(path) == before


# -- lazily validated values -------------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    [
        "not a time",
        "",
        "2026-02-30T00:00:00Z",
        "2026-11-24T05:41:57",
        "2026-11-24T05:41:57.1234567890Z",
        "9" * 1_000_000,
    ],
    ids=["words", "empty", "february 30", "no offset", "ten digits", "huge"],
)
def test_a_bad_message_timestamp_is_reported_when_its_session_is_decoded(tmp_path: Path, timestamp: str) -> None:
    """Message timestamps are checked when a session is decoded, not when the file opens;
    writes of other sessions never make the file worse."""
    path = tmp_path / "sessions.json"
    bad_message = {**MESSAGE, "Timestamp": timestamp}
    document = go_document(
        go_session("a", Messages=[MESSAGE, bad_message]),
        go_session("b"),
        go_session("c", Status="completed", LastActivity="2020-01-01T00:00:00Z"),
    )
    path.write_bytes(dump(document))
    bad_raw = bytes(read_snapshot(path).raw("a") or b"")
    says = (IN_A, r"Messages\[1\]\.Timestamp")

    def check_only_a_is_bad() -> None:
        snap = read_snapshot(path)
        assert snap.summary("a") is not None and snap.summary("a").message_count == 2
        expect_error("Snapshot.session", lambda: snap.session("a"), path, CorruptStoreError, says)
        assert bytes(snap.raw("a") or b"") == bad_raw, "the bad session's bytes changed"
        for sid in snap:
            if sid != "a":
                assert snap.session(sid) is not None
        json.loads(path.read_bytes())

    check_only_a_is_bad()
    store = SessionStoreJSON(path, lock_timeout=5)
    manager = Manager(store=store, background=False)
    expect_error("store.get", lambda: store.get("a"), path, CorruptStoreError, says)
    expect_error("store.list", store.list, path, CorruptStoreError, says)
    before = FileState.of(path)
    expect_error("manager.set_running", lambda: manager.set_running("a"), path, CorruptStoreError, says)
    def append() -> bool:
        return manager.append_message("a", Message(content="x"))

    expect_error("manager.append_message", append, path, CorruptStoreError, says)
    expect_error("store.modify", lambda: store.modify("a", lambda s: None), path, CorruptStoreError, says)
    assert FileState.of(path) == before, "a refused update of the bad session changed the file"

    with guard():
        assert manager.append_message("b", Message(role="user", content="more"))
        assert manager.set_completed("b", "fine")
        store.set("d", Session(id="d", status="running"))
        assert manager.close("d")
        store.force_save()
        assert store.cleanup_old_sessions(timedelta(days=1)) == 1  # c only; a is running
        assert store.delete("d")
    check_only_a_is_bad()
    snap = read_snapshot(path)
    assert set(snap) == {"a", "b"}
    assert [m.content for m in snap.session("b").messages or ()] == ["hello", "more"]


@pytest.mark.parametrize("depth", [300, 1000])
def test_a_deeply_nested_context_that_loads_can_be_written_or_is_refused_cleanly(tmp_path: Path, depth: int) -> None:
    """Nesting within the parser's depth limit (1024) loads; a write to that session must
    then succeed or raise a StoreError (leaving the file alone), never another exception."""
    path = tmp_path / "sessions.json"
    deep = b'{"d": ' * depth + b"{}" + b"}" * depth  # built as text: json.dumps would recurse too deep
    path.write_bytes(VALID.replace(b'"Context": {', b'"Context": {"deep": ' + deep + b", ", 1))
    store = SessionStoreJSON(path, lock_timeout=5)
    manager = Manager(store=store, background=False)
    assert manager.set_running("b")  # other sessions are unaffected
    before = FileState.of(path)
    caught: Exception | None = None
    try:
        with guard():
            store.get("a")  # decoding it, too, works or says why not
            ok = manager.set_context("a", "k", 1)
    except Exception as exc:  # judged below, outside the handler
        caught = exc
    if caught is None:
        assert ok
        session = read_snapshot(path).session("a")
        assert session is not None and session.context is not None and session.context["k"] == 1
    elif isinstance(caught, StoreError):
        assert_clear(caught, path)
        assert FileState.of(path) == before
    else:
        pytest.fail(f"{type(caught).__name__} instead of a StoreError: {str(caught)[:300]}")


# -- property-based mutations ------------------------------------------------------------

PROPERTY_DOC = go_document(
    go_session(
        "a",
        Context={
            "n": 123456789012345678901234567890,
            "f": 2.5,
            "html": "<b>&amp;</b>",
            "nested": {"x": [1, None, True]},
        },
        Messages=[MESSAGE, {**MESSAGE, "Role": "assistant", "Content": "中文 ✓ \u2028 🧪", "Extra": 1}],
    ),
    go_session("b", Status="completed", Request=None, Messages=None, Context=None, LastActivity="2020-01-01T00:00:00Z"),
    go_session("c", Status="closed", ExpiresAt=ZERO, CreatedAt="2026-11-24T13:52:23.917658728+08:00"),
    unknown_top_key={"kept": True},
)
PROPERTY_VALID = dump(PROPERTY_DOC)

TOKENS = [b"{", b"}", b"[", b"]", b'"', b",", b":", b"\\", b"\\u", b"\\ud800", b"null", b"true", b"0", b"-",
          b"1e999", b"NaN", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\n", b" ", b"\0", b'"items": ', b'"version": 2, ']

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats()
    | st.text(alphabet=st.characters(exclude_categories=()), max_size=12)
    | st.sampled_from(["2026-11-24T05:41:58Z", ZERO, "running", "closed", "x" * 300]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)

PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def byte_flips(draw: Any, base: bytes = PROPERTY_VALID) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
    return bytes(data)


@st.composite
def truncations(draw: Any, base: bytes = PROPERTY_VALID) -> bytes:
    return base[: draw(st.integers(0, len(base) - 1))]


@st.composite
def insertions(draw: Any) -> bytes:
    at = draw(st.integers(0, len(PROPERTY_VALID)))
    piece = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
    return PROPERTY_VALID[:at] + piece + PROPERTY_VALID[at:]


@st.composite
def splices(draw: Any) -> bytes:
    """Part of the file copied over another part (or a range deleted)."""
    n = len(PROPERTY_VALID)
    a = draw(st.integers(0, n))
    b = draw(st.integers(a, min(n, a + 400)))
    c = draw(st.integers(0, n))
    d = draw(st.integers(c, min(n, c + 400)))
    return PROPERTY_VALID[:a] + PROPERTY_VALID[c:d] + PROPERTY_VALID[b:]


@st.composite
def json_mutations(draw: Any) -> bytes:
    """One value somewhere in the document replaced, deleted or renamed; then serialized."""
    document = copy.deepcopy(PROPERTY_DOC)
    node: Any = document
    key: Any = None
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, (dict, list)) and child and draw(st.booleans()):
            node = child
            continue
        break
    action = draw(st.sampled_from(["replace", "replace", "delete", "rename"]))
    if key is None:
        node.append(draw(json_values)) if isinstance(node, list) else node.update(new=draw(json_values))
    elif action == "replace":
        node[key] = draw(json_values)
    elif action == "delete":
        del node[key]
    elif isinstance(node, dict):
        node[draw(st.text(max_size=8))] = node.pop(key)
    indent = draw(st.sampled_from([2, 2, None, 4]))
    text = json.dumps(document, indent=indent, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes invalid UTF-8


def check_mutant(data: bytes) -> None:
    """The property: a mutant loads, or gives a StoreError; a refused file stays as it is;
    a write to a file that loads leaves a valid file with the other sessions untouched.

    (Message length is checked by the corpus above, deterministically, not here.)"""
    with tempfile.TemporaryDirectory() as folder, guard():
        path = Path(folder) / "sessions.json"
        path.write_bytes(PROPERTY_VALID)
        store = SessionStoreJSON(path, lock_timeout=5)
        manager = Manager(store=store, background=False)
        put_in_place(path, data)
        try:
            snap = read_snapshot(path)
        except StoreError as exc:
            assert_clear(exc, path, short=False)
            for name, write in [
                ("store.set", lambda: store.set("new", Session(id="new"))),
                ("store.force_save", store.force_save),
                ("store.delete", lambda: store.delete("b")),
                ("manager.set_running", lambda: manager.set_running("a")),
                ("manager.close", lambda: manager.close("a")),
                ("store.cleanup_old_sessions", lambda: store.cleanup_old_sessions(timedelta(0))),
            ]:
                with pytest.raises(StoreError) as info:
                    write()
                assert_clear(info.value, path, short=False)
                assert path.read_bytes() == data, f"{name} changed a file that did not load"
            return
        decodable = []
        for sid in snap:
            try:
                snap.session(sid)
                decodable.append(sid)
            except StoreError as exc:
                assert_clear(exc, path, short=False)
        try:
            store.set("new-session", Session(id="new-session", status="running"))
            if decodable:
                manager.set_running(decodable[0])
        except StoreError as exc:
            assert_clear(exc, path, short=False)
            assert path.read_bytes() == data
            return
        after = read_snapshot(path)
        json.loads(path.read_bytes())
        assert set(after) == set(snap) | {"new-session"}
        for sid in snap:
            if not decodable or sid != decodable[0]:
                assert json.loads(bytes(after.raw(sid) or b"")) == json.loads(bytes(snap.raw(sid) or b"")), (
                    f"session {sid!r} changed although only others were written"
                )


@PROPERTY_SETTINGS
@given(byte_flips())
def test_property_byte_flips(data: bytes) -> None:
    check_mutant(data)


@PROPERTY_SETTINGS
@given(truncations())
def test_property_truncations(data: bytes) -> None:
    check_mutant(data)


@PROPERTY_SETTINGS
@given(insertions())
def test_property_insertions(data: bytes) -> None:
    check_mutant(data)


@PROPERTY_SETTINGS
@given(splices())
def test_property_splices(data: bytes) -> None:
    check_mutant(data)


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(json_mutations())
def test_property_json_value_mutations(data: bytes) -> None:
    check_mutant(data)


@pytest.mark.skipif(not GO_SMALL.exists(), reason=f"Go fixtures not found at {GO_SMALL}")
@settings(PROPERTY_SETTINGS, max_examples=30)
@given(st.data())
def test_property_mutations_of_the_go_fixture(data: st.DataObject) -> None:
    base = GO_SMALL.read_bytes()
    check_mutant(data.draw(st.one_of(byte_flips(base), truncations(base))))
