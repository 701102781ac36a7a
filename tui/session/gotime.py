"""Go ``time.Time`` JSON values: RFC 3339 with up to nanoseconds, any offset.

Python's ``datetime`` keeps microseconds only, so callers that must round-trip
a value exactly keep the original string (see :mod:`tui.session.codec`).
The Go zero time ``0001-01-01T00:00:00Z`` means "not set" and maps to ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from .errors import quoted

GO_ZERO_TIME = "0001-01-01T00:00:00Z"

#: Go's strict RFC 3339: 'T' and 'Z' in upper case, offset as +hh:mm, fields in range.
STRICT_TIME_PATTERN = (
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)
_RFC3339 = re.compile(STRICT_TIME_PATTERN + r"\Z")

_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
#: :data:`STRICT_TIME_PATTERN` narrowed to the times :func:`parse_time` never
#: refuses: ASCII digits, no year 0, only days the month has (February 29th in
#: leap years). A time that matches it can be parsed later without a check.
VALID_TIME_PATTERN = (
    r"(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    rf"|{_LEAP_YEAR}-02-29)"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)

_ZERO_INSTANT = datetime(1, 1, 1, tzinfo=timezone.utc)


def parse_time(value: str) -> datetime | None:
    """Parse a Go RFC 3339 time; the zero time gives ``None``.

    Raises ``ValueError`` (with the offending value) if ``value`` is not a
    valid RFC 3339 time. Digits beyond microseconds are truncated.
    """
    if value == GO_ZERO_TIME:
        return None
    if not _RFC3339.match(value):
        raise ValueError(f"not an RFC 3339 time: {quoted(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a valid time: {quoted(value)}") from None
    if parsed.year == 1 and _is_zero(parsed):
        return None
    return parsed


def _is_zero(value: datetime) -> bool:
    try:
        return value == _ZERO_INSTANT
    except OverflowError:  # an offset that moves year 1 below datetime.min
        return False


def format_time(value: datetime | None) -> str:
    """Format like Go's ``time.RFC3339Nano``: trailing zeros trimmed, ``Z`` for UTC.

    ``None`` gives the Go zero time. A naive datetime is taken as local time.
    """
    if value is None:
        return GO_ZERO_TIME
    if value.tzinfo is None:
        value = value.astimezone()
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.year < 1000:  # strftime does not zero-pad years on every platform
        text = f"{value.year:04d}" + text[text.index("-"):]
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return text + "Z"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


#: A clock, as stores and the Manager take one: returns the time now (timezone-aware).
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: now, in UTC."""
    return datetime.now(timezone.utc)
