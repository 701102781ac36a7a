"""``ConfirmScreen``: a yes/no question about an edit; ``y`` (or ``enter``) confirms, ``n``/``escape`` cancel."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask before an edit. Dismisses with ``True`` to go ahead."""

    #: Enter presses the focused button: it confirms, as in the cleanup dialog (tab to Cancel).
    AUTO_FOCUS = "#yes"

    BINDINGS = [
        Binding("y", "confirm", "Yes"),
        Binding("n,escape", "cancel", "No"),
    ]

    def __init__(self, title: str, body: Text, *, action_label: str, warning: Text | None = None) -> None:
        """``warning``: said above the buttons (a writer that takes no lock is likely to undo the edit)."""
        super().__init__()
        self._warning = warning
        self._title = title
        self._body = body
        self._action_label = action_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            if self._warning is not None:
                yield Static(self._warning, classes="dialog-warning", id="warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._action_label} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
