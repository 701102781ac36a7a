"""``EditLedger``: the edits a process made, and which of them a later reading shows undone.

Between session-tui processes an edit stays made. A writer that takes no
lock (the Go bot's store, see :mod:`.writers`) undoes it at its next write,
and the call that made it has long returned True. The ledger is how the CLI
(``--verify``) and the app notice: record each close, delete or cleanup as
it is made, then hand every later reading of the file to :meth:`check`.

Plain data, no I/O, no clock of its own: safe to use from one thread at a
time (the app's UI thread, the CLI's main thread).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .reading import Reading
from .status import Status
from .summary import SessionSummary


class EditKind(str, Enum):
    """What an edit did to a session."""

    CLOSE = "close"
    DELETE = "delete"
    CLEANUP = "cleanup"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Edit:
    """One session changed by this process: what was done to it, and when."""

    session_id: str
    kind: EditKind
    at: datetime


@dataclass(frozen=True, slots=True)
class UndoneEdit:
    """An edit a reading shows undone, and the session as it is in that reading."""

    edit: Edit
    #: The session now: present again (a delete or cleanup undone) or not
    #: closed any more (a close undone).
    now: SessionSummary

    @property
    def session_id(self) -> str:
        return self.edit.session_id

    @property
    def status(self) -> Status | str:
        """The session's status in the reading (e.g. ``running``)."""
        return self.now.status

    def describe(self, width: int = 8) -> str:
        """``close of 5ff0094f undone: running again`` (the id cut to ``width`` characters, 0: whole).

        The id and status come from the file: show them as untrusted text.
        """
        sid = self.session_id[:width] if width else self.session_id
        state = f"{self.status} again" if self.edit.kind is EditKind.CLOSE else f"back, {self.status}"
        return f"{self.edit.kind} of {sid} undone: {state}"


class EditLedger:
    """The closes, deletes and cleanups this process made, by session id.

    :meth:`record` each edit once its write returned; :meth:`check` a later
    reading to learn which were undone. An id recorded again replaces its
    earlier edit (a session closed, then deleted, is checked as deleted).
    Readings taken before the edit's write returned must not be checked:
    they show the session as it was.
    """

    def __init__(self) -> None:
        self._edits: dict[str, Edit] = {}

    def __len__(self) -> int:
        return len(self._edits)

    def __iter__(self) -> Iterator[Edit]:
        return iter(list(self._edits.values()))

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._edits

    def record(self, kind: EditKind | str, session_ids: Iterable[str], at: datetime) -> list[Edit]:
        """Note that ``session_ids`` were closed, deleted or cleaned up at ``at``; returns the edits."""
        kind = EditKind(kind)
        edits = [Edit(sid, kind, at) for sid in dict.fromkeys(session_ids)]
        for edit in edits:
            self._edits.pop(edit.session_id, None)  # the newest edit goes last
            self._edits[edit.session_id] = edit
        return edits

    def check(self, snap: Reading) -> list[UndoneEdit]:
        """The recorded edits ``snap`` shows undone, in the order they were made.

        A close is undone when the session is there with any status but
        ``closed``; a delete or cleanup when the session is there at all. A
        closed session that is gone (deleted since) is not undone.
        """
        undone = []
        for edit in self._edits.values():
            summary = snap.summary(edit.session_id)
            if summary is None:
                continue
            if edit.kind is EditKind.CLOSE and summary.status == Status.CLOSED:
                continue
            undone.append(UndoneEdit(edit, summary))
        return undone

    def forget(self, session_ids: Iterable[str]) -> None:
        """Stop watching these sessions (a notice about them was dismissed)."""
        for sid in session_ids:
            self._edits.pop(sid, None)

    def forget_before(self, moment: datetime) -> None:
        """Stop watching edits made before ``moment``."""
        self._edits = {sid: e for sid, e in self._edits.items() if e.at >= moment}

    def clear(self) -> None:
        """Forget every edit."""
        self._edits.clear()
