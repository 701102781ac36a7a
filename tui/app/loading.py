"""``Loading``: reading the store in a worker, watching it, and taking each reading in.

One read at a time (one more if asked meanwhile); a reading that fails keeps
the last good one on screen; while paused, a change is noted, not read.
"""

from __future__ import annotations

import gc
import threading
import time

from textual import on, work

from tui.session import Reading, StoreError, watch_source

from .base import AppBase
from .handoff import Handoff
from .messages import FileChanged, SnapshotFailed, SnapshotLoaded
from .priority import lower_this_thread
from .state.classify import live_expiries
from .state.tree_model import ChatRow, SessionRow


class Loading(AppBase):
    """The load, watch and discard workers and the handlers of what they post."""

    _loading: bool
    _load_again: bool
    _stop_watching: threading.Event

    def request_load(self) -> None:
        """Read the store again (coalesced: one read at a time, one more if asked meanwhile)."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self._load(Handoff(self.snapshot))

    # Every worker has a description: without one, Textual builds it from the
    # repr() of the arguments, on the UI thread (a whole reading, 100s of ms).
    @work(thread=True, exit_on_error=False, group="load", description="read the session store")
    def _load(self, previous: Handoff[Reading | None]) -> None:
        base = previous.take()  # the finished worker must not pin the reading
        if base is not None:  # (the first reading at the UI's priority: until it comes, nothing is on screen)
            lower_this_thread()
        started = time.monotonic()
        try:
            # The first reading may come without message counts; once drawn, the next reading counts.
            snapshot = self.source.read_first() if base is None else self.source.read(base)
        except StoreError as exc:  # invalid, unreadable, a database busy: the last good view stays
            self.post_message(SnapshotFailed(str(exc)))
        except Exception as exc:  # never let a reader bug take the app down
            self.post_message(SnapshotFailed(f"{self.path}: cannot read: {exc!r}"))
        else:
            # The status bar's counts, computed here rather than on the UI thread.
            self.post_message(SnapshotLoaded(snapshot, snapshot.stats(), live_expiries(snapshot.summaries()), started))

    @work(thread=True, exit_on_error=False, group="discard", description="free an old reading")
    def _discard(self, retired: Handoff[object]) -> None:
        """Drop the last references to an old reading here, not on the UI thread:
        freeing a file's worth of bytes takes tens of milliseconds. (At normal
        priority: the sooner it is freed, the lower the app's peak memory.)"""
        retired.take()

    @work(thread=True, exit_on_error=False, group="watch", description="watch the session store")
    def _watch(self) -> None:
        watch_source(self.source, lambda: self.post_message(FileChanged()), self._stop_watching)

    @on(FileChanged)
    def _file_changed(self) -> None:
        if not self.paused:
            self.request_load()
        else:
            self._missed_change = True
            self._update_chrome()

    @on(SnapshotLoaded)
    def _snapshot_loaded(self, message: SnapshotLoaded) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        snapshot = message.snapshot
        first = self.snapshot is None
        # After a reading without counts, the counts arrive: load them, not changes to flash.
        counts_arrived = not first and not self.snapshot.counted
        # Held in a Handoff, not a local: the worker's take() must drop the last reference.
        retired: Handoff[object] = Handoff((self.snapshot, self._reading_counts))
        self.snapshot, self.error, self.reloaded = snapshot, None, self.clock()
        self._reading_counts = (snapshot, message.counts, message.expiries)
        if not first:
            self._discard(retired)
        touched: set[str] = set()
        if first or counts_arrived:
            self.tree.load(snapshot)
        elif snapshot.changes:
            touched = self.tree.apply(snapshot, snapshot.changes)
        cursor = self.tree.cursor
        if (
            first
            or (isinstance(cursor, SessionRow) and cursor.session_id in snapshot.changes.changed)
            or (isinstance(cursor, ChatRow) and cursor.chat_id in touched)  # its counts changed
        ):
            self._show_selection()
        if self.undo.observe(snapshot, message.started, self.clock()):
            self._show_undone()
        self._update_chrome()
        if snapshot.counted:
            self._finish_load()
        else:  # the rows are drawn first, then their counts read (the load goes on meanwhile)
            self.call_after_refresh(self._load, Handoff(snapshot))
        if self.tree.filter.text and not first and snapshot.changes:
            self._search_texts(snapshot.changes)  # the found sessions of the new reading
        if first:
            # What is alive after the first reading (the app's widgets, the
            # summaries, the tree) lives as long as the app: keep it out of the
            # collector's full passes, which on a large file otherwise stall the
            # UI for 50-200 ms every few seconds. (Frozen objects are still freed
            # by reference counting; only cycles among them would never be.)
            gc.freeze()

    @on(SnapshotFailed)
    def _snapshot_failed(self, message: SnapshotFailed) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        self.error = message.error
        self._update_chrome()
        self._finish_load()

    def _finish_load(self) -> None:
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.request_load()

    def action_toggle_pause(self) -> None:
        """Pause or resume live updates (a paused view says when the store changed)."""
        self.paused = not self.paused
        if not self.paused and self._missed_change:
            self._missed_change = False
            self.request_load()
        self._update_chrome()

    def action_reload(self) -> None:
        """Read the store now, even when paused."""
        self._missed_change = False
        self.request_load()
