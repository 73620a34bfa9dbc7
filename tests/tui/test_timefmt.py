from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.data.rules.regulation import load_regulation
from helpdesk.tui.i18n import set_language
from helpdesk.tui.timefmt import (clock_time, compact_duration, day_and_time, duration, in_countdown, short_working,
                                  support_state, working_duration)

MSK = ZoneInfo("Europe/Moscow")


def test_compact_durations():
    assert compact_duration(timedelta(minutes=7)) == "7 min"
    assert compact_duration(timedelta(hours=3, minutes=5)) == "3 h 05 min"
    assert compact_duration(timedelta(days=2, hours=14, minutes=59)) == "2 d 14 h"
    assert compact_duration(timedelta(seconds=-5)) == "0 min"


def test_working_duration_counts_hours_not_days():
    assert working_duration(timedelta(hours=30, minutes=10)) == "30 h 10 min"
    assert working_duration(timedelta(minutes=5)) == "5 min"
    assert working_duration(timedelta(hours=2)) == "2 h 00 min"
    assert working_duration(timedelta(seconds=-5)) == "0 min"


def test_full_duration_keeps_minutes_after_days():
    assert duration(timedelta(days=2, hours=14, minutes=5)) == "2 d 14 h 05 min"
    assert duration(timedelta(minutes=59, seconds=30)) == "59 min"


def test_russian_words():
    set_language("ru")
    nb = "\u00a0"  # a number is held to its unit
    assert duration(timedelta(hours=2, minutes=14)) == f"2{nb}ч 14{nb}мин"
    assert working_duration(timedelta(hours=30, minutes=10)) == f"30{nb}ч 10{nb}мин"
    assert duration(timedelta(days=3, hours=1)) == f"3{nb}дн. 1{nb}ч 00{nb}мин"
    # ... and a time to its zone, named in Russian.
    at = datetime(2026, 11, 26, 16, 48, tzinfo=MSK)
    assert clock_time(at, MSK) == f"16:48{nb}МСК"
    assert day_and_time(at, MSK) == f"чт 16:48{nb}МСК"
    set_language("en")
    assert clock_time(at, MSK) == "16:48 MSK"


def test_support_state_open_and_closed_with_the_agents_zone():
    calendar = load_regulation().calendar
    thursday = datetime(2026, 11, 26, 16, 48, tzinfo=MSK)
    assert support_state(calendar, thursday) == "Open - closes in 1 h 12 min, 18:00 MSK"
    friday_evening = datetime(2026, 11, 27, 18, 55, tzinfo=MSK)
    line = support_state(calendar, friday_evening, ZoneInfo("Asia/Yekaterinburg"))
    assert line == "Closed - opens in 2 d 14 h 05 min, Mon 09:00 MSK / 11:00 +05"
    late = support_state(calendar, datetime(2026, 11, 27, 18, 55, tzinfo=MSK), ZoneInfo("America/Los_Angeles"))
    assert late == "Closed - opens in 2 d 14 h 05 min, Mon 09:00 MSK / Sun 22:00 PST"


def test_support_state_across_the_new_year_block():
    calendar = load_regulation().calendar
    line = support_state(calendar, datetime(2025, 12, 30, 18, 0, tzinfo=MSK))
    assert line.startswith("Closed - opens in 12 d 15 h 00 min, 12 Jan 2026 09:00 MSK")  # another year: named


def test_day_and_time_today_and_far_off():
    now = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)
    assert day_and_time(datetime(2026, 11, 25, 18, 0, tzinfo=MSK), MSK, now) == "18:00 MSK"
    assert day_and_time(datetime(2026, 11, 30, 9, 0, tzinfo=MSK), MSK, now) == "Mon 09:00 MSK"
    assert day_and_time(datetime(2026, 12, 12, 9, 0, tzinfo=MSK), MSK, now) == "12 Dec 09:00 MSK"
    assert day_and_time(datetime(2027, 1, 11, 9, 0, tzinfo=MSK), MSK, now) == "11 Jan 2027 09:00 MSK"
    assert day_and_time(datetime(2025, 11, 11, 9, 0, tzinfo=MSK), MSK, now) == "11 Nov 2025 09:00 MSK"
    set_language("ru")
    try:
        assert day_and_time(datetime(2027, 1, 11, 9, 0, tzinfo=MSK), MSK, now) == "11 янв 2027 09:00\u00a0МСК"
    finally:
        set_language("en")


def test_working_time_at_a_glance():
    assert short_working(timedelta(hours=1, minutes=50)) == "1 h 50 min"
    assert short_working(timedelta(hours=2)) == "2 h"
    assert short_working(timedelta(minutes=45)) == "45 min"
    assert short_working(timedelta(seconds=20)) == "<1 min"  # some left: never "0 min"
    assert short_working(timedelta(0)) == "0 min"
    assert short_working(timedelta(hours=122, minutes=1)) == "122 h"  # minutes no longer matter
    set_language("ru")
    try:
        assert short_working(timedelta(hours=1, minutes=5)) == "1\u00a0ч 05\u00a0мин"
    finally:
        set_language("en")


def test_the_last_minute_counts_seconds():
    assert in_countdown(timedelta(minutes=5)) == "in 5 min"
    assert in_countdown(timedelta(seconds=60)) == "in 1 min"
    assert in_countdown(timedelta(seconds=42)) == "in 42 s"
    assert in_countdown(timedelta(seconds=0.4)) == "in 1 s"
    calendar = load_regulation().calendar
    assert support_state(calendar, datetime(2026, 11, 26, 17, 59, 18, tzinfo=MSK)) == "Open - closes in 42 s, 18:00 MSK"
    assert support_state(calendar, datetime(2026, 11, 26, 8, 59, 59, tzinfo=MSK)) == "Closed - opens in 1 s, 09:00 MSK"
    set_language("ru")
    try:
        assert in_countdown(timedelta(seconds=42)) == "через 42\u00a0с"
    finally:
        set_language("en")


def test_short_dates_name_the_year_only_when_it_is_another():
    from helpdesk.tui.timefmt import short_date

    now = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)
    late_evening_utc = datetime(2026, 1, 11, 22, 30, tzinfo=ZoneInfo("UTC"))  # 12 January in Moscow
    assert short_date(late_evening_utc, MSK, now) == "12 Jan"
    assert short_date(datetime(2025, 9, 3, tzinfo=MSK), MSK, now) == "3 Sep 2025"
    set_language("ru")
    try:
        assert short_date(late_evening_utc, MSK, now) == "12 янв"  # no abbreviation dot
        assert short_date(datetime(2025, 9, 3, tzinfo=MSK), MSK, now) == "3 сент 2025"
    finally:
        set_language("en")
