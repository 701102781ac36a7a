"""Showing a text in the user's pager (``$PAGER``, else ``less``), as ``git log`` does.

The text goes to a private temporary file named on the pager's command line
(``$PAGER`` may hold arguments: ``less -R``), so the pager reads the terminal
for its keys and the file for its text.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping

#: The pager used when ``$PAGER`` is unset or empty.
DEFAULT_PAGER = "less"


def pager_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run: ``$PAGER`` split as a shell would, else ``less`` if
    installed; ``None`` when there is neither (or ``$PAGER`` cannot be split)."""
    env = os.environ if environ is None else environ
    configured = env.get("PAGER", "").strip()
    if configured:
        try:
            command = shlex.split(configured)
        except ValueError:
            return None
        return command or None
    found = shutil.which(DEFAULT_PAGER, path=env.get("PATH"))
    return [found] if found else None


def show_in_pager(text: str, command: list[str], *, name: str = "session") -> int:
    """Run ``command`` on a temporary file holding ``text``; its exit status.

    Raises ``OSError`` when the pager cannot be started (not found, not executable).
    """
    fd, path = tempfile.mkstemp(prefix=f"session-tui-{name}-", suffix=".md")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return subprocess.run([*command, path], check=False).returncode
    finally:
        os.unlink(path)
