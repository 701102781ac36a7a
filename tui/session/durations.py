"""Human ages such as ``90s``, ``30m``, ``12h``, ``7d``, ``2w``."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
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
    return timedelta(seconds=amount * _UNITS[unit])


def format_age(age: timedelta) -> str:
    """Format a duration compactly: ``45s``, ``12m``, ``3h``, ``2d``, ``5w``."""
    seconds = int(abs(age.total_seconds()))
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
