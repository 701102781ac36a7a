"""``Commands``: which actions are offered (``--read-only``), the help, the palette and its screenshot."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .base import AppBase
from .screens.help import HelpScreen
from .widgets.session_tree import SessionTree
from .widgets.strip_view import StripView

#: The actions that change the store: not offered with ``--read-only``.
EDIT_ACTIONS = frozenset({"close_sessions", "delete_sessions", "cleanup"})
#: The command palette's key (Textual's own binding), as the help lists it.
PALETTE_BINDING = Binding("ctrl+p", "command_palette", "Palette", tooltip="Command palette: every action by name, themes, a screenshot")


class Commands(AppBase):
    """The keys and commands offered, in the footer, the help and the palette."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With ``--read-only`` the edits are not offered: not in the footer, and their keys do nothing.
        Dismiss is in the footer while there is a notice to dismiss."""
        if action == "dismiss_undone":
            return bool(len(self.undo))
        return not (self.read_only and action in EDIT_ACTIONS)

    def _offered(self, bindings: Iterable[Binding]) -> list[Binding]:
        """The keys the help and the palette list (the situational ones too)."""
        return [binding for binding in bindings if not (self.read_only and binding.action in EDIT_ACTIONS)]

    def action_help(self) -> None:
        """Show every key and what the badges mean."""
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", [*self._offered(self.BINDINGS), PALETTE_BINDING]),
                    ("Sessions", SessionTree.BINDINGS),
                    ("Detail, messages", StripView.BINDINGS),
                ]
            )
        )

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen (the palette's Screenshot) and say where.

        Textual saves to ``~/Downloads`` and says only "Failed" when it is
        missing: here it goes to ``path``, else the current folder, else the home folder.
        """
        folders = [Path(path)] if path is not None else [Path.cwd(), Path.home()]
        error: OSError | None = None
        for folder in folders:
            try:
                saved = self.save_screenshot(filename, str(folder), time_format)
            except OSError as exc:
                error = error or exc
                continue
            self.notify(f"Saved a screenshot to {saved}", title="Screenshot", markup=False)
            return saved
        self.notify(f"Could not save a screenshot: {error}", title="Screenshot", severity="error", markup=False)
        return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every described binding, as the footer and help do."""
        yield from super().get_system_commands(screen)
        if screen.is_modal:  # (``screen`` is where the palette was opened from)
            return
        for bindings, target in (
            (self._offered(self.BINDINGS), self),
            (SessionTree.BINDINGS, self.tree),
        ):
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.action == "quit" or not binding.description:
                    continue
                key = self.get_key_display(Binding(binding.key.split(",")[0], ""))
                help_text = f"key: {key} · {binding.tooltip or binding.description}"
                yield SystemCommand(binding.description, help_text, partial(self.run_action, binding.action, target))
