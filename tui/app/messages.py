"""Messages that workers post to the app. Workers never touch widgets."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from tui.session import EditKind, Reading, Session, SessionSummary

from .widgets.strip_view import Prepared


@dataclass
class FileChanged(Message):
    """The watcher saw the session store change (or appear, or vanish)."""


@dataclass
class SnapshotLoaded(Message):
    """A new reading of the store; ``snapshot.changes`` is relative to the one shown.

    ``counts`` (per status) and ``expiries`` (the sorted expiry POSIX times of live
    sessions per live status, from which the stale count at any moment is a
    bisection; see :mod:`tui.app.state.classify`) are
    computed by the worker: on 50k sessions that is ~50 ms the UI thread
    would otherwise spend per reading and per tick.
    """

    snapshot: Reading
    counts: dict[str, int]
    expiries: dict[str, list[float]]
    #: ``time.monotonic()`` when the reading began (only edits done by then are checked).
    started: float


@dataclass
class TextSearched(Message):
    """The sessions whose response, error or messages hold ``needle`` in ``snapshot``
    (see :mod:`tui.app.state.search`)."""

    needle: str
    snapshot: Reading
    found: frozenset[str]


@dataclass
class SnapshotFailed(Message):
    """The store could not be read (invalid, unreadable, a database busy); the last good view stays."""

    error: str


@dataclass
class DetailLoaded(Message):
    """The full session under the cursor, decoded off the UI thread."""

    sequence: int
    session_id: str
    session: Session | None
    summary: SessionSummary | None = None
    error: str | None = None
    #: Both panes laid out by the worker, at the widths they had when asked.
    detail: Prepared | None = None
    history: Prepared | None = None


@dataclass
class EditDone(Message):
    """An edit went through the Manager."""

    kind: EditKind
    requested: list[str]
    done: list[str]
    removed: int = 0
    #: The ids a cleanup removed (as far as the readings around its write tell).
    removed_ids: list[str] = field(default_factory=list)
    #: ``time.monotonic()`` when the write returned.
    returned: float = 0.0


@dataclass
class EditFailed(Message):
    """An edit failed; nothing was written half-way."""

    kind: EditKind
    error: str
