"""``Chrome``: the status bar, the banner, the sessions pane's border and its empty state.

What they say is computed by the pure functions of :mod:`.render.chrome`
(and the status bar's own :class:`~.widgets.status_bar.StatusBarState`); this
puts it on screen, touching a widget only when its text changed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import Static

from tui.session import Reading

from .base import AppBase
from .render.chrome import banner_text, empty_text, filter_label, tree_subtitle, tree_title
from .render.times import zone_name
from .state.classify import STALE, live_expiries, shown_counts
from .widgets.session_tree import SessionTree
from .widgets.status_bar import StatusBar, StatusBarState


class Chrome(AppBase):
    """Redraws the chrome from the app's state (:meth:`_update_chrome`)."""

    #: The tree's border title and subtitle as last set.
    _tree_border: tuple[str, str]

    def _update_chrome(self) -> None:
        """Status bar, banner, the tree's border and the empty state from the current state."""
        if not self.is_running:
            return  # shutting down: the widgets are being removed
        snapshot = self.snapshot
        counts, stale = self._status_counts(snapshot)
        tree = self.tree
        filtered = filter_label(tree.filter)
        searching = filter_label(tree.filter, searching=not self._found_complete)
        now = self.clock()
        self.query_one(StatusBar).show(
            StatusBarState(
                counts=counts,
                stale=stale,
                path=self.path,
                paused=self.paused,
                reloaded=None if self.reloaded is None else self.reloaded.astimezone(now.tzinfo),
                zone=zone_name(now),
                error=self.error,
                read_only=self.read_only,
                filtered=searching,
                foreign_age=self.undo.foreign_age(now),
                undone=len(self.undo),
            )
        )
        banner = self.query_one("#banner", Static)
        text = banner_text(
            kind=self.source.kind,
            shown=snapshot is not None,
            error=self.error,
            paused=self.paused,
            missed_change=self._missed_change,
            warnings=snapshot.warnings if snapshot is not None else (),
        )
        if text is not None:
            banner.update(text)
        banner.display = text is not None
        self._update_empty_state(snapshot)
        self._set_tree_border(tree_title(tree.order, filtered), tree_subtitle(tree.unseen_text, tree.marked_count))

    def _set_tree_border(self, title: str, subtitle: str) -> None:
        # Setting a border title repaints the whole tree, even to the same text.
        # As Text: the filter's text is the user's, never markup.
        if (title, subtitle) != self._tree_border:
            self._tree_border = (title, subtitle)
            self.tree.border_title = Text(title)
            self.tree.border_subtitle = Text(subtitle)

    def _status_counts(self, snapshot: Reading | None) -> tuple[dict[str, int], int]:
        """Counts per status with the stale ones taken out of running and
        pending (see :mod:`.state.classify`), and how many are stale now.

        Both come from counts computed once per reading (by the load worker,
        off the UI thread): the stale count at any moment is a bisection per
        live status into the sorted expiry times of live sessions.
        """
        if snapshot is None:
            return {}, 0
        basis = self._reading_counts
        if basis is None or basis[0] is not snapshot:
            basis = self._reading_counts = (snapshot, snapshot.stats(), live_expiries(snapshot.summaries()))
        counts = shown_counts(basis[1], basis[2], self.clock())
        return counts, counts.pop(STALE)

    def _update_empty_state(self, snapshot: Reading | None) -> None:
        empty = self.query_one("#empty", Static)
        tree = self.tree
        text = empty_text(
            kind=self.source.kind,
            path=self.path,
            locations=self.locations,
            error=self.error,
            exists=None if snapshot is None else snapshot.exists,
            sessions=0 if snapshot is None else len(snapshot),
            rows=tree.row_count,
        )
        empty.display = text is not None
        if text is None and not tree.display:
            tree.display = True
            # Hiding the focused tree left nothing focused: give focus back
            # with the rows, or the tree's keys stay dead until tab.
            if tree.screen.focused is None:
                tree.focus()
        tree.display = text is None
        if text is not None:
            empty.update(text)

    @on(SessionTree.MarksChanged)
    @on(SessionTree.UnseenChanged)
    def _marks_changed(self) -> None:
        self._update_chrome()
