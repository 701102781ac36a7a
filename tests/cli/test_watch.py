"""``session-tui watch`` as a real process: lines per change while the file is written, exit 0 on a signal."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import timezone
from pathlib import Path
from typing import IO, Any

import pytest
from clifiles import LIVE, every_kind
from hostile import HOSTILE_CHAT, HOSTILE_PROJECT, RAW_CONTROL
from rawfiles import go_session, write_json

from tui.session import Manager, Message, SessionStoreJSON, SessionStoreSQLite

#: Generous: the machine running the tests may be busy.
TIMEOUT = 30


class Watching:
    """``python -m tui watch ARGS...`` running, its output lines read as they come."""

    def __init__(self, *args: object, cwd: Path) -> None:
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        env.pop("PYTHONUNBUFFERED", None)  # stdout is a pipe, buffered as for any script reading it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", "watch", *map(str, args)],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _pump(stream: IO[str] | None, lines: queue.Queue[str]) -> None:
        assert stream is not None
        for line in stream:
            lines.put(line.rstrip("\n"))

    def line(self) -> str:
        """The next line on stdout (fails after :data:`TIMEOUT`)."""
        try:
            return self.out.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no line from watch in {TIMEOUT}s; stderr: {self.drain_err()}")

    def change(self) -> dict[str, Any]:
        """The next line on stdout, as JSON."""
        return json.loads(self.line())

    def err_line(self) -> str:
        """The next line on stderr (fails after :data:`TIMEOUT`)."""
        try:
            line = self.err.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no line on stderr from watch in {TIMEOUT}s")
        self.errors.append(line)
        return line

    def drain_err(self) -> list[str]:
        while not self.err.empty():
            self.errors.append(self.err.get())
        return self.errors

    def quiet_for(self, seconds: float) -> None:
        """Assert that nothing more comes on stdout for ``seconds``."""
        with pytest.raises(queue.Empty):
            extra = self.out.get(timeout=seconds)
            pytest.fail(f"unexpected line: {extra!r}")

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Send ``signum`` and wait for the exit status."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"watch did not stop on signal {signum}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def watching(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Start ``watch`` processes; any still running at the end is killed."""
    started: list[Watching] = []

    def start(*args: object) -> Watching:
        watch = Watching(*args, cwd=tmp_path)
        started.append(watch)
        return watch

    yield start
    for watch in started:
        watch.kill()


def manager(path: Path) -> Manager:
    return Manager(store=SessionStoreJSON(path), background=False)


def test_json_lines_follow_a_manager_writing(watching, sessions_file: Path) -> None:
    watch = watching(sessions_file, "--json")
    assert watch.err_line() == f"session-tui watch: watching {sessions_file} (13 sessions); Ctrl-C stops"
    with manager(sessions_file) as sessions:
        created = sessions.create_with(HOSTILE_CHAT, "claude", HOSTILE_PROJECT)
        raw = watch.line()
        # The sessions already there are not printed; session text is escaped.
        assert RAW_CONTROL.search(raw) is None and "\\u2028" in raw and "\\u202e" in raw and "\\u001b" in raw
        added = json.loads(raw)
        assert added == {
            "change": "added", "id": created.id, "chat": HOSTILE_CHAT, "agent": "claude",
            "project": HOSTILE_PROJECT, "status": "pending",
            "last_activity": created.last_activity.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "messages": 0,
        }
        sessions.set_running(created.id)
        change = watch.change()
        assert (change["change"], change["id"], change["status"]) == ("changed", created.id, "running")
        sessions.append_message(created.id, Message(role="user", content="hello"))
        change = watch.change()
        assert (change["change"], change["id"], change["status"], change["messages"]) == ("changed", created.id, "running", 1)
        sessions.close(created.id)
        change = watch.change()
        assert (change["change"], change["status"]) == ("changed", "closed")
        sessions.delete(created.id)
        change = watch.change()
        assert (change["change"], change["id"], change["status"], change["messages"]) == ("removed", created.id, "closed", 1)
        sessions.delete(LIVE)  # a session that was there before watching: described as last seen
        change = watch.change()
        assert (change["change"], change["id"], change["chat"], change["status"]) == ("removed", LIVE, "chat-2", "running")
    assert watch.stop(signal.SIGINT) == 0
    assert watch.drain_err() == [watch.errors[0]]  # nothing on stderr but the first line
    watch.quiet_for(0.1)


def test_a_missing_file_is_waited_for_and_sigterm_exits_0(watching, tmp_path: Path) -> None:
    later = tmp_path / "later.json"
    watch = watching(later)
    assert watch.err_line() == f"session-tui watch: watching {later} (no such file yet, waiting for it); Ctrl-C stops"
    with manager(later) as sessions:
        created = sessions.create_with("chat-9", "claude", "/srv/app")
    line = watch.line()
    assert line.startswith(f"added    {created.id}  pending    ")
    assert line.endswith("  0 msgs  chat-9")
    assert watch.stop(signal.SIGTERM) == 0
    assert "Traceback" not in "".join(watch.drain_err())


def test_an_invalid_file_is_a_warning_and_watching_goes_on(watching, sessions_file: Path) -> None:
    watch = watching(sessions_file)
    watch.err_line()
    good = sessions_file.read_bytes()
    sessions_file.write_bytes(good[: len(good) // 2])  # a writer half-way through, in place
    warning = watch.err_line()
    assert warning.startswith(f"session-tui watch: warning: {sessions_file}: ")
    assert warning.endswith("(still watching)")
    assert watch.process.poll() is None
    doc = every_kind()
    new_id = "99999999-0000-4000-8000-000000000009"
    doc["items"][new_id] = go_session(new_id, ChatID="chat\x1b[2Jevil\u202e", Status="failed")
    write_json(sessions_file, doc)
    # Compared with the last good reading: only the new session changed.
    line = watch.line()
    assert RAW_CONTROL.search(line) is None
    assert line.startswith(f"added    {new_id}  failed     2026-11-24T05:42:57Z  1 msg  chat␛[2Jevil⟨RLO⟩")
    watch.quiet_for(1.0)
    assert watch.stop() == 0


def test_a_base_directory_is_watched_for_its_database(watching, tmp_path: Path) -> None:
    # A directory is tingly-box's base directory (SPEC §7): with no store yet its database
    # is waited for, then rows and transcript lines written by another writer are followed.
    base = tmp_path / "base"
    base.mkdir()
    watch = watching(base, "--json")
    assert watch.err_line() == f"session-tui watch: watching {base} (no such file yet, waiting for it); Ctrl-C stops"
    with Manager(store=SessionStoreSQLite(base / "db" / "tingly.db"), background=False) as sessions:
        created = sessions.create_with("chat-9", "claude", "/work/p")
        first = watch.change()
        assert (first["change"], first["id"], first["status"], first["messages"]) == ("added", created.id, "pending", 0)
        assert sessions.append_message(created.id, Message("user", "hello"))
        change = watch.change()
        assert (change["change"], change["id"], change["messages"]) == ("changed", created.id, 1)
        sessions.close(created.id)
        change = watch.change()
        assert (change["change"], change["status"]) == ("changed", "closed")
        assert sessions.delete(created.id)
        assert watch.change()["change"] == "removed"
    watch.quiet_for(1.0)
    assert watch.stop() == 0


def test_extra_words_are_bad_usage(cli, tmp_path: Path) -> None:
    result = cli("watch", tmp_path / "a.json", "extra")
    assert result.code == 2 and len(result.err.splitlines()) == 1


def test_the_commands_load_no_ui() -> None:
    # watch uses the library's watcher (tui.session.watching): importing it must not bring Textual in.
    code = (
        "import sys, tui.cli.commands\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=TIMEOUT)
    assert done.stdout.strip() == ""
    assert "tui.session.watching" in subprocess.run(
        [sys.executable, "-c", "import sys, tui.cli.commands; print(*sys.modules)"],
        capture_output=True, text=True, check=True, timeout=TIMEOUT,
    ).stdout.split()
