"""tui/cli/workflow.py: scope, split, merge, priority, replies, report through `main()`."""

import csv
import io
import json

import pytest

from helpdesk.tui.cli.main import main

WEDNESDAY = "2026-11-25T10:00:00+03:00"
SATURDAY = "2026-11-28T12:00:00+03:00"


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch):
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, now=WEDNESDAY):
        try:
            code = main(["--db", db_path, "--as", "petrova", "--lang", "en", "--now", now, *args])
        except SystemExit as exit:  # argparse: wrong usage
            code = exit.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def new(cli, *extra, now=WEDNESDAY, product="Fenix+ 3", body="Проект не открывается"):
    code, out, err = cli(
        "new", "--product", product, "--subject", "Вопрос", "--from", "ivan@example.ru",
        "--name", "Иван Петров", "--body", body, *extra, now=now,
    )  # fmt: skip
    assert code == 0, err
    return int(out)


def show(cli, number, now=WEDNESDAY):
    code, out, err = cli("show", str(number), "--json", now=now)
    assert code == 0, err
    return json.loads(out)


def test_new_out_of_hours_gets_its_notice(cli):
    number = new(cli, now=SATURDAY)
    data = show(cli, number)
    assert "out_of_hours" in data["flags"]
    assert [m["kind"] for m in data["messages"]] == ["customer", "system"]
    assert "Мы возьмём её в работу в понедельник, 30 ноября, с 09:00 по московскому времени" in data["messages"][1]["body"]


def test_show_json_reports_support_ended_priority_due_and_links(cli):
    number = new(cli, product="Fenix+ 2")
    data = show(cli, number)
    assert data["flags"] == ["support_ended"]
    assert data["priority"] == "normal" and data["due_at"] == "2026-11-25T18:00:00+03:00"
    assert data["links"] == [] and data["scope"] is None
    code, out, _ = cli("list", "--json")
    [item] = json.loads(out)
    assert item["flags"] == ["support_ended"] and item["due_at"] == "2026-11-25T18:00:00+03:00"


def test_priority_command_moves_the_due_time(cli):
    number = new(cli)
    assert cli("priority", str(number), "high") == (0, "", "")
    assert show(cli, number)["due_at"] == "2026-11-25T12:00:00+03:00"
    code, _, err = cli("priority", str(number), "urgent")
    assert code == 2 and err.count("\n") == 1


def test_scope_in_scope_records(cli):
    number = new(cli)
    assert cli("scope", str(number), "installation")[0] == 0
    data = show(cli, number)
    assert (data["scope"], data["status"], len(data["messages"])) == ("installation", "new", 1)


def test_scope_out_of_scope_replies_and_rejects(cli):
    number = new(cli)
    assert cli("scope", str(number), "project_fixes")[0] == 0
    data = show(cli, number)
    assert (data["scope"], data["status"]) == ("project_fixes", "rejected")
    reply = data["messages"][-1]
    assert reply["kind"] == "agent" and "«Доработка и исправление проектов пользователей»" in reply["body"]
    # Undo by reopening.
    assert cli("status", str(number), "open")[0] == 0
    assert show(cli, number)["status"] == "open"


def test_scope_no_reply_and_reply_file(cli, tmp_path):
    first, second = new(cli), new(cli)
    assert cli("scope", str(first), "regulations", "--no-reply")[0] == 0
    data = show(cli, first)
    assert data["status"] == "rejected" and len(data["messages"]) == 1
    text = tmp_path / "reply.txt"
    text.write_text("Это вне регламента, {не плейсхолдер}", encoding="utf-8")
    assert cli("scope", str(second), "expert_review", "--reply-file", str(text))[0] == 0
    assert show(cli, second)["messages"][-1]["body"] == "Это вне регламента, {не плейсхолдер}"


def test_scope_unknown_key_is_one_line_listing_the_known(cli):
    number = new(cli)
    code, out, err = cli("scope", str(number), "astrology")
    assert code == 1 and out == ""
    assert err == ("helpdesk: Unknown scope category “astrology”; known: improvement, account_access, installation, "
                   "documentation, how_it_works, defect, project_fixes, expert_review, regulations\n")


def test_split_and_merge(cli):
    number = new(cli)
    code, out, err = cli("reply", str(number), "--body", "Пришлите файл")
    code, out, err = main_ok(cli, "split", str(number), "1", "--subject", "Второй вопрос")
    split = int(out)
    assert show(cli, number)["links"] == [{"kind": "split_into", "number": split}]
    assert show(cli, split)["links"] == [{"kind": "split_from", "number": number}]
    assert show(cli, split)["subject"] == "Второй вопрос"
    code, _, err = cli("split", str(number), "2")
    assert (code, err) == (1, "helpdesk: Only a customer's message can become a new ticket\n")
    duplicate = new(cli, body="Повторно")
    main_ok(cli, "merge", str(duplicate), str(number))
    target = show(cli, number)
    assert {"kind": "merged_from", "number": duplicate} in target["links"]
    assert "Повторно" in [m["body"] for m in target["messages"]]
    dup = show(cli, duplicate)
    assert dup["status"] == "closed" and "merged" in dup["flags"] and dup["messages"] == []
    code, _, err = cli("merge", str(duplicate), str(number))
    assert (code, err) == (1, f"helpdesk: Ticket #{duplicate} is already merged into #{number}\n")
    code, _, err = cli("merge", "1001")
    assert code == 2


def main_ok(cli, *args, now=WEDNESDAY):
    code, out, err = cli(*args, now=now)
    assert code == 0, err
    return code, out, err


def test_replies_crud_and_render(cli):
    code, out, _ = main_ok(cli, "replies", "list", "--json")
    keys = [r["key"] for r in json.loads(out)]
    assert "out_of_scope" in keys and "support_ended" in keys
    main_ok(cli, "replies", "add", "need_file", "--title", "Нужен файл", "--ru", "Пришлите файл, {customer}.")
    code, out, _ = main_ok(cli, "replies", "list")
    assert "need_file\tНужен файл" in out.splitlines()
    number = new(cli)
    code, out, _ = main_ok(cli, "replies", "show", "need_file", "--ticket", str(number))
    assert out == "Пришлите файл, Иван Петров.\n"
    main_ok(cli, "replies", "edit", "need_file", "--en", "Please send the file, {customer}.", "--key", "file")
    code, out, _ = main_ok(cli, "replies", "show", "file", "--ticket", str(number), "--lang", "en")
    assert out == "Please send the file, Иван Петров.\n"
    code, out, _ = main_ok(cli, "replies", "show", "file")
    assert out == "Пришлите файл, {customer}.\n"
    code, _, err = cli("replies", "add", "bad", "--title", "T", "--ru", "Цена {price}")
    assert (code, err) == (1, "helpdesk: Unknown placeholder {price} (known: {greeting}, {customer}, {ticket}, {product}, {next_open}, {agent}, {support_end}, {current_products}, {scope_rule})\n")
    main_ok(cli, "replies", "delete", "file")
    code, _, err = cli("replies", "delete", "file")
    assert (code, err) == (1, "helpdesk: No prepared reply “file”\n")
    code, _, err = cli("replies")
    assert code == 2


def test_replies_show_support_ended_for_a_ticket(cli):
    number = new(cli, product="Fenix+")
    code, out, _ = main_ok(cli, "replies", "show", "support_ended", "--ticket", str(number))
    assert "Fenix+ осуществлялась до 31.12.2021" in out


def test_report_table_csv_json(cli):
    first = new(cli)
    cli("reply", str(first), "--body", "Ответ", now="2026-11-25T11:30:00+03:00")
    new(cli, now=SATURDAY)
    args = ("report", "--from", "2026-11-23", "--to", "2026-11-29")
    code, out, _ = main_ok(cli, *args, "--json")
    data = json.loads(out)
    assert (data["received"], data["out_of_hours"], data["responded"]) == (2, 1, 1)
    assert data["first_response_median_hours"] == 1.5  # 10:00 -> 11:30
    code, out, _ = main_ok(cli, *args, "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["section", "key", "received", "closed", "value"]
    assert ["summary", "received", "", "", "2"] in rows
    code, out, _ = main_ok(cli, *args)
    assert "Received" in out and "1 h 30 min" in out and "Fenix+ 3" in out
    code, _, err = cli("report", "--from", "2026-11-30", "--to", "2026-11-01")
    assert code == 1 and "before it starts" in err
    code, _, err = cli("report", "--from", "2026-11-01")
    assert code == 2
    code, _, err = cli(*args, "--csv", "--json")
    assert code == 2


def test_merge_of_two_customers_needs_the_flag(cli):
    mine = new(cli)
    code, out, err = cli("new", "--product", "Fenix+ 3", "--subject", "Вопрос", "--from", "olga@zavod.ru",
                         "--name", "Ольга Смирнова", "--body", "Тоже не открывается")  # fmt: skip
    other = int(out)
    code, out, err = cli("merge", str(other), str(mine))
    assert (code, out) == (1, "")
    assert err == (f"helpdesk: #{other} is from Ольга Смирнова <olga@zavod.ru> and #{mine} from Иван Петров"
                   " <ivan@example.ru>: merging two customers' tickets needs a second confirmation"
                   " (helpdesk merge --different-customers)\n")  # fmt: skip
    assert show(cli, other)["status"] == "new"
    main_ok(cli, "merge", str(other), str(mine), "--different-customers")
    assert show(cli, other)["status"] == "closed"
    code, _, err = cli("undo", str(mine))
    assert (code, err) == (1, f"helpdesk: Your last change on #{mine} was a merge: merges cannot be undone\n")


def test_built_in_replies_are_reset_not_deleted(cli):
    code, out, err = cli("replies", "delete", "out_of_scope")
    assert (code, out) == (1, "")
    assert err == ("helpdesk: “out_of_scope” is one of the regulation's own replies: it cannot be deleted, only"
                   " edited or reset to the regulation's text (helpdesk replies reset out_of_scope)\n")  # fmt: skip
    main_ok(cli, "replies", "edit", "out_of_scope", "--ru", "Не наше, {customer}.")
    code, out, _ = main_ok(cli, "replies", "reset", "out_of_scope")
    assert out == "out_of_scope: the regulation's text is back\n"
    code, out, _ = main_ok(cli, "replies", "show", "out_of_scope")
    assert "{scope_rule}" in out
    code, _, err = cli("replies", "edit", "out_of_scope", "--key", "mine")
    assert (code, err) == (1, "helpdesk: “out_of_scope” is one of the regulation's own replies: its key cannot change\n")
    main_ok(cli, "replies", "add", "mine", "--title", "Моё", "--ru", "Текст")
    code, _, err = cli("replies", "reset", "mine")
    assert (code, err) == (1, "helpdesk: “mine” is not one of the regulation's own replies: there is no text to reset it to\n")


def test_undo(cli):
    number = new(cli)
    main_ok(cli, "status", str(number), "waiting")
    code, out, _ = main_ok(cli, "undo", str(number), now="2026-11-25T10:00:30+03:00")
    assert out == f"#{number}: undone: status: Waiting for customer → New\n"
    assert show(cli, number)["status"] == "new"
    code, _, err = cli("undo", str(number), now="2026-11-25T10:00:40+03:00")
    assert (code, err) == (1, f"helpdesk: Your last change on #{number} was an undo: there is nothing more to undo\n")
    main_ok(cli, "priority", str(number), "high", now="2026-11-25T10:01:00+03:00")
    code, _, err = cli("undo", str(number), now="2026-11-25T10:03:00+03:00")
    assert (code, err) == (1, f"helpdesk: Your last change on #{number} (10:01) is more than a minute old: it can"
                              " no longer be undone; change it back by hand\n")  # fmt: skip
    other = new(cli, now="2026-11-25T10:05:00+03:00")
    main_ok(cli, "scope", str(other), "project_fixes", now="2026-11-25T10:06:00+03:00")
    code, out, _ = main_ok(cli, "undo", str(other), now="2026-11-25T10:06:10+03:00")
    assert out == (f"#{other}: undone: status: Rejected → New; scope: project_fixes → —\n"
                   f"#{other}: the rejection's reply was withdrawn before it was sent\n")  # fmt: skip
    data = show(cli, other)
    assert data["status"] == "new" and data["messages"][-1]["delivery"] == "withdrawn"
