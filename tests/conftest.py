"""Shared fixtures: a store on a temporary SQLite file, a fixed clock, the shipped regulation."""

from __future__ import annotations

import pytest

from data import models as m
from data.clock import FixedClock, parse_instant
from data.desk import Desk
from data.regulation import load_regulation
from data.store import open_store

# A Wednesday inside working hours (Moscow): the default "now" of the tests.
WORKING_NOW = "2026-11-25T10:00:00+03:00"


@pytest.fixture(scope="session")
def regulation():
    return load_regulation()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "helpdesk.db")


@pytest.fixture
def make_desk(db_path, regulation):
    """make_desk(now="ISO", agent="login") -> a Desk on a fresh store with a FixedClock."""

    def make(now: str = WORKING_NOW, agent: str = "petrova") -> Desk:
        open_store(db_path, regulation)
        return Desk(regulation=regulation, clock=FixedClock(parse_instant(now)), agent=agent)

    yield make
    if not m.database_proxy.is_closed():
        m.database_proxy.close()


@pytest.fixture
def desk(make_desk):
    return make_desk()
