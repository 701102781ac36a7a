"""``HelpScreen``: every key binding (the same ``Binding`` objects the footer shows) and the badges."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..render.badges import BADGES, STALE, UNKNOWN_SYMBOL

HelpSection = tuple[str, Sequence[Binding]]


class HelpScreen(ModalScreen[None]):
    """Keys by pane, and what each badge means."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close help")]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="help"):
            yield Static(Text("session-tui — keys and badges"), classes="dialog-title")
            with Horizontal(id="help-columns"):
                yield Static(self._keys_table(), id="help-keys")
                yield Static(self._badges_table(), id="help-badges")
            yield Static(Text("escape closes this help", style="dim"), classes="dialog-subtitle")

    def _keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for title, bindings in self._sections:
            first = True
            for binding in bindings:
                if not binding.description:
                    continue
                keys = ", ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in binding.key.split(","))
                meaning = binding.tooltip or binding.description
                table.add_row(Text(title if first else "", style="dim"), Text(keys), Text(meaning))
                first = False
        return table

    def _badges_table(self) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        for badge in (*BADGES.values(), STALE):
            table.add_row(Text(badge.symbol), Text(badge.label))
        table.add_row(Text(UNKNOWN_SYMBOL), Text("unknown: shown as written"))
        table.add_row(Text(""), Text(""))
        table.add_row(Text(""), Text("stale: running or pending past its expiry; its bot is likely gone", style="dim"))
        return table

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
