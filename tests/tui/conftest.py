"""Every test here starts and ends with the English interface (a test may switch to Russian)."""

from __future__ import annotations

import pytest

from helpdesk.tui.i18n import set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")
