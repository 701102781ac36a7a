"""The filter's search in message text: response, error and every message, in a worker.

The summaries the tree holds have no response or history; the reading
searches its store's bytes (:meth:`tui.session.Reading.search`: what is
looked in, how JSON escapes and case are seen through). Here: what the app
asks for at each keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tui.session import Reading


def search_texts(
    reading: Reading,
    needle: str,
    *,
    only: Iterable[str] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> frozenset[str] | None:
    """Ids of the sessions whose response, error, request or a message contains
    ``needle`` (case-insensitively), among ``only`` (default: every session).
    ``None`` when ``cancelled()`` became true on the way."""
    if not needle.casefold():
        return frozenset()
    return reading.search(needle, only=only, cancelled=cancelled)


def narrows(needle: str, previous: str) -> bool:
    """Whether every text holding ``needle`` holds ``previous`` too (a character typed at its end, say):
    the sessions ``previous`` found are then the only ones to search."""
    return bool(previous) and previous.casefold() in needle.casefold()
