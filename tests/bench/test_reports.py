"""bench/reports.py: the area runs on a small desk, and its reference reads what the report shows."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import reports as area
from tests.bench.small_desk import context, small_desk


@pytest.fixture
def desk_file(make_desk, db_path) -> Path:
    return small_desk(make_desk, db_path)


def test_the_area_gives_one_figure_against_plain_sql(desk_file, tmp_path):
    (figure,) = area.measure(context(desk_file, tmp_path))
    assert figure.target == 2.0 and figure.unit == "ms"
    assert figure.value > 0 and figure.reference > 0 and math.isfinite(figure.ratio)
    assert "checked equal" in figure.notes and "fill_work_times" not in figure.notes


def test_a_bulk_loaded_desk_gets_its_working_times_first(desk_file, tmp_path):
    import sqlite3

    with sqlite3.connect(desk_file) as db:
        db.execute("UPDATE ticket SET first_response_work_us = NULL, resolution_work_us = NULL")
    (figure,) = area.measure(context(desk_file, tmp_path))
    assert "lacked their stored working times" in figure.notes
    with sqlite3.connect(desk_file) as db:
        assert db.execute("SELECT COUNT(*) FROM ticket WHERE first_response_at IS NOT NULL "
                          "AND first_response_work_us IS NULL").fetchone() == (0,)  # fmt: skip


def test_the_reference_is_checked_against_the_report(desk_file, tmp_path, monkeypatch):
    """A reference that read other figures than the report's would be refused, not timed."""
    real = area.plain_sql

    def off_by_one(*args):
        out = real(*args)
        out["received"] = out["received"] + [("Fenix+ 3", "email", None, 1, 0)]
        return out

    monkeypatch.setattr(area, "plain_sql", off_by_one)
    with pytest.raises(AssertionError, match="disagree"):
        area.measure(context(desk_file, tmp_path))
