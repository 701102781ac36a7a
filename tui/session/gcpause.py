"""Pause the cyclic garbage collector while a file's sessions are built in bulk.

Reading a large file creates hundreds of thousands of dicts and lists, none
in a reference cycle (JSON values never are). Each time the number of such
objects grows by a quarter, the collector walks all of them to find cycles
there are none of: on a 50 000-session file that is a third of the time.
Pausing it meanwhile changes no result; the objects are freed by reference
counting as always, and the collector runs again when the pause ends.

Nested and concurrent pauses are counted: the collector is enabled again
when the last one ends, and only if it was enabled when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the ``with`` block (see the module docstring)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
