"""Time text as ``mattn/go-sqlite3`` writes and reads it in ``datetime`` columns.

The driver writes ``time.Time`` with its first layout,
``2006-01-02 15:04:05.999999999-07:00`` (fraction trimmed of trailing
zeros, UTC as ``+00:00``), and reads text by trimming one trailing ``Z``
and trying each of its ``SQLiteTimestampFormats`` in order, in UTC when the
layout has no offset. An integer is a Unix time in seconds, or in
milliseconds beyond ±1e12. The zero time (``0001-01-01 00:00:00+00:00``)
means "not set" and reads as ``None``.

Python keeps microseconds; :class:`DbTime` keeps the nanoseconds beside
them so that instants compare exactly. Callers that write a value back
unchanged reuse the original text, so nothing is ever rounded on disk.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from ..errors import quoted

#: The driver's layouts (Go reference-time notation), tried in this order.
SQLITE_TIMESTAMP_FORMATS = (
    "2006-01-02 15:04:05.999999999-07:00",
    "2006-01-02T15:04:05.999999999-07:00",
    "2006-01-02 15:04:05.999999999",
    "2006-01-02T15:04:05.999999999",
    "2006-01-02 15:04:05",
    "2006-01-02T15:04:05",
    "2006-01-02 15:04",
    "2006-01-02T15:04",
    "2006-01-02",
)

#: How the driver stores Go's zero time; this store writes it for "not set".
DB_ZERO_TIME = "0001-01-01 00:00:00+00:00"

# Every layout above at once. Go's parser takes a 1- or 2-digit hour, a
# fraction after the seconds even when the layout has none, '.' or ',' before
# it, and an offset only where the layout has seconds.
_ANY_LAYOUT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[ T](\d{1,2}):(\d{2})"
    r"(?::(\d{2})(?:[.,](\d+))?([+-]\d{2}:\d{2})?)?"
    r")?\Z"
)
# The text this store and Go write, parsed by ``fromisoformat`` directly.
_FIRST_LAYOUT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?[+-]\d{2}:\d{2}\Z")
_FRACTION = re.compile(r"\.(\d+)")

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ZERO_INSTANT = datetime(1, 1, 1, tzinfo=timezone.utc)


class DbTime(NamedTuple):
    """A time read from the database: the ``datetime`` and its nanoseconds beyond it."""

    value: datetime
    #: Nanoseconds past ``value`` (0-999): Python's datetime stops at microseconds.
    extra_ns: int = 0

    def key(self) -> tuple[datetime, int]:
        """A sort key that orders instants exactly (offsets and nanoseconds included)."""
        return (self.value, self.extra_ns)


def parse_db_time(raw: object) -> DbTime | None:
    """Read a ``datetime`` column's value as the driver does; the zero time gives ``None``.

    ``raw`` is what ``sqlite3`` returned: text, an integer (Unix seconds or
    milliseconds) or ``None`` (read as "not set", as Go's ORM reads NULL).
    Raises ``ValueError`` naming the value when no layout accepts it, or
    for other types (the driver cannot scan a float or a blob into a time).
    """
    if raw is None:
        return None
    if type(raw) is int:
        return _from_unix(raw)
    if type(raw) is not str:
        raise ValueError(f"not a time: a {_sql_kind(raw)} value {quoted(raw)}")
    text = raw[:-1] if raw.endswith("Z") else raw
    if _FIRST_LAYOUT.match(text):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None  # a field out of range: the general path names it
        if parsed is not None:
            if parsed.year == 1 and _is_zero(parsed):
                return None
            fraction = _FRACTION.search(text)
            extra = int(fraction.group(1)[6:9].ljust(3, "0")) if fraction else 0
            return DbTime(parsed, extra)
    return _parse_general(raw, text)


def _parse_general(raw: str, text: str) -> DbTime | None:
    match = _ANY_LAYOUT.match(text)
    if match is None:
        raise ValueError(f"not a time in any layout the Go driver reads: {quoted(raw)}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    tz = timezone.utc
    if offset is not None:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        delta = timedelta(hours=hours, minutes=minutes)
        if minutes > 59 or delta >= timedelta(hours=24):
            raise ValueError(f"time zone offset out of range: {quoted(raw)}")
        tz = timezone(-delta if offset[0] == "-" else delta)
    digits = (fraction or "")[:9].ljust(9, "0")
    try:
        parsed = datetime(
            int(year), int(month), int(day),
            int(hour or 0), int(minute or 0), int(second or 0),
            int(digits[:6]), tzinfo=tz,
        )
    except ValueError as exc:
        raise ValueError(f"not a valid time ({exc}): {quoted(raw)}") from None
    if parsed.year == 1 and _is_zero(parsed):
        return None
    return DbTime(parsed, int(digits[6:]))


def _from_unix(value: int) -> DbTime:
    try:
        if value > 10**12 or value < -(10**12):
            return DbTime(_UNIX_EPOCH + timedelta(milliseconds=value))
        return DbTime(_UNIX_EPOCH + timedelta(seconds=value))
    except OverflowError:
        raise ValueError(f"Unix time out of range: {value}") from None


def _is_zero(value: datetime) -> bool:
    try:
        return value == _ZERO_INSTANT
    except OverflowError:  # an offset that moves year 1 below datetime.min
        return False


def _sql_kind(value: object) -> str:
    if isinstance(value, float):
        return "REAL"
    if isinstance(value, (bytes, memoryview)):
        return "BLOB"
    if isinstance(value, int):
        return "INTEGER"
    return type(value).__name__


def format_db_time(value: datetime | None) -> str:
    """The driver's text for a time: its first layout; ``None`` gives the zero time.

    A naive datetime is taken as local time.
    """
    if value is None:
        return DB_ZERO_TIME
    if value.tzinfo is None:
        value = value.astimezone()
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
