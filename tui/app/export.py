"""``Export``: the selected session out of the app: its id to the clipboard, its text to a pager."""

from __future__ import annotations

import contextlib

from textual.app import SuspendNotSupported

from tui.session import StoreError
from tui.text.markdown import session_markdown

from .base import AppBase
from .pager import pager_command, show_in_pager
from .render.rows import one_line


class Export(AppBase):
    """``y`` copies the selected session's id; ``v`` reads the session in ``$PAGER``."""

    def action_copy_id(self) -> None:
        """Copy the selected session's id to the clipboard (OSC 52: the terminal must allow it)."""
        session_id = self.tree.cursor_session
        if session_id is None:
            self.notify("Select a session to copy its id.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(session_id)
        self.notify(f"Copied {one_line(session_id)} to the clipboard.", title="Copy id", markup=False)

    def action_view_in_pager(self) -> None:
        """Read the selected session as Markdown in ``$PAGER`` (else ``less``), then come back."""
        session_id = self.tree.cursor_session
        if session_id is None or self.snapshot is None:
            self.notify("Select a session to read it in the pager.", severity="warning", markup=False)
            return
        command = pager_command()
        if command is None:
            self.notify("No pager: set $PAGER, or install less.", severity="warning", markup=False)
            return
        try:
            session = self.snapshot.session(session_id)
        except StoreError as exc:
            self.notify(f"Cannot read the session: {one_line(str(exc))}", severity="error", markup=False)
            return
        text = session_markdown(session, self.tree.summary(session_id), self.clock())
        try:
            # Headless (under Pilot) there is no terminal to hand over: the pager just runs.
            with contextlib.nullcontext() if self.is_headless else self.suspend():
                show_in_pager(text, command)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand the screen to a pager.", severity="warning", markup=False)
        except OSError as exc:
            self.notify(f"Could not run the pager {one_line(command[0])!r}: {exc.strerror or exc}", severity="error", markup=False)
