"""``Notices``: the notice of edits the bot undid, and the alerts of sessions that need a look."""

from __future__ import annotations

from textual import on

from .base import AppBase
from .render.rows import alert_text
from .widgets.session_tree import SessionTree
from .widgets.undone_notice import UndoneNotice

#: At most this many sessions turning failed or stale are named, one notification each.
ALERTS_SHOWN = 3


class Notices(AppBase):
    """Shows and dismisses the undone-edits notice; notifies (and rings) for new trouble."""

    #: Ring the terminal bell when a session turns failed or stale.
    bell_on_alert: bool

    def _show_undone(self) -> None:
        self.query_one(UndoneNotice).show(self.undo.undone)
        self.refresh_bindings()  # the footer offers "u Dismiss" while there is a notice

    def action_dismiss_undone(self) -> None:
        """Dismiss the notice about undone edits (it comes back only for a new undo)."""
        if self.undo.dismiss():
            self._show_undone()
            self._update_chrome()

    @on(UndoneNotice.DismissRequested)
    def _notice_clicked(self) -> None:
        self.action_dismiss_undone()

    @on(SessionTree.NeedsLook)
    def _needs_look(self, message: SessionTree.NeedsLook) -> None:
        for alert in message.alerts[:ALERTS_SHOWN]:
            self.notify(alert_text(alert), title="Needs a look", severity="warning", timeout=10, markup=False)
        if len(message.alerts) > ALERTS_SHOWN:
            more = len(message.alerts) - ALERTS_SHOWN
            self.notify(f"… and {more} more sessions turned failed or stale.", severity="warning", markup=False)
        if self.bell_on_alert:
            self.bell()
