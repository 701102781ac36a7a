"""``Source``: what the app and the CLI hold instead of a path: a store to read, watch and edit.

:func:`~tui.session.open_source` picks the kind for a path:
:class:`~tui.session.json_source.JSONSource` for a JSON session file,
:class:`~tui.session.sqlite.source.SQLiteSource` for tingly-box's database
and transcripts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from .reading import Reading
from .store import SessionStore

SourceKind = Literal["json", "sqlite"]


@runtime_checkable
class Source(Protocol):
    """A session store seen from a viewer: readings, what to watch, and a store for edits."""

    #: The path the user named (a file or a base directory).
    path: Path
    #: ``"json"`` or ``"sqlite"``, for display.
    kind: SourceKind

    def describe(self) -> str:
        """One line saying what is read, for people (e.g. ``JSON file /x/bot_sessions.json``)."""

    def read(self, previous: Reading | None = None) -> Reading:
        """Read the store now; ``changes`` of the result are relative to ``previous``.

        A store that does not exist yet is an empty reading with
        ``exists=False``. Raises a :class:`~tui.session.StoreError` subclass
        for a store that cannot be read or is invalid (a busy database
        included); readings already handed out stay valid.
        """

    def read_first(self) -> Reading:
        """The first reading, made to be shown soonest.

        It may leave the message counts out (``counted`` false) when counting
        them is a large part of reading the store; :meth:`read` with it as
        ``previous`` then gives them (every session among its changes).
        """

    def changed_since(self, reading: Reading) -> bool:
        """Whether reading now might give something other than ``reading`` (cheap: a ``stat``).

        For pollers that cannot afford a reading each time they look;
        ``True`` when the source cannot tell cheaply (a new reading is cheap then).
        """

    def watch_paths(self) -> list[Path]:
        """The directories to watch (not recursively); some may not exist yet."""

    def is_relevant(self, path: Path) -> bool:
        """Whether a change to ``path`` (in one of :meth:`watch_paths`) may change a reading."""

    def store(self, *, clock: Callable[[], datetime] | None = None, reading: Reading | None = None) -> SessionStore:
        """A store for edits, to put under a :class:`~tui.session.Manager`.

        ``reading`` may pass a reading of this source the caller already
        has, so that the store need not read it again.
        """

    def close(self) -> None:
        """Release what reading keeps open (a database connection); reading again reopens it."""


@runtime_checkable
class ChangeHints(Protocol):
    """A :class:`Source` that uses the watcher's list of the files that changed, so that a
    reading re-reads only those (the SQLite store's transcripts); :func:`~tui.session.watch_source`
    calls these when the source has them."""

    def track_changes(self, tracking: bool) -> None:
        """``True`` once the watcher reports every change to a relevant file through
        :meth:`note_changes` (before it says a change happened); ``False`` when it stops."""

    def note_changes(self, paths: Collection[Path]) -> bool:
        """The relevant files that changed; True when the watcher should say "changed" once
        more a little later (a change not visible to a reading yet)."""
