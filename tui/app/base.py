"""``AppBase``: the state every concern of :class:`~tui.app.app.SessionApp` shares.

The app is put together from one class per concern (loading, the selection,
edits, the chrome; see :mod:`tui.app.app`). They share this base: the
widgets they reach, the clock, the last reading and what they call of
each other, declared here so that each module reads on its own.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from tui.session import ChangeSet, Clock, Reading, Source, StoreLocations

from .state.classify import Expiries
from .state.undone import UndoTracker
from .widgets.detail_pane import DetailPane
from .widgets.message_view import MessageView
from .widgets.session_tree import SessionTree

class AppBase(App[None]):
    """The shared state; :class:`~tui.app.app.SessionApp` sets it in its constructor."""

    source: Source
    #: The path the user named (a file or a base directory).
    path: Path
    #: Where both stores were looked for when no path was given (the empty pane names them).
    locations: StoreLocations | None
    read_only: bool
    #: Times are shown in UTC (``t``); else in the clock's zone, local by default.
    utc: bool
    _base_clock: Clock
    #: The last good reading of the store (``None`` until the first load).
    snapshot: Reading | None
    #: Why the last reading failed (``None`` after a good one).
    error: str | None
    #: Live updates are paused (``p``): changes are noted, not read.
    paused: bool
    #: The store changed while paused.
    _missed_change: bool
    #: When the last good reading was taken in.
    reloaded: datetime | None
    #: The reading the status counts are for, its counts per status and its
    #: live sessions' expiry times (computed by the load worker).
    _reading_counts: tuple[Reading, dict[str, int], Expiries] | None
    #: The app's edits, who writes the store, and which edits were undone.
    undo: UndoTracker
    #: The message texts' search for the filter's text has finished (the sessions shown are final).
    _found_complete: bool

    def clock(self) -> datetime:
        """Now, in the zone every time on screen is shown in (see :attr:`utc`)."""
        now = self._base_clock()
        return now.astimezone(timezone.utc) if self.utc else now

    @property
    def tree(self) -> SessionTree:
        return self.query_one(SessionTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def messages_view(self) -> MessageView:
        return self.query_one(MessageView)

    if TYPE_CHECKING:  # each is defined by the concern named

        def request_load(self) -> None: ...  # loading

        def _show_selection(self) -> None: ...  # selection

        def _update_chrome(self) -> None: ...  # chrome

        def _show_undone(self) -> None: ...  # notices

        def _search_texts(self, changes: ChangeSet | None = None) -> None: ...  # the app's filtering
