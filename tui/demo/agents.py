"""Simulated chat bots driving coding agents, for ``session-tui --demo``.

They write a session store (a JSON file, or a base directory that gets
tingly-box's SQLite database and transcripts) through the real
:class:`~tui.session.Manager` and the store its :class:`~tui.session.Source`
hands out, in a background thread, so the app sees the demo exactly as it
sees a real bot: store, watcher, screen. No Textual here.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tui.session import LIVE_STATUSES, Config, Manager, Message, Status, open_source

CHATS = ("5302729479", "-1001947779410", "oc_7b169c846f218ab552fa82fbf86758bf", "C0VI7HVSZWK")
AGENTS = ("claude", "tingly-box")
PROJECTS = ("/home/alice/projects/tingly-box", "/srv/项目/后端服务", "~/notes", "D:\\work\\R&D\\tool")
REQUESTS = (
    "Fix the flaky test in the scheduler",
    "帮我看一下这个函数为什么会死锁？",
    "Add pagination to the /sessions endpoint",
    "Why does the build fail on ARM?",
    "Refactor the config loader into its own module",
)
REPLIES = (
    "Looking at the code now.",
    "Found it: the lock is taken twice when the queue is empty.",
    "Running the test suite…",
    "All 214 tests pass. Summary of the change:\n- moved the lock\n- added a regression test",
    "I need the deploy key to go on; the CI log says: permission denied (publickey).",
)
# A hostile request, shown inert: markup that would quit the app, and an escape sequence.
HOSTILE_REQUEST = "[@click=app.quit]click me[/] \x1b]0;owned\x07 <b>bold?</b>"


class _Clock:
    """A clock the demo can wind back to write old sessions."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) - self.offset


@dataclass
class DemoAgents:
    """Seed a session store with history, then keep agents working on it."""

    #: A JSON session file, or a base directory (then a SQLite store: ``db/tingly.db``
    #: and ``remote/transcripts/``), as :func:`~tui.session.open_source` reads it.
    path: Path
    #: Seconds between simulated events (roughly).
    pace: float = 0.8
    seed: int | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Seed the store (synchronously, so the app opens on data) and start the agents."""
        self._clock = _Clock()
        self._random = random.Random(self.seed)
        source = open_source(self.path)
        #: Whether the store keeps a session's context (tingly-box's table has no column for it).
        self._keeps_context = source.kind == "json"
        store = source.store(clock=self._clock)
        self._manager = Manager(Config(timeout=timedelta(minutes=30)), store, clock=self._clock, background=False)
        self._seed_history()
        self._thread = threading.Thread(target=self._run, name="demo-agents", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the agents and wait for them."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._manager.stop()

    # -- the story --------------------------------------------------------------

    def _seed_history(self) -> None:
        manager, clock, rnd = self._manager, self._clock, self._random
        # Old sessions worth cleaning up: days old, ended one way or another.
        for days, status in ((9, "closed"), (12, "completed"), (15, "failed"), (8, "closed"), (3, "completed")):
            clock.offset = timedelta(days=days, minutes=rnd.randrange(600))
            session = manager.create_with(rnd.choice(CHATS), rnd.choice(AGENTS), rnd.choice(PROJECTS))
            manager.set_request(session.id, rnd.choice(REQUESTS))
            manager.append_message(session.id, Message("user", rnd.choice(REQUESTS)))
            manager.append_message(session.id, Message("assistant", rnd.choice(REPLIES)))
            if status == "failed":
                manager.set_failed(session.id, "agent exited with status 1")
            elif status == "completed":
                manager.set_completed(session.id, "Done.")
            else:
                manager.close(session.id)
        # A stale one: still "running" but long past its expiry (its bot died).
        clock.offset = timedelta(hours=2)
        stale = manager.create_with(CHATS[1], "claude", PROJECTS[0])
        manager.set_running(stale.id)
        manager.append_message(stale.id, Message("user", "Migrate the database"))
        manager.clear()  # forget it: its bot is gone, nobody touches it again
        # The hostile one: its text must show literally and do nothing.
        clock.offset = timedelta(minutes=20)
        hostile = manager.create_with(CHATS[2], "claude", PROJECTS[2])
        manager.set_request(hostile.id, HOSTILE_REQUEST)
        manager.append_message(hostile.id, Message("user", HOSTILE_REQUEST))
        manager.set_completed(hostile.id, "Rendered safely.")
        manager.clear()
        clock.offset = timedelta(0)
        for _ in range(4):
            self._start_session()

    def _run(self) -> None:
        while not self._stop.wait(self._random.uniform(0.3, 1.7) * self.pace):
            try:
                self._step()
            except Exception:  # a demo agent never takes the demo down
                continue

    def _step(self) -> None:
        manager, rnd = self._manager, self._random
        live = [s for s in manager.list() if s.status in LIVE_STATUSES]
        if len(live) < 3 or rnd.random() < 0.12:
            self._start_session()
            return
        session = rnd.choice(live)
        if session.status == Status.PENDING:
            manager.set_running(session.id)
            return
        replies = len(session.messages or ())
        roll = rnd.random()
        if replies >= 6 and roll < 0.25:
            manager.set_completed(session.id, "All done: " + rnd.choice(REPLIES))
        elif replies >= 4 and roll < 0.32:
            manager.set_failed(session.id, "agent crashed: context window exceeded")
        elif replies >= 8 and roll < 0.4:
            manager.close(session.id)
        else:
            role = "assistant" if replies % 2 else "user"
            text = rnd.choice(REPLIES if role == "assistant" else REQUESTS)
            summary = text.split("\n")[0][:40] if role == "assistant" and rnd.random() < 0.4 else ""
            manager.append_message(session.id, Message(role, text, summary))

    def _start_session(self) -> None:
        manager, rnd = self._manager, self._random
        session = manager.create_with(rnd.choice(CHATS), rnd.choice(AGENTS), rnd.choice(PROJECTS))
        request = rnd.choice(REQUESTS)
        manager.set_request(session.id, request)
        manager.append_message(session.id, Message("user", request))
        if self._keeps_context:
            manager.set_context(session.id, "platform", rnd.choice(("telegram", "feishu", "slack")))
