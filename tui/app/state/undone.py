"""``UndoTracker``: the app's edits, the writer of each reading, and the notice about undone edits.

Plain Python (no Textual), owned by the app's UI thread. A writer that
takes no lock (the Go bot's store) undoes a close, delete or cleanup at its
next write (SPEC §6). The app records each edit once its write returned
(:meth:`UndoTracker.edited`) and hands every later reading to
:meth:`UndoTracker.observe`; what a reading shows undone joins the notice
and stays there until :meth:`UndoTracker.dismiss`. A dismissed edit is
forgotten, so the notice does not come back for it; a new edit of the same
session is watched afresh.

Readings are only checked against edits whose write returned before the
reading *started* (monotonic times): a reading begun before the write shows
the session as it was, which is no undo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.session import UNKNOWN_WRITER, EditKind, EditLedger, Reading, UndoneEdit, WriterInfo


@dataclass(frozen=True)
class Undo:
    """An edit a reading showed undone, and whether a writer that takes no lock did it."""

    undone: UndoneEdit
    #: The reading was written by such a writer, or one wrote within the window.
    by_bot: bool


class UndoTracker:
    """What the app edited, who writes the file, and which edits were undone (until dismissed)."""

    def __init__(self) -> None:
        self._ledger = EditLedger()
        #: When each recorded edit's write returned (``time.monotonic()``).
        self._returned: dict[str, float] = {}
        self._shown: dict[str, Undo] = {}
        #: The writer of the latest reading.
        self.writer: WriterInfo = UNKNOWN_WRITER

    def edited(self, kind: EditKind | str, session_ids: Iterable[str], at: datetime, returned: float) -> None:
        """Record an edit the app made; its write returned at monotonic time ``returned``.

        A session edited again is watched as its newest edit; it leaves the
        notice (the user acted on it again).
        """
        for edit in self._ledger.record(kind, session_ids, at):
            self._returned[edit.session_id] = returned
            self._shown.pop(edit.session_id, None)

    def observe(self, snapshot: Reading, started: float | None, now: datetime) -> bool:
        """Take in a reading begun at monotonic time ``started``; True if the notice changed.

        ``started=None`` (not known): only the writer is noted, no edit is checked.
        """
        # A store whose every writer takes its lock (SQLite) has no writer to tell.
        self.writer = snapshot.writer if isinstance(snapshot.writer, WriterInfo) else UNKNOWN_WRITER
        if started is None or not len(self._ledger):
            return False
        by_bot = self.writer.foreign or self.writer.recent(now)
        changed = False
        for undone in self._ledger.check(snapshot):
            sid = undone.session_id
            if self._returned.get(sid, float("inf")) > started:
                continue  # this reading began before the edit's write returned
            before = self._shown.get(sid)
            if before is None or before.undone.now.status != undone.now.status:
                self._shown[sid] = Undo(undone, by_bot or (before is not None and before.by_bot))
                changed = True
        return changed

    @property
    def undone(self) -> list[Undo]:
        """The edits shown undone, oldest first."""
        return sorted(self._shown.values(), key=lambda u: u.undone.edit.at)

    def __len__(self) -> int:
        """How many edits are shown undone."""
        return len(self._shown)

    def dismiss(self) -> list[str]:
        """Clear the notice and stop watching its sessions; returns their ids."""
        ids = list(self._shown)
        self._ledger.forget(ids)
        for sid in ids:
            self._returned.pop(sid, None)
        self._shown.clear()
        return ids

    def foreign_age(self, now: datetime) -> timedelta | None:
        """How long ago a writer that takes no lock wrote, while that is recent; else ``None``.

        Never negative (a foreign version stamped a moment ahead of ``now`` is "just now").
        """
        if not self.writer.recent(now):
            return None
        age = self.writer.age(now)
        return max(age, timedelta(0)) if age is not None else None
