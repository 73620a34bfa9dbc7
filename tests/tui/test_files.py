"""tui/files.py: file sizes in words."""

from __future__ import annotations

import pytest

from helpdesk.tui.files import file_size


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1 KB"), (30000, "29 KB"), (5939, "5.8 KB"),
     (3 * 1024 * 1024 + 400_000, "3.4 MB"), (5 * 1024**4, "5,120 GB")],
)
def test_file_size(size, text):
    assert file_size(size) == text

