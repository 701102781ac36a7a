"""Interleaved timing: each repetition runs every case once, in a rotating order."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping

Clock = Callable[[], float]
now: Clock = time.perf_counter


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between order statistics."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    repeat: int,
    *,
    warmup: bool = True,
    repeats: Mapping[str, int] | None = None,
    between: Callable[[str], None] | None = None,
) -> dict[str, list[float]]:
    """Time every case ``repeat`` times (``repeats`` may lower it per case), interleaved.

    Before each timed call the garbage of the previous one is collected; the
    result is dropped only after the clock stops, so deallocation is never
    timed. ``between(name)`` runs untimed before each call (e.g. to prepare
    the file a case changes).
    """
    names = list(cases)
    times: dict[str, list[float]] = {name: [] for name in names}
    if warmup:
        for name in names:
            if between is not None:
                between(name)
            result = cases[name]()
            del result
    for rep in range(repeat):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            if repeats is not None and len(times[name]) >= repeats.get(name, repeat):
                continue
            if between is not None:
                between(name)
            gc.collect()
            start = now()
            result = cases[name]()
            elapsed = now() - start
            del result
            times[name].append(elapsed)
    gc.collect()
    return times
