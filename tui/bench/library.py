"""The library's costs against a bare parse: open, list, reload, close, append.

Everything here runs in the benchmark's own process, interleaved with its
baseline in the same repetition loop (see :mod:`.timing`).
"""

from __future__ import annotations

import gc
import json
import os
import secrets
from collections.abc import Callable
from itertools import count
from pathlib import Path

import orjson

from tui.session import Manager, Message, SessionStoreJSON, read_snapshot
from tui.session.snapshot import parse_snapshot
from tui.session.status import LIVE_STATUSES, Status

from .files import BenchFile, FileCache
from .report import Measurement, ratio
from .timing import interleaved, median

FAMILY = "library"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, read the plain way (what a bare parse starts from)."""
    with open(path, "rb") as handle:
        return handle.read()


def durable_rewrite(target: Path, data: bytes) -> None:
    """The floor of any durable edit: temp file, write, fsync, rename, fsync the directory."""
    tmp = target.with_name(f".{target.name}.bench-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _without_gc(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        gc.disable()
        try:
            return call()
        finally:
            gc.enable()

    return run


def measure_open(bf: BenchFile, repeat: int, json_repeat: int) -> list[Measurement]:
    """Open (bytes in memory, and from the file), list summaries.

    Also the same with the garbage collector paused in both: a bare
    ``orjson.loads`` of a large file spends a third of its time in the
    collector's passes over the objects it builds, which flatters a reader
    that keeps fewer objects alive; the strict ratio shows the parse alone.
    """
    path = bf.path
    data = read_bytes(path)
    times = interleaved(
        {
            "orjson.loads": lambda: orjson.loads(data),
            "json.loads": lambda: json.loads(data),
            "parse_snapshot": lambda: parse_snapshot(data, path),
            "read+orjson.loads": lambda: orjson.loads(read_bytes(path)),
            "read_snapshot": lambda: read_snapshot(path),
            "orjson.loads/nogc": _without_gc(lambda: orjson.loads(data)),
            "parse_snapshot/nogc": _without_gc(lambda: parse_snapshot(data, path)),
        },
        repeat,
        repeats={"json.loads": json_repeat},
    )
    floor = median(times["orjson.loads"])
    json_time = median(times["json.loads"])
    read_floor = median(times["read+orjson.loads"])

    def row(name: str, key: str, baseline: str, base: float, **extra: object) -> Measurement:
        value = median(times[key])
        return Measurement(
            FAMILY, name, bf.label, bf.size, value,
            baseline=baseline, baseline_value=base, ratio=ratio(value, base),
            vs_json=ratio(value, json_time), samples=len(times[key]), extra=dict(extra),
        )

    rows = [
        row("bare orjson.loads (the floor)", "orjson.loads", "orjson.loads", floor),
        row("json.loads (reference)", "json.loads", "orjson.loads", floor),
        row("open: parse_snapshot(bytes) ÷ orjson.loads", "parse_snapshot", "orjson.loads", floor).check(1.25),
        row("open: read_snapshot(path) ÷ read + orjson.loads", "read_snapshot", "read+orjson.loads", read_floor).check(1.25),
        row(
            "open, GC paused in both (strict): parse_snapshot ÷ orjson.loads", "parse_snapshot/nogc",
            "orjson.loads (GC paused)", median(times["orjson.loads/nogc"]),
        ),
    ]
    snapshot = parse_snapshot(data, path)
    listed = interleaved(
        {"orjson.loads": lambda: orjson.loads(data), "summaries": snapshot.summaries},
        repeat,
    )
    value = median(listed["summaries"])
    rows.append(
        Measurement(
            FAMILY, "list all summaries ÷ orjson.loads", bf.label, bf.size, value,
            baseline="orjson.loads", baseline_value=median(listed["orjson.loads"]),
            ratio=ratio(value, median(listed["orjson.loads"])), vs_json=ratio(value, json_time),
            samples=len(listed["summaries"]), extra={"sessions": len(snapshot.summaries())},
        )
    )
    return rows


#: SPEC §4 (issue 15): the library's public API against a bare parse.
PUBLIC_API_RATIO = 1.5


def measure_public_api(bf: BenchFile, repeat: int, json_time: float | None = None) -> list[Measurement]:
    """What a program using the library as documented pays, each from a new store (nothing cached):
    ``SessionStoreJSON(path).list()`` (every session complete), ``Manager.get_or_load``,
    ``list_by_chat``, ``find_by``, and what ``session-tui stats`` computes; against read + orjson.loads.
    """
    from tui.cli.stats import FileStats

    path = bf.path
    snapshot = read_snapshot(path)
    summaries = snapshot.summaries()
    some = summaries[len(summaries) // 2]
    now = some.last_activity or some.created_at

    def manager() -> Manager:
        return Manager(store=SessionStoreJSON(path), background=False)

    times = interleaved(
        {
            "read+orjson.loads": lambda: orjson.loads(read_bytes(path)),
            "list": lambda: SessionStoreJSON(path).list(),
            "get_or_load": lambda: manager().get_or_load(some.id),
            "list_by_chat": lambda: manager().list_by_chat(some.chat_id),
            "find_by": lambda: manager().find_by(some.chat_id, some.agent, some.project),
            "stats": lambda: FileStats.of(read_snapshot(path), now).as_json() if now else None,
            "read+orjson.loads/nogc": _without_gc(lambda: orjson.loads(read_bytes(path))),
            "list/nogc": _without_gc(lambda: SessionStoreJSON(path).list()),
        },
        repeat,
    )
    floor = median(times["read+orjson.loads"])
    names = {
        "list": "SessionStoreJSON(path).list() ÷ read + orjson.loads",
        "get_or_load": "new Manager: get_or_load ÷ read + orjson.loads",
        "list_by_chat": "new Manager: list_by_chat ÷ read + orjson.loads",
        "find_by": "new Manager: find_by ÷ read + orjson.loads",
        "stats": "stats (read_snapshot + counts) ÷ read + orjson.loads",
    }
    rows = []
    for key, name in names.items():
        value = median(times[key])
        rows.append(
            Measurement(
                FAMILY, name, bf.label, bf.size, value,
                baseline="read + orjson.loads", baseline_value=floor, ratio=ratio(value, floor),
                vs_json=ratio(value, json_time) if json_time else None, samples=len(times[key]),
            ).check(PUBLIC_API_RATIO)
        )
    # The library pauses the collector while it builds sessions (tui.session.gcpause);
    # this row pauses it in the baseline too.
    strict_floor = median(times["read+orjson.loads/nogc"])
    value = median(times["list/nogc"])
    rows.insert(
        1,
        Measurement(
            FAMILY, "list(), GC paused in both (strict) ÷ read + orjson.loads", bf.label, bf.size, value,
            baseline="read + orjson.loads (GC paused)", baseline_value=strict_floor, ratio=ratio(value, strict_floor),
            vs_json=ratio(value, json_time) if json_time else None, samples=len(times["list/nogc"]),
        ),
    )
    return rows


class _Spread:
    """Session ids in an order spread over the file: an edit's cost must not depend on where it is."""

    def __init__(self, ids: list[str]) -> None:
        step = max(1, len(ids) // 97)
        self._ids = ids[::step] + [i for n, i in enumerate(ids) if n % step]
        self._next = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __next__(self) -> str:
        session_id = self._ids[self._next]
        self._next += 1
        return session_id


def measure_edits(bf: BenchFile, files: FileCache, repeat: int, json_time: float | None = None) -> list[Measurement]:
    """One close and one append through Manager → SessionStoreJSON, against parse + durable rewrite.

    Variants of the close: the store already open and current (a bot's or the
    app's long-lived store); the file changed by another writer since the
    store last read it (it re-reads, reusing unchanged sessions); and a new
    store (open + close, as a one-shot command would).
    """
    scratch = files.scratch(bf, "edits")
    try:
        data = read_bytes(scratch)
        bare_target = scratch.with_name("bare-rewrite.json")
        bare_target.write_bytes(data)
        store = SessionStoreJSON(scratch)
        manager = Manager(store=store, background=False)
        other = SessionStoreJSON(scratch)
        summaries = store.summaries()
        # Disjoint sets: appends go to live sessions (an update of an ended one is refused).
        to_close = _Spread([s.id for s in summaries if s.status != Status.CLOSED and s.status not in LIVE_STATUSES])
        to_append = _Spread([s.id for s in summaries if s.status in LIVE_STATUSES])
        to_touch = _Spread([s.id for s in summaries])
        needed = repeat + 1  # the warm-up, then each repetition
        if len(to_close) < 3 * needed or len(to_append) < needed:
            raise ValueError(f"{bf.label}: too few sessions to close or append to {repeat} times")
        results: dict[str, list[bool]] = {"close": [], "close-after": [], "close-new": [], "append": []}
        serial = count()

        def close() -> None:
            results["close"].append(manager.close(next(to_close)))

        def close_after() -> None:
            results["close-after"].append(manager.close(next(to_close)))

        def close_new() -> None:
            with Manager(store=SessionStoreJSON(scratch), background=False) as fresh:
                results["close-new"].append(fresh.close(next(to_close)))

        def append() -> None:
            results["append"].append(manager.append_message(next(to_append), Message("assistant", "benchmark: one more message")))

        def bare() -> None:
            orjson.loads(data)
            durable_rewrite(bare_target, data)

        def prepare(name: str) -> None:
            if name == "close-after":  # another writer changes some other session first (untimed)
                other.modify(next(to_touch), lambda s: setattr(s, "request", f"changed elsewhere {next(serial)}"))

        times = interleaved(
            {"bare": bare, "close": close, "close-after": close_after, "close-new": close_new, "append": append},
            repeat,
            between=prepare,
        )
        manager.stop()
    finally:
        files.discard(scratch)
    base = median(times["bare"])
    failed = {k: v.count(False) for k, v in results.items() if False in v}

    def row(name: str, key: str) -> Measurement:
        value = median(times[key])
        return Measurement(
            FAMILY, name, bf.label, bf.size, value,
            baseline="orjson.loads + durable rewrite", baseline_value=base, ratio=ratio(value, base),
            vs_json=ratio(value, json_time) if json_time else None, samples=len(times[key]),
            extra={"refused": failed.get(key, 0)} if key in failed else {},
        )

    return [
        row("bare orjson.loads + durable rewrite (edit floor)", "bare"),
        row("one close, store open ÷ edit floor", "close"),
        row("one close, after another writer's change ÷ edit floor", "close-after"),
        row("one close, new store (open + close) ÷ edit floor", "close-new"),
        row("one append ÷ edit floor", "append"),
    ]


def measure_reload(bf: BenchFile, files: FileCache, repeat: int) -> Measurement:
    """What a watcher pays per external change: re-read with the previous snapshot, one session changed."""
    scratch = files.scratch(bf, "reload")
    try:
        previous = read_snapshot(scratch)
        store = SessionStoreJSON(scratch, snapshot=previous)
        target = next(iter(previous))
        store.modify(target, lambda s: setattr(s, "request", "changed once"))
        times = interleaved(
            {
                "read+orjson.loads": lambda: orjson.loads(read_bytes(scratch)),
                "reload": lambda: read_snapshot(scratch, previous=previous),
            },
            repeat,
        )
    finally:
        files.discard(scratch)
    base = median(times["read+orjson.loads"])
    value = median(times["reload"])
    return Measurement(
        FAMILY, "reload after one external change ÷ read + orjson.loads", bf.label, bf.size, value,
        baseline="read+orjson.loads", baseline_value=base, ratio=ratio(value, base), samples=len(times["reload"]),
    )
