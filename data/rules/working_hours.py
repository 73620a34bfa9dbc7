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

``calendar_file.py`` reads and checks those tables; :meth:`WorkingCalendar.from_config` builds
the calendar from what it gives.

Everything is computed per day, never per minute: each year becomes a sorted list of windows
(UTC start and end, with prefix sums of their lengths), so a look-up is one ``bisect``.

All methods take an aware ``datetime`` in any time zone and return datetimes in the support
time zone (``WorkingCalendar.tz``). A naive datetime raises ``ValueError``.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from helpdesk.data.rules.calendar_file import CalendarFile
from helpdesk.data.rules.calendar_settings import MAX_YEAR, MIN_YEAR, CalendarSettings, valid_date

if TYPE_CHECKING:
    import holidays

__all__ = ["Window", "WorkingCalendar", "DAY_KINDS"]

UTC = timezone.utc
DAY_KINDS = ("workday", "shortened", "weekend", "holiday", "working_weekend")

# Art. 112 part 2: a holiday that falls on a weekend moves the day off to the next working day,
# except the January holidays (1-8 January), whose days off the government places by decree.
_RU_NOT_AUTO_TRANSFERRED = {(1, d) for d in range(1, 9)}

_SUBSTITUTED_RE = re.compile(r"substituted from (\d\d)/(\d\d)/(\d{4})")
_MAX_EMPTY_YEARS = 10  # give up looking for a window after this many years without one
_SPAN_SLACK_YEARS = 20  # a look-up far from the covered years starts a new span instead


class Window(NamedTuple):
    """One stretch of working time, ``[start, end)``; both aware, in the support time zone.

    The calendar's and the regulation's values are NamedTuples, not dataclasses: ``helpdesk
    hours`` imports them, and ``dataclasses`` would bring ``inspect`` (and ``ast``, ``dis``...)
    into every command's start, about 10 ms of the 40 it takes (bench/cli_hours.py)."""

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
    """When support works. Build it with :meth:`from_config`; the deployment's calendar is the
    one its :class:`~helpdesk.data.rules.regulation.Regulation` holds.

    Thread-safe: look-ups read an immutable snapshot; extending the covered years takes a lock.
    """

    tz: ZoneInfo

    def __init__(self, settings: CalendarSettings):
        self.tz = settings.tz
        self.source = settings.source
        self.country = settings.country
        self._weekly = settings.weekly
        self._shortening = settings.shortening
        self._weekend_hours = settings.weekend_hours
        self._statutory = frozenset(settings.statutory)
        self._hours_by_date = dict(settings.hours_by_date)
        self._years = dict(settings.years)
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

        Every problem raises :class:`RegulationError` naming the key and a code, e.g.
        ``calendar.2024.shortened[3]`` and ``Code.CALENDAR_NOT_DATE`` (see ``calendar_file.py``).
        """
        reader = CalendarFile(source)
        settings = reader.read(timezone, hours, calendar)
        built = cls(settings)
        reader.check_listed_days(built, calendar, settings)
        return built

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

    def days_off(self, year: int) -> frozenset[date]:
        """The non-working days of a year: its ``days_off`` list, else the ``holidays`` package's."""
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
        statutory = {date(year, m, d) for m, d in self._statutory if valid_date(year, m, d)}
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
        days_off, working = self.days_off(year), self._working_days(year)
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


@lru_cache(maxsize=256)
def _package(country: str, year: int) -> holidays.HolidayBase:
    import holidays  # imported (with all its countries: ~150 ms) only for a year the regulation does not list

    return holidays.country_holidays(country, years=year)


@lru_cache(maxsize=256)
def _package_swaps(country: str, year: int) -> dict[date, date]:
    """The package's substitutions for ``year``: weekend day made working -> weekday made off.

    Read from the English holiday names ("Day off (substituted from 04/27/2024)"); when the
    package ever words them differently this yields nothing and rule 2 of the derivation is off.
    """
    import holidays  # as in _package

    try:
        named = holidays.country_holidays(country, years=year, language="en_US")
    except Exception:  # noqa: BLE001 - an unsupported language just means no swap data
        return {}
    swaps = {}
    for day, name in named.items():
        for match in _SUBSTITUTED_RE.finditer(name):
            month, dom, yr = (int(g) for g in match.groups())
            if valid_date(yr, month, dom):
                swaps[date(yr, month, dom)] = day
    return swaps
