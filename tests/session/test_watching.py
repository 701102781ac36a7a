"""``watch_source``: another process's WAL commit, transcript append or file replace is seen at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlitefiles import go_database, go_row, transcript_line

from tui.session import JSONSource, SQLiteSource, Source, open_source, watch_source
from tui.session import watching

TIMEOUT = 30
#: What "at once" means here (the debounce is 40 ms; the machine is shared).
SOON = 3.0


class Watch:
    """A watcher thread on a source, counting the changes it reports."""

    def __init__(self, source: Source) -> None:
        self.changed = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch_source, args=(source, self.changed.set, self.stop), daemon=True)
        self.thread.start()

    def ready(self, poke: Callable[[], None]) -> None:
        """Poke until the watcher reports, so that it is surely set up; then forget that report."""
        deadline = time.monotonic() + TIMEOUT
        while not self.changed.wait(0.2):
            assert time.monotonic() < deadline, "the watcher never reported"
            poke()
        time.sleep(0.2)  # let the debounce settle
        self.changed.clear()

    def seen_within(self, seconds: float) -> float | None:
        """Seconds until the next report, or ``None`` if none came within ``seconds``."""
        started = time.monotonic()
        if not self.changed.wait(seconds):
            return None
        self.changed.clear()
        return time.monotonic() - started

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


@pytest.fixture
def watches() -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for watch in started:
        watch.close()


def in_other_process(code: str, *args: object) -> None:
    subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True, timeout=TIMEOUT)


COMMIT = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('PRAGMA journal_mode=WAL')\n"
    "conn.execute(\"UPDATE remote_sessions SET status = 'closed' WHERE id = 'a'\")\n"
)
APPEND = (
    "import os, sys\n"
    "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)\n"
    "os.write(fd, sys.argv[2].encode())\n"
)


@pytest.fixture
def base(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / ".tingly-box"
    db = go_database(root / "db" / "tingly.db", go_row("a"), go_row("b"))
    # One connection stays open, as the bot's does, so that commits stay in the WAL.
    keeper = sqlite3.connect(db)
    keeper.execute("SELECT 1 FROM remote_sessions").fetchall()
    (root / "remote" / "transcripts").mkdir(parents=True)
    (root / "remote" / "transcripts" / "a.jsonl").write_bytes(transcript_line("one"))
    yield root
    keeper.close()


def _poke_transcripts(base: Path) -> Callable[[], None]:
    ready = base / "remote" / "transcripts" / "ready.jsonl"
    return lambda: ready.write_bytes(transcript_line("ping"))


def test_a_wal_commit_and_a_transcript_append_are_seen_and_other_files_are_not(base: Path, watches: list[Watch]) -> None:
    source = open_source(base)
    watch = Watch(source)
    watches.append(watch)
    watch.ready(_poke_transcripts(base))
    db = base / "db" / "tingly.db"

    in_other_process(COMMIT, db)
    assert db.with_name("tingly.db-wal").stat().st_size > 0  # the commit is in the WAL, not the database
    assert (latency := watch.seen_within(SOON)) is not None, "a WAL commit was not seen"
    print(f"WAL commit reported {latency * 1000:.0f} ms after the writer exited")

    in_other_process(APPEND, base / "remote" / "transcripts" / "a.jsonl", transcript_line("two").decode())
    assert (latency := watch.seen_within(SOON)) is not None, "a transcript append was not seen"
    print(f"transcript append reported {latency * 1000:.0f} ms after the writer exited")

    time.sleep(0.2)
    watch.changed.clear()
    (base / "db" / "notes.txt").write_text("not the database")
    (base / "remote" / "transcripts" / "README").write_text("not a transcript")
    os.utime(db.with_name("tingly.db-shm"))
    assert watch.seen_within(0.6) is None


def test_a_json_file_replaced_by_rename_is_seen(tmp_path: Path, watches: list[Watch]) -> None:
    path = tmp_path / "bot_sessions.json"
    path.write_text('{"version": 1, "items": {}}')
    watch = Watch(JSONSource(path))
    watches.append(watch)
    watch.ready(lambda: path.write_text('{"version": 1, "items": {}}'))
    in_other_process(
        "import os, sys\nopen(sys.argv[1] + '.tmp', 'w').write('{}')\nos.replace(sys.argv[1] + '.tmp', sys.argv[1])\n",
        path,
    )
    assert watch.seen_within(SOON) is not None
    (tmp_path / "bot_sessions.json.lock").write_text("")  # our writers' lock beside it: not a change
    assert watch.seen_within(0.6) is None


def test_a_transcripts_directory_that_appears_later_is_watched(tmp_path: Path, watches: list[Watch]) -> None:
    root = tmp_path / "base"
    go_database(root / "db" / "tingly.db", go_row("a"))
    source = SQLiteSource(root / "db" / "tingly.db")
    watch = Watch(source)
    watches.append(watch)
    watch.ready(lambda: in_other_process(COMMIT, root / "db" / "tingly.db"))
    transcripts = root / "remote" / "transcripts"
    transcripts.mkdir(parents=True)
    assert watch.seen_within(SOON) is not None  # the directory appeared
    time.sleep(0.2)
    watch.changed.clear()
    in_other_process(APPEND, transcripts / "a.jsonl", transcript_line("first").decode())
    assert watch.seen_within(SOON) is not None  # and is watched now


def test_a_file_in_a_directory_that_does_not_exist_yet_is_waited_for(
    tmp_path: Path, watches: list[Watch], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watching, "POLL_SECONDS", 0.05)
    path = tmp_path / "later" / "bot_sessions.json"
    watch = Watch(open_source(path))
    watches.append(watch)
    assert watch.seen_within(0.3) is None
    path.parent.mkdir()
    path.write_text("{}")
    assert watch.seen_within(SOON) is not None


def test_where_directories_cannot_be_watched_relevant_files_are_polled(
    base: Path, watches: list[Watch], monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot_watch(*_args: object, **_kwargs: object) -> Iterator[set[object]]:
        raise OSError("no inotify here")
        yield set()  # pragma: no cover - a generator, as watchfiles.watch is

    monkeypatch.setattr(watching.watchfiles, "watch", cannot_watch)
    monkeypatch.setattr(watching, "POLL_SECONDS", 0.05)
    watch = Watch(open_source(base))
    watches.append(watch)
    time.sleep(0.2)  # the first poll state is taken
    in_other_process(APPEND, base / "remote" / "transcripts" / "a.jsonl", transcript_line("two").decode())
    assert watch.seen_within(SOON) is not None
    in_other_process(COMMIT, base / "db" / "tingly.db")
    assert watch.seen_within(SOON) is not None
    time.sleep(0.3)  # a commit may touch the WAL and the database in two polls
    watch.changed.clear()
    (base / "db" / "notes.txt").write_text("not the database")
    assert watch.seen_within(0.4) is None
