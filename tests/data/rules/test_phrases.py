"""data/rules/phrases.py: when support next opens, as words in the customer's language."""

from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk.data.rules.phrases import taken_up_phrase
from helpdesk.data.rules.regulation import load_regulation

MSK = ZoneInfo("Europe/Moscow")


def test_english_phrase_names_weekday_day_and_month():
    calendar = load_regulation().calendar
    at = datetime(2026, 11, 24, 19, 0, tzinfo=MSK)
    assert taken_up_phrase(calendar, at, "en") == "on Wednesday, 25 November, from 09:00 Moscow time"
    # During working hours the next opening is the next morning.
    at = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)
    assert taken_up_phrase(calendar, at, "ru") == "в четверг, 26 ноября, с 09:00 по московскому времени"
