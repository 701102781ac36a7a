"""A reload with the previous reading (only the changed stretch re-parsed) equals a full parse."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tui.session import CorruptStoreError, Manager, Message, SessionStoreJSON, StoreError
from tui.session.incremental import common_prefix, common_suffix, reparse
from tui.session.snapshot import parse_snapshot, read_snapshot
from tui.tools.synthetic import generate_document

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


def same_reading(path: Path, data: bytes, previous) -> None:
    """parse_snapshot with ``previous`` gives what it gives without, and the right change set."""
    try:
        full = parse_snapshot(data, path)
    except StoreError as exc:
        with pytest.raises(type(exc)):
            parse_snapshot(data, path, previous)
        return
    quick = parse_snapshot(data, path, previous)
    assert quick.data == full.data
    assert list(quick) == list(full)
    assert quick._entries == full._entries
    assert quick._summaries == full._summaries
    assert quick.updated == full.updated and dict(quick.extras) == dict(full.extras)
    before, after = set(previous), set(full)
    assert quick.changes.added == after - before
    assert quick.changes.removed == before - after
    really = {sid for sid in before & after if bytes(previous.raw(sid)) != bytes(full.raw(sid))}
    if reparse(data, previous) is not None:
        assert quick.changes.changed == really
    else:  # the full path may over-report with duplicate keys; never under-report
        assert really <= quick.changes.changed <= before & after


def test_prefix_and_suffix() -> None:
    rng = random.Random(1)
    for _ in range(300):
        size = rng.choice([0, 1, 5, 100, 70_000, 200_000])
        a = bytes(rng.getrandbits(8) for _ in range(min(size, 300))) * (size // 300 + 1)
        a = a[:size]
        b = bytearray(a)
        if b and rng.random() < 0.8:
            b[rng.randrange(len(b))] ^= 1 + rng.randrange(255)
        b = bytes(b)
        limit = min(len(a), len(b))
        p = common_prefix(a, b, limit)
        assert a[:p] == b[:p] and (p == limit or a[p] != b[p])
        s = common_suffix(a, len(a), b, len(b), limit)
        assert s <= limit and a[len(a) - s :] == b[len(b) - s :]
        assert s == limit or a[len(a) - s - 1] != b[len(b) - s - 1]


@pytest.mark.parametrize("seed", range(12))
def test_library_edits_reload_incrementally(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "s.json"
    path.write_bytes(generate_document(rng.choice([1, 2, 9, 40]), rng.choice([0, 1, 3]), seed=seed, now=NOW))
    previous = read_snapshot(path)
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        for _ in range(25):
            # Several writes between two readings, as when a reload coalesces them.
            for _ in range(rng.choice([1, 1, 2, 4])):
                ids = list(SessionStoreJSON(path).snapshot())
                op = rng.choice(["append", "status", "close", "delete", "create", "cleanup", "request"])
                if op == "create" or not ids:
                    manager.create_with(f"chat-{rng.randrange(3)}", "claude", "/p")
                elif op == "append":
                    manager.append_message(rng.choice(ids), Message("assistant", "x" * rng.randrange(40)))
                elif op == "status":
                    manager.update(rng.choice(ids), lambda s: setattr(s, "status", rng.choice(["running", "failed"])))
                elif op == "close":
                    manager.close(rng.choice(ids))
                elif op == "delete":
                    manager.delete_many(rng.sample(ids, min(len(ids), rng.randrange(1, 4))))
                elif op == "request":
                    manager.update(rng.choice(ids), lambda s: setattr(s, "request", "é" * rng.randrange(5)))
                else:
                    assert manager.store is not None
                    manager.store.force_save()
            data = path.read_bytes()
            if len(previous) and b'"items": {}' not in data:
                assert reparse(data, previous) is not None  # the library's own layout: never a full parse
            same_reading(path, data, previous)
            previous = parse_snapshot(data, path, previous)


def _mutations(data: bytes, rng: random.Random) -> bytes:
    """Byte-level edits a hand or another writer could make (some of them invalid)."""
    kind = rng.randrange(9)
    pos = rng.randrange(len(data))
    if kind == 0:  # flip a byte
        return data[:pos] + bytes([rng.randrange(32, 127)]) + data[pos + 1 :]
    if kind == 1:  # delete a stretch
        return data[:pos] + data[pos + rng.randrange(1, 200) :]
    if kind == 2:  # duplicate a stretch
        end = pos + rng.randrange(1, 300)
        return data[:end] + data[pos:end] + data[end:]
    if kind == 3:  # whitespace
        return data[:pos] + b" \n" + data[pos:]
    if kind == 4:  # an extra top-level key
        return data[: data.rfind(b"\n}")] + b',\n  "extra": {\n    "x": 1\n  }\n}'
    if kind == 5:  # the version
        return data.replace(b'"version": 1', b'"version": 2', 1)
    if kind == 6:  # a duplicate session id: copy the first member's key onto the last
        first = data.find(b'\n    "') + 6
        last = data.rfind(b'\n    "') + 6
        key = data[first : data.find(b'"', first)]
        return data[:last] + key + data[data.find(b'"', last) :]
    if kind == 7:  # truncate
        return data[:pos]
    return data.replace(b'"Status": "', b'"Status": "x', 1)


@pytest.mark.parametrize("seed", range(20))
def test_byte_edits_reload_like_a_full_parse(tmp_path: Path, seed: int) -> None:
    rng = random.Random(100 + seed)
    path = tmp_path / "s.json"
    base = generate_document(rng.choice([2, 7, 30]), rng.choice([0, 2]), seed=seed, now=NOW)
    previous = parse_snapshot(base, path)
    for _ in range(40):
        same_reading(path, _mutations(base, rng), previous)


def test_a_reload_with_nothing_changed_reuses_everything(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    data = generate_document(20, 2, seed=3, now=NOW)
    first = parse_snapshot(data, path)
    again = parse_snapshot(data.replace(b'"updated": "2026', b'"updated": "2027'), path, first)
    assert not again.changes and again._summaries is first._summaries


def test_a_bad_changed_session_is_reported_like_a_full_parse(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    data = generate_document(20, 2, seed=3, now=NOW)
    first = parse_snapshot(data, path)
    sid = list(first)[7]
    start, end = first._entries[sid]
    broken = data[:start] + data[start:end].replace(b'"Messages": [', b'"Messages": 7, "x": [', 1) + data[end:]
    assert reparse(broken, first) is None
    with pytest.raises(CorruptStoreError, match=sid):
        parse_snapshot(broken, path, first)


def test_a_writer_starts_from_the_incremental_reading_and_refuses_a_bad_one(tmp_path: Path) -> None:
    # A long-lived store whose file another process changed re-reads only the
    # changed stretch before writing. Its write keeps the other change; a
    # session the other process broke makes it refuse, leaving the file as is.
    path = tmp_path / "s.json"
    path.write_bytes(generate_document(30, 2, seed=4, now=NOW))
    store = SessionStoreJSON(path)
    ids = list(store.snapshot())
    with Manager(store=store, background=False) as mine, Manager(store=SessionStoreJSON(path), background=False) as other:
        assert other.update(ids[3], lambda s: setattr(s, "request", "changed elsewhere"))
        assert reparse(path.read_bytes(), store.snapshot()) is not None  # the shortcut applies
        assert mine.close(ids[20])
        final = parse_snapshot(path.read_bytes(), path)  # a full parse of what was written
        assert final.session(ids[3]).request == "changed elsewhere"
        assert final.session(ids[20]).status == "closed"

        start, end = final._entries[ids[5]]
        data = path.read_bytes()
        broken = data[:start] + data[start:end].replace(b'"Status": "', b'"Status": 7, "x": "', 1) + data[end:]
        path.write_bytes(broken)
        with pytest.raises(CorruptStoreError, match=ids[5]):
            mine.close(ids[6])
        assert path.read_bytes() == broken
