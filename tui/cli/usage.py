"""Usage errors found after argparse: values it cannot judge (an instant the calendar does not
cover, a limit below 1, an offset below 0). They exit 2 like argparse's own, worded through tui/errors.py."""

from __future__ import annotations

from helpdesk.data.core.errors import Code, HelpdeskError


class UsageError(HelpdeskError):
    """A bad option value: the command line, not the data, is wrong (exit 2)."""


def positive(value: int | None, option: str) -> int | None:
    """``value`` if it is None or at least 1; a usage error naming ``option`` otherwise."""
    if value is not None and value < 1:
        raise UsageError(Code.NUMBER_NOT_POSITIVE, where=option, value=value)
    return value


def not_negative(value: int | None, option: str) -> int | None:
    """``value`` if it is None or at least 0; a usage error naming ``option`` otherwise."""
    if value is not None and value < 0:
        raise UsageError(Code.NUMBER_NEGATIVE, where=option, value=value)
    return value
