"""Background threads yield the CPU to the UI thread.

On a busy machine (a bot rewriting a large file on one core, the app
re-reading it on the other) the UI thread shares its core with the reading
worker, and a keystroke waits for whole time slices of work nobody is
looking at. On Linux the nice value is per thread, so the app's worker
threads run a few steps below the UI thread's priority: the reading still
finishes as fast when the machine is idle, and yields when a key arrives.
Elsewhere (where priority is per process) this does nothing.
"""

from __future__ import annotations

import os
import sys
import threading

#: How many nice steps below the UI thread the workers run.
BACKGROUND_NICE_STEPS = 10

_UI_NICE: int | None = None


def note_ui_thread() -> None:
    """Remember the calling (UI) thread's priority, as the reference for workers."""
    global _UI_NICE
    if sys.platform.startswith("linux"):
        try:
            _UI_NICE = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        except OSError:
            _UI_NICE = None


def lower_this_thread() -> None:
    """Run the calling worker thread below the UI thread's priority (once lowered, it stays)."""
    if _UI_NICE is None:
        return
    tid = threading.get_native_id()
    target = min(19, _UI_NICE + BACKGROUND_NICE_STEPS)
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError:
        pass  # not allowed, or the thread is gone: the default priority is fine
