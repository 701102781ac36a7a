"""``Reading``: one immutable reading of any session store, and what changed since the last.

The app, the CLI and the demo hold readings through this protocol only:
:class:`~tui.session.snapshot.Snapshot` (a JSON file) and
:class:`~tui.session.sqlite.reading.SQLiteReading` (tingly-box's database)
both satisfy it. A :class:`~tui.session.Source` makes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from .model import Session
from .snapshot import ChangeSet
from .summary import SessionSummary


@runtime_checkable
class Reading(Protocol):
    """One immutable reading of a store.

    ``len``, ``in`` and iteration go over the session ids of the reading.
    Summaries are part of the reading; a full session is read on demand
    (:meth:`session`).
    """

    #: The file read: the JSON file, or the SQLite database.
    path: Path
    #: False when there was no store to read (the reading is then empty).
    exists: bool
    #: Session ids added, changed and removed since the reading passed as ``previous``.
    changes: ChangeSet
    #: Non-fatal problems found while reading, one line each (e.g. transcripts of no session).
    warnings: tuple[str, ...]
    #: Who wrote this version, when the store can tell (JSON: see writers);
    #: ``None`` for stores where every writer is safe (SQLite).
    writer: object | None
    #: False for a first reading made without the message counts (each
    #: summary's ``message_count`` is ``None``; see :meth:`Source.read_first
    #: <tui.session.source.Source.read_first>`); True otherwise.
    counted: bool

    def __len__(self) -> int:
        """How many sessions the reading holds."""

    def __contains__(self, session_id: object) -> bool:
        """Whether the reading holds a session of this id."""

    def __iter__(self) -> Iterator[str]:
        """The session ids, in the store's order."""

    def summary(self, session_id: str) -> SessionSummary | None:
        """The summary of one session, or ``None`` if the reading does not hold it."""

    def summaries(self) -> list[SessionSummary]:
        """Every session's summary, in the store's order."""

    def session(self, session_id: str) -> Session | None:
        """One full session, history included, or ``None`` if absent.

        Raises a :class:`~tui.session.StoreError` subclass for a session
        that cannot be decoded.
        """

    def stats(self) -> dict[str, int]:
        """Counts per status plus ``total`` (see :func:`~tui.session.count_statuses`)."""

    def search(
        self, needle: str, *, only: Iterable[str] | None = None, cancelled: Callable[[], bool] | None = None
    ) -> frozenset[str] | None:
        """Ids of the sessions (among ``only``; default every one) whose request, response, error
        or a message's content or summary contains ``needle``, compared casefolded.

        Looks in the store's bytes (the file; the rows and transcripts)
        without decoding every session (see :mod:`~tui.session.text_search`).
        Returns ``None`` when ``cancelled()`` became true on the way (it is
        asked every few hundred sessions); meant to run in a worker thread.
        """

    def prepare_search(self) -> None:
        """Make ahead what this reading's searches share (a JSON file's lowered bytes), so that
        the first :meth:`search` does not; for when a search box opens (any thread)."""
