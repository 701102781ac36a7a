"""Time text in ``datetime`` columns, as ``mattn/go-sqlite3`` reads and writes it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tui.session.sqlite.timetext import DB_ZERO_TIME, DbTime, format_db_time, parse_db_time

UTC = timezone.utc
CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The first layout, the one Go writes: nanoseconds kept beside the microseconds.
        ("2026-11-24 13:52:23.917658728+08:00", DbTime(datetime(2026, 11, 24, 13, 52, 23, 917658, CST), 728)),
        ("2026-11-24 13:52:23.9+08:00", DbTime(datetime(2026, 11, 24, 13, 52, 23, 900000, CST))),
        ("2026-11-24 13:52:23-03:30", DbTime(datetime(2026, 11, 24, 13, 52, 23, tzinfo=timezone(-timedelta(hours=3, minutes=30))))),
        # The others, in the driver's order; without an offset the time is UTC.
        ("2026-11-24T13:52:23.000000001+08:00", DbTime(datetime(2026, 11, 24, 13, 52, 23, tzinfo=CST), 1)),
        ("2026-11-24 13:52:23.123456789", DbTime(datetime(2026, 11, 24, 13, 52, 23, 123456, UTC), 789)),
        ("2026-11-24T13:52:23.5", DbTime(datetime(2026, 11, 24, 13, 52, 23, 500000, UTC))),
        ("2026-11-24 13:52:23", DbTime(datetime(2026, 11, 24, 13, 52, 23, tzinfo=UTC))),
        ("2026-11-24T13:52:23", DbTime(datetime(2026, 11, 24, 13, 52, 23, tzinfo=UTC))),
        ("2026-11-24 13:52", DbTime(datetime(2026, 11, 24, 13, 52, tzinfo=UTC))),
        ("2026-11-24T13:52", DbTime(datetime(2026, 11, 24, 13, 52, tzinfo=UTC))),
        ("2026-11-24", DbTime(datetime(2026, 11, 24, tzinfo=UTC))),
        # A trailing Z is trimmed first; Go's parser takes a one-digit hour and a comma.
        ("2026-11-24T13:52:23.25Z", DbTime(datetime(2026, 11, 24, 13, 52, 23, 250000, UTC))),
        ("2026-11-24 9:05:00", DbTime(datetime(2026, 11, 24, 9, 5, tzinfo=UTC))),
        ("2026-11-24 13:52:23,5+08:00", DbTime(datetime(2026, 11, 24, 13, 52, 23, 500000, CST))),
        # Digits past nanoseconds are dropped, as Go drops them.
        ("2026-11-24 13:52:23.1234567891+00:00", DbTime(datetime(2026, 11, 24, 13, 52, 23, 123456, UTC), 789)),
        # Integers: Unix seconds, or milliseconds beyond 1e12.
        (1764000000, DbTime(datetime(2025, 11, 24, 16, 0, tzinfo=UTC))),
        (1764000000123, DbTime(datetime(2025, 11, 24, 16, 0, 0, 123000, UTC))),
    ],
)
def test_every_layout_the_driver_reads(text: object, expected: DbTime) -> None:
    parsed = parse_db_time(text)
    assert parsed == expected
    assert parsed is not None and parsed.value.utcoffset() == expected.value.utcoffset()


@pytest.mark.parametrize("text", [DB_ZERO_TIME, "0001-01-01 08:00:00+08:00", "0001-01-01T00:00:00Z", "0001-01-01", None])
def test_the_zero_time_and_null_are_not_set(text: object) -> None:
    assert parse_db_time(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "", "yesterday", "2026-11-24 13:52+08:00", "2026-11-24 13:52:23+0800", "2026-11-24 13:52:23 +08:00",
        "2026-02-30 10:00:00+00:00", "2026-11-24 24:00:00+00:00", "2026-11-24 13:60:00", "2026-11-24 13:52:23.",
        " 2026-11-24", "2026-11-24 13:52:23+08:00 ", "0000-01-01 00:00:00+00:00", "2026-11-24 13:52:23+24:00",
        1.5, b"2026-11-24",
    ],
)
def test_what_no_layout_reads_is_an_error_naming_the_value(text: object) -> None:
    with pytest.raises(ValueError) as caught:
        parse_db_time(text)
    assert repr(text)[:20] in str(caught.value)


def test_instants_order_across_offsets_and_nanoseconds() -> None:
    # In text order these are reversed: the +08:00 one reads "later" but is earlier.
    east = parse_db_time("2026-11-24 15:00:00.000000002+08:00")
    west = parse_db_time("2026-11-24 07:00:00.000000001+00:00")
    assert east is not None and west is not None
    assert "2026-11-24 15" > "2026-11-24 07" and east.key() > west.key()
    later = parse_db_time("2026-11-24 07:30:00+00:00")
    assert later is not None and later.key() > east.key()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "0001-01-01 00:00:00+00:00"),
        (datetime(2026, 11, 24, 5, 41, 57, 72125, UTC), "2026-11-24 05:41:57.072125+00:00"),
        (datetime(2026, 11, 24, 13, 52, 23, 900000, CST), "2026-11-24 13:52:23.9+08:00"),
        (datetime(2026, 11, 24, 13, 52, 23, tzinfo=timezone(-timedelta(hours=5))), "2026-11-24 13:52:23-05:00"),
        (datetime(12, 1, 2, 3, 4, 5, tzinfo=UTC), "0012-01-02 03:04:05+00:00"),
    ],
)
def test_writing_uses_the_first_layout(value: datetime | None, text: str) -> None:
    assert format_db_time(value) == text
    parsed = parse_db_time(text)
    assert (parsed.value if parsed else None) == value
