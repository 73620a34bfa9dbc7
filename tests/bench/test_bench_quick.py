"""``python -m bench --quick``: the whole benchmark end to end, as CI runs it, on a desk of its
own (its own cache and scratch directories, so it runs beside the other tests, in parallel too).

What is checked is the shape of the results, never a duration: every area is there, each
figure with a value, its reference and a ratio, and the machine and the command line that made
them; with PostgreSQL's server programs (CI installs them) the PostgreSQL side too, and without
them the test skips once the SQLite side has passed (a failure in CI, where nothing may skip)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import pg
from bench.__main__ import AREAS, PG_AREAS

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (\d+) \| (.+?) \| ([\d,.]+) (\S.*?) \| (.+?): ([\d,.]+) \S.*? \| ([\d,.]+|∞) \| (≤ [\d,.]+|—) \| "
                 r"(met|\*\*missed\*\*|reported) \|$")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the terminal figures read /proc (Linux)")
def test_the_quick_benchmark_runs_every_area_and_writes_a_ratio_per_figure(tmp_path):
    out = tmp_path / "results.md"
    # With PostgreSQL's server programs (CI installs them) the PostgreSQL side runs too, on the
    # benchmark's own server (--pg temp), whose data directory is removed afterwards.
    binaries = pg.binaries()
    postgres = ["--pg", "temp"] if binaries else []
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench", "--quick", "--out", str(out), "--cache-dir", str(tmp_path / "cache"), *postgres],
            cwd=ROOT, capture_output=True, text=True, timeout=1500,
        )  # fmt: skip
    finally:
        if binaries:
            pg.TempCluster(binaries, pg.cluster_dir(tmp_path / "cache", binaries), print).remove()
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "--quick --out" in text and "Python 3" in text and "SQLite" in text and "Textual" in text
    assert "2,000 tickets / 20,000 messages" in text and "longest thread #" in text
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    assert list(sections) == [name for name, _ in AREAS]
    for name, body in sections.items():
        assert "FAILED" not in body and "Skipped" not in body, body
        rows = [line for line in body.splitlines() if re.match(r"^\| \d+ \|", line)]
        assert rows, f"{name}: no figures"
        for line in rows:
            match = ROW.match(line)
            assert match, f"{name}: not a figure row with a ratio: {line}"
            value, reference, ratio = (match.group(i) for i in (3, 6, 7))
            assert ratio == "∞" or float(ratio.replace(",", "")) >= 0
    # The figures of this branch's own areas are all there.
    for name, count in (("startup", 4), ("idle", 2), ("cli_hours", 1)):
        assert len([line for line in sections[name].splitlines() if ROW.match(line)]) == count
    if not binaries:
        pytest.skip("PostgreSQL's server programs are not installed (apt-get install postgresql): the PostgreSQL side did not run")
    check_side_by_side(text)


PAIR = re.compile(r"^\| (\d+) \| (.+?) \| (≤ [\d,.]+|—) \| ([\d,.]+) \S.*? \| ([\d,.]+) \S.*? \| ([\d,.]+|∞)(?: met| \*\*missed\*\*)? \| "
                  r"([\d,.]+) \S.*? \| ([\d,.]+) \S.*? \| ([\d,.]+|∞)(?: met| \*\*missed\*\*)? \|$")


def check_side_by_side(text: str) -> None:
    """The PostgreSQL side: the server's version and settings, and every area of PG_AREAS with
    each figure's value, reference and ratio on both databases."""
    assert re.search(r"^- PostgreSQL: PostgreSQL \d+", text, flags=re.M)
    for setting in ("shared_buffers=", "synchronous_commit=", "fsync="):
        assert setting in text
    assert re.search(r"^- PostgreSQL desk: .*(loaded now in|reused)", text, flags=re.M)
    side = text.split("\n## SQLite | PostgreSQL\n", 1)[1]
    parts = dict(re.findall(r"^### (\w+) on PostgreSQL\n(.*?)(?=^### |\Z)", side, flags=re.M | re.S))
    assert list(parts) == [name for name, _ in AREAS if name in PG_AREAS]
    for name, body in parts.items():
        assert "FAILED" not in body, body
        rows = [line for line in body.splitlines() if re.match(r"^\| \d+ \|", line)]
        assert rows, f"{name} on PostgreSQL: no figures"
        for line in rows:
            assert PAIR.match(line), f"{name}: not a row with both databases' ratios: {line}"
