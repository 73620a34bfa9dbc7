"""The one injectable source of "now".

Every operation and the calendar take their time from a Clock, so tests can run at a fixed
instant and demos can start on a Friday evening (``--now``) and let time run on from there.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from helpdesk.data.core.errors import Code, ValidationError


def parse_instant(text: str, option: str | None = None) -> datetime:
    """Parse an ISO-8601 instant; one without an offset is refused (it would be ambiguous).

    ``option`` names where the text came from (``--now``): the ValidationError's field and ``where``."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(option or "instant", Code.INSTANT_INVALID, where=option, value=text) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(option or "instant", Code.INSTANT_NO_OFFSET, where=option, value=text)
    return value


class Clock:
    """The system clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock(Clock):
    """Stands still at one instant until a test moves it."""

    def __init__(self, instant: datetime):
        self._instant = instant.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._instant

    def advance(self, delta: timedelta) -> None:
        self._instant += delta

    def set(self, instant: datetime) -> None:
        self._instant = instant.astimezone(timezone.utc)


class RunningClock(Clock):
    """Starts at a given instant and runs on in real time (``helpdesk --now ... demo``)."""

    def __init__(self, start: datetime):
        self._start = start.astimezone(timezone.utc)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)
