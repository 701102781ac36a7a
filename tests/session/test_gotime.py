"""Go ``time.Time`` JSON values (``parse_time``/``format_time``) and human ages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tui.session import GO_ZERO_TIME, format_age, format_time, parse_age, parse_time

UTC = timezone.utc
PLUS8 = timezone(timedelta(hours=8))
MINUS0530 = timezone(-timedelta(hours=5, minutes=30))


# -- parse_time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24T05:41:57Z", datetime(2026, 11, 24, 5, 41, 57, tzinfo=UTC)),
        ("2026-11-24T05:41:57.5Z", datetime(2026, 11, 24, 5, 41, 57, 500000, tzinfo=UTC)),
        ("2026-11-24T05:41:57.072125512Z", datetime(2026, 11, 24, 5, 41, 57, 72125, tzinfo=UTC)),
        ("2026-11-24T05:41:57.000000999Z", datetime(2026, 11, 24, 5, 41, 57, 0, tzinfo=UTC)),
        ("2026-11-24T13:52:23.917658728+08:00", datetime(2026, 11, 24, 13, 52, 23, 917658, tzinfo=PLUS8)),
        ("2026-11-24T00:22:23.1-05:30", datetime(2026, 11, 24, 0, 22, 23, 100000, tzinfo=MINUS0530)),
        ("2026-11-24T05:41:57+00:00", datetime(2026, 11, 24, 5, 41, 57, tzinfo=UTC)),
    ],
)
def test_parse_time(text: str, expected: datetime) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_parse_time_keeps_the_offset_not_just_the_instant() -> None:
    parsed = parse_time("2026-11-24T13:52:23+08:00")
    assert parsed.utcoffset() == timedelta(hours=8)
    assert parsed.hour == 13
    assert parsed == datetime(2026, 11, 24, 5, 52, 23, tzinfo=UTC)


def test_the_go_zero_time_is_none() -> None:
    assert GO_ZERO_TIME == "0001-01-01T00:00:00Z"
    assert parse_time(GO_ZERO_TIME) is None
    assert parse_time("0001-01-01T00:00:00.000000000Z") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2026-11-24",
        "2026-11-24T05:41:57",  # no offset
        "2026-11-24 05:41:57Z",  # space instead of T
        "2026-11-24t05:41:57z",  # lower case
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24T05:41:57.Z",
        "2026-11-24T05:41:57.1234567890Z",  # ten fraction digits
        "2026-11-24T05:41:57+0800",
    ],
)
def test_parse_time_rejects_what_go_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


# -- format_time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 11, 24, 5, 41, 57, tzinfo=UTC), "2026-11-24T05:41:57Z"),
        (datetime(2026, 11, 24, 5, 41, 57, 120000, tzinfo=UTC), "2026-11-24T05:41:57.12Z"),
        (datetime(2026, 11, 24, 5, 41, 57, 72125, tzinfo=UTC), "2026-11-24T05:41:57.072125Z"),
        (datetime(2026, 11, 24, 5, 41, 57, 1, tzinfo=UTC), "2026-11-24T05:41:57.000001Z"),
        (datetime(2026, 11, 24, 13, 52, 23, 917658, tzinfo=PLUS8), "2026-11-24T13:52:23.917658+08:00"),
        (datetime(2026, 11, 24, 0, 22, 23, tzinfo=MINUS0530), "2026-11-24T00:22:23-05:30"),
        (datetime(2026, 11, 24, 5, 41, 57, tzinfo=timezone(timedelta(0), "GMT")), "2026-11-24T05:41:57Z"),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
        (None, "0001-01-01T00:00:00Z"),
    ],
)
def test_format_time_is_go_rfc3339nano(value: datetime | None, expected: str) -> None:
    assert format_time(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=PLUS8),
        datetime(1999, 12, 31, 12, 0, 0, 10, tzinfo=MINUS0530),
    ],
)
def test_format_then_parse_gives_the_same_time_and_offset(value: datetime) -> None:
    parsed = parse_time(format_time(value))
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()


def test_format_time_of_a_naive_datetime_is_local_time() -> None:
    naive = datetime(2026, 11, 24, 5, 41, 57)
    assert parse_time(format_time(naive)) == naive.astimezone()


# -- ages (tui/session/durations.py) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("1.5h", timedelta(minutes=90)),
        (" 7D ", timedelta(days=7)),
    ],
)
def test_parse_age(text: str, expected: timedelta) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "7x", "7 days", "-1d", "0d", "1d2h", "7dd"])
def test_parse_age_rejects_bad_input_with_a_helpful_message(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_age(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["365001d", "740000d", "1000000d", "99999999999d", "9" * 400 + "w"])
def test_parse_age_rejects_ages_longer_than_a_date_holds(text: str) -> None:
    # Not OverflowError: "now minus the age" must be a date the caller can compare.
    with pytest.raises(ValueError, match="too large, at most 365000d"):
        parse_age(text)


def test_the_longest_age_parse_age_accepts_can_be_taken_from_now() -> None:
    longest = parse_age("365000d")
    assert longest == timedelta(days=365_000)
    assert datetime.now(timezone.utc) - longest < datetime.now(timezone.utc)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=12, seconds=59), "12m"),
        (timedelta(hours=3, minutes=5), "3h"),
        (timedelta(days=2, hours=23), "2d"),
        (timedelta(weeks=5, days=6), "5w"),
    ],
)
def test_format_age(age: timedelta, expected: str) -> None:
    assert format_age(age) == expected


@pytest.mark.parametrize("text", ["45s", "30m", "12h", "6d", "2w"])
def test_format_age_reads_back_with_parse_age(text: str) -> None:
    assert format_age(parse_age(text)) == text
