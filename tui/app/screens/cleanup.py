"""``CleanupScreen``: remove ended sessions idle longer than an age, with a live preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.session import SessionSummary, cleanup_candidates, parse_age
from tui.text import ago, one_line, plural

from ..render.badges import summary_badge
from ..render.rows import short_id

#: The preview lists at most this many sessions (and says how many more).
PREVIEW_ROWS = 12
#: The dialog's rows besides the preview's sessions (at 80 columns, where the
#: help wraps), so that its buttons stay on a short screen: it may take 90% of
#: the height; with the bot's warning (3 rows) it drops its vertical padding
#: and may take all of it.
CHROME_ROWS = 19
WARNED_CHROME_ROWS = 20
DEFAULT_AGE = "7d"


class CleanupScreen(ModalScreen[timedelta | None]):
    """Ask for an age; dismiss with it (confirmed) or ``None`` (cancelled)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "confirm", "Clean up", show=False),
    ]

    def __init__(
        self,
        summaries: Callable[[], Sequence[SessionSummary]],
        clock: Callable[[], datetime],
        warning: Text | None = None,
    ) -> None:
        """``warning``: said above the buttons (a writer that takes no lock is likely to undo the cleanup)."""
        super().__init__()
        self._warning = warning
        self._summaries = summaries
        self._clock = clock
        self._age: timedelta | None = None
        self._count = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="cleanup -warned" if self._warning is not None else "cleanup"):
            yield Static(Text("Clean up old sessions"), classes="dialog-title")
            yield Static(
                Text("Removes closed, completed, failed and expired sessions idle longer than:"),
                classes="dialog-help",
            )
            yield Input(value=DEFAULT_AGE, placeholder="age: 30m, 12h, 7d, 2w", id="age")
            yield Static(id="preview", classes="dialog-body")
            if self._warning is not None:
                yield Static(self._warning, classes="dialog-warning", id="warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Remove (enter)", variant="error", id="yes", disabled=True)
                yield Button("Cancel (esc)", id="no")

    def on_mount(self) -> None:
        self._preview(DEFAULT_AGE)

    @on(Input.Changed, "#age")
    def _age_changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    @on(Input.Submitted, "#age")
    def _age_submitted(self, event: Input.Submitted) -> None:
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self._age is not None and self._count:
            self.dismiss(self._age)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _rows(self) -> int:
        """How many sessions the preview lists: :data:`PREVIEW_ROWS`, fewer on a short screen."""
        height = self.app.size.height
        room = height - WARNED_CHROME_ROWS if self._warning is not None else int(height * 0.9) - CHROME_ROWS
        return max(1, min(PREVIEW_ROWS, room))

    def _preview(self, value: str) -> None:
        preview = self.query_one("#preview", Static)
        button = self.query_one("#yes", Button)
        try:
            age = parse_age(value)
        except ValueError as exc:
            self._age, self._count = None, 0
            button.disabled = True
            preview.set_class(True, "invalid")
            preview.update(Text(str(exc)))
            return
        preview.set_class(False, "invalid")
        now = self._clock()
        doomed = cleanup_candidates(self._summaries(), age, now)
        self._age, self._count = age, len(doomed)
        button.disabled = not doomed
        if not doomed:
            preview.update(Text(f"Nothing is idle longer than {value.strip()}. Running and pending sessions are never removed."))
            return
        heading = Text(f"{plural(len(doomed), 'session')} would be removed:", "bold")
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, max_width=18, overflow="ellipsis")
        table.add_column(no_wrap=True, justify="right")
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        shown = self._rows()
        for summary in doomed[:shown]:
            badge = summary_badge(summary, now)
            table.add_row(
                Text(f"{badge.symbol} {badge.label}"),
                Text(short_id(summary.id)),
                Text(one_line(summary.chat_id)),
                Text(ago(summary.last_activity, now)),
                Text(one_line(summary.project)),
            )
        rows: list[RenderableType] = [heading, table]
        if len(doomed) > shown:
            rows.append(Text(f"… and {len(doomed) - shown} more"))
        rows.append(Text("Running and pending sessions are never removed.", "dim"))
        preview.update(Group(*rows))
