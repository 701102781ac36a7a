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

from ..render.badges import summary_badge
from ..render.rows import one_line, short_id
from ..render.times import ago

#: The preview lists at most this many sessions (and says how many more).
PREVIEW_ROWS = 12
DEFAULT_AGE = "7d"


class CleanupScreen(ModalScreen[timedelta | None]):
    """Ask for an age; dismiss with it (confirmed) or ``None`` (cancelled)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "confirm", "Clean up", show=False),
    ]

    def __init__(self, summaries: Callable[[], Sequence[SessionSummary]], clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._summaries = summaries
        self._clock = clock
        self._age: timedelta | None = None
        self._count = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="cleanup"):
            yield Static(Text("Clean up old sessions"), classes="dialog-title")
            yield Static(
                Text("Removes closed, completed, failed and expired sessions idle longer than:"),
                classes="dialog-help",
            )
            yield Input(value=DEFAULT_AGE, placeholder="age: 30m, 12h, 7d, 2w", id="age")
            yield Static(id="preview", classes="dialog-body")
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
        heading = Text(f"{len(doomed)} session{'s' if len(doomed) != 1 else ''} would be removed:", "bold")
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, max_width=18, overflow="ellipsis")
        table.add_column(no_wrap=True, justify="right")
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        for summary in doomed[:PREVIEW_ROWS]:
            badge = summary_badge(summary, now)
            table.add_row(
                Text(f"{badge.symbol} {badge.label}"),
                Text(short_id(summary.id)),
                Text(one_line(summary.chat_id)),
                Text(ago(summary.last_activity, now)),
                Text(one_line(summary.project)),
            )
        rows: list[RenderableType] = [heading, table]
        if len(doomed) > PREVIEW_ROWS:
            rows.append(Text(f"… and {len(doomed) - PREVIEW_ROWS} more"))
        rows.append(Text("Running and pending sessions are never removed.", "dim"))
        preview.update(Group(*rows))
