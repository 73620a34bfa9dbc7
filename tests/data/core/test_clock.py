from datetime import timedelta, timezone

import pytest

from helpdesk.data.core.clock import FixedClock, RunningClock, parse_instant
from helpdesk.data.core.errors import Code, ValidationError


def test_parse_instant_accepts_offsets_and_z():
    assert parse_instant("2026-01-09T17:30:00+03:00").utcoffset() == timedelta(hours=3)
    assert parse_instant("2026-01-09T14:30:00Z") == parse_instant("2026-01-09T17:30:00+03:00")


@pytest.mark.parametrize("text, code", [("2026-01-09", Code.INSTANT_NO_OFFSET), ("yesterday", Code.INSTANT_INVALID)])
def test_parse_instant_refuses_naive_and_nonsense(text, code):
    with pytest.raises(ValidationError) as refused:
        parse_instant(text)
    assert (refused.value.field, refused.value.code, refused.value.params) == ("instant", code, {"value": text})
    with pytest.raises(ValidationError) as refused:
        parse_instant(text, "--now")
    assert (refused.value.field, refused.value.where, refused.value.code) == ("--now", "--now", code)


def test_fixed_clock_stands_still_until_moved():
    clock = FixedClock(parse_instant("2026-01-09T17:30:00+03:00"))
    assert clock.now() == clock.now() and clock.now().tzinfo == timezone.utc
    clock.advance(timedelta(minutes=5))
    assert clock.now() == parse_instant("2026-01-09T17:35:00+03:00")


def test_running_clock_starts_at_the_instant_and_runs_on():
    start = parse_instant("2026-01-09T17:30:00+03:00")
    clock = RunningClock(start)
    first = clock.now()
    assert timedelta(0) <= first - start < timedelta(seconds=5)
    assert clock.now() >= first
