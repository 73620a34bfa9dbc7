"""Times, durations and countdowns in words, in the current language.

``data/`` hands out datetimes and timedeltas; this module turns them into what people read:
"in 2 h 14 min" / "через 2 ч 14 мин", "Mon 09:00 MSK" / "пн 09:00 МСК" (in Russian a
non-breaking space joins a number to its unit and a time to its zone, through the catalog).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from helpdesk.data.rules.working_hours import WorkingCalendar
from helpdesk.tui.i18n import N_, _, current_language

# Time zone abbreviations worded in the interface language ("МСК" in Russian); others as the
# zone data writes them.
ZONE_ABBREVIATIONS = {"MSK": N_("MSK")}


def duration(delta: timedelta) -> str:
    """A compact duration: "2 d 14 h 05 min" / "2 д 14 ч 05 мин"; at least "0 min"."""
    total = max(0, int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(_("{n} d").format(n=days))
    if hours or days:
        parts.append(_("{n} h").format(n=hours))
    if days or hours:
        parts.append(_("{n} min").format(n=f"{minutes:02d}"))
    else:
        parts.append(_("{n} min").format(n=minutes))
    return " ".join(parts)


def compact_duration(delta: timedelta) -> str:
    """Calendar time for narrow cells: "2 d 14 h", "3 h 10 min", "12 min" (minutes dropped once it is days)."""
    total = max(0, int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{_('{n} d').format(n=days)} {_('{n} h').format(n=hours)}"
    if hours:
        return f"{_('{n} h').format(n=hours)} {_('{n} min').format(n=f'{minutes:02d}')}"
    return _("{n} min").format(n=minutes)


def working_duration(delta: timedelta) -> str:
    """Working time in hours and minutes ("30 h 10 min"): a working "day" in 24 h would mislead."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("{n} h").format(n=hours) + " " + _("{n} min").format(n=f"{minutes:02d}")
    return _("{n} min").format(n=minutes)


def in_duration(delta: timedelta) -> str:
    return _("in {duration}").format(duration=duration(delta))


# Under this much time to a change a countdown counts seconds (and the app ticks each second).
SECONDS_SHOWN = timedelta(seconds=60)


def in_countdown(delta: timedelta) -> str:
    """"in 2 h 14 min", or in the last minute "in 42 s": never "in 0 min" while time is left."""
    if timedelta(0) < delta < SECONDS_SHOWN:
        return _("in {duration}").format(duration=_("{n} s").format(n=max(1, int(delta.total_seconds()))))
    return in_duration(delta)


def short_working(delta: timedelta) -> str:
    """Working time for a glance: "2 h", "1 h 50 min", "45 min", "<1 min" (never "0 min"
    while some is left); from 10 hours on whole hours ("122 h": minutes no longer matter)."""
    total = max(0, int(delta.total_seconds()))
    minutes = total // 60
    if total and not minutes:
        return "<" + _("{n} min").format(n=1)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes and hours < 10:
        return _("{n} h").format(n=hours) + " " + _("{n} min").format(n=f"{minutes:02d}")
    if hours:
        return _("{n} h").format(n=hours)
    return _("{n} min").format(n=minutes)


def zoned(time: str, local: datetime) -> str:
    """``time`` followed by the zone of ``local``: "18:00 MSK" / "18:00 МСК" (held together by a
    non-breaking space in Russian)."""
    zone = local.tzname() or ""
    if zone in ZONE_ABBREVIATIONS:
        zone = _(ZONE_ABBREVIATIONS[zone])
    return _("{time} {zone}").format(time=time, zone=zone) if zone else time


def clock_time(at: datetime, tz: tzinfo) -> str:
    """"18:00 MSK"."""
    local = at.astimezone(tz)
    return zoned(f"{local:%H:%M}", local)


def day_and_time(at: datetime, tz: tzinfo, now: datetime | None = None) -> str:
    """"Mon 09:00 MSK", or just "18:00 MSK" when it is today; a date when it is far off."""
    local = at.astimezone(tz)
    if now is not None:
        today = now.astimezone(tz).date()
        if local.date() == today:
            return clock_time(at, tz)
        if abs((local.date() - today).days) > 6:  # far off, ahead or behind: a weekday would mislead
            day = _short_date(local.date(), local.year == today.year, current_language())
            return zoned(f"{day} {local:%H:%M}", local)
    return zoned(f"{_weekday(local.date(), current_language())} {local:%H:%M}", local)


# Babel's formatting is the slow part of a time in words (a thread of 500 messages names 500 of
# them): a day's names are worked out once per day and language.
@lru_cache(maxsize=4096)
def _weekday(day: date, language: str) -> str:
    """"Mon" / "пн"."""
    from babel.dates import format_date

    return format_date(day, "EEE", locale=language).rstrip(".")


def short_day_time(at: datetime, tz: tzinfo, now: datetime) -> str:
    """A time for a narrow cell (support time zone, no zone name): "09:00" today, "Mon 09:00"
    within a week either way, "12 Jan 09:00" further off, "12 Jan 2027 09:00" in another year."""
    local = at.astimezone(tz)
    today = now.astimezone(tz).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if abs((local.date() - today).days) <= 6:
        return f"{_weekday(local.date(), current_language())} {local:%H:%M}"
    return f"{_short_date(local.date(), local.year == today.year, current_language())} {local:%H:%M}"


def short_date(at: datetime, tz: tzinfo, now: datetime) -> str:
    """"12 Jan" / "12 янв" this year, "12 Jan 2024" / "12 янв 2024" another (in ``tz``)."""
    local = at.astimezone(tz)
    return _short_date(local.date(), local.year == now.astimezone(tz).year, current_language())


@lru_cache(maxsize=4096)
def _short_date(day: date, this_year: bool, language: str) -> str:
    from babel.dates import format_date  # its locale data only when a day is named (~20 ms)

    return format_date(day, "d MMM" if this_year else "d MMM y", locale=language).replace(".", "")


def support_state(calendar: WorkingCalendar, now: datetime, agent_tz: tzinfo | None = None) -> str:
    """The header line: "Open - closes in 1 h 12 min, 18:00 MSK" or "Closed - opens in 2 d 14 h, Mon 09:00 MSK".

    The countdown comes first in both: when the line is too long for the terminal (a date with
    its year and the agent's own zone), what is cut is the second zone, never the countdown."""
    tz = calendar.tz
    change = calendar.changes_at(now)
    left = in_countdown(change - now)
    when = day_and_time(change, tz, now)
    if agent_tz is not None and _differs(agent_tz, tz, change):
        same_day = change.astimezone(agent_tz).date() == change.astimezone(tz).date()
        # The date once is enough when both zones share it: the line must fit 80 columns.
        when = f"{when} / {clock_time(change, agent_tz) if same_day else day_and_time(change, agent_tz, now)}"
    if calendar.is_open(now):
        return _("Open - closes {countdown}, {when}").format(countdown=left, when=when)
    return _("Closed - opens {countdown}, {when}").format(countdown=left, when=when)


def _differs(a: tzinfo, b: tzinfo, at: datetime) -> bool:
    return at.astimezone(a).utcoffset() != at.astimezone(b).utcoffset()
