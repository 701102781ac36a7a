"""Watching a :class:`~tui.session.Source`: the directories it names, filtered by its predicate.

Directories, not files: a JSON writer replaces its file by rename (a
watch on the file would stay on the old inode after the first replace),
and a database or transcript directory gains files. Each directory is
watched non-recursively with ``watchfiles``; changes closer together than
:data:`DEBOUNCE_MS` are reported once. Where a directory cannot be
watched, or none exists yet, every relevant file is ``stat``-ed each
:data:`POLL_SECONDS` instead. Plain Python (threads), no UI.

A source that can use the list of files that changed (it has
``track_changes`` and ``note_changes``, as
:class:`~tui.session.sqlite.source.SQLiteSource` does) is told once the
watch of every directory it names is set up, then given each batch of changed paths before
``on_change`` is called, and told when the watch ends or falls back to
polling. When ``note_changes`` returns true (a database's log was written),
``on_change`` is called once more :data:`RECHECK_SECONDS` later: SQLite
writes a commit's log frames before the index (``-shm``, written through
memory, so no event) that makes them visible, and a reading in between
still sees the version before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .json_source import JSONSource
from .source import ChangeHints, Source

#: Changes closer together than this are reported once.
DEBOUNCE_MS = 40
#: Stat polling interval when a directory cannot be watched (or does not exist yet).
POLL_SECONDS = 0.5
#: After a change a source asks to look at again (see the module), when to say so once more.
RECHECK_SECONDS = 0.1

#: What a poll compares: per watched directory, each relevant entry's identity (``None``: no directory).
_PollState = tuple[tuple[Path, frozenset[tuple[str, int, int, int, int]] | None], ...]


def watch_source(source: Source, on_change: Callable[[], None], stop: threading.Event) -> None:
    """Call ``on_change`` whenever a reading of ``source`` may have changed, until ``stop`` is set.

    A directory of :meth:`Source.watch_paths` that appears later is
    watched from then on (and reported as a change).
    """
    while not stop.is_set():
        directories = list(dict.fromkeys(Path(p).absolute() for p in source.watch_paths()))
        present = [d for d in directories if d.is_dir()]
        if not present:
            _poll(source, directories, on_change, stop, until_more_than=0)
            continue
        waiting = len(present) < len(directories)

        def relevant(_change: watchfiles.Change, changed: str) -> bool:
            return source.is_relevant(Path(changed))

        hints = source if isinstance(source, ChangeHints) else None
        tracking = False
        recheck: threading.Timer | None = None
        try:
            # A yield on each timeout as well: the first one says that the watch is set up.
            for changes in watchfiles.watch(
                *present,
                watch_filter=relevant,
                debounce=DEBOUNCE_MS,
                step=10,
                stop_event=stop,
                rust_timeout=1000,
                yield_on_timeout=True,
                recursive=False,
                raise_interrupt=False,
            ):
                if hints is not None and not tracking and not waiting:  # (a directory not watched yet: no hints)
                    hints.track_changes(True)
                    tracking = True
                if changes:
                    again = hints is not None and hints.note_changes(frozenset(Path(changed) for _, changed in changes))
                    on_change()
                    if again:
                        if recheck is not None:
                            recheck.cancel()
                        recheck = threading.Timer(RECHECK_SECONDS, lambda: stop.is_set() or on_change())
                        recheck.daemon = True
                        recheck.start()
                if waiting and any(d.is_dir() for d in directories if d not in present):
                    on_change()  # a directory appeared: it may already hold what matters
                    break
        except Exception:  # no inotify, a directory removed...: poll instead
            if tracking and hints is not None:
                hints.track_changes(False)
                tracking = False
            _poll(source, directories, on_change, stop, until_more_than=None)
        finally:
            if recheck is not None:
                recheck.cancel()
            if tracking and hints is not None:
                hints.track_changes(False)


def watch_file(path: Path, on_change: Callable[[], None], stop: threading.Event) -> None:
    """:func:`watch_source` for a JSON session file at ``path`` (its symlink's target included)."""
    watch_source(JSONSource(path), on_change, stop)


def _poll_state(source: Source, directories: list[Path]) -> _PollState:
    state = []
    for directory in directories:
        try:
            entries = list(os.scandir(directory))
        except OSError:
            state.append((directory, None))
            continue
        seen = set()
        for entry in entries:
            path = Path(entry.path)
            if not source.is_relevant(path):
                continue
            try:
                st = entry.stat()  # follows a symlink to its target
            except OSError:
                continue
            seen.add((entry.name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
        state.append((directory, frozenset(seen)))
    return tuple(state)


def _poll(
    source: Source,
    directories: list[Path],
    on_change: Callable[[], None],
    stop: threading.Event,
    *,
    until_more_than: int | None,
) -> None:
    """Stat every relevant file each :data:`POLL_SECONDS`; report differences.

    With ``until_more_than``, return (after reporting a change) once more
    than that many directories exist, so that they can be watched instead.
    """
    last = _poll_state(source, directories)
    while not stop.wait(POLL_SECONDS):
        current = _poll_state(source, directories)
        if current != last:
            last = current
            on_change()
        if until_more_than is not None and sum(d.is_dir() for d in directories) > until_more_than:
            on_change()
            return
