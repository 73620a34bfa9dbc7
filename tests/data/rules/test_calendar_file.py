"""Tests for data/rules/calendar_file.py: reading and checking the calendar's tables of the regulation."""

from __future__ import annotations

import tomllib
from datetime import date, time, timedelta
from pathlib import Path

import holidays
import pytest

from helpdesk.data.core.errors import Code, RegulationError
from helpdesk.data.rules.calendar_file import PACKAGE_COUNTRIES, RU_STATUTORY_HOLIDAYS, CalendarFile, package_has
from helpdesk.data.rules.calendar_settings import MAX_YEAR, MIN_YEAR
from helpdesk.data.rules.working_hours import Window, WorkingCalendar
from tests.data.rules.calendar_helpers import HOURS, MSK, msk

ROOT = Path(__file__).resolve().parents[3]


def _calendar(**years):
    out = {"country": "RU"}
    out.update({k.lstrip("y"): v for k, v in years.items()})
    return out


@pytest.mark.parametrize(
    ("hours", "calendar", "key", "code", "params"),
    [
        ({**HOURS, "monday": ["9am", "18:00"]}, _calendar(), "hours.monday[0]", Code.HOURS_NOT_TIME, {"value": "9am"}),
        ({**HOURS, "tuesday": ["09:00", "25:00"]}, _calendar(), "hours.tuesday[1]", Code.HOURS_NOT_TIME, {"value": "25:00"}),
        ({**HOURS, "monday": [time(9, 0, 30), "18:00"]}, _calendar(), "hours.monday[0]", Code.HOURS_WHOLE_MINUTES, {}),
        ({**HOURS, "friday": ["17:00", "09:00"]}, _calendar(), "hours.friday", Code.HOURS_END_NOT_AFTER_START,
         {"start": "17:00", "end": "09:00"}),
        ({**HOURS, "friday": ["09:00"]}, _calendar(), "hours.friday", Code.HOURS_NOT_SPAN, {}),
        ({**HOURS, "funday": ["09:00", "18:00"]}, _calendar(), "hours.funday", Code.HOURS_UNKNOWN_DAY,
         {"days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}),
        ({}, _calendar(), "hours", Code.HOURS_NO_WORKING_DAY, {}),
        ([], _calendar(), "hours", Code.SETTING_NOT_TABLE, {}),
        (HOURS, [], "calendar", Code.SETTING_NOT_TABLE, {}),
        (HOURS, _calendar(y2024={"shortened": [date(2024, 2, 22), date(2024, 3, 7), date(2024, 5, 8), "2024-02-30"]}),
         "calendar.2024.shortened[3]", Code.CALENDAR_NOT_DATE, {"value": "2024-02-30"}),
        (HOURS, _calendar(y2024={"days_off": ["yesterday"]}), "calendar.2024.days_off[0]", Code.CALENDAR_NOT_DATE,
         {"value": "yesterday"}),
        (HOURS, _calendar(y2024={"days_off": "2024-01-01"}), "calendar.2024.days_off", Code.CALENDAR_NOT_DATE_LIST, {}),
        (HOURS, _calendar(y2024={"days_off": [date(2025, 1, 1)]}), "calendar.2024.days_off[0]",
         Code.CALENDAR_DATE_NOT_IN_YEAR, {"date": "2025-01-01", "year": 2024}),
        (HOURS, _calendar(y2024={"shortened": [date(2024, 2, 24)]}), "calendar.2024.shortened[0]",
         Code.CALENDAR_NOT_WORKING_DAY, {"date": "2024-02-24"}),
        (HOURS, _calendar(y2024={"days_off": [date(2024, 4, 27)], "working_days": [date(2024, 4, 27)]}),
         "calendar.2024.working_days[0]", Code.CALENDAR_ALSO_DAY_OFF, {"date": "2024-04-27"}),
        (HOURS, _calendar(y2024={"holidays": []}), "calendar.2024.holidays", Code.CALENDAR_UNKNOWN_YEAR_KEY,
         {"keys": ["days_off", "working_days", "shortened"]}),
        (HOURS, _calendar(y2024=[]), "calendar.2024", Code.SETTING_NOT_TABLE, {}),
        (HOURS, _calendar(y1066={}), "calendar.1066", Code.CALENDAR_YEAR_OUT_OF_RANGE, {"first": MIN_YEAR, "last": MAX_YEAR}),
        (HOURS, {"country": "RU", "shortened": []}, "calendar.shortened", Code.CALENDAR_UNKNOWN_KEY,
         {"keys": ["country", "hours_by_date", "shortening_minutes", "statutory_holidays", "working_weekend_hours"]}),
        (HOURS, {"country": 7}, "calendar.country", Code.CALENDAR_NOT_COUNTRY, {}),
        (HOURS, {"country": "XX"}, "calendar.country", Code.CALENDAR_NO_HOLIDAY_DATA, {"country": "XX"}),
        (HOURS, {"country": "RU", "shortening_minutes": "1h"}, "calendar.shortening_minutes", Code.CALENDAR_NOT_MINUTES, {}),
        (HOURS, {"country": "RU", "shortening_minutes": 600}, "calendar.shortening_minutes",
         Code.CALENDAR_SHORTENING_TOO_LONG, {"minutes": 600, "day": "monday", "start": "09:00", "end": "18:00"}),
        (HOURS, {"country": "RU", "statutory_holidays": "01-01"}, "calendar.statutory_holidays",
         Code.CALENDAR_NOT_MONTH_DAY_LIST, {}),
        (HOURS, {"country": "RU", "statutory_holidays": ["13-01"]}, "calendar.statutory_holidays[0]",
         Code.CALENDAR_NOT_MONTH_DAY, {"value": "13-01"}),
        (HOURS, {"country": "RU", "hours_by_date": []}, "calendar.hours_by_date", Code.CALENDAR_HOURS_BY_DATE_NOT_TABLE, {}),
        (HOURS, {"country": "RU", "hours_by_date": {"2024-99-01": ["09:00", "17:00"]}}, "calendar.hours_by_date.2024-99-01",
         Code.CALENDAR_NOT_DATE, {"value": "2024-99-01"}),
        (HOURS, {"country": "RU", "hours_by_date": {"1066-10-14": ["09:00", "17:00"]}}, "calendar.hours_by_date.1066-10-14",
         Code.CALENDAR_YEAR_OUT_OF_RANGE, {"first": MIN_YEAR, "last": MAX_YEAR}),
        (HOURS, {"country": "RU", "hours_by_date": {"2024-12-28": ["17:00", "09:00"]}}, "calendar.hours_by_date.2024-12-28",
         Code.HOURS_END_NOT_AFTER_START, {"start": "17:00", "end": "09:00"}),
        (HOURS, {"country": "RU", "hours_by_date": {"2025-12-31": ["09:00", "12:00"]}}, "calendar.hours_by_date.2025-12-31",
         Code.CALENDAR_NOT_WORKING_DAY, {"date": "2025-12-31"}),
    ],
)  # fmt: skip
def test_bad_config_names_the_key_and_the_problem(hours, calendar, key, code, params):
    with pytest.raises(RegulationError) as caught:
        WorkingCalendar.from_config("Europe/Moscow", hours, calendar, source="reg.toml")
    err = caught.value
    assert (err.source, err.key, err.where) == ("reg.toml", key, f"reg.toml: {key}")
    assert (err.code, err.params) == (code, params)


def test_unknown_time_zone():
    with pytest.raises(RegulationError) as caught:
        WorkingCalendar.from_config("Mars/Olympus", HOURS, {"country": "RU"}, source="reg.toml")
    err = caught.value
    assert (err.key, err.code, err.params) == ("support.timezone", Code.SETTING_TIMEZONE_UNKNOWN, {"timezone": "Mars/Olympus"})


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
    assert cal.next_window(msk("2025-10-13 12:00")) == Window(msk("2025-10-15 10:00"), msk("2025-10-15 12:00"))
    # With its own days_off list, 2025's other holidays are working days (the list is complete):
    # Wed 1 Jan 2025 is open, and shortened by the derived rule since 2 Jan is a public holiday.
    assert cal.day_kind(date(2025, 1, 1)) == "shortened"
    assert cal.day_window(date(2025, 1, 1)) == (time(10), time(18))


def test_defaults_of_a_minimal_calendar():
    settings = CalendarFile("reg.toml").read("Europe/Moscow", {"tuesday": ["10:00", "19:00"]}, {})
    assert settings.tz == MSK and settings.country == "RU" and settings.source == "reg.toml"
    assert settings.weekly == (None, (time(10), time(19)), None, None, None, None, None)
    assert settings.shortening == timedelta(hours=1)
    assert settings.weekend_hours == (time(10), time(19))  # the first open weekday's
    assert settings.statutory == RU_STATUTORY_HOLIDAYS
    assert settings.hours_by_date == {} and settings.years == {}


def test_shipped_regulation_reads():
    raw = tomllib.loads((ROOT / "data" / "rules" / "regulation.toml").read_text(encoding="utf-8"))
    settings = CalendarFile("regulation.toml").read(raw["support"]["timezone"], raw["hours"], raw["calendar"])
    assert settings.tz == MSK
    assert sorted(settings.years) == [2024, 2025, 2026]
    assert all(None not in rules for rules in settings.years.values())  # every list given
    assert settings.years[2024].working_days == {date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28)}


def test_the_countries_read_without_the_holidays_package_are_in_it():
    """calendar_file.PACKAGE_COUNTRIES spares every start the package (~150 ms): the installed
    package must have them, and any other country is still looked up in it."""
    for country in PACKAGE_COUNTRIES:
        assert len(holidays.country_holidays(country, years=2026)) > 0
    assert package_has("RU") and package_has("KZ") and not package_has("XX")
