"""The support desk's working-hour calendar (regulation section 1.3).

Support works Mon-Thu 09:00-18:00 and Fri 09:00-17:00, Moscow time, and is closed on weekends
and on the non-working days of the Russian production calendar: the public holidays of Labour
Code art. 112, the days off the government transfers by decree, minus the weekend days a decree
makes working. A working day directly before a non-working holiday is one hour shorter (art. 95).

Where the data comes from, per calendar year:

* ``[hours]`` of the regulation: the weekly hours, ``monday = ["09:00", "18:00"]``; a day that is
  not listed is closed.
* ``[calendar.<year>]``: ``days_off``, ``working_days`` and ``shortened``, copied from the decree
  and the official production calendar. Each list, when present, is complete and wins.
* A list that is absent falls back on the ``holidays`` package: its Russian holidays for
  ``days_off`` (plus the art. 112 part 2 transfer of a holiday that falls on a weekend, when the
  package knows no transfers for that year) and its ``weekend_workdays`` for ``working_days``;
  ``shortened`` is then derived (see :meth:`WorkingCalendar._derive_shortened`).

Everything is computed per day, never per minute: each year becomes a sorted list of windows
(UTC start and end, with prefix sums of their lengths), so a look-up is one ``bisect``.

All methods take an aware ``datetime`` in any time zone and return datetimes in the support
time zone (``WorkingCalendar.tz``). A naive datetime raises ``ValueError``.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from helpdesk.data.core.errors import RegulationError
from helpdesk.data.core.toml_file import read_toml

__all__ = ["Window", "WorkingCalendar", "DAY_KINDS", "WEEKDAYS"]

UTC = timezone.utc
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_KINDS = ("workday", "shortened", "weekend", "holiday", "working_weekend")
DEFAULT_REGULATION = Path(__file__).with_name("regulation.toml")

# Labour Code of the Russian Federation, art. 112 part 1: the non-working public holidays.
RU_STATUTORY_HOLIDAYS = (
    (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8),
    (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
)  # fmt: skip
# Art. 112 part 2: a holiday that falls on a weekend moves the day off to the next working day,
# except the January holidays (1-8 January), whose days off the government places by decree.
_RU_NOT_AUTO_TRANSFERRED = {(1, d) for d in range(1, 9)}

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_YEAR_RE = re.compile(r"^\d{4}$")
_SUBSTITUTED_RE = re.compile(r"substituted from (\d\d)/(\d\d)/(\d{4})")
_CALENDAR_KEYS = {
    "country", "shortening_minutes", "working_weekend_hours", "statutory_holidays", "hours_by_date",
}  # fmt: skip
_YEAR_KEYS = {"days_off", "working_days", "shortened", "decree", "source", "note"}
_MAX_EMPTY_YEARS = 10  # give up looking for a window after this many years without one
_SPAN_SLACK_YEARS = 20  # a look-up far from the covered years starts a new span instead
MIN_YEAR, MAX_YEAR = 1900, 9998  # the years the calendar answers for (datetime overflows past them)


@dataclass(frozen=True)
class Window:
    """One stretch of working time, ``[start, end)``; both aware, in the support time zone."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def __contains__(self, at: datetime) -> bool:
        return self.start <= at < self.end


class _Day(NamedTuple):
    kind: str  # one of DAY_KINDS
    hours: tuple[time, time] | None  # None when closed
    shortened: bool


class _YearRules(NamedTuple):
    """The explicit lists of one ``[calendar.<year>]`` table (None: not given, use the fallback)."""

    days_off: frozenset[date] | None
    working_days: frozenset[date] | None
    shortened: frozenset[date] | None


class _Span(NamedTuple):
    """The windows of the whole local years ``lo_year..hi_year``, sorted; immutable once built."""

    lo_year: int
    hi_year: int
    lo: datetime  # UTC: local midnight starting lo_year
    hi: datetime  # UTC: local midnight after hi_year (exclusive)
    starts: list[datetime]  # UTC
    ends: list[datetime]  # UTC
    cum: list[timedelta]  # working time before window i (from lo)
    cum_end: list[timedelta]  # working time up to the end of window i
    wins: list[Window]  # in the support time zone


class WorkingCalendar:
    """When support works. Build it with :meth:`from_config` or :meth:`default`.

    Thread-safe: look-ups read an immutable snapshot; extending the covered years takes a lock.
    """

    tz: ZoneInfo

    def __init__(
        self,
        *,
        tz: ZoneInfo,
        weekly: tuple[tuple[time, time] | None, ...],
        country: str,
        shortening: timedelta,
        weekend_hours: tuple[time, time],
        statutory: tuple[tuple[int, int], ...],
        hours_by_date: dict[date, tuple[time, time]],
        years: dict[int, _YearRules],
        source: str = "<regulation>",
    ):
        self.tz = tz
        self.source = source
        self.country = country
        self._weekly = weekly
        self._shortening = shortening
        self._weekend_hours = weekend_hours
        self._statutory = frozenset(statutory)
        self._hours_by_date = dict(hours_by_date)
        self._years = dict(years)
        self._lock = threading.RLock()
        self._tables: dict[int, dict[date, _Day]] = {}
        self._year_windows: dict[int, tuple[list[datetime], list[datetime], list[Window]]] = {}
        self._span: _Span | None = None

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_config(
        cls, timezone: str, hours: dict, calendar: dict, source: str = "<regulation>"
    ) -> WorkingCalendar:
        """Build from the parsed ``[hours]`` and ``[calendar]`` tables of the regulation.

        Every problem raises :class:`RegulationError` naming the key, e.g.
        ``calendar.2024.shortened[3]: not a date``.
        """
        return _ConfigReader(source).build(cls, timezone, hours, calendar)

    @classmethod
    def from_file(cls, path: str | Path) -> WorkingCalendar:
        """Build from a regulation TOML file (its ``[support]``, ``[hours]`` and ``[calendar]``)."""
        source = str(path)
        raw = read_toml(path)
        support = raw.get("support")
        tz_name = support.get("timezone") if isinstance(support, dict) else None
        if not isinstance(tz_name, str):
            raise RegulationError(source, "support.timezone", "missing")
        for key in ("hours", "calendar"):
            if not isinstance(raw.get(key), dict):
                raise RegulationError(source, key, "missing table")
        return cls.from_config(tz_name, raw["hours"], raw["calendar"], source=source)

    @classmethod
    def default(cls) -> WorkingCalendar:
        """The calendar of the shipped ``data/regulation.toml`` (read once, then cached)."""
        return _default_calendar()

    def __repr__(self) -> str:
        return f"WorkingCalendar(tz={self.tz.key!r}, country={self.country!r}, years={sorted(self._years)})"

    # ------------------------------------------------------------------ instants

    def is_open(self, at: datetime) -> bool:
        """Whether support works at ``at``."""
        t = _to_utc(at)
        span = self._cover(t, t)
        i = bisect_right(span.starts, t) - 1
        return i >= 0 and t < span.ends[i]

    def current_window(self, at: datetime) -> Window | None:
        """The window containing ``at`` (start inclusive, end exclusive), or None when closed."""
        t = _to_utc(at)
        span = self._cover(t, t)
        i = bisect_right(span.starts, t) - 1
        if i >= 0 and t < span.ends[i]:
            return span.wins[i]
        return None

    def next_window(self, at: datetime) -> Window:
        """The first window whose start is strictly after ``at`` (when open: the one after this)."""
        t = _to_utc(at)
        span = self._cover(t, t)
        empty_years = 0
        while True:
            i = bisect_right(span.starts, t)
            if i < len(span.starts):
                return span.wins[i]
            before = len(span.starts)
            span = self._extend_up(span, 1)
            empty_years = empty_years + 1 if len(span.starts) == before else 0
            if empty_years >= _MAX_EMPTY_YEARS:
                raise ValueError(f"no working hours within {_MAX_EMPTY_YEARS} years after {at.isoformat()}")

    def upcoming_window(self, at: datetime) -> Window:
        """The current window when open, else the next one: when a request will be taken up."""
        return self.current_window(at) or self.next_window(at)

    def changes_at(self, at: datetime) -> datetime:
        """When the open/closed state next changes: this window's end if open, else the next start."""
        current = self.current_window(at)
        return current.end if current is not None else self.next_window(at).start

    # ------------------------------------------------------------------ durations

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """The working time inside ``[a, b)``; ``timedelta(0)`` when ``b <= a``."""
        ta, tb = _to_utc(a), _to_utc(b)
        if tb <= ta:
            return timedelta(0)
        span = self._cover(ta, tb)
        return _worked(span, tb) - _worked(span, ta)

    def add_working_time(self, at: datetime, delta: timedelta) -> datetime:
        """The earliest instant ``t`` with ``working_time_between(at, t) == delta``.

        ``delta`` must be ``>= 0``. For ``delta == 0`` this is ``at`` itself (in the support time
        zone), even when closed. Otherwise the result always lies inside a window or exactly at
        its end: one hour before closing plus one hour is the closing time, not the next morning;
        from a closed instant, the time counts from the next opening.
        """
        if not isinstance(delta, timedelta):
            raise TypeError(f"delta must be a timedelta, not {type(delta).__name__}")
        if delta < timedelta(0):
            raise ValueError(f"delta must not be negative: {delta}")
        t = _to_utc(at)
        if not delta:
            return t.astimezone(self.tz)
        if delta > timedelta(days=366) * (MAX_YEAR - self._local_year(t) + 1):
            raise ValueError(f"{delta} of working time is out of range of the calendar")
        span = self._cover(t, t)
        empty_years = 0
        while True:
            target = _worked(span, t) + delta
            j = bisect_left(span.cum_end, target)
            if j < len(span.cum_end):
                return (span.starts[j] + (target - span.cum[j])).astimezone(self.tz)
            missing = target - (span.cum_end[-1] if span.cum_end else timedelta(0))
            before = len(span.starts)
            span = self._extend_up(span, 1 + int(missing / timedelta(hours=1500)))
            empty_years = empty_years + 1 if len(span.starts) == before else 0
            if empty_years >= _MAX_EMPTY_YEARS:
                raise ValueError(f"no working hours within {_MAX_EMPTY_YEARS} years after {at.isoformat()}")

    # ------------------------------------------------------------------ days

    def day_window(self, d: date) -> tuple[time, time] | None:
        """The working hours of a calendar date (support time zone), or None when closed."""
        return self._day(d).hours

    def day_kind(self, d: date) -> str:
        """``workday``, ``shortened`` (pre-holiday), ``weekend``, ``holiday`` (a public holiday or
        a transferred day off) or ``working_weekend`` (a Saturday/Sunday a decree made working;
        such a day may also be shortened: see :meth:`is_shortened`)."""
        return self._day(d).kind

    def is_shortened(self, d: date) -> bool:
        """Whether a working date is a shortened pre-holiday day (whatever its kind)."""
        return self._day(d).shortened

    def _day(self, d: date) -> _Day:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError("give a date; for a datetime use at.astimezone(calendar.tz).date()")
        _check_year(d.year)
        return self._table(d.year)[d]

    # ------------------------------------------------------------------ the year tables

    def _table(self, year: int) -> dict[date, _Day]:
        table = self._tables.get(year)
        if table is None:
            with self._lock:
                table = self._tables.get(year)
                if table is None:
                    table = self._build_table(year)
                    self._tables[year] = table
        return table

    def _days_off(self, year: int) -> frozenset[date]:
        rules = self._years.get(year)
        if rules is not None and rules.days_off is not None:
            return rules.days_off
        return self._package_days_off(year)

    def _working_days(self, year: int) -> frozenset[date]:
        rules = self._years.get(year)
        if rules is not None and rules.working_days is not None:
            return rules.working_days
        workdays = getattr(_package(self.country, year), "weekend_workdays", ())  # absent in old versions
        return frozenset(d for d in workdays if d.year == year)

    def _package_days_off(self, year: int) -> frozenset[date]:
        days = {d for d in _package(self.country, year) if d.year == year}
        statutory = {date(year, m, d) for m, d in self._statutory if _valid(year, m, d)}
        if self.country == "RU" and not days - statutory:
            # The package knows no decree or transfer for this year: apply art. 112 part 2.
            for s in sorted(statutory):
                if s.weekday() < 5 or (s.month, s.day) in _RU_NOT_AUTO_TRANSFERRED:
                    continue
                d = s + timedelta(days=1)
                while d.weekday() >= 5 or d in days:
                    d += timedelta(days=1)
                if d.year == year:
                    days.add(d)
        return frozenset(days)

    def _base_day(self, d: date, days_off: frozenset[date], working: frozenset[date]) -> _Day:
        weekly = self._weekly[d.weekday()]
        if d in working:
            if weekly is not None:
                return _Day("workday", weekly, False)
            return _Day("working_weekend", self._weekend_hours, False)
        if d in days_off:
            return _Day("holiday", None, False)
        if weekly is not None:
            return _Day("workday", weekly, False)
        return _Day("weekend", None, False)

    def _build_table(self, year: int) -> dict[date, _Day]:
        days_off, working = self._days_off(year), self._working_days(year)
        first = date(year, 1, 1)
        table = {}
        d = first
        while d.year == year:
            table[d] = self._base_day(d, days_off, working)
            d += timedelta(days=1)
        rules = self._years.get(year)
        if rules is not None and rules.shortened is not None:
            shortened = rules.shortened
        else:
            shortened = self._derive_shortened(year, table, working)
        for d in shortened:
            day = table[d]
            if day.hours is None:
                continue  # rejected at load time for explicit lists; never derived
            start, end = day.hours
            end = (datetime.combine(d, end) - self._shortening).time()
            table[d] = _Day("shortened" if day.kind == "workday" else day.kind, (start, end), True)
        for d, hours in self._hours_by_date.items():
            if d.year == year and table[d].hours is not None:
                table[d] = table[d]._replace(hours=hours)
        return table

    def _derive_shortened(self, year: int, table: dict[date, _Day], working: frozenset[date]) -> set[date]:
        """Art. 95 for a year without an official list.

        1. A working day whose next calendar day is a public holiday of art. 112 (its own date,
           whatever the weekday; not a transferred day off, not an ordinary weekend) is shortened.
           So a Friday before a Saturday holiday is shortened, a Friday before a Monday one is not.
        2. A decreed working Saturday/Sunday takes the place of the weekday it was swapped with;
           it is shortened when that weekday would have been (the weekday directly precedes a
           public holiday). This is how the official calendars treat 2024-11-02, 2025-11-01
           (shortened) and 2024-04-27, 2024-12-28 (full days). The swap comes from the
           ``holidays`` package's substitutions.
        Together they reproduce the official lists of 2024, 2025 and 2026 (see the tests).
        """
        statutory = self._statutory
        pairs: dict[date, date] = {}
        if working:
            for y in (year - 1, year, year + 1):
                pairs.update(_package_swaps(self.country, y))
        out = set()
        for d, day in table.items():
            if day.hours is None:
                continue
            nxt = d + timedelta(days=1)
            if (nxt.month, nxt.day) in statutory:
                out.add(d)
            elif d in working and d in pairs:
                after = pairs[d] + timedelta(days=1)
                if (after.month, after.day) in statutory:
                    out.add(d)
        return out

    # ------------------------------------------------------------------ the window span

    def _windows_of(self, year: int) -> tuple[list[datetime], list[datetime], list[Window]]:
        cached = self._year_windows.get(year)
        if cached is not None:
            return cached
        tz = self.tz
        starts, ends, wins = [], [], []
        for d, day in self._table(year).items():  # dicts keep insertion (date) order
            if day.hours is None:
                continue
            s = datetime.combine(d, day.hours[0], tzinfo=tz).astimezone(UTC)
            e = datetime.combine(d, day.hours[1], tzinfo=tz).astimezone(UTC)
            if e <= s:  # only possible across a DST jump in the support zone
                continue
            starts.append(s)
            ends.append(e)
            wins.append(Window(s.astimezone(tz), e.astimezone(tz)))
        self._year_windows[year] = (starts, ends, wins)
        return starts, ends, wins

    def _year_start(self, year: int) -> datetime:
        return datetime(year, 1, 1, tzinfo=self.tz).astimezone(UTC)

    def _local_year(self, t: datetime) -> int:
        try:
            return t.astimezone(self.tz).year
        except OverflowError:
            return MIN_YEAR - 1 if t.year < 5000 else MAX_YEAR + 1

    def _build_span(self, lo_year: int, hi_year: int) -> _Span:
        _check_year(lo_year)
        _check_year(hi_year)
        starts: list[datetime] = []
        ends: list[datetime] = []
        wins: list[Window] = []
        for year in range(lo_year, hi_year + 1):
            s, e, w = self._windows_of(year)
            starts += s
            ends += e
            wins += w
        cum, cum_end = [], []
        total = timedelta(0)
        for s, e in zip(starts, ends):
            cum.append(total)
            total += e - s
            cum_end.append(total)
        return _Span(lo_year, hi_year, self._year_start(lo_year), self._year_start(hi_year + 1),
                     starts, ends, cum, cum_end, wins)  # fmt: skip

    def _cover(self, lo: datetime, hi: datetime) -> _Span:
        """A span whose years contain both UTC instants ``lo <= hi``."""
        span = self._span
        if span is not None and span.lo <= lo and hi < span.hi:
            return span
        with self._lock:
            span = self._span
            if span is not None and span.lo <= lo and hi < span.hi:
                return span
            lo_year, hi_year = self._local_year(lo), self._local_year(hi)
            if span is not None:
                # Keep the years already covered unless that would mean many years nobody asked for.
                lo_all, hi_all = min(lo_year, span.lo_year), max(hi_year, span.hi_year)
                if (hi_all - lo_all) - (hi_year - lo_year) <= _SPAN_SLACK_YEARS:
                    lo_year, hi_year = lo_all, hi_all
            self._span = span = self._build_span(lo_year, hi_year)
            return span

    def _extend_up(self, seen: _Span, years: int) -> _Span:
        """``seen`` plus ``years`` more years at its end (or a current span that already has them)."""
        with self._lock:
            current = self._span
            if current is not None and current.lo_year <= seen.lo_year and current.hi_year > seen.hi_year:
                return current  # another thread already extended it
            if seen.hi_year >= MAX_YEAR:
                _check_year(seen.hi_year + 1)
            self._span = span = self._build_span(seen.lo_year, min(MAX_YEAR, seen.hi_year + years))
            return span


# ---------------------------------------------------------------------- helpers


def _to_utc(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"expected an aware datetime, not {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(
            f"naive datetime: give a time zone, e.g. {at.isoformat()}+03:00 or "
            "datetime(..., tzinfo=ZoneInfo('Europe/Moscow'))"
        )
    try:
        return at.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{at.isoformat()} is out of range") from None


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"the working calendar covers the years {MIN_YEAR}-{MAX_YEAR}, not {year}")


def _worked(span: _Span, t: datetime) -> timedelta:
    """Working time from the start of the span up to the UTC instant ``t``."""
    i = bisect_right(span.starts, t) - 1
    if i < 0:
        return timedelta(0)
    end = span.ends[i]
    return span.cum[i] + ((t if t < end else end) - span.starts[i])


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=256)
def _package(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


@lru_cache(maxsize=256)
def _package_swaps(country: str, year: int) -> dict[date, date]:
    """The package's substitutions for ``year``: weekend day made working -> weekday made off.

    Read from the English holiday names ("Day off (substituted from 04/27/2024)"); when the
    package ever words them differently this yields nothing and rule 2 of the derivation is off.
    """
    try:
        named = holidays.country_holidays(country, years=year, language="en_US")
    except Exception:  # noqa: BLE001 - an unsupported language just means no swap data
        return {}
    swaps = {}
    for day, name in named.items():
        for match in _SUBSTITUTED_RE.finditer(name):
            month, dom, yr = (int(g) for g in match.groups())
            if _valid(yr, month, dom):
                swaps[date(yr, month, dom)] = day
    return swaps


@lru_cache(maxsize=1)
def _default_calendar() -> WorkingCalendar:
    return WorkingCalendar.from_file(DEFAULT_REGULATION)


class _ConfigReader:
    """Checks the ``[hours]`` and ``[calendar]`` tables; every error names its dotted key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, problem: str) -> RegulationError:
        return RegulationError(self.source, key, problem)

    # --- values

    def clock(self, value: Any, key: str) -> time:
        if isinstance(value, time) and value.tzinfo is None:
            if value.second or value.microsecond:
                raise self.fail(key, "give whole minutes, HH:MM")
            return value
        if isinstance(value, str) and (m := _TIME_RE.match(value.strip())):
            return time(int(m[1]), int(m[2]))
        raise self.fail(key, f"not a time {value!r}: use HH:MM, e.g. \"09:00\"")

    def span(self, value: Any, key: str) -> tuple[time, time]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise self.fail(key, 'must be [start, end], e.g. ["09:00", "18:00"]')
        start, end = self.clock(value[0], f"{key}[0]"), self.clock(value[1], f"{key}[1]")
        if end <= start:
            raise self.fail(key, f"end {end:%H:%M} is not after start {start:%H:%M}")
        return start, end

    def day(self, value: Any, key: str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(key, f"not a date {value!r}: use YYYY-MM-DD")

    def dates(self, table: dict, name: str, prefix: str, year: int) -> frozenset[date] | None:
        value = table.get(name)
        if value is None:
            return None
        key = f"{prefix}.{name}"
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of dates")
        out = set()
        for i, item in enumerate(value):
            d = self.day(item, f"{key}[{i}]")
            if d.year != year:
                raise self.fail(f"{key}[{i}]", f"{d.isoformat()} is not in {year}")
            out.add(d)
        return frozenset(out)

    # --- tables

    def build(self, cls: type[WorkingCalendar], tz_name: str, hours: dict, calendar: dict) -> WorkingCalendar:
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise self.fail("support.timezone", f"unknown time zone {tz_name!r}") from None
        if not isinstance(hours, dict):
            raise self.fail("hours", "must be a table")
        if not isinstance(calendar, dict):
            raise self.fail("calendar", "must be a table")

        for name in hours:
            if name not in WEEKDAYS:
                raise self.fail(f"hours.{name}", f"unknown day: use {', '.join(WEEKDAYS)}")
        weekly = tuple(self.span(hours[n], f"hours.{n}") if n in hours else None for n in WEEKDAYS)
        if all(w is None for w in weekly):
            raise self.fail("hours", "no day has working hours")

        country = calendar.get("country", "RU")
        if not isinstance(country, str):
            raise self.fail("calendar.country", "must be a country code like \"RU\"")
        try:
            holidays.country_holidays(country)
        except NotImplementedError:
            raise self.fail("calendar.country", f"no holiday data for country {country!r}") from None

        minutes = calendar.get("shortening_minutes", 60)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes < 24 * 60:
            raise self.fail("calendar.shortening_minutes", "must be a whole number of minutes >= 0")
        shortening = timedelta(minutes=minutes)

        first_open = next(w for w in weekly if w is not None)
        if "working_weekend_hours" in calendar:
            weekend_hours = self.span(calendar["working_weekend_hours"], "calendar.working_weekend_hours")
        else:
            weekend_hours = weekly[0] or first_open
        for name, w in [*zip(WEEKDAYS, weekly), ("working_weekend_hours", weekend_hours)]:
            if w is not None and _length(w) <= shortening:
                raise self.fail(
                    "calendar.shortening_minutes",
                    f"{minutes} min would leave nothing of {name} {w[0]:%H:%M}-{w[1]:%H:%M}",
                )

        statutory = self.statutory(calendar, country)

        by_date = calendar.get("hours_by_date", {})
        if not isinstance(by_date, dict):
            raise self.fail("calendar.hours_by_date", 'must be a table: "2024-12-28" = ["09:00", "17:00"]')
        hours_by_date = {}
        for raw_key, value in by_date.items():
            key = f"calendar.hours_by_date.{raw_key}"
            d = self.day(str(raw_key), key)
            if not MIN_YEAR <= d.year <= MAX_YEAR:
                raise self.fail(key, f"year out of range {MIN_YEAR}-{MAX_YEAR}")
            hours_by_date[d] = self.span(value, key)

        years: dict[int, _YearRules] = {}
        for name, table in calendar.items():
            if name in _CALENDAR_KEYS:
                continue
            if not _YEAR_RE.match(str(name)):
                raise self.fail(f"calendar.{name}", "unknown key: expected a year like 2025 or one of "
                                + ", ".join(sorted(_CALENDAR_KEYS)))  # fmt: skip
            prefix = f"calendar.{name}"
            if not isinstance(table, dict):
                raise self.fail(prefix, "must be a table")
            for key in table:
                if key not in _YEAR_KEYS:
                    raise self.fail(f"{prefix}.{key}", "unknown key: use days_off, working_days, shortened")
            year = int(name)
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise self.fail(prefix, f"year out of range {MIN_YEAR}-{MAX_YEAR}")
            years[year] = _YearRules(
                self.dates(table, "days_off", prefix, year),
                self.dates(table, "working_days", prefix, year),
                self.dates(table, "shortened", prefix, year),
            )

        cal = cls(
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
        self.check_dates(cal, calendar, years, hours_by_date)
        return cal

    def statutory(self, calendar: dict, country: str) -> tuple[tuple[int, int], ...]:
        value = calendar.get("statutory_holidays")
        if value is None:
            return RU_STATUTORY_HOLIDAYS if country == "RU" else ()
        key = "calendar.statutory_holidays"
        if not isinstance(value, list):
            raise self.fail(key, 'must be a list of "MM-DD"')
        out = []
        for i, item in enumerate(value):
            m = re.match(r"^(\d\d)-(\d\d)$", item.strip()) if isinstance(item, str) else None
            if not m or not _valid(2000, int(m[1]), int(m[2])):
                raise self.fail(f"{key}[{i}]", f"not a month-day {item!r}: use \"MM-DD\"")
            out.append((int(m[1]), int(m[2])))
        return tuple(out)

    def check_dates(self, cal: WorkingCalendar, calendar: dict, years: dict[int, _YearRules],
                    hours_by_date: dict[date, tuple[time, time]]) -> None:  # fmt: skip
        """Cross-checks that need the year's days: conflicts and shortened days that are closed."""
        for year, rules in years.items():
            prefix = f"calendar.{year}"
            table = calendar[str(year)] if str(year) in calendar else calendar[year]
            days_off = cal._days_off(year)
            working = cal._working_days(year)
            if rules.working_days is not None:
                for i, item in enumerate(table["working_days"]):
                    d = self.day(item, "")
                    if d in days_off:
                        raise self.fail(f"{prefix}.working_days[{i}]", f"{d} is also a day off")
            if rules.shortened is not None:
                for i, item in enumerate(table["shortened"]):
                    d = self.day(item, "")
                    if cal._base_day(d, days_off, working).hours is None:
                        raise self.fail(f"{prefix}.shortened[{i}]", f"{d} is not a working day")
        for d, hours in hours_by_date.items():
            if cal._table(d.year)[d].hours is None:
                raise self.fail(f"calendar.hours_by_date.{d.isoformat()}", f"{d} is not a working day")


def _length(hours: tuple[time, time]) -> timedelta:
    day = date(2000, 1, 3)
    return datetime.combine(day, hours[1]) - datetime.combine(day, hours[0])
