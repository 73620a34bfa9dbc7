"""tui/cli/tickets.py, `helpdesk show`: the customer's other tickets, named (plain) and listed (--json)."""

import json
from contextlib import closing

import peewee as pw
import pytest

from helpdesk.data.store.database import connect
from helpdesk.tui.cli.main import main

pytestmark = pytest.mark.both_databases  # the CLI's commands on SQLite and PostgreSQL (tests/conftest.py)


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch):
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, now="2026-11-25T10:00:00+03:00"):
        code = main(["--db", db_path, "--as", "petrova", "--now", now, *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    return run


def new(cli, email, minute):
    return int(cli("new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", email, "--body", "Текст",
                   now=f"2026-11-25T10:{minute:02d}:00+03:00"))  # fmt: skip


def test_show_lists_the_customers_and_organisations_other_tickets(cli, db_path):
    ivan = [new(cli, "ivan@pozh.ru", minute) for minute in range(8)]
    olga = new(cli, "olga@pozh.ru", 30)
    alone = new(cli, "petr@alone.ru", 31)
    with closing(connect(db_path)) as db, db.atomic():
        db.execute_sql("UPDATE customer SET organisation = 'ООО «ПожПроект»' WHERE email LIKE '%%@pozh.ru'"
                       if isinstance(db, pw.PostgresqlDatabase) else  # psycopg's % is its own: %% is one
                       "UPDATE customer SET organisation = 'ООО «ПожПроект»' WHERE email LIKE '%@pozh.ru'")

    shown = json.loads(cli("show", str(ivan[0]), "--json"))
    assert shown["customer_tickets"] == ivan[:0:-1]  # newest first, not the ticket itself
    assert shown["customer_tickets_total"] == 7
    assert (shown["organisation_tickets"], shown["organisation_tickets_total"]) == ([olga], 1)

    lines = cli("show", str(ivan[0])).splitlines()
    numbers = ", ".join(f"#{n}" for n in ivan[:2:-1])
    assert lines[2] == f"Other tickets of this customer: {numbers} (+2)"  # five named, two counted

    alone_json = json.loads(cli("show", str(alone), "--json"))
    assert (alone_json["customer_tickets"], alone_json["organisation_tickets"]) == ([], [])
    assert "Other tickets" not in cli("show", str(alone))
    # Ольга has no other ticket of her own: her line is left out; Иван's are her organisation's.
    assert "Other tickets" not in cli("show", str(olga))
    assert json.loads(cli("show", str(olga), "--json"))["organisation_tickets"] == ivan[::-1][:20]


def test_the_line_reads_in_russian(cli):
    first = new(cli, "ivan@pozh.ru", 0)
    second = new(cli, "ivan@pozh.ru", 1)
    assert f"Другие заявки клиента: #{first}\n" in cli("--lang", "ru", "show", str(second))
