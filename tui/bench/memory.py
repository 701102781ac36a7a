"""Peak memory per file size, each operation in a fresh child process.

The child imports everything first, notes its RSS (the interpreter with its
imports: the baseline), runs one operation and notes its peak RSS: the
difference is what the operation added at its peak. The peak is the
kernel's ``VmHWM`` (reset to the baseline first), not ``ru_maxrss``, which
Linux carries over from the parent process (see :func:`peak_rss`).
"""

from __future__ import annotations

import gc
import resource
import sys
from pathlib import Path
from typing import Any

import orjson

from tui.session import Manager, SessionStoreJSON, read_snapshot
from tui.session.status import Status

#: Operation name → what it does (in the child).
OPERATIONS = {
    "orjson": "read the bytes + orjson.loads (reference)",
    "read_snapshot": "read_snapshot(path)",
    "list": "SessionStoreJSON(path).list() (every session, held)",
    "close": "SessionStoreJSON(path) + Manager.close(one session)",
}


def _max_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def _status_bytes(field: str) -> int | None:
    """``VmRSS`` / ``VmHWM`` from ``/proc/self/status``, or ``None`` off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def current_rss() -> int:
    return _status_bytes("VmRSS") or _max_rss_bytes()


def peak_rss() -> int:
    """The process's peak RSS.

    ``ru_maxrss`` is not enough on its own: Linux carries it over ``execve``
    from the process that spawned the child (with ``vfork``, the parent's
    peak), so a child of a big benchmark process would report the parent's
    peak. ``VmHWM`` belongs to the child's own address space.
    """
    return _status_bytes("VmHWM") or _max_rss_bytes()


def peak(operation: str, path: str) -> dict[str, Any]:
    """Run one operation on ``path``; bytes added to the peak RSS, and the file's size."""
    target = Path(path)
    size = target.stat().st_size
    gc.collect()
    reset_peak()
    baseline = current_rss()
    if operation == "orjson":
        with open(target, "rb") as handle:
            value = orjson.loads(handle.read())
        del value
    elif operation == "read_snapshot":
        snapshot = read_snapshot(target)
        del snapshot
    elif operation == "list":
        sessions = SessionStoreJSON(target).list()
        del sessions
    elif operation == "close":
        with Manager(store=SessionStoreJSON(target), background=False) as manager:
            assert manager.store is not None
            victim = next(s.id for s in manager.store.summaries() if s.status != Status.CLOSED)
            if not manager.close(victim):
                raise RuntimeError("the close was refused")
    else:
        raise ValueError(f"unknown operation {operation!r}")
    added = peak_rss() - baseline
    return {"operation": operation, "baseline": baseline, "added": added, "file_bytes": size, "ratio": added / size}
