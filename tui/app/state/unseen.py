"""Changes the user has not seen: new or changed sessions outside the visible rows.

The tree notes each added or changed session that lands outside its window;
each tally (after a change, a scroll, a resize) forgets those now in view and
counts the rest above and below, for the border: ``2 new above · 1 changed below``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

NEW, CHANGED = "new", "changed"


class Tally(NamedTuple):
    """Unseen sessions above and below the window, by kind."""

    new_above: int = 0
    changed_above: int = 0
    new_below: int = 0
    changed_below: int = 0

    def text(self) -> str:
        """``2 new above · 1 changed below``; empty when everything was seen."""
        parts = [
            f"{n} {kind} {where}"
            for n, kind, where in (
                (self.new_above, NEW, "above"),
                (self.changed_above, CHANGED, "above"),
                (self.new_below, NEW, "below"),
                (self.changed_below, CHANGED, "below"),
            )
            if n
        ]
        return " · ".join(parts)


class Unseen:
    """Session ids changed out of view, and how (new, or changed)."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}

    def note(self, session_ids: Iterable[str], kind: str) -> None:
        """These sessions changed out of view (a new one stays new when it changes again)."""
        for session_id in session_ids:
            if self.kinds.get(session_id) != NEW:
                self.kinds[session_id] = kind

    def forget(self, session_ids: Iterable[str]) -> None:
        """These sessions need no counting any more (seen, or gone)."""
        for session_id in session_ids:
            self.kinds.pop(session_id, None)

    def clear(self) -> None:
        """Everything counts as seen."""
        self.kinds.clear()

    def tally(self, row_of: Callable[[str], int | None], top: int, bottom: int) -> Tally:
        """Count what is above row ``top`` and from row ``bottom`` on; forget
        what is in between (seen) and what is not shown (``row_of`` is ``None``)."""
        counts = {(NEW, True): 0, (CHANGED, True): 0, (NEW, False): 0, (CHANGED, False): 0}
        seen = []
        for session_id, kind in self.kinds.items():
            row = row_of(session_id)
            if row is None or top <= row < bottom:
                seen.append(session_id)
            else:
                counts[kind, row < top] += 1
        self.forget(seen)
        return Tally(counts[NEW, True], counts[CHANGED, True], counts[NEW, False], counts[CHANGED, False])
