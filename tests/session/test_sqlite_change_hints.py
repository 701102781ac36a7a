"""A SQLite source under a watcher looks only at the transcripts the watcher says changed.

Without a watcher (or with one that has stopped) every reading still
``stat``\\ s every transcript; with one, a reading that follows the last
lists no directory and opens only the hinted files, and its change set
is the same as a full scan's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlitefiles import go_database, go_row, transcript_line

from tui.session import SQLiteSource, watch_source
from tui.session.sqlite import source as source_module
from tui.session.sqlite import transcript_counts

TIMEOUT = 30


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """Rows a..e; a transcript of two lines for each."""
    root = tmp_path / ".tingly-box"
    go_database(root / "db" / "tingly.db", *(go_row(sid) for sid in "abcde"))
    transcripts = root / "remote" / "transcripts"
    transcripts.mkdir(parents=True)
    for sid in "abcde":
        (transcripts / f"{sid}.jsonl").write_bytes(transcript_line("one") + transcript_line("two"))
    return root


@pytest.fixture
def source(base: Path) -> Iterator[SQLiteSource]:
    src = SQLiteSource(base / "db" / "tingly.db")
    yield src
    src.close()


class Listings:
    """Counts the directory listings and the files counted by the transcript scans."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.listed = 0
        self.counted: list[str] = []
        real_scandir, real_count = transcript_counts.os.scandir, transcript_counts._count

        def scandir(path: object) -> object:
            self.listed += 1
            return real_scandir(path)  # type: ignore[arg-type]

        def count(path: str, *args: object) -> object:
            self.counted.append(os.path.basename(path))
            return real_count(path, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(transcript_counts.os, "scandir", scandir)
        monkeypatch.setattr(transcript_counts, "_count", count)

    def reset(self) -> None:
        self.listed, self.counted = 0, []


def append(base: Path, sid: str, content: str) -> Path:
    path = base / "remote" / "transcripts" / f"{sid}.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.write(fd, transcript_line(content))
    os.close(fd)
    return path


def counts(reading: object) -> dict[str, int]:
    return {s.id: s.message_count for s in reading.summaries()}  # type: ignore[attr-defined]


def test_a_tracked_reading_looks_only_at_the_hinted_transcripts(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    source.track_changes(True)
    first = source.read()
    seen = Listings(monkeypatch)
    path = append(base, "b", "three")
    source.note_changes([path, base / "db" / "tingly.db-wal"])
    second = source.read(first)
    assert second.changes.changed == {"b"} and not second.changes.added and not second.changes.removed
    assert counts(second) == {"a": 2, "b": 3, "c": 2, "d": 2, "e": 2}
    assert seen.listed == 0 and seen.counted == ["b.jsonl"]
    assert counts(first)["b"] == 2  # the earlier reading is unchanged

    # Nothing hinted: nothing looked at, nothing changed.
    seen.reset()
    third = source.read(second)
    assert third.changes.changed == frozenset() and seen.listed == 0 and seen.counted == []

    # A transcript removed and one of no session, as hinted.
    removed = base / "remote" / "transcripts" / "c.jsonl"
    removed.unlink()
    stray = base / "remote" / "transcripts" / "zz.jsonl"
    stray.write_bytes(transcript_line("x"))
    source.note_changes([removed, stray])
    fourth = source.read(third)
    assert fourth.changes.changed == {"c"} and counts(fourth)["c"] == 0
    assert any("zz.jsonl" in w for w in fourth.warnings)
    assert seen.listed == 0


def test_without_a_watcher_every_reading_scans_them_all(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = source.read()
    seen = Listings(monkeypatch)
    append(base, "d", "three")
    second = source.read(first)  # nobody hinted d: a full scan finds it
    assert second.changes.changed == {"d"} and seen.listed == 1


def test_what_a_reading_before_the_watch_could_miss_is_found_after_it(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = source.read()  # before the watch: changes until then were told to nobody
    append(base, "a", "unhinted")
    source.track_changes(True)
    seen = Listings(monkeypatch)
    second = source.read(first)
    assert second.changes.changed == {"a"} and seen.listed == 1  # a full scan: first is no base
    seen.reset()
    third = source.read(second)
    assert third.changes.changed == frozenset() and seen.listed == 0  # now it is


def test_a_reading_from_another_previous_or_after_the_watch_stops_scans_in_full(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    source.track_changes(True)
    first = source.read()
    second = source.read(first)
    seen = Listings(monkeypatch)
    append(base, "e", "unhinted")
    again = source.read(first)  # first is not the last reading: its changes since are unknown
    assert again.changes.changed == {"e"} and seen.listed == 1
    seen.reset()
    append(base, "e", "more")
    source.track_changes(False)
    after = source.read(again)
    assert after.changes.changed == {"e"} and seen.listed == 1 and counts(after)["e"] == 4
    del second


def test_a_failed_reading_keeps_the_hints_for_the_next(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    source.track_changes(True)
    first = source.read()
    source.note_changes([append(base, "a", "three")])
    real = source_module.read_sqlite

    def failing(*args: object, **kwargs: object) -> object:
        raise OSError("boom")

    monkeypatch.setattr(source_module, "read_sqlite", failing)
    with pytest.raises(OSError):
        source.read(first)
    monkeypatch.setattr(source_module, "read_sqlite", real)
    second = source.read(first)
    assert second.changes.changed == {"a"} and counts(second)["a"] == 3


def test_the_safety_net_scans_everything_after_a_while(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    source.track_changes(True)
    first = source.read()
    second = source.read(first)
    append(base, "c", "missed by the system")  # an event that never came
    monkeypatch.setattr(source_module, "FULL_SCAN_SECONDS", 0.0)
    third = source.read(second)
    assert third.changes.changed == {"c"}


def test_under_watch_source_another_processs_append_is_read_without_a_listing(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = threading.Event()
    stop = threading.Event()
    tracked = threading.Event()
    real_track = source.track_changes

    def track(on: bool) -> None:
        real_track(on)
        if on:
            tracked.set()

    monkeypatch.setattr(source, "track_changes", track)
    thread = threading.Thread(target=watch_source, args=(source, changed.set, stop), daemon=True)
    thread.start()
    try:
        assert tracked.wait(TIMEOUT), "the watcher never said its watch was set up"
        first = source.read()
        seen = Listings(monkeypatch)
        path = base / "remote" / "transcripts" / "d.jsonl"
        code = "import os, sys\nfd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)\nos.write(fd, sys.argv[2].encode())\n"
        subprocess.run([sys.executable, "-c", code, str(path), transcript_line("bot").decode()], check=True, timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        reading = first
        while counts(reading)["d"] != 3:
            assert time.monotonic() < deadline, "the append was never read"
            changed.wait(0.5)
            changed.clear()
            reading = source.read(reading)
        assert seen.listed == 0 and set(seen.counted) == {"d.jsonl"}
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    seen.reset()
    append(base, "a", "after the watch")
    assert source.read(reading).changes.changed == {"a"} and seen.listed == 1  # stopped: full scans again


# -- the rows first, their counts after ------------------------------------------


def test_read_rows_reads_no_transcript_and_the_next_reading_counts_them_all(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    (base / "remote" / "transcripts" / "zz.jsonl").write_bytes(transcript_line("stray"))
    (base / "remote" / "transcripts" / "e.jsonl").unlink()  # a session without a transcript
    seen = Listings(monkeypatch)
    rows = source.read_rows()
    assert seen.listed == 0 and seen.counted == []
    assert not rows.counted and set(counts(rows).values()) == {None}
    assert rows.changes.added == set("abcde") and rows.warnings == ()
    append(base, "a", "three")  # between the two readings
    counted = source.read(rows)
    assert counted.counted and counts(counted) == {"a": 3, "b": 2, "c": 2, "d": 2, "e": 0}
    assert counted.changes.changed == set("abcde") and not counted.changes.added and not counted.changes.removed
    assert any("zz.jsonl" in w for w in counted.warnings)
    assert set(counts(rows).values()) == {None}  # the first reading is unchanged
    fresh = SQLiteSource(base / "db" / "tingly.db")
    try:
        full = fresh.read()
        assert counted.summaries() == full.summaries() and counted.warnings == full.warnings
    finally:
        fresh.close()


def test_counts_after_rows_that_changed_meanwhile(base: Path, source: SQLiteSource) -> None:
    import sqlite3

    rows = source.read_rows()
    conn = sqlite3.connect(base / "db" / "tingly.db", isolation_level=None)
    conn.execute("UPDATE remote_sessions SET project = '/moved' WHERE id = 'b'")
    conn.execute("DELETE FROM remote_sessions WHERE id = 'c'")
    conn.close()
    counted = source.read(rows)
    assert counted.changes.removed == {"c"} and counted.changes.changed == set("abde")
    assert counted.summary("b").project == "/moved" and counts(counted) == {"a": 2, "b": 2, "d": 2, "e": 2}
    # A reading of no commit and no transcript change after it is a reading of no change.
    assert not source.read(counted).changes


def test_a_commit_is_reported_again_shortly_after_and_a_transcript_append_once(
    base: Path, source: SQLiteSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.session import watching

    calls: list[float] = []
    stop = threading.Event()
    tracked = threading.Event()
    real_track = source.track_changes

    def track(on: bool) -> None:
        real_track(on)
        if on:
            tracked.set()

    monkeypatch.setattr(source, "track_changes", track)
    thread = threading.Thread(target=watch_source, args=(source, lambda: calls.append(time.monotonic()), stop), daemon=True)
    thread.start()
    try:
        assert tracked.wait(TIMEOUT)
        time.sleep(0.3)
        calls.clear()
        code = ("import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                "c.execute('PRAGMA journal_mode=WAL')\nc.execute(\"UPDATE remote_sessions SET error = 'x' WHERE id = 'a'\")\n")
        subprocess.run([sys.executable, "-c", code, str(base / "db" / "tingly.db")], check=True, timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        # The commit's files may come in one batch of events or in several: the recheck
        # follows the last of them.
        time.sleep(watching.RECHECK_SECONDS * 5)
        assert len(calls) >= 2, calls
        assert calls[-1] - calls[0] >= watching.RECHECK_SECONDS * 0.9
        time.sleep(0.5)
        calls.clear()
        append(base, "b", "three")
        deadline = time.monotonic() + TIMEOUT
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(watching.RECHECK_SECONDS * 3)
        assert len(calls) == 1, calls
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


# -- rows removed: found by counting when the counts allow -------------------------


@pytest.mark.parametrize(
    ("statements", "changes"),
    [
        (["DELETE FROM remote_sessions WHERE id = 'b'"], ((), (), ("b",))),
        (["DELETE FROM remote_sessions WHERE id = 'b'", "INSERT INTO remote_sessions SELECT 'f', chat_id, agent, "
          "project, status, request, response, error, permission_mode, created_at, last_activity, expires_at "
          "FROM remote_sessions WHERE id = 'a'"], (("f",), (), ("b",))),
        (["DELETE FROM remote_sessions WHERE id = 'b'", "UPDATE remote_sessions SET error = 'x' WHERE id = 'c'"],
         ((), ("c",), ("b",))),
        (["UPDATE remote_sessions SET error = 'x' WHERE id = 'c'"], ((), ("c",), ())),
    ],
)
def test_rows_removed_with_others_added_or_changed_in_one_commit(
    base: Path, source: SQLiteSource, statements: list[str], changes: tuple[tuple[str, ...], ...]
) -> None:
    import sqlite3

    first = source.read()
    second = source.read(first)  # the mirror of the rows now holds `second`
    conn = sqlite3.connect(base / "db" / "tingly.db", isolation_level=None)
    conn.execute("BEGIN")
    for statement in statements:
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.close()
    third = source.read(second)
    added, changed, removed = changes
    assert (third.changes.added, third.changes.changed, third.changes.removed) == (set(added), set(changed), set(removed))
    assert set(third) == (set("abcde") | set(added)) - set(removed)


def test_no_hints_while_a_directory_is_not_watched_yet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The transcripts directory appears with the first transcript: until it is watched,
    # a change there has no event, so every reading must look at it in full.
    root = tmp_path / ".tingly-box"
    go_database(root / "db" / "tingly.db", go_row("a"))
    source = SQLiteSource(root / "db" / "tingly.db")
    calls: list[bool] = []
    monkeypatch.setattr(source, "track_changes", calls.append)
    changed, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch_source, args=(source, changed.set, stop), daemon=True)
    thread.start()
    try:
        time.sleep(1.5)  # past the first timeout: a watch of the database directory alone is set up
        assert calls == []
        (root / "remote" / "transcripts").mkdir(parents=True)
        deadline = time.monotonic() + TIMEOUT
        while calls != [True] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert calls == [True]  # both directories watched now
    finally:
        stop.set()
        thread.join(timeout=5)
        source.close()
    assert calls == [True, False]
