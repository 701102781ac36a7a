"""What the app remembers between runs: the theme last chosen (a small JSON file).

``$XDG_CONFIG_HOME/session-tui/settings.json`` (``~/.config/session-tui/``
when the variable is unset or not absolute, as the XDG spec says). A file we
cannot read or parse is ignored, never rewritten over silently: the caller
shows the one-line problem and the next save replaces it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "settings.json"


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The app's configuration folder."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path(env.get("HOME") or Path.home()) / ".config"
    return root / "session-tui"


@dataclass(frozen=True)
class Settings:
    """The remembered settings (``None``: nothing remembered)."""

    theme: str | None = None


def load_settings(folder: Path) -> tuple[Settings, str | None]:
    """The settings in ``folder``, and why they were ignored (``None`` if they were not)."""
    path = folder / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}"
    try:
        data = json.loads(text)
    except ValueError as exc:
        return Settings(), f"{path}: not valid JSON ({exc})"
    if not isinstance(data, dict):
        return Settings(), f"{path}: expected a JSON object"
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        return Settings(), f"{path}: 'theme' must be a string"
    return Settings(theme=theme), None


def save_settings(folder: Path, settings: Settings) -> None:
    """Write ``settings`` to ``folder`` (created if missing), replacing the file atomically.

    Raises ``OSError`` when it cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    data = {"theme": settings.theme} if settings.theme is not None else {}
    fd, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.write("\n")
        os.replace(temporary, folder / FILE_NAME)
    except BaseException:
        os.unlink(temporary)
        raise
