"""data/rules/phrases.py: when support next opens, and how a text greets the customer, in the
customer's language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.rules.phrases import greeting, taken_up_phrase, without_name_in_greetings
from helpdesk.data.rules.regulation import load_regulation

MSK = ZoneInfo("Europe/Moscow")


def test_english_phrase_names_weekday_day_and_month():
    calendar = load_regulation().calendar
    at = datetime(2026, 11, 24, 19, 0, tzinfo=MSK)
    assert taken_up_phrase(calendar, at, "en") == "on Wednesday, 25 November, from 09:00 Moscow time"
    # During working hours the next opening is the next morning.
    at = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)
    assert taken_up_phrase(calendar, at, "ru") == "в четверг, 26 ноября, с 09:00 по московскому времени"


def test_a_greeting_uses_the_name_or_stays_neutral():
    assert greeting("Иван Петров", "ru") == "Здравствуйте, Иван Петров!"
    assert greeting("Ivan Petrov", "en") == "Hello Ivan Petrov,"
    for nobody in (None, "", "  "):
        assert greeting(nobody, "ru") == "Здравствуйте!"
        assert greeting(nobody, "en") == "Hello,"


@pytest.mark.parametrize("written, neutral", [
    ("Здравствуйте, {customer}!\n\nТекст.", "Здравствуйте!\n\nТекст."),
    ("Добрый день, {customer}.", "Добрый день."),
    ("Доброе утро,{customer}!", "Доброе утро!"),
    ("Hello {customer},\n\nText.", "Hello,\n\nText."),
    ("Hi, {customer}!", "Hi!"),
    ("Dear {customer},", "Hello,"),
    ("Good afternoon {customer},", "Good afternoon,"),
    # Not a greeting: left as it is (the placeholder gives the address then).
    ("Файл от {customer} получен.", "Файл от {customer} получен."),
])
def test_a_greeting_written_around_the_name_loses_it(written, neutral):
    assert without_name_in_greetings(written) == neutral
