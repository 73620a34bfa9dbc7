"""Shared fixtures: a store on a temporary SQLite file (or a PostgreSQL database), a fixed clock,
the shipped regulation.

The data layer's tests (tests/data/**, and any test marked ``both_databases``) run twice, on
SQLite and on PostgreSQL: ``db_path`` is then a file's path or a ``postgresql://`` URL of a fresh
database on the session's throw-away server (tests/postgres.py). A test about SQLite's files
(backups of a file, read-only files, WAL, raw ``sqlite3`` connections) is marked ``sqlite_only``.
Without PostgreSQL's binaries the PostgreSQL variants skip, saying so (CI installs them, and
there a skip fails: HELPDESK_NO_SKIPS=1).
"""

from __future__ import annotations

import fcntl
import os

import pytest
from hypothesis import settings
from textual import constants as textual_constants

from tests import postgres as pg
from tests.factories import SEEDED_AT, SEEDED_BY, register_agents
from helpdesk.data.store import models as m
from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.rules.desk import Desk
from tests.pilot import make_app
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store.database import open_store

# Every Pilot key press waits for the animations it started (a tab underline sliding to its
# new place takes 0.3 s): the tests check where the app ends up, not how it moves there, so
# their apps start with TEXTUAL_ANIMATIONS=none (read by App.__init__; the environment variable
# itself is read when Textual is imported, which pytest's snapshot plugin has done already).
textual_constants.TEXTUAL_ANIMATIONS = "none"

# Two xdist workers share a core: Hypothesis's 200 ms deadline an example would fail a correct
# property test on a busy machine, so the suite's profile has none.
settings.register_profile("helpdesk", deadline=None)
settings.load_profile("helpdesk")


# CI sets HELPDESK_NO_SKIPS=1 (.ci/run): there a skipped test proves nothing, so it fails with its
# reason (dovecot missing, the shared mail corpus not beside the checkout...). A developer's
# machine may lack them and still run the rest.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("HELPDESK_NO_SKIPS") == "1" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped where every test must run (HELPDESK_NO_SKIPS=1): {reason}"


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it, -n is no option at all
def pytest_xdist_auto_num_workers(config):
    """What ``-n auto`` starts: two workers a core (PYTEST_XDIST_AUTO_NUM_WORKERS still rules).

    Most of the suite drives Textual apps with Pilot, which after every key waits for the app to
    go idle (20 ms without CPU): a worker is idle about half the time, and a second one a core
    runs meanwhile. On 2 cores the screen and tui tests took 58 s with 4 workers, 88 s with 2.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cores or 1)


# A Wednesday inside working hours (Moscow): the default "now" of the tests.
WORKING_NOW = "2026-11-25T10:00:00+03:00"


@pytest.fixture(scope="session")
def regulation():
    return load_regulation()


DATABASES = ("sqlite", "postgresql")
# The folders whose store-touching tests run on both databases (beside tests marked both_databases).
BOTH_DATABASES_UNDER = ("tests/data/",)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test about SQLite files; runs on SQLite only")
    config.addinivalue_line("markers", "both_databases: run this test on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc):
    """Parametrize ``db_kind`` (so ``db_path`` and everything made on it) over both databases."""
    if "db_kind" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    where = metafunc.definition.nodeid.replace("\\", "/")
    if where.startswith(BOTH_DATABASES_UNDER) or metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("db_kind", DATABASES, indirect=True)


@pytest.fixture
def db_kind(request):
    """Which database the test's store is: "sqlite" unless parametrized (above)."""
    return getattr(request, "param", "sqlite")


def _started_cluster(why: str) -> pg.Cluster:
    """A throw-away PostgreSQL server, started; the test is skipped where none is installed."""
    bin_dir = pg.binaries()
    if bin_dir is None:
        pytest.skip(f"PostgreSQL is not installed (apt-get install postgresql): {why}")
    cluster = pg.Cluster(bin_dir)
    cluster.start()
    return cluster


@pytest.fixture(scope="session")
def pg_cluster():
    """A throw-away PostgreSQL server for this session (this xdist worker), stopped at the end."""
    cluster = _started_cluster("the PostgreSQL variants cannot run")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster, regulation):
    """Copies (made ahead) of a database with the helpdesk's schema and seed: one for each test."""
    name = pg_cluster.create_database()
    open_store(pg_cluster.url(name), regulation, SEEDED_AT, creator=SEEDED_BY)
    m.database_proxy.close()
    copies = pg.Copies(pg_cluster, name)
    yield copies
    copies.close()


@pytest.fixture
def own_server():
    """A PostgreSQL server for this test alone (one it may restart or stop), stopped after it."""
    cluster = _started_cluster("this test needs a server of its own")
    yield cluster
    if not m.database_proxy.is_closed():
        m.database_proxy.close()
    cluster.stop()


@pytest.fixture
def pg_database(request, pg_cluster):
    """new(copies=None) -> the URL of a fresh database on the session's server (a copy from
    ``copies``, or an empty one), dropped after the test."""
    made = []

    def new(copies: pg.Copies | None = None) -> str:
        name = copies.take() if copies is not None else pg_cluster.create_database()
        made.append((name, copies))
        return pg_cluster.url(name)

    yield new
    if not m.database_proxy.is_closed():
        m.database_proxy.close()
    for name, copies in made:
        if copies is not None:
            copies.give_back(name)
        else:
            pg_cluster.drop_database(name)


@pytest.fixture
def db_path(request, tmp_path, db_kind):
    """The test's store: a SQLite file's path, or a fresh PostgreSQL database's URL."""
    if db_kind == "sqlite":
        return str(tmp_path / "helpdesk.db")
    return request.getfixturevalue("pg_database")(request.getfixturevalue("pg_template"))


@pytest.fixture
def make_desk(db_path, regulation):
    """make_desk(now="ISO", agent="login") -> a Desk on a fresh store with a FixedClock, its
    agent registered there."""

    def make(now: str = WORKING_NOW, agent: str = "petrova") -> Desk:
        open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
        register_agents(agent)
        return Desk(regulation=regulation, clock=FixedClock(parse_instant(now)), agent=agent)

    yield make
    if not m.database_proxy.is_closed():
        m.database_proxy.close()


@pytest.fixture
def desk(make_desk):
    return make_desk()


@pytest.fixture
def team(db_path, regulation):
    """The store at ``db_path`` with the agents the CLI tests act as (``--as petrova``), before
    the command line opens it: the OS user running the tests created it, so is its admin."""
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova", "sidorov")
    m.database_proxy.close()


# --- the app shell, queue and demo data set (added by the shell engineer) -------------------

DEMO_SEED = 20260109


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, regulation):
    """A database file with the demo data set at WORKING_NOW, generated once per run.

    The pytest-xdist workers of a run share it (2 s each to generate): the first to take the
    lock writes it into the run's temporary folder, the parent of each worker's own.
    """
    from helpdesk.data.demo import generate_demo

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = shared / "demo.db"
    with open(shared / "demo.db.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = shared / f"demo-{os.getpid()}.db"
            open_store(str(partial), regulation, SEEDED_AT, creator=SEEDED_BY)
            generate_demo(Desk(regulation, FixedClock(parse_instant(WORKING_NOW)), "petrova"), seed=DEMO_SEED)
            m.database_proxy.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            m.database_proxy.close()
            os.replace(partial, path)  # whole, or not there: a worker never copies half a file
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster, pg_template, regulation):
    """Copies of the demo data set in a PostgreSQL database, generated once per session (per worker)."""
    from helpdesk.data.demo import generate_demo

    name = pg_cluster.create_database(pg_template.template)
    open_store(pg_cluster.url(name), regulation, SEEDED_AT, creator=SEEDED_BY)
    generate_demo(Desk(regulation, FixedClock(parse_instant(WORKING_NOW)), "petrova"), seed=DEMO_SEED)
    m.database_proxy.close()
    copies = pg.Copies(pg_cluster, name)
    yield copies
    copies.close()


@pytest.fixture
def demo_desk(request, db_kind, db_path, regulation):
    """A Desk (agent petrova, FixedClock at WORKING_NOW) on a fresh copy of the demo data set."""
    import shutil

    if db_kind == "sqlite":
        shutil.copyfile(request.getfixturevalue("demo_template"), db_path)
    else:  # the test's database (db_path names it) renamed away, and a copy of the demo's in its place
        cluster, name = request.getfixturevalue("pg_cluster"), db_path.rsplit("/", 1)[1]
        demo = request.getfixturevalue("pg_demo_template")
        copy = demo.take()
        cluster.sql(f'ALTER DATABASE "{name}" RENAME TO "{name}_x"')
        cluster.sql(f'ALTER DATABASE "{copy}" RENAME TO "{name}"')
        cluster.sql(f'ALTER DATABASE "{name}_x" RENAME TO "{copy}"')
        demo.give_back(copy)  # the plain copy the test had, now under the demo copy's old name
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    yield Desk(regulation=regulation, clock=FixedClock(parse_instant(WORKING_NOW)), agent="petrova")
    if not m.database_proxy.is_closed():
        m.database_proxy.close()


@pytest.fixture
def app_factory():
    """app_factory(desk, lang="en", watch_changes=False) -> a HelpdeskApp in that language.

    The agent's time zone is the support time zone (no second clock time in the header), so
    snapshots do not depend on the machine's zone. Pass agent_tz= to test that.
    """
    from helpdesk.tui.i18n import set_language

    def make(desk: Desk, lang: str = "en", *, watch_changes: bool = False, **kwargs):
        set_language(lang)
        kwargs.setdefault("agent_tz", desk.regulation.timezone)
        return make_app(desk, watch_changes=watch_changes, **kwargs)

    yield make
    set_language("en")
