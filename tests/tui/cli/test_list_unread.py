"""`helpdesk list --json` says, for the agent running it, whether each ticket is unread."""

from __future__ import annotations

import json

import pytest

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.read.history import read_point
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.team import seen
from tests.factories import SEEDED_BY
from helpdesk.tui.cli.main import main

pytestmark = pytest.mark.both_databases  # the CLI's commands on SQLite and PostgreSQL (tests/conftest.py)

NOW = "2026-11-25T10:00:00+03:00"


@pytest.fixture
def cli(db_path, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(agent, *args):
        code = main(["--db", db_path, "--as", agent, "--lang", "en", "--now", NOW, *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    return run


def unread(cli, agent) -> dict[int, bool]:
    return {item["number"]: item["unread"] for item in json.loads(cli(agent, "list", "--json"))}


def opened_in_the_app(db_path, agent, number):
    """What the thread view records when ``agent`` opens ticket ``number``."""
    open_store(db_path, load_regulation(), parse_instant(NOW), creator=SEEDED_BY)
    seen.mark(Desk(load_regulation(), FixedClock(parse_instant(NOW)), agent), number, read_point(number).event_id)
    m.database_proxy.close()


def test_unread_is_per_agent_and_follows_what_they_opened(cli, db_path):
    for login in ("petrova", "alice"):  # the user running the tests creates the desk: its admin
        assert main(["--db", db_path, "agent", "add", login]) == 0
    first = int(cli("petrova", "new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "ivan@example.ru", "--body", "Текст"))
    second = int(cli("petrova", "new", "--product", "Fenix+ 3", "--subject", "Ещё", "--from", "olga@example.ru", "--body", "Текст"))
    assert unread(cli, "petrova") == {first: True, second: True}  # the mail channel made them
    opened_in_the_app(db_path, "petrova", first)
    assert unread(cli, "petrova") == {first: False, second: True}
    cli("alice", "status", str(first), "open")
    assert unread(cli, "petrova") == {first: True, second: True}  # alice changed it since
    cli("petrova", "reply", str(second), "--body", "Ответ")
    opened_in_the_app(db_path, "petrova", second)
    assert unread(cli, "petrova")[second] is False
    assert unread(cli, "alice") == {first: True, second: True}  # she never opened either
