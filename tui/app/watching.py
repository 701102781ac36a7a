"""Watching the session file: its directory, because writers replace the file by rename.

Watching the file itself would stay on the old inode after the first atomic
replace and miss every later change. Plain Python (threads, no Textual).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

#: Changes closer together than this are reported once.
DEBOUNCE_MS = 40
#: Stat polling interval when the directory cannot be watched (or does not exist yet).
POLL_SECONDS = 0.5


def watch_file(path: Path, on_change: Callable[[], None], stop: threading.Event) -> None:
    """Call ``on_change`` whenever the file at ``path`` may have changed, until ``stop`` is set.

    Follows a symlinked path to its target as well. Falls back to polling
    ``stat`` when the directory cannot be watched or does not exist yet.
    """
    while not stop.is_set():
        targets = {path.absolute(), Path(os.path.realpath(path))}
        directories = {t.parent for t in targets if t.parent.is_dir()}
        if not directories:
            _poll(path, on_change, stop, until_directory=True)
            continue
        names = {(t.parent, t.name) for t in targets}

        def relevant(_change: watchfiles.Change, changed: str) -> bool:
            changed_path = Path(changed)
            return (changed_path.parent, changed_path.name) in names

        try:
            for _ in watchfiles.watch(
                *directories,
                watch_filter=relevant,
                debounce=DEBOUNCE_MS,
                step=10,
                stop_event=stop,
                rust_timeout=1000,
                recursive=False,
                raise_interrupt=False,
            ):
                on_change()
        except Exception:  # no inotify, directory removed...: poll instead
            _poll(path, on_change, stop, until_directory=False)


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _poll(path: Path, on_change: Callable[[], None], stop: threading.Event, *, until_directory: bool) -> None:
    last = _identity(path)
    while not stop.wait(POLL_SECONDS):
        current = _identity(path)
        if current != last:
            last = current
            on_change()
        if until_directory and path.parent.is_dir():
            on_change()
            return
