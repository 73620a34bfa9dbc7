"""Tests for data/rules/calendar_settings.py: the one helper beside the plain types."""

from __future__ import annotations

from helpdesk.data.rules.calendar_settings import valid_date


def test_valid_date():
    assert valid_date(2024, 2, 29) and valid_date(2000, 12, 31)
    assert not valid_date(2025, 2, 29) and not valid_date(2024, 13, 1) and not valid_date(2024, 4, 31)
