"""bench/cli_list.py: the area runs on a small desk (the command in-process, the read function,
the memory of a process listing everything)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import cli_list as area
from tests.bench.small_desk import TICKETS, context, small_desk


@pytest.fixture
def desk_file(make_desk, db_path) -> Path:
    return small_desk(make_desk, db_path)


def test_the_area_gives_its_three_figures(desk_file, tmp_path):
    command, read, memory = area.measure(context(desk_file, tmp_path))
    assert command.target == 2.0 and read.target is None and memory.target is None
    assert (command.unit, read.unit, memory.unit) == ("ms", "ms", "MB")
    for figure in (command, read, memory):
        assert figure.value > 0 and figure.reference > 0 and math.isfinite(figure.ratio)
    assert "checked equal" in command.notes


def test_the_raw_sql_reads_the_newest_rows_with_their_message_counts(desk_file):
    import sqlite3

    with sqlite3.connect(desk_file) as db:
        rows = db.execute(area.RAW_SQL).fetchall()
        counts = dict(db.execute("SELECT ticket_id, COUNT(*) FROM message GROUP BY ticket_id").fetchall())
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True)
    assert all(row[-1] == counts.get(row[0], 0) for row in rows) and len(rows) == TICKETS
