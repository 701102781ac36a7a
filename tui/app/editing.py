"""``Editing``: close, delete and clean up, after a confirmation, through the Manager.

The dialogs ask on the UI thread; the writes run in a worker that posts
:class:`~.messages.EditDone` or :class:`~.messages.EditFailed`; the handlers
say how it went, record the edit (to tell if the bot undoes it) and read again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from rich.text import Text
from textual import on, work

from tui.session import EditKind, Manager, SessionSummary, StoreError, cleanup_candidates

from .base import AppBase
from .messages import EditDone, EditFailed
from .render.edits import confirm_note, confirm_title, done_text, verb
from .render.rows import one_line, short_id
from .render.undo import edit_warning
from .screens.cleanup import CleanupScreen
from .screens.confirm import ConfirmScreen

#: The confirm dialog lists at most this many sessions by name.
CONFIRM_ROWS = 8
#: Rows of a confirm dialog besides its list of sessions, with the bot's warning
#: (at 80 columns; the dialog may take 90% of the screen's height).
CONFIRM_CHROME_ROWS = 18


class Editing(AppBase):
    """The edit actions, their dialogs, the edit workers and what they post."""

    _manager: Manager | None
    _manager_lock: threading.Lock

    def action_close_sessions(self) -> None:
        """Close the marked sessions, or the one under the cursor."""
        self._confirm_edit(EditKind.CLOSE)

    def action_delete_sessions(self) -> None:
        """Delete the marked sessions, or the one under the cursor."""
        self._confirm_edit(EditKind.DELETE)

    def action_cleanup(self) -> None:
        """Remove ended sessions older than an age, after a preview."""
        if self._refuse_read_only(EditKind.CLEANUP):
            return

        def summaries() -> list[SessionSummary]:
            return self.snapshot.summaries() if self.snapshot is not None else []

        def done(age: timedelta | None) -> None:
            if age is not None:
                self._cleanup(age)

        self.push_screen(CleanupScreen(summaries, self.clock, self._edit_warning()), done)

    def _refuse_read_only(self, kind: EditKind) -> bool:
        if self.read_only:
            self.notify(f"Read-only: cannot {verb(kind)} (started with --read-only).", severity="warning", markup=False)
        return self.read_only

    def _confirm_edit(self, kind: EditKind) -> None:
        if self._refuse_read_only(kind):
            return
        ids = self.tree.targets()
        if not ids:
            self.notify(f"Nothing to {verb(kind)}: select or mark sessions first.", severity="warning", markup=False)
            return
        warning = self._edit_warning()
        room = int(self.size.height * 0.9) - CONFIRM_CHROME_ROWS
        rows = CONFIRM_ROWS if warning is None else max(2, min(CONFIRM_ROWS, room))
        body = self._describe(ids, rows)
        body.append("\n" + confirm_note(kind, self.source.kind), "dim")

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._edit(kind, ids)

        self.push_screen(ConfirmScreen(confirm_title(kind, len(ids)), body, action_label=verb(kind).capitalize(), warning=warning), done)

    def _edit_warning(self) -> Text | None:
        """What the dialogs say while a writer that takes no lock is recent, else ``None``."""
        age = self.undo.foreign_age(self.clock())
        return None if age is None else edit_warning(age)

    def _describe(self, ids: list[str], rows: int = CONFIRM_ROWS) -> Text:
        text = Text()
        for session_id in ids[:rows]:
            summary = self.tree.summary(session_id)
            text.append(f"  {short_id(session_id)}", "bold")
            if summary is not None:
                text.append(f"  chat {one_line(summary.chat_id)}")
                if summary.project:
                    text.append(f"  {one_line(summary.project)}", "dim")
            text.append("\n")
        if len(ids) > rows:
            text.append(f"  … and {len(ids) - rows} more\n")
        return text

    def _get_manager(self) -> Manager:
        """The Manager edits go through (created on first use, in a worker thread)."""
        with self._manager_lock:
            if self._manager is None:
                # The app's clock, so that a cleanup removes what its preview listed.
                reading = self.snapshot if self.snapshot is not None and self.snapshot.exists else None
                store = self.source.store(clock=self.clock, reading=reading)
                self._manager = Manager(store=store, clock=self.clock, background=False)
            return self._manager

    def _write(self, kind: EditKind, write: Callable[[Manager], EditDone]) -> None:
        """Run ``write`` with the Manager (in an edit worker) and post what it returns, or why it failed."""
        try:
            outcome = write(self._get_manager())
        except (StoreError, OSError, ValueError) as exc:
            self.post_message(EditFailed(kind, str(exc)))
        except Exception as exc:
            self.post_message(EditFailed(kind, f"unexpected error: {exc!r}"))
        else:
            self.post_message(outcome)

    @work(thread=True, exit_on_error=False, group="edit", description="edit the session store")
    def _edit(self, kind: EditKind, ids: list[str]) -> None:
        def write(manager: Manager) -> EditDone:
            done = manager.close_many(ids) if kind is EditKind.CLOSE else manager.delete_many(ids)
            return EditDone(kind, ids, done, returned=time.monotonic())

        self._write(kind, write)

    @work(thread=True, exit_on_error=False, group="edit", description="clean up old sessions")
    def _cleanup(self, age: timedelta) -> None:
        def write(manager: Manager) -> EditDone:
            # The ids it removed, for the undo check: those it would remove from
            # the latest reading that the reading after its write no longer has.
            doomed = [s.id for s in cleanup_candidates(self.source.read().summaries(), age, self.clock())]
            removed = manager.cleanup_old_sessions(age)
            returned = time.monotonic()
            after = self.source.read()
            removed_ids = [sid for sid in doomed if sid not in after]
            return EditDone(EditKind.CLEANUP, [], [], removed=removed, removed_ids=removed_ids, returned=returned)

        self._write(EditKind.CLEANUP, write)

    @on(EditDone)
    def _edit_done(self, message: EditDone) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        kind = message.kind
        edited = message.removed_ids if kind is EditKind.CLEANUP else message.done
        self.undo.edited(kind, edited, self.clock(), message.returned)
        # Said as the edit lands: the bot's next write is likely to put it back.
        at_risk = self.undo.foreign_age(self.clock()) is not None
        count = message.removed if kind is EditKind.CLEANUP else len(message.done)
        missing = 0 if kind is EditKind.CLEANUP else len(message.requested) - count
        text = done_text(kind, count, missing=missing, at_risk=at_risk, store=self.source.kind)
        self.notify(text, severity="warning" if missing or (count and at_risk) else "information", markup=False)
        if kind is not EditKind.CLEANUP:
            self.tree.unmark(message.requested)
        self.request_load()

    @on(EditFailed)
    def _edit_failed(self, message: EditFailed) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        # markup=False: the error may quote session text (an id, a value).
        self.notify(f"Could not {verb(message.kind)}: {one_line(message.error)}", severity="error", timeout=8, markup=False)
