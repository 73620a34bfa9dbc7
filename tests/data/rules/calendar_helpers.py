"""What the calendar tests share: the regulation's weekly hours and Moscow wall-clock times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

MSK = ZoneInfo("Europe/Moscow")

# The [hours] table of the shipped regulation, as the TOML reader gives it.
HOURS = {
    "monday": ["09:00", "18:00"],
    "tuesday": ["09:00", "18:00"],
    "wednesday": ["09:00", "18:00"],
    "thursday": ["09:00", "18:00"],
    "friday": ["09:00", "17:00"],
}


def msk(text: str) -> datetime:
    """'2025-10-17 16:00' or '2025-10-17 16:00:59.5' in Moscow time."""
    return datetime.fromisoformat(text).replace(tzinfo=MSK)
