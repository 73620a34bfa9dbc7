"""Reading the working calendar from the regulation: its ``[hours]`` and ``[calendar]`` tables.

Every problem raises :class:`RegulationError` naming the dotted key and a code, e.g.
``calendar.2024.shortened[3]`` and ``Code.CALENDAR_NOT_DATE``. The checks come in two steps:
:meth:`read` checks each value on its own and gives the :class:`CalendarSettings`;
:meth:`check_listed_days` then checks the listed dates against the calendar built from them (a
working day that is also a day off, a shortened day that is closed), since whether a day is off
may come from the ``holidays`` package, which only the calendar consults.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpdesk.data.core.errors import Code, RegulationError
from helpdesk.data.rules.calendar_settings import MAX_YEAR, MIN_YEAR, CalendarSettings, YearRules, valid_date

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Labour Code of the Russian Federation, art. 112 part 1: the non-working public holidays.
RU_STATUTORY_HOLIDAYS = (
    (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8),
    (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
)  # fmt: skip

# Countries whose data the installed ``holidays`` package has, as tests/data/rules/
# test_calendar_file.py checks: the regulation ships with RU. Importing the package costs about
# 60 ms and reading its countries 100 ms more, for every command that reads the regulation
# (``helpdesk hours`` takes about as long as all the rest); any other country is looked up.
PACKAGE_COUNTRIES = frozenset({"RU"})


def package_has(country: str) -> bool:
    """Whether the ``holidays`` package has data for ``country``."""
    if country in PACKAGE_COUNTRIES:
        return True
    import holidays  # only for a country not vouched for above (see PACKAGE_COUNTRIES)

    try:
        holidays.country_holidays(country)
    except NotImplementedError:
        return False
    return True


_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_YEAR_RE = re.compile(r"^\d{4}$")
_CALENDAR_KEYS = {
    "country", "shortening_minutes", "working_weekend_hours", "statutory_holidays", "hours_by_date",
}  # fmt: skip
_YEAR_LISTS = ("days_off", "working_days", "shortened")  # what a year says; the other keys are notes
_YEAR_KEYS = {*_YEAR_LISTS, "decree", "source", "note"}


class BuiltCalendar(Protocol):
    """What :meth:`CalendarFile.check_listed_days` asks of the calendar built from the settings."""

    def days_off(self, year: int) -> frozenset[date]: ...

    def day_window(self, d: date) -> tuple[time, time] | None: ...


class CalendarFile:
    """Checks the ``[hours]`` and ``[calendar]`` tables of ``source``; every error names its dotted key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, code: Code, **params: object) -> RegulationError:
        return RegulationError(self.source, key, code, **params)

    # --- values

    def clock(self, value: Any, key: str) -> time:
        if isinstance(value, time) and value.tzinfo is None:
            if value.second or value.microsecond:
                raise self.fail(key, Code.HOURS_WHOLE_MINUTES)
            return value
        if isinstance(value, str) and (m := _TIME_RE.match(value.strip())):
            return time(int(m[1]), int(m[2]))
        raise self.fail(key, Code.HOURS_NOT_TIME, value=str(value))

    def span(self, value: Any, key: str) -> tuple[time, time]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise self.fail(key, Code.HOURS_NOT_SPAN)
        start, end = self.clock(value[0], f"{key}[0]"), self.clock(value[1], f"{key}[1]")
        if end <= start:
            raise self.fail(key, Code.HOURS_END_NOT_AFTER_START, start=f"{start:%H:%M}", end=f"{end:%H:%M}")
        return start, end

    def day(self, value: Any, key: str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(key, Code.CALENDAR_NOT_DATE, value=str(value))

    def dates(self, table: dict, name: str, prefix: str, year: int) -> frozenset[date] | None:
        value = table.get(name)
        if value is None:
            return None
        key = f"{prefix}.{name}"
        if not isinstance(value, list):
            raise self.fail(key, Code.CALENDAR_NOT_DATE_LIST)
        out = set()
        for i, item in enumerate(value):
            d = self.day(item, f"{key}[{i}]")
            if d.year != year:
                raise self.fail(f"{key}[{i}]", Code.CALENDAR_DATE_NOT_IN_YEAR, date=d.isoformat(), year=year)
            out.add(d)
        return frozenset(out)

    # --- tables

    def read(self, tz_name: str, hours: dict, calendar: dict) -> CalendarSettings:
        """The settings, each value checked on its own (the listed dates: :meth:`check_listed_days`)."""
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise self.fail("support.timezone", Code.SETTING_TIMEZONE_UNKNOWN, timezone=str(tz_name)) from None
        if not isinstance(hours, dict):
            raise self.fail("hours", Code.SETTING_NOT_TABLE)
        if not isinstance(calendar, dict):
            raise self.fail("calendar", Code.SETTING_NOT_TABLE)

        for name in hours:
            if name not in WEEKDAYS:
                raise self.fail(f"hours.{name}", Code.HOURS_UNKNOWN_DAY, days=list(WEEKDAYS))
        weekly = tuple(self.span(hours[n], f"hours.{n}") if n in hours else None for n in WEEKDAYS)
        if all(w is None for w in weekly):
            raise self.fail("hours", Code.HOURS_NO_WORKING_DAY)

        country = calendar.get("country", "RU")
        if not isinstance(country, str):
            raise self.fail("calendar.country", Code.CALENDAR_NOT_COUNTRY)
        if not package_has(country):
            raise self.fail("calendar.country", Code.CALENDAR_NO_HOLIDAY_DATA, country=country)

        minutes = calendar.get("shortening_minutes", 60)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes < 24 * 60:
            raise self.fail("calendar.shortening_minutes", Code.CALENDAR_NOT_MINUTES)
        shortening = timedelta(minutes=minutes)

        first_open = next(w for w in weekly if w is not None)
        if "working_weekend_hours" in calendar:
            weekend_hours = self.span(calendar["working_weekend_hours"], "calendar.working_weekend_hours")
        else:
            weekend_hours = weekly[0] or first_open
        for name, w in [*zip(WEEKDAYS, weekly), ("working_weekend_hours", weekend_hours)]:
            if w is not None and _length(w) <= shortening:
                raise self.fail(
                    "calendar.shortening_minutes", Code.CALENDAR_SHORTENING_TOO_LONG,
                    minutes=minutes, day=name, start=f"{w[0]:%H:%M}", end=f"{w[1]:%H:%M}",
                )  # fmt: skip

        statutory = self.statutory(calendar, country)

        by_date = calendar.get("hours_by_date", {})
        if not isinstance(by_date, dict):
            raise self.fail("calendar.hours_by_date", Code.CALENDAR_HOURS_BY_DATE_NOT_TABLE)
        hours_by_date = {}
        for raw_key, value in by_date.items():
            key = f"calendar.hours_by_date.{raw_key}"
            d = self.day(str(raw_key), key)
            if not MIN_YEAR <= d.year <= MAX_YEAR:
                raise self.fail(key, Code.CALENDAR_YEAR_OUT_OF_RANGE, first=MIN_YEAR, last=MAX_YEAR)
            hours_by_date[d] = self.span(value, key)

        years: dict[int, YearRules] = {}
        for name, table in calendar.items():
            if name in _CALENDAR_KEYS:
                continue
            if not _YEAR_RE.match(str(name)):
                raise self.fail(f"calendar.{name}", Code.CALENDAR_UNKNOWN_KEY, keys=sorted(_CALENDAR_KEYS))
            prefix = f"calendar.{name}"
            if not isinstance(table, dict):
                raise self.fail(prefix, Code.SETTING_NOT_TABLE)
            for key in table:
                if key not in _YEAR_KEYS:
                    raise self.fail(f"{prefix}.{key}", Code.CALENDAR_UNKNOWN_YEAR_KEY, keys=list(_YEAR_LISTS))
            year = int(name)
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise self.fail(prefix, Code.CALENDAR_YEAR_OUT_OF_RANGE, first=MIN_YEAR, last=MAX_YEAR)
            years[year] = YearRules(
                self.dates(table, "days_off", prefix, year),
                self.dates(table, "working_days", prefix, year),
                self.dates(table, "shortened", prefix, year),
            )

        return CalendarSettings(
            tz=tz,
            weekly=weekly,
            country=country,
            shortening=shortening,
            weekend_hours=weekend_hours,
            statutory=statutory,
            hours_by_date=hours_by_date,
            years=years,
            source=self.source,
        )

    def statutory(self, calendar: dict, country: str) -> tuple[tuple[int, int], ...]:
        value = calendar.get("statutory_holidays")
        if value is None:
            return RU_STATUTORY_HOLIDAYS if country == "RU" else ()
        key = "calendar.statutory_holidays"
        if not isinstance(value, list):
            raise self.fail(key, Code.CALENDAR_NOT_MONTH_DAY_LIST)
        out = []
        for i, item in enumerate(value):
            m = re.match(r"^(\d\d)-(\d\d)$", item.strip()) if isinstance(item, str) else None
            if not m or not valid_date(2000, int(m[1]), int(m[2])):
                raise self.fail(f"{key}[{i}]", Code.CALENDAR_NOT_MONTH_DAY, value=str(item))
            out.append((int(m[1]), int(m[2])))
        return tuple(out)

    def check_listed_days(self, cal: BuiltCalendar, calendar: dict, settings: CalendarSettings) -> None:
        """Cross-checks that need the year's days: conflicts and shortened days that are closed.

        ``cal`` is the calendar built from ``settings``; ``calendar`` the table they were read from.
        A shortened or re-timed day that is closed in ``cal`` was closed before either applied:
        shortening and ``hours_by_date`` change only the hours of open days.
        """
        for year, rules in settings.years.items():
            prefix = f"calendar.{year}"
            table = calendar[str(year)] if str(year) in calendar else calendar[year]
            if rules.working_days is not None:
                days_off = cal.days_off(year)
                for i, item in enumerate(table["working_days"]):
                    d = self.day(item, "")
                    if d in days_off:
                        raise self.fail(f"{prefix}.working_days[{i}]", Code.CALENDAR_ALSO_DAY_OFF, date=d.isoformat())
            if rules.shortened is not None:
                for i, item in enumerate(table["shortened"]):
                    d = self.day(item, "")
                    if cal.day_window(d) is None:
                        raise self.fail(f"{prefix}.shortened[{i}]", Code.CALENDAR_NOT_WORKING_DAY, date=d.isoformat())
        for d in settings.hours_by_date:
            if cal.day_window(d) is None:
                raise self.fail(f"calendar.hours_by_date.{d.isoformat()}", Code.CALENDAR_NOT_WORKING_DAY, date=d.isoformat())


def _length(hours: tuple[time, time]) -> timedelta:
    day = date(2000, 1, 3)
    return datetime.combine(day, hours[1]) - datetime.combine(day, hours[0])
