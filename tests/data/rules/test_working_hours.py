"""Tests for data/working_hours.py: the support desk's working-hour calendar.

Every expected value below was worked out by hand from the regulation (Mon-Thu 09:00-18:00,
Fri 09:00-17:00, Moscow time = UTC+3) and the official production calendars of 2024-2026.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.data.core.errors import RegulationError
from helpdesk.data.rules.working_hours import DAY_KINDS, Window, WorkingCalendar

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
UTC = timezone.utc
ZONES = {"MSK": MSK, "UTC": UTC, "NY": NY}
ROOT = Path(__file__).resolve().parents[3]

HOURS = {
    "monday": ["09:00", "18:00"],
    "tuesday": ["09:00", "18:00"],
    "wednesday": ["09:00", "18:00"],
    "thursday": ["09:00", "18:00"],
    "friday": ["09:00", "17:00"],
}


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


def msk(text: str) -> datetime:
    """'2025-10-17 16:00' or '2025-10-17 16:00:59.5' in Moscow time."""
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def window(text: str | None) -> Window | None:
    """'2026-01-12 09:00-18:00' -> the Moscow window."""
    if text is None:
        return None
    day, hours = text.split(" ")
    start, end = hours.split("-")
    return Window(msk(f"{day} {start}"), msk(f"{day} {end}"))


# (zone of the input, local wall time in that zone, current window or None, next window)
CASES = [
    # New Year 2025/2026: 31 Dec 2025 (transferred from Sun 5 Jan) to Sun 11 Jan 2026 are off.
    ("MSK", "2025-12-30 12:00", "2025-12-30 09:00-18:00", "2026-01-12 09:00-18:00"),
    ("MSK", "2025-12-31 10:00", None, "2026-01-12 09:00-18:00"),
    ("MSK", "2026-01-09 12:00", None, "2026-01-12 09:00-18:00"),
    ("MSK", "2026-01-12 08:59:59", None, "2026-01-12 09:00-18:00"),
    ("MSK", "2026-01-12 09:00:00", "2026-01-12 09:00-18:00", "2026-01-13 09:00-18:00"),
    ("UTC", "2026-01-12 06:00:00", "2026-01-12 09:00-18:00", "2026-01-13 09:00-18:00"),
    ("NY", "2026-01-11 20:00", None, "2026-01-12 09:00-18:00"),  # 04:00 MSK
    # New Year 2024/2025: Sat 28 Dec 2024 works a FULL day; 29 Dec - 8 Jan off.
    ("MSK", "2024-12-27 16:30", "2024-12-27 09:00-17:00", "2024-12-28 09:00-18:00"),
    ("MSK", "2024-12-28 10:00", "2024-12-28 09:00-18:00", "2025-01-09 09:00-18:00"),
    ("MSK", "2024-12-28 17:30", "2024-12-28 09:00-18:00", "2025-01-09 09:00-18:00"),
    ("NY", "2024-12-28 09:59:59", "2024-12-28 09:00-18:00", "2025-01-09 09:00-18:00"),  # 17:59:59 MSK
    ("MSK", "2024-12-30 12:00", None, "2025-01-09 09:00-18:00"),
    ("MSK", "2024-01-08 12:00", None, "2024-01-09 09:00-18:00"),
    # 23 February.
    ("MSK", "2024-02-22 16:59:59", "2024-02-22 09:00-17:00", "2024-02-26 09:00-18:00"),
    ("MSK", "2024-02-22 17:00:00", None, "2024-02-26 09:00-18:00"),
    ("MSK", "2026-02-20 16:30", "2026-02-20 09:00-17:00", "2026-02-24 09:00-18:00"),  # not shortened
    ("MSK", "2026-02-23 10:00", None, "2026-02-24 09:00-18:00"),
    ("MSK", "2025-02-24 10:00", "2025-02-24 09:00-18:00", "2025-02-25 09:00-18:00"),  # Sun 23 Feb moved to 8 May
    # 8 March.
    ("MSK", "2025-03-07 15:59:59", "2025-03-07 09:00-16:00", "2025-03-10 09:00-18:00"),  # Fri shortened
    ("MSK", "2025-03-07 16:00:00", None, "2025-03-10 09:00-18:00"),
    ("MSK", "2026-03-06 16:30", "2026-03-06 09:00-17:00", "2026-03-10 09:00-18:00"),
    ("MSK", "2026-03-09 12:00", None, "2026-03-10 09:00-18:00"),  # Sun 8 Mar moved to Mon 9 Mar
    ("MSK", "2024-03-07 17:30", None, "2024-03-11 09:00-18:00"),  # Thu shortened to 17:00
    # May holidays.
    ("MSK", "2024-04-27 17:30", "2024-04-27 09:00-18:00", "2024-05-02 09:00-18:00"),  # working Sat, full
    ("MSK", "2024-04-29 10:00", None, "2024-05-02 09:00-18:00"),
    ("MSK", "2024-05-08 17:00", None, "2024-05-13 09:00-18:00"),
    ("MSK", "2025-04-30 16:59", "2025-04-30 09:00-17:00", "2025-05-05 09:00-18:00"),
    ("MSK", "2025-05-02 10:00", None, "2025-05-05 09:00-18:00"),
    ("MSK", "2025-05-07 17:30", "2025-05-07 09:00-18:00", "2025-05-12 09:00-18:00"),  # not shortened
    ("MSK", "2026-04-30 17:00", None, "2026-05-04 09:00-18:00"),
    ("MSK", "2026-05-08 15:59:59", "2026-05-08 09:00-16:00", "2026-05-12 09:00-18:00"),
    ("MSK", "2026-05-08 16:00", None, "2026-05-12 09:00-18:00"),
    # 12 June.
    ("MSK", "2024-06-11 16:59:59", "2024-06-11 09:00-17:00", "2024-06-13 09:00-18:00"),
    ("MSK", "2025-06-11 12:00", "2025-06-11 09:00-17:00", "2025-06-16 09:00-18:00"),
    ("MSK", "2025-06-13 10:00", None, "2025-06-16 09:00-18:00"),
    ("MSK", "2026-06-11 17:59:59", None, "2026-06-15 09:00-18:00"),
    # 4 November and its transfers.
    ("MSK", "2024-11-02 16:30", "2024-11-02 09:00-17:00", "2024-11-05 09:00-18:00"),  # working Sat, shortened
    ("MSK", "2025-11-01 15:00", "2025-11-01 09:00-17:00", "2025-11-05 09:00-18:00"),  # working Sat, shortened
    ("MSK", "2025-11-01 17:00", None, "2025-11-05 09:00-18:00"),
    ("NY", "2025-11-01 09:30", "2025-11-01 09:00-17:00", "2025-11-05 09:00-18:00"),  # EDT: 16:30 MSK
    ("MSK", "2025-11-03 10:00", None, "2025-11-05 09:00-18:00"),
    ("MSK", "2026-11-03 17:00", None, "2026-11-05 09:00-18:00"),
    ("MSK", "2026-11-04 12:00", None, "2026-11-05 09:00-18:00"),
    # 31 December 2026 (transferred from Sun 4 Jan); 2027 comes from the package fallback.
    ("MSK", "2026-12-30 17:30", "2026-12-30 09:00-18:00", "2027-01-11 09:00-18:00"),
    ("MSK", "2026-12-31 12:00", None, "2027-01-11 09:00-18:00"),
    # Plain boundaries.
    ("MSK", "2025-10-15 17:59:59", "2025-10-15 09:00-18:00", "2025-10-16 09:00-18:00"),
    ("MSK", "2025-10-15 18:00:00", None, "2025-10-16 09:00-18:00"),
    ("MSK", "2025-10-17 16:59:59.999999", "2025-10-17 09:00-17:00", "2025-10-20 09:00-18:00"),
    ("MSK", "2025-10-17 17:00:00", None, "2025-10-20 09:00-18:00"),
    ("MSK", "2025-10-18 12:00", None, "2025-10-20 09:00-18:00"),
    ("UTC", "2025-10-17 13:59:59", "2025-10-17 09:00-17:00", "2025-10-20 09:00-18:00"),
    ("UTC", "2025-10-17 14:00:00", None, "2025-10-20 09:00-18:00"),
    # New York is on EDT (-04:00) from Sun 9 Mar 2025 02:00; read as EST it would be an hour off.
    ("NY", "2025-03-10 01:59:59", None, "2025-03-10 09:00-18:00"),  # EDT: 08:59:59 MSK
    ("NY", "2025-03-10 02:00:00", "2025-03-10 09:00-18:00", "2025-03-11 09:00-18:00"),
    ("NY", "2025-03-09 03:00:00", None, "2025-03-10 09:00-18:00"),  # Sunday 10:00 MSK
    ("NY", "2025-03-09 02:30:00", None, "2025-03-10 09:00-18:00"),  # a wall time that never was
]


@pytest.mark.parametrize(("zone", "local", "current", "upcoming"), CASES)
def test_calendar_table(cal, zone, local, current, upcoming):
    at = datetime.fromisoformat(local).replace(tzinfo=ZONES[zone])
    expected_current, expected_next = window(current), window(upcoming)

    assert cal.is_open(at) is (expected_current is not None)
    assert cal.current_window(at) == expected_current
    assert cal.next_window(at) == expected_next
    assert cal.upcoming_window(at) == (expected_current or expected_next)
    change = cal.changes_at(at)
    assert change == (expected_current.end if expected_current else expected_next.start)
    assert change.tzinfo is cal.tz
    nxt = cal.next_window(at)
    assert nxt.start.tzinfo is cal.tz and nxt.end.tzinfo is cal.tz
    # The wall-clock hours shown to people are Moscow ones.
    assert (nxt.start.strftime("%H:%M"), nxt.start.utcoffset()) == (upcoming[11:16], timedelta(hours=3))


def test_table_is_big_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("day", "kind", "hours"),
    [
        ("2024-01-08", "holiday", None),
        ("2024-01-09", "workday", ("09:00", "18:00")),
        ("2024-02-22", "shortened", ("09:00", "17:00")),
        ("2024-04-27", "working_weekend", ("09:00", "18:00")),
        ("2024-04-28", "weekend", None),
        ("2024-04-29", "holiday", None),
        ("2024-11-02", "working_weekend", ("09:00", "17:00")),
        ("2024-12-28", "working_weekend", ("09:00", "18:00")),
        ("2025-02-23", "holiday", None),  # a holiday on a Sunday is still a holiday
        ("2025-03-07", "shortened", ("09:00", "16:00")),
        ("2025-05-07", "workday", ("09:00", "18:00")),
        ("2025-05-08", "holiday", None),
        ("2025-11-01", "working_weekend", ("09:00", "17:00")),
        ("2025-12-30", "workday", ("09:00", "18:00")),
        ("2025-12-31", "holiday", None),
        ("2026-01-10", "weekend", None),
        ("2026-02-20", "workday", ("09:00", "17:00")),
        ("2026-03-07", "weekend", None),
        ("2026-05-08", "shortened", ("09:00", "16:00")),
        ("2026-05-09", "holiday", None),
        ("2026-11-03", "shortened", ("09:00", "17:00")),
        ("2026-12-31", "holiday", None),
    ],
)
def test_day_kind_and_window(cal, day, kind, hours):
    d = date.fromisoformat(day)
    assert cal.day_kind(d) == kind
    expected = None if hours is None else (time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
    assert cal.day_window(d) == expected


def test_working_weekend_days_can_be_shortened(cal):
    assert cal.is_shortened(date(2024, 11, 2)) and cal.is_shortened(date(2025, 11, 1))
    assert not cal.is_shortened(date(2024, 12, 28)) and not cal.is_shortened(date(2024, 4, 27))


OFFICIAL = {  # working days, 40-hour-week norm in hours, shortened days (official calendars)
    2024: (248, 1979, ["2024-02-22", "2024-03-07", "2024-05-08", "2024-06-11", "2024-11-02"]),
    2025: (247, 1972, ["2025-03-07", "2025-04-30", "2025-06-11", "2025-11-01"]),
    2026: (247, 1972, ["2026-04-30", "2026-05-08", "2026-06-11", "2026-11-03"]),
}


def _days(year: int):
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += timedelta(days=1)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_year_totals_match_official_calendar(cal, year):
    days, norm, shortened = OFFICIAL[year]
    working = [d for d in _days(year) if cal.day_window(d) is not None]
    short = [d.isoformat() for d in working if cal.is_shortened(d)]
    assert len(working) == days
    assert short == shortened
    assert 8 * len(working) - len(short) == norm


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_package_agrees_with_explicit_tables(year):
    """The `holidays` package alone (no [calendar.YYYY] tables) gives the same calendar: the
    package's days off and working Saturdays, and the derived shortened days."""
    official = WorkingCalendar.default()
    derived = WorkingCalendar.from_config("Europe/Moscow", HOURS, {"country": "RU"})
    for d in _days(year):
        assert (derived.day_kind(d), derived.day_window(d)) == (official.day_kind(d), official.day_window(d)), d
    package = holidays.country_holidays("RU", years=year)
    holidays_here = {d for d in _days(year) if official.day_kind(d) == "holiday"}
    assert holidays_here == set(package)


@pytest.mark.parametrize(
    ("day", "kind", "hours"),
    [
        ("2030-03-07", "shortened", ("09:00", "17:00")),  # Thu before Fri 8 Mar
        ("2030-02-22", "shortened", ("09:00", "16:00")),  # Fri before Sat 23 Feb
        ("2030-02-23", "holiday", None),
        ("2030-02-25", "holiday", None),  # art. 112 part 2: Sat 23 Feb moves to Mon 25 Feb
        ("2030-05-08", "shortened", ("09:00", "17:00")),
        ("2030-11-01", "workday", ("09:00", "17:00")),  # Fri before Mon 4 Nov: full
        ("2030-11-04", "holiday", None),
        ("2030-12-31", "shortened", ("09:00", "17:00")),  # Tue before 1 Jan
        ("2030-01-09", "workday", ("09:00", "18:00")),
        ("2027-02-20", "working_weekend", ("09:00", "17:00")),  # package: Sat 20 Feb <-> Mon 22 Feb
        ("2027-02-22", "holiday", None),
    ],
)
def test_derivation_for_years_without_a_table(cal, day, kind, hours):
    d = date.fromisoformat(day)
    assert cal.day_kind(d) == kind
    expected = None if hours is None else (time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
    assert cal.day_window(d) == expected


# ---------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("start", "delta", "end"),
    [
        # Fri 16:00 + 3 h: 1 h on Friday (to 17:00), 2 h on Monday.
        (msk("2025-10-17 16:00"), timedelta(hours=3), msk("2025-10-20 11:00")),
        # 2 h from 30 Dec 2025 17:00: 1 h that day, 1 h after the New Year block.
        (msk("2025-12-30 17:00"), timedelta(hours=2), msk("2026-01-12 10:00")),
        # Exactly the rest of the day ends at closing time, not the next morning.
        (msk("2025-10-15 17:00"), timedelta(hours=1), msk("2025-10-15 18:00")),
        # From a closed instant the time counts from the next opening.
        (msk("2025-12-31 12:00"), timedelta(microseconds=1), msk("2026-01-12 09:00:00.000001")),
        (msk("2025-10-18 03:00"), timedelta(hours=9), msk("2025-10-20 18:00")),
        # 8 h from Wed 30 Apr 2025 09:00: the shortened day gives all 8 h.
        (msk("2025-04-30 09:00"), timedelta(hours=8), msk("2025-04-30 17:00")),
        (msk("2025-04-30 09:00"), timedelta(hours=8, minutes=1), msk("2025-05-05 09:01")),
        # 40 h from Mon 28 Apr 2025 09:00: 9+9+8 (to 30 Apr), 9+5 from Mon 5 May.
        (msk("2025-04-28 09:00"), timedelta(hours=40), msk("2025-05-06 14:00")),
        # Input in New York: Fri 17 Oct 09:00 EDT = 16:00 MSK.
        (datetime(2025, 10, 17, 9, 0, tzinfo=NY), timedelta(hours=3), msk("2025-10-20 11:00")),
    ],
)
def test_add_working_time(cal, start, delta, end):
    result = cal.add_working_time(start, delta)
    assert result == end
    assert result.tzinfo is cal.tz
    assert cal.working_time_between(start, result) == delta


def test_add_zero_returns_the_instant_even_when_closed(cal):
    closed = datetime(2025, 12, 31, 9, 0, tzinfo=UTC)  # 12:00 MSK, a day off
    result = cal.add_working_time(closed, timedelta(0))
    assert result == closed and result.tzinfo is cal.tz


def test_add_negative_is_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_time(msk("2025-10-15 12:00"), timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        (msk("2025-10-17 16:00"), msk("2025-10-20 11:00"), 3),
        (msk("2025-10-13 00:00"), msk("2025-10-20 00:00"), 4 * 9 + 8),  # a plain week
        # 28 Apr - 11 May 2025: 9 + 9 + 8 (shortened 30 Apr) + 9 + 9 + 9 (5-7 May).
        (msk("2025-04-28 00:00"), msk("2025-05-12 00:00"), 53),
        # New Year block 2026: 30 Dec 2025 (9 h) then nothing until 12 Jan.
        (msk("2025-12-29 18:00"), msk("2026-01-12 09:00"), 9),
        # 2024 working Saturdays: Sat 27 Apr (9 h) then closed to 2 May.
        (msk("2024-04-27 00:00"), msk("2024-05-02 00:00"), 9),
        # 22 Feb 2024 (shortened, 8 h) then the 23-25 Feb block; 26 Feb 09:00-10:30.
        (msk("2024-02-22 00:00"), msk("2024-02-26 10:30"), 9.5),
        (msk("2025-10-15 12:00"), msk("2025-10-15 12:00"), 0),
        (msk("2025-10-15 13:00"), msk("2025-10-15 12:00"), 0),  # b before a
        (datetime(2025, 10, 17, 9, 0, tzinfo=NY), datetime(2025, 10, 20, 8, 0, tzinfo=UTC), 3),
    ],
)
def test_working_time_between(cal, a, b, hours):
    assert cal.working_time_between(a, b) == timedelta(hours=hours)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_working_time_over_a_whole_year(cal, year):
    expected = timedelta(0)
    for d in _days(year):
        hours = cal.day_window(d)
        if hours:
            expected += datetime.combine(d, hours[1]) - datetime.combine(d, hours[0])
    start = datetime(year, 1, 1, tzinfo=MSK)
    end = datetime(year + 1, 1, 1, tzinfo=MSK)
    assert cal.working_time_between(start, end) == expected
    assert cal.working_time_between(start - timedelta(days=3650), end) > expected  # years back


def test_spans_of_decades(cal):
    a, b = datetime(2000, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC)
    total = cal.working_time_between(a, b)
    assert timedelta(hours=40 * 1900) < total < timedelta(hours=40 * 2300)
    assert cal.add_working_time(a, total) <= b


# ---------------------------------------------------------------------- bad input


NAIVE = datetime(2025, 10, 15, 12, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_open(NAIVE),
        lambda c: c.current_window(NAIVE),
        lambda c: c.next_window(NAIVE),
        lambda c: c.upcoming_window(NAIVE),
        lambda c: c.changes_at(NAIVE),
        lambda c: c.add_working_time(NAIVE, timedelta(hours=1)),
        lambda c: c.working_time_between(NAIVE, msk("2025-10-16 12:00")),
        lambda c: c.working_time_between(msk("2025-10-14 12:00"), NAIVE),
    ],
)
def test_naive_datetime_is_refused(cal, call):
    with pytest.raises(ValueError, match="naive datetime: give a time zone"):
        call(cal)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_open(datetime(1850, 6, 1, 12, tzinfo=UTC)),
        lambda c: c.next_window(datetime(9998, 12, 31, 20, tzinfo=UTC)),
        lambda c: c.next_window(datetime.max.replace(tzinfo=UTC)),
        lambda c: c.is_open(datetime(9999, 12, 31, 23, tzinfo=NY)),
        lambda c: c.add_working_time(datetime(2025, 1, 1, tzinfo=UTC), timedelta(days=10**7)),
        lambda c: c.day_window(date(1, 1, 1)),
    ],
)
def test_out_of_range_is_a_value_error(call):
    cal = WorkingCalendar.from_config("Europe/Moscow", HOURS, {"country": "RU"})
    with pytest.raises(ValueError, match="out of range|covers the years"):
        call(cal)
    assert cal.is_open(msk("2025-10-15 12:00"))  # still usable afterwards


def test_day_methods_want_a_date(cal):
    with pytest.raises(TypeError):
        cal.day_window(msk("2025-10-15 12:00"))
    assert cal.day_kind(date(2025, 10, 15)) in DAY_KINDS


def _calendar(**years):
    out = {"country": "RU"}
    out.update({k.lstrip("y"): v for k, v in years.items()})
    return out


@pytest.mark.parametrize(
    ("hours", "calendar", "key", "words"),
    [
        ({**HOURS, "monday": ["9am", "18:00"]}, _calendar(), "hours.monday[0]", "not a time"),
        ({**HOURS, "tuesday": ["09:00", "25:00"]}, _calendar(), "hours.tuesday[1]", "not a time"),
        ({**HOURS, "friday": ["17:00", "09:00"]}, _calendar(), "hours.friday", "not after start"),
        ({**HOURS, "friday": ["09:00"]}, _calendar(), "hours.friday", "[start, end]"),
        ({**HOURS, "funday": ["09:00", "18:00"]}, _calendar(), "hours.funday", "unknown day"),
        ({}, _calendar(), "hours", "no day has working hours"),
        (
            HOURS,
            _calendar(y2024={"shortened": [date(2024, 2, 22), date(2024, 3, 7), date(2024, 5, 8), "2024-02-30"]}),
            "calendar.2024.shortened[3]",
            "not a date",
        ),
        (HOURS, _calendar(y2024={"days_off": ["yesterday"]}), "calendar.2024.days_off[0]", "not a date"),
        (HOURS, _calendar(y2024={"days_off": [date(2025, 1, 1)]}), "calendar.2024.days_off[0]", "not in 2024"),
        (HOURS, _calendar(y2024={"shortened": [date(2024, 2, 24)]}), "calendar.2024.shortened[0]", "not a working day"),
        (
            HOURS,
            _calendar(y2024={"days_off": [date(2024, 4, 27)], "working_days": [date(2024, 4, 27)]}),
            "calendar.2024.working_days[0]",
            "also a day off",
        ),
        (HOURS, _calendar(y2024={"holidays": []}), "calendar.2024.holidays", "unknown key"),
        (HOURS, {"country": "RU", "shortened": []}, "calendar.shortened", "unknown key"),
        (HOURS, {"country": "XX"}, "calendar.country", "no holiday data"),
        (HOURS, {"country": "RU", "shortening_minutes": "1h"}, "calendar.shortening_minutes", "minutes"),
        (HOURS, {"country": "RU", "shortening_minutes": 600}, "calendar.shortening_minutes", "nothing of"),
        (HOURS, {"country": "RU", "statutory_holidays": ["13-01"]}, "calendar.statutory_holidays[0]", "MM-DD"),
        (
            HOURS,
            {"country": "RU", "hours_by_date": {"2024-99-01": ["09:00", "17:00"]}},
            "calendar.hours_by_date.2024-99-01",
            "not a date",
        ),
        (
            HOURS,
            {"country": "RU", "hours_by_date": {"2024-12-28": ["17:00", "09:00"]}},
            "calendar.hours_by_date.2024-12-28",
            "not after start",
        ),
        (
            HOURS,
            {"country": "RU", "hours_by_date": {"2025-12-31": ["09:00", "12:00"]}},
            "calendar.hours_by_date.2025-12-31",
            "not a working day",
        ),
    ],
)
def test_bad_config_names_the_key(hours, calendar, key, words):
    with pytest.raises(RegulationError) as caught:
        WorkingCalendar.from_config("Europe/Moscow", hours, calendar, source="reg.toml")
    err = caught.value
    assert err.key == key
    assert words in err.legacy_text  # old-style until data/rules/working_hours.py raises with codes
    assert str(err).startswith(f"reg.toml: {key}: ")


def test_unknown_time_zone():
    with pytest.raises(RegulationError) as caught:
        WorkingCalendar.from_config("Mars/Olympus", HOURS, {"country": "RU"}, source="reg.toml")
    assert caught.value.key == "support.timezone"


def test_config_from_toml_text():
    raw = tomllib.loads(
        """
        [hours]
        monday = ["10:00", "19:00"]
        wednesday = ["10:00", "19:00"]
        [calendar]
        country = "RU"
        [calendar.hours_by_date]
        "2025-10-15" = ["10:00", "12:00"]
        [calendar.2025]
        days_off = [2025-10-13]
        """
    )
    cal = WorkingCalendar.from_config("Europe/Moscow", raw["hours"], raw["calendar"])
    assert cal.day_window(date(2025, 10, 13)) is None  # listed day off
    assert cal.day_window(date(2025, 10, 14)) is None  # Tuesday is not in [hours]
    assert cal.day_kind(date(2025, 10, 14)) == "weekend"
    assert cal.day_window(date(2025, 10, 15)) == (time(10), time(12))
    assert cal.next_window(msk("2025-10-13 12:00")) == window("2025-10-15 10:00-12:00")
    # With its own days_off list, 2025's other holidays are working days (the list is complete):
    # Wed 1 Jan 2025 is open, and shortened by the derived rule since 2 Jan is a public holiday.
    assert cal.day_kind(date(2025, 1, 1)) == "shortened"
    assert cal.day_window(date(2025, 1, 1)) == (time(10), time(18))


def test_shipped_regulation_loads_and_is_cached():
    text = (ROOT / "data" / "rules" / "regulation.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    fresh = WorkingCalendar.from_config(raw["support"]["timezone"], raw["hours"], raw["calendar"])
    assert WorkingCalendar.default() is WorkingCalendar.default()
    assert WorkingCalendar.default().tz == ZoneInfo("Europe/Moscow") == fresh.tz
    for year in OFFICIAL:
        for d in _days(year):
            assert fresh.day_window(d) == WorkingCalendar.default().day_window(d)


def test_data_package_does_not_import_textual():
    code = "import sys, helpdesk.data.rules.working_hours; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_concurrent_first_use_agrees():
    """Threads extending a fresh calendar over different years at once see the same windows."""
    instants = [datetime(y, m, 15, 12, tzinfo=UTC) for y in range(2019, 2032) for m in (1, 5, 11)]
    expected = {t: WorkingCalendar.default().next_window(t) for t in instants}
    fresh = WorkingCalendar.from_config("Europe/Moscow", HOURS, {"country": "RU"})
    results: dict[int, list] = {}

    def work(k: int) -> None:
        order = instants[k * 9 :] + instants[: k * 9]
        results[k] = [(t, fresh.next_window(t)) for t in order]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for pairs in results.values():
        assert len(pairs) == len(instants)
        for t, w in pairs:
            assert w == expected[t]


# ---------------------------------------------------------------------- properties

instants = st.datetimes(
    min_value=datetime(2023, 12, 1),
    max_value=datetime(2027, 1, 31),
    timezones=st.sampled_from([UTC, MSK, NY, ZoneInfo("Asia/Kolkata"), ZoneInfo("Australia/Lord_Howe")]),
)
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(instants)
def test_next_window_starts_after(at):
    cal = WorkingCalendar.default()
    nxt = cal.next_window(at)
    assert nxt.start > at
    assert nxt.end > nxt.start
    assert cal.is_open(nxt.start)
    assert not cal.is_open(nxt.end)  # windows never touch: a night separates them
    assert not cal.is_open(nxt.start - timedelta(microseconds=1))
    assert cal.is_open(nxt.end - timedelta(microseconds=1))
    # Nothing is open between `at` (or the current window's end) and the next start.
    gap_from = cal.changes_at(at) if cal.is_open(at) else at
    assert cal.working_time_between(gap_from, nxt.start) == timedelta(0)


@PROPERTY
@given(instants)
def test_current_window_contains_at(at):
    cal = WorkingCalendar.default()
    current = cal.current_window(at)
    if cal.is_open(at):
        assert current is not None and current.start <= at < current.end
        assert cal.changes_at(at) == current.end
        assert cal.upcoming_window(at) == current
    else:
        assert current is None
        assert cal.changes_at(at) == cal.next_window(at).start == cal.upcoming_window(at).start


@PROPERTY
@given(instants, st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400)))
def test_add_then_measure_gives_back_delta(at, delta):
    cal = WorkingCalendar.default()
    end = cal.add_working_time(at, delta)
    assert end >= at
    assert cal.working_time_between(at, end) == delta
    if delta:  # the earliest such instant: a moment earlier is not enough
        assert cal.working_time_between(at, end - timedelta(microseconds=1)) < delta
        assert cal.is_open(end - timedelta(microseconds=1))


@PROPERTY
@given(instants, instants, instants)
def test_working_time_is_additive(a, b, c):
    a, b, c = sorted([a, b, c], key=lambda t: t.astimezone(UTC))
    cal = WorkingCalendar.default()
    ab, bc, ac = (cal.working_time_between(a, b), cal.working_time_between(b, c), cal.working_time_between(a, c))
    assert ab + bc == ac
    assert timedelta(0) <= ab <= b.astimezone(UTC) - a.astimezone(UTC)
    assert cal.working_time_between(c, a) == timedelta(0)
