"""Human ages such as ``90s``, ``30m``, ``12h``, ``7d``, ``2w``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
#: The longest age :func:`parse_age` accepts, about a thousand years: far
#: longer and "now minus the age" falls before year 1, which no date holds.
MAX_AGE = timedelta(days=365_000)
#: The earliest time a date holds (the cutoff of any age that reaches past it).
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*\Z", re.IGNORECASE)


def parse_age(text: str) -> timedelta:
    """Parse an age like ``7d`` into a ``timedelta``.

    Raises ``ValueError`` with a message fit for a user, e.g.
    ``age '7x': expected a number and a unit (s, m, h, d, w), like 7d``.
    """
    match = _AGE.match(text)
    if not match:
        raise ValueError(
            f"age {text!r}: expected a number and a unit (s, m, h, d, w), like 7d"
        )
    amount, unit = float(match.group(1)), match.group(2).lower()
    if amount <= 0:
        raise ValueError(f"age {text!r}: must be more than zero")
    seconds = amount * _UNITS[unit]  # a float: inf for a very long number, never an error
    if seconds > MAX_AGE.total_seconds():
        raise ValueError(
            f"age {text!r}: too large, at most {MAX_AGE.days}d (about 1000 years)"
        )
    return timedelta(seconds=seconds)


def age_cutoff(now: datetime, age: timedelta) -> datetime:
    """``now - age``: the time before which something is older than ``age``.

    An age reaching back past year 1 (only a ``timedelta`` built by hand can:
    :func:`parse_age` caps ages) gives the earliest time a date holds, so
    nothing but what was never active is older, instead of ``OverflowError``.
    """
    try:
        return now - age
    except OverflowError:
        return EARLIEST


def format_age(age: timedelta) -> str:
    """Format a duration compactly: ``45s``, ``12m``, ``3h``, ``2d``, ``5w``."""
    seconds = int(abs(age.total_seconds()))
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
