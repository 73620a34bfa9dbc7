"""bench/__main__.py: an area that fails is reported with its error and fails the run after
the others have run; one not in the checkout is skipped; results render every figure."""

from __future__ import annotations

import sys
import types
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bench import __main__ as runner
from bench.figures import BenchContext, Figure
from helpdesk.data.store import models as m


@pytest.fixture
def ctx(tmp_path):
    return BenchContext(large_db=tmp_path / "l.db", demo_db=tmp_path / "d.db", workdir=tmp_path, quick=True,
                        tickets=10, messages=30, repeat=2)  # fmt: skip


@pytest.fixture
def area(monkeypatch):
    """area(name, measure): a module bench.<name> whose measure is the given function."""

    def make(name, measure):
        module = types.ModuleType(f"bench.{name}")
        module.measure = measure
        monkeypatch.setitem(sys.modules, f"bench.{name}", module)
        return name

    return make


def good(ctx):
    return [Figure("a thing", 12.5, "ms", "the floor", 5.0, 2.0, notes="how"),
            Figure("another", 1.0, "ms", "the floor", 2.0, None)]  # fmt: skip


def test_a_failing_area_is_its_error_and_fails_the_run(ctx, area):
    def broken(ctx):
        raise RuntimeError("the thread view never painted")

    results = [runner.run_area(area("t_broken", broken), "broken", ctx), runner.run_area(area("t_good", good), "good", ctx)]
    assert results[0].failed and "the thread view never painted" in results[0].error
    assert not results[1].failed and len(results[1].figures) == 2
    assert runner.exit_status(results) == 1
    assert runner.exit_status(results[1:]) == 0
    text = runner.render(results, command="python -m bench", started=datetime.now(timezone.utc), seconds=1.0,
                         data=["Large desk: test"], quick=True, repeat=2, idle=5, load=((1.0,) * 3, (1.0,) * 3))  # fmt: skip
    assert "**FAILED:**" in text and "the thread view never painted" in text and "areas failed: t_broken" in text
    assert "| 1 | a thing | 12.5 ms | the floor: 5.00 ms | 2.50 | ≤ 2.00 | **missed** |" in text
    assert "| 2 | another | 1.00 ms | the floor: 2.00 ms | 0.500 | — | reported |" in text
    assert "1. how" in text


@pytest.mark.parametrize("returned", [[], None, ["not a figure"], [Figure("x", float("nan"), "ms", "r", 1.0, 1.0)]])
def test_what_is_no_list_of_figures_fails_the_area(ctx, area, returned):
    result = runner.run_area(area("t_odd", lambda ctx: returned), "odd", ctx)
    assert result.failed


def test_an_area_not_in_the_checkout_is_skipped_but_a_broken_import_fails(ctx, area):
    assert runner.run_area("t_absent_area", "absent", ctx).skipped == "bench/t_absent_area.py is not in this checkout"
    bench_dir = Path(runner.__file__).parent
    assert not (bench_dir / "t_absent_area.py").exists()

    def importing(ctx):
        import bench.t_no_such_helper  # noqa: F401
    assert runner.run_area(area("t_imports", importing), "imports", ctx).failed


def test_an_area_leaves_no_store_open_for_the_next(ctx, area, desk):
    runner.run_area(area("t_store", good), "store", ctx)
    assert m.database_proxy.is_closed()


def test_an_unknown_area_is_a_usage_error(capsys):
    assert runner.main(["--only", "startup,nonsense"]) == 2
    assert "no such area: nonsense" in capsys.readouterr().err


def _render(results, pg_results=None) -> str:
    return runner.render(results, command="python -m bench", started=datetime.now(timezone.utc), seconds=1.0,
                         data=["Large desk: test"], quick=True, repeat=2, idle=5, load=((1.0,) * 3, (1.0,) * 3),
                         pg_results=pg_results)  # fmt: skip


def test_a_run_on_postgresql_sets_each_figure_beside_its_sqlite_one(ctx, area, monkeypatch):
    def on_postgres(ctx):
        assert ctx.postgres
        return [Figure("another", 3.0, "ms", "the floor", 2.0, None),
                Figure("a thing", 4.0, "ms", "a plain query", 5.0, 2.0, notes="on the server")]  # fmt: skip

    sqlite = [runner.run_area(area("t_good", good), "good", ctx)]
    pg_ctx = runner.replace(ctx, large_db="postgresql://u@h/l", backend="postgresql")
    monkeypatch.setitem(sys.modules, "bench.t_good", types.SimpleNamespace(measure=on_postgres))
    on_pg = [runner.run_area("t_good", "good", pg_ctx)]
    assert on_pg[0].backend == "postgresql" and not on_pg[0].failed
    text = _render(sqlite, on_pg)
    assert text.startswith(_render(sqlite).split("\n- Date:")[0])
    assert "| [t_good (PostgreSQL)](#t_good-on-postgresql) | 2 | 1 | 0 | ok |" in text
    side = text.split("\n## SQLite | PostgreSQL\n", 1)[1]
    assert "### t_good on PostgreSQL" in side
    # Paired by what they measure, not by their place.
    assert "| 1 | another | — | 1.00 ms | 2.00 ms | 0.500 | 3.00 ms | 2.00 ms | 1.50 |" in side
    assert "| 2 | a thing | ≤ 2.00 | 12.5 ms | 5.00 ms | 2.50 **missed** | 4.00 ms | 5.00 ms | 0.800 met |" in side
    assert "2. SQLite: the floor; PostgreSQL: a plain query" in side and "2. on the server" in side


def test_without_postgresql_the_results_have_no_side_by_side_section(ctx, area):
    text = _render([runner.run_area(area("t_good", good), "good", ctx)])
    assert "PostgreSQL" not in text
