"""``RememberedTheme``: the theme chosen in the palette, kept in the settings file for next time."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.theme import Theme

from .base import AppBase
from .render.rows import one_line
from .settings import FILE_NAME as SETTINGS_FILE
from .settings import Settings, load_settings, save_settings


class RememberedTheme(AppBase):
    """Reads the remembered theme at start and writes a new choice (in a worker)."""

    #: Where the theme is remembered (``None``: nothing is read or remembered).
    config_dir: Path | None
    #: Why the settings file was ignored, said once the app runs.
    _settings_problem: str | None
    _remembered_theme: str

    def _use_remembered_theme(self, folder: Path) -> None:
        settings, self._settings_problem = load_settings(folder)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme is not None:
            self._settings_problem = f"{folder / SETTINGS_FILE}: unknown theme {one_line(settings.theme)!r}"

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._remembered_theme and self.config_dir is not None:
            self._remembered_theme = theme.name
            self._remember(self.config_dir, Settings(theme=theme.name))

    @work(thread=True, exit_on_error=False, group="settings", description="remember the settings")
    def _remember(self, folder: Path, settings: Settings) -> None:
        try:
            save_settings(folder, settings)
        except OSError as exc:
            self.notify(f"Could not remember the theme in {folder}: {exc.strerror or exc}", severity="warning", markup=False)
