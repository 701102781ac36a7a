"""Times as people read them in a live view: ``12s ago``, ``in 3m``, ``persistent``."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from tui.session import format_age


def expires_text(expires_at: datetime | None, now: datetime) -> str:
    """``expires in 12m``, ``expired 3m ago``, or ``persistent``."""
    if expires_at is None:
        return "persistent"
    delta = expires_at - now
    if delta >= timedelta(0):
        return f"expires in {format_age(delta)}"
    return f"expired {format_age(-delta)} ago"


def in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` in ``zone``; as it is when that zone cannot hold it (year 0 or 10000 there)."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment


def zoned_time(moment: datetime, now: datetime) -> str:
    """``2026-11-24 11:50:00``: ``moment`` in the zone the screen shows (that of ``now``).

    A time that zone cannot hold (year 1 or 9999 near its edge) keeps its own
    zone and says which: ``0001-01-01 00:00:00 +01:00``.
    """
    shown = in_zone(moment, now.tzinfo)
    text = f"{shown.year:04d}-{shown:%m-%d %H:%M:%S}"  # (%Y does not pad years before 1000)
    if shown.utcoffset() != now.utcoffset():
        offset = shown.strftime("%z")
        text += f" {offset[:3]}:{offset[3:]}" if offset else ""
    return text


def zone_name(now: datetime) -> str:
    """The zone the screen shows times in: ``UTC``, ``CET``, or an offset like ``+05:30``."""
    name = now.tzname() or ""
    if name and not name.startswith(("UTC+", "UTC-")):
        return name
    offset = now.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}" if offset else "local"

