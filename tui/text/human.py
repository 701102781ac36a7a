"""Numbers and times as people read them: ``3 sessions``, ``12m ago``, ``in 3m``, ``just now``."""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.session import format_age

_SECOND = timedelta(seconds=1)


def plural(number: int, word: str) -> str:
    """``1 session``, ``3 sessions`` (``word`` takes an ``s``)."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def ago(moment: datetime | None, now: datetime, *, just_now: timedelta = _SECOND) -> str:
    """``3m ago``; ``in 3m`` for a time ahead of ``now`` (a clock ahead of ours); ``never`` for no time.

    A time less than ``just_now`` away from ``now`` either way is ``just now``
    (the app's default: a second); ``timedelta(0)`` always names the age
    (``0s ago``), as the commands print it for scripts to read.
    """
    return "never" if moment is None else since(now - moment, just_now=just_now)


def since(age: timedelta, *, just_now: timedelta = _SECOND) -> str:
    """An age as :func:`ago` says it: ``3m ago``, ``in 3m`` for a negative one, ``just now``."""
    if -just_now < age < just_now:
        return "just now"
    return f"in {format_age(age)}" if age < timedelta(0) else f"{format_age(age)} ago"
