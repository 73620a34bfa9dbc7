"""tui/cli/bulk.py (``helpdesk bulk``, ``helpdesk views``) and ``helpdesk list --view`` through `main()`."""

from __future__ import annotations

import json

import pytest

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.read.queue import QueueFilter
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.team import saved_views
from helpdesk.tui.cli.main import main
from tests.factories import SEEDED_AT, SEEDED_BY

NOW = "2026-11-25T10:00:00+03:00"


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch):
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, agent="petrova"):
        try:
            code = main(["--db", db_path, "--as", agent, "--lang", "en", "--now", NOW, *args])
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def new(cli, subject="Вопрос") -> int:
    code, out, err = cli("new", "--product", "Fenix+ 3", "--subject", subject, "--from", "ivan@example.ru", "--body", "...")
    assert code == 0, err
    return int(out)


def show(cli, number) -> dict:
    return json.loads(cli("show", str(number), "--json")[1])


def test_bulk_status_reports_each_refusal_and_exits_1(cli):
    a, b, c = new(cli), new(cli), new(cli)
    assert cli("status", str(b), "rejected")[0] == 0
    code, out, err = cli("bulk", str(a), str(b), str(c), "9999", "--status", "closed")
    assert code == 1
    assert out == "2 changed, 2 refused\n"
    assert err.splitlines() == [
        f"#{b}: A ticket that is “Rejected” cannot become “Closed” (allowed: Open)",
        "#9999: No ticket #9999",
    ]
    assert [show(cli, n)["status"] for n in (a, b, c)] == ["closed", "rejected", "closed"]


def test_bulk_assign_json_and_merge(cli):
    a, b, c = new(cli), new(cli), new(cli)
    code, out, err = cli("bulk", str(a), str(b), "--assign", "sidorov", "--json")
    assert code == 0, err
    assert [(o["number"], o["outcome"]) for o in json.loads(out)] == [(a, "changed"), (b, "changed")]
    code, out, _ = cli("bulk", str(a), str(b), "--assign-me", "--json", agent="petrova")
    assert code == 1
    assert {o["outcome"] for o in json.loads(out)} == {"refused"}
    assert json.loads(out)[0]["error"]["code"] == "ticket.taken"
    assert cli("bulk", str(a), str(b), "--assign-me", "--force")[0] == 0
    assert show(cli, a)["assignee"] == "petrova"
    code, out, err = cli("bulk", str(a), str(b), "--merge-into", str(c))
    assert (code, out) == (0, "2 changed\n"), err
    assert show(cli, a)["status"] == "closed"


def test_bulk_needs_one_change(cli):
    number = new(cli)
    code, _, err = cli("bulk", str(number))
    assert code == 2 and "one of the arguments" in err


def test_views_list_rename_delete_and_list_by_view(cli, db_path):
    first, second = new(cli, "Первый"), new(cli, "Второй")
    assert cli("status", str(second), "open")[0] == 0
    desk = Desk(load_regulation(), FixedClock(parse_instant(NOW)), "petrova")
    open_store(db_path, desk.regulation, SEEDED_AT, creator=SEEDED_BY)
    saved_views.save_view(desk, "открытые", QueueFilter(tab="open"))
    saved_views.save_view(desk, "все", QueueFilter(tab="all", sort="number", reverse=True))
    m.database_proxy.close()

    code, out, _ = cli("views", "list", "--json")
    assert code == 0 and [v["name"] for v in json.loads(out)] == ["все", "открытые"]
    assert json.loads(out)[0]["filter"]["tab"] == "all"
    code, out, _ = cli("list", "--view", "открытые")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == [f"#{second}"]
    code, out, _ = cli("list", "--view", "все", "--json")
    assert [t["number"] for t in json.loads(out)] == [second, first]  # every tab; the list is newest first
    assert cli("views", "list", agent="sidorov")[1] == ""  # another agent's views are their own

    assert cli("views", "rename", "все", "all")[0] == 0
    assert cli("views", "delete", "открытые")[0] == 0
    code, _, err = cli("list", "--view", "открытые")
    assert code == 1 and err == "helpdesk: No saved view “открытые”; yours: all\n"
