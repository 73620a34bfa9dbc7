"""The working calendar's settings as plain values: what the regulation's ``[hours]`` and
``[calendar]`` tables say once checked (``calendar_file.py`` reads them) and what the calendar is
built from (``working_hours.py``). They live here so that neither of those imports the other.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

MIN_YEAR, MAX_YEAR = 1900, 9998  # the years the calendar answers for (datetime overflows past them)


class YearRules(NamedTuple):
    """The explicit lists of one ``[calendar.<year>]`` table (None: not given, use the fallback)."""

    days_off: frozenset[date] | None
    working_days: frozenset[date] | None
    shortened: frozenset[date] | None


class CalendarSettings(NamedTuple):
    """The working calendar as the regulation file states it (data/rules/calendar_file.py reads it).
    A NamedTuple: see data/rules/working_hours.py ``Window``."""

    tz: ZoneInfo
    weekly: tuple[tuple[time, time] | None, ...]  # Monday first; None: closed that weekday
    country: str  # for the holidays package
    shortening: timedelta  # how much shorter a pre-holiday day is
    weekend_hours: tuple[time, time]  # of a Saturday or Sunday a decree makes working
    statutory: tuple[tuple[int, int], ...]  # (month, day) of the public holidays
    hours_by_date: dict[date, tuple[time, time]]
    years: dict[int, YearRules]
    source: str = "<regulation>"


def valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
