"""tui/files.py: file sizes and file problems in words."""

from __future__ import annotations

import pytest

from helpdesk.data.read.attachments import FileProblem
from helpdesk.tui.files import describe_file_problem, file_size


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1 KB"), (30000, "29 KB"), (5939, "5.8 KB"),
     (3 * 1024 * 1024 + 400_000, "3.4 MB"), (5 * 1024**4, "5,120 GB")],
)
def test_file_size(size, text):
    assert file_size(size) == text


def test_file_problem_texts():
    assert describe_file_problem(FileProblem("attachment", "missing", "/x/a.txt", "no such file")) == "No such file: /x/a.txt"
    assert describe_file_problem(FileProblem("directory", "missing", "/x", "no such dir")) == "No such directory: /x"
    assert describe_file_problem(FileProblem("attachment", "too_large", "/big", "too large")) == (
        "Too large: /big (the limit is 25 MB).")
    assert describe_file_problem(FileProblem("attachment", "strange", "/x", "raw problem")) == "attachment: raw problem"
