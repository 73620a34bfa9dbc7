"""tui/cli/tickets.py, `helpdesk list`: the default limit and what it says when it cuts, --limit,
--all, --offset, --after, the filters, --json and --jsonl written as the tickets are read, usage
errors (exit 2, one line)."""

from __future__ import annotations

import io
import json
import sys
from contextlib import closing

import pytest

from bench.generate import generate
from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.read import listing
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.store.database import connect, open_store
from helpdesk.data.tickets import operations as tk
from helpdesk.tui.cli import tickets as tickets_cmd
from helpdesk.tui.cli.main import main
from helpdesk.tui.cli.output import emit_json_array, emit_json_lines
from helpdesk.tui.safe_text import json_text
from tests.factories import SEEDED_AT, SEEDED_BY, new_ticket, register_agents

pytestmark = pytest.mark.both_databases  # the CLI's commands on SQLite and PostgreSQL (tests/conftest.py)

NOW = "2026-11-25T10:00:00+03:00"
HOSTILE = "Счёт \x1b]52;c;aGk=\x07 \x1b[2J \x9b31m Red\u202eTXT.exe\u200b"


@pytest.fixture
def cli(db_path, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, lang="en", now=NOW):
        code = main(["--db", db_path, "--as", "petrova", "--lang", lang, "--now", now, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def filled(db_path, regulation, count: int) -> None:
    """``count`` tickets (1001 up) on the store at ``db_path``, loaded in bulk by the benchmark's
    generator (bench/generate.py)."""
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova", "sidorov")
    generate(Desk(regulation, FixedClock(parse_instant(NOW)), "petrova"), count, 3 * count)
    m.database_proxy.close()


@pytest.fixture
def six(db_path, regulation):
    """Six tickets: 1001 new; 1002 new, Fenix+ 2 (support ended); 1003 open, petrova's; 1004
    waiting; 1005 closed; 1006 new, sidorov's, with a hostile subject."""
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova", "sidorov")
    desk = Desk(regulation, FixedClock(parse_instant(NOW)), "petrova")
    new_ticket(desk, subject="Не запускается расчёт")
    new_ticket(desk, subject="Вопрос по лицензии", product="Fenix+ 2")
    tk.assign_ticket(desk, new_ticket(desk), "petrova")
    tk.add_reply(desk, 1003, "Ответ")
    tk.set_status(desk, new_ticket(desk), st.WAITING)
    tk.set_status(desk, new_ticket(desk), st.CLOSED)
    tk.assign_ticket(desk, new_ticket(desk, subject=HOSTILE), "sidorov")
    m.database_proxy.close()


def listed(out: str) -> list[int]:
    return [int(line.split("\t")[0].lstrip("#")) for line in out.splitlines()]


# --- how many --------------------------------------------------------------------------------


def test_the_newest_hundred_by_default_and_a_line_on_stderr_when_there_are_more(cli, db_path, regulation):
    filled(db_path, regulation, 105)
    code, out, err = cli("list")
    assert code == 0 and listed(out) == list(range(1105, 1005, -1))
    assert err == "showing 100 of 105; --all or --limit N\n"
    code, out, err = cli("list", "--json", lang="ru")
    assert len(json.loads(out)) == 100 and err == "показаны 100 из 105; --all или --limit N\n"
    code, out, err = cli("list", "--status", "new,open,waiting,resolved,closed,rejected", "--offset", "2")
    assert listed(out)[0] == 1103 and err == "showing 100 of 105; --all or --limit N\n"


def test_thousands_are_grouped_in_the_interface_language(cli, db_path, regulation):
    filled(db_path, regulation, 1234)
    assert cli("list", "--jsonl")[2] == "showing 100 of 1,234; --all or --limit N\n"
    assert cli("list", "--jsonl", lang="ru")[2] == "показаны 100 из 1\xa0234; --all или --limit N\n"


def test_no_line_when_nothing_was_cut_or_the_limit_was_asked_for(cli, db_path, regulation):
    filled(db_path, regulation, 100)
    code, out, err = cli("list")
    assert (len(listed(out)), err) == (100, "")
    code, out, err = cli("list", "--limit", "5")
    assert (listed(out), err) == ([1100, 1099, 1098, 1097, 1096], "")
    code, out, err = cli("list", "--offset", "1")  # 99 left: nothing cut
    assert (len(listed(out)), err) == (99, "")


def test_all_offset_and_after(cli, db_path, regulation):
    filled(db_path, regulation, 130)
    code, out, err = cli("list", "--all")
    assert listed(out) == list(range(1130, 1000, -1)) and err == ""
    assert listed(cli("list", "--offset", "125")[1]) == [1005, 1004, 1003, 1002, 1001]
    assert listed(cli("list", "--after", "1004")[1]) == [1003, 1002, 1001]
    assert listed(cli("list", "--after", "1050", "--limit", "2", "--offset", "1")[1]) == [1048, 1047]
    data = json.loads(cli("list", "--json", "--all")[1])
    assert [item["number"] for item in data] == list(range(1130, 1000, -1))
    with closing(connect(db_path)) as db:
        counts = dict(db.execute_sql("SELECT t.number, COUNT(m.id) FROM ticket t LEFT JOIN message m "
                                     "ON m.ticket_id = t.id GROUP BY t.number").fetchall())  # fmt: skip
    assert {item["number"]: item["message_count"] for item in data} == counts and len(set(counts.values())) > 1


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args, numbers", [
    (("--status", "new"), [1006, 1002, 1001]),
    (("--status", "waiting,closed"), [1005, 1004]),
    (("--status", "waiting", "--status", "closed", "--status", "waiting"), [1005, 1004]),
    (("--product", "Fenix+ 2"), [1002]),
    (("--assignee", "me"), [1003]),
    (("--assignee", "sidorov"), [1006]),
    (("--assignee", "none"), [1005, 1004, 1002, 1001]),
    (("--flag", "support_ended"), [1002]),
    (("--search", "лицензии"), [1002]),
    (("--overdue",), []),
    (("--status", "new", "--assignee", "none", "--product", "Fenix+ 3"), [1001]),
])  # fmt: skip
def test_filters(cli, six, args, numbers):
    code, out, err = cli("list", *args)
    assert (code, err) == (0, "") and listed(out) == numbers


def test_overdue_from_the_due_time_on(cli, six):
    # Wed 10:00 requests are due at 18:00 (8 working hours); 1003, answered, on its resolution target.
    assert cli("list", "--overdue", "--json", now="2026-11-25T17:59:00+03:00")[1] == "[]\n"
    assert listed(cli("list", "--overdue", now="2026-11-25T18:00:00+03:00")[1]) == [1006, 1002, 1001]


@pytest.mark.parametrize("args, words", [
    (("--status", "new,archived"), "--status: Unknown status “archived”"),
    (("--product", "Fenix 9"), "--product: Unknown product “Fenix 9”"),
    (("--assignee", "nobody"), "--assignee: No agent “nobody” on this desk"),
    (("--flag", "urgent"), "invalid choice: 'urgent'"),
    (("--offset", "-1"), "--offset: give a whole number of at least 0, not “-1”"),
    (("--limit", "0"), "--limit: give a whole number of at least 1"),
    (("--after", "0"), "--after: give a whole number of at least 1"),
    (("--limit", "5", "--all"), "not allowed with argument --limit"),
    (("--json", "--jsonl"), "not allowed with argument --json"),
    (("--limit", "many"), "invalid int value"),
])  # fmt: skip
def test_bad_usage_exits_2_with_one_line(cli, six, args, words, capsys):
    try:
        code, out, err = cli("list", *args)
    except SystemExit as done:  # argparse's own refusals
        code, (out, err) = done.code, capsys.readouterr()
    assert code == 2 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


# --- output ----------------------------------------------------------------------------------


def test_json_and_jsonl_hold_the_same_items_and_customer_text_stays_inert(cli, six):
    items = json.loads(cli("list", "--json")[1])
    out = cli("list", "--jsonl")[1]
    lines = out.splitlines()
    assert [json.loads(line) for line in lines] == items and len(lines) == 6
    assert items[0]["subject"] == "Счёт ]52;c;aGk= [2J 31m Red\u202eTXT.exe\u200b"  # intake dropped its controls
    assert not any(ch in out for ch in ("\x1b", "\x07", "\x9b", "\u202e", "\u200b"))
    text = cli("list")[1]
    assert "Red⟨U+202E⟩TXT.exe⟨U+200B⟩" in text and "\u202e" not in text
    assert set(items[0]) == {"number", "subject", "status", "product", "channel", "customer_email", "created_at",
                             "updated_at", "message_count", "flags", "due_at", "priority", "scope", "unread"}
    assert cli("list", "--json", "--status", "rejected")[1] == "[]\n"
    assert cli("list", "--jsonl", "--status", "rejected")[1] == ""


@pytest.mark.parametrize("form", [(), ("--json",), ("--jsonl",)], ids=["text", "json", "jsonl"])
def test_rows_are_written_as_they_are_read(cli, db_path, regulation, monkeypatch, form):
    """Structural: the first page is on standard output before the second page is read."""
    filled(db_path, regulation, 5)
    real_pages = listing.pages
    out = io.StringIO()
    written_before: list[str] = []

    def small_pages(query, page_size=listing.PAGE):
        for index, page in enumerate(real_pages(query, page_size=2)):
            if index:
                written_before.append(out.getvalue())
            yield page

    monkeypatch.setattr(tickets_cmd.listing, "pages", small_pages)
    monkeypatch.setattr(sys, "stdout", out)
    code, _, err = cli("list", *form)
    assert (code, err) == (0, "")
    assert len(written_before) == 2  # pages 2 and 3 were read after...
    assert "1005" in written_before[0] and "1004" in written_before[0]  # ...page 1 was written
    assert "1003" not in written_before[0] and "1002" in written_before[1]


@pytest.mark.parametrize("items", [
    [],
    [{"n": 1}],
    [{"number": 1, "subject": HOSTILE, "flags": [], "due": None, "unread": True, "ok": False},
     {"number": 2, "subject": "x\n\t\"y\"\\", "flags": ["merged", "split"], "nested": {"a": [1, {"b": 2.5}]}},
     {}, {"list": [None, True, 3, "z"]}, {1: "int key"}, {"deep": [[1]], "float": 0.5, "big": 10**30}],
])  # fmt: skip
def test_the_streamed_array_is_the_document_emit_json_writes(items):
    out = io.StringIO()
    assert emit_json_array(iter(items), out) == len(items)
    assert out.getvalue() == json_text(items) + "\n"
    lines = io.StringIO()
    emit_json_lines(iter(items), lines)
    assert [json.loads(line) for line in lines.getvalue().splitlines()] == json.loads(json.dumps(items))
    assert "\x1b" not in out.getvalue() + lines.getvalue() and "\u202e" not in out.getvalue()
