"""`helpdesk search`: plain lines and JSON with the marks as data, customer text made safe, an empty
query refused in one line (exit 2); `check` and `reindex` for the search index."""

from __future__ import annotations

import json

import pytest

from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.core.clock import parse_instant
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.tui.cli import search as search_cli
from helpdesk.tui.cli.main import main
from tests.factories import SEEDED_BY

pytestmark = pytest.mark.both_databases  # the CLI's commands on SQLite and PostgreSQL (tests/conftest.py)

NOW = "2026-11-25T10:00:00+03:00"


@pytest.fixture
def cli(db_path, capsys, monkeypatch, tmp_path, team):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HELPDESK_NOW", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args, lang: str = "en", expect: int = 0):
        code = main(["--db", db_path, "--as", "petrova", "--lang", lang, "--now", NOW, *args])
        out, err = capsys.readouterr()
        assert code == expect, (code, out, err)
        return out, err

    return run


def new(cli, subject: str, body: str, email: str = "ivan@example.ru") -> int:
    out, _ = cli("new", "--product", "Fenix+ 3", "--subject", subject, "--from", email, "--body", body)
    return int(out)


def stored_raw(db_path, number: int, *, subject: str | None = None, body: str | None = None) -> None:
    """Write text as a row stored before intake cleaned control characters would hold it."""
    open_store(db_path, load_regulation(), parse_instant(NOW), creator=SEEDED_BY)
    ticket = m.Ticket.get(m.Ticket.number == number)
    if subject is not None:
        m.Ticket.update(subject=subject).where(m.Ticket.id == ticket.id).execute()
    if body is not None:
        m.Message.update(body=body).where(m.Message.ticket == ticket.id).execute()
    m.database_proxy.close()


def test_plain_lines_number_status_score_subject_then_the_snippet(cli):
    licence = new(cli, "Ошибка лицензии", "После переустановки Windows не активируется.")
    key = new(cli, "Вопрос", "Пришлите, пожалуйста, новую лицензию и ключ защиты.")
    new(cli, "Другое", "Не относится")
    out, err = cli("search", "лицензия")
    lines = out.splitlines()
    assert len(lines) == 3 and err == ""
    number, status, score, subject = lines[0].split("\t")
    assert (number, status, subject) == (f"#{licence}", "New", "Ошибка лицензии") and float(score) > 0
    assert lines[1].startswith(f"#{key}\tNew\t")
    assert lines[2] == "\tmessages: Пришлите, пожалуйста, новую лицензию и ключ защиты."
    out, _ = cli("search", "лицензия", lang="ru")
    assert out.splitlines()[2] == "\tпереписка: Пришлите, пожалуйста, новую лицензию и ключ защиты."


def test_several_words_as_separate_arguments_must_all_match(cli):
    new(cli, "Ключ", "Текст")
    both = new(cli, "Ключ и лицензия", "Текст")
    out, _ = cli("search", "ключ", "лицензия")
    assert out.splitlines()[0].startswith(f"#{both}\t") and len(out.splitlines()) == 1


def test_json_gives_the_marks_as_offsets(cli):
    number = new(cli, "Не печатается отчёт", "Добрый день!\nПринтер пишет: ошибка фьюзера.", email="olga@firm.ru")
    out, _ = cli("search", "отчет фьюзер", "--json")
    [hit] = json.loads(out)
    assert hit["number"] == number and hit["status"] == "new" and hit["rank"] < 0
    assert [hit["subject"][a:b] for a, b in hit["subject_marks"]] == ["отчёт"]
    snippet = hit["snippet"]
    assert snippet["field"] == "body" and "\n" not in snippet["text"]
    assert [snippet["text"][a:b] for a, b in snippet["marks"]] == ["фьюзера"]
    out, _ = cli("search", f"#{number}", "--json")
    assert json.loads(out)[0]["rank"] is None  # named by its number


def test_limit_and_nothing_found(cli):
    for i in range(5):
        new(cli, f"Принтер {i}", "Текст")
    out, _ = cli("search", "принтер", "--limit", "2")
    assert len(out.splitlines()) == 2
    out, err = cli("search", "несуществующее")
    assert out == "" and err == "nothing found\n"
    out, _ = cli("search", "несуществующее", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize("query", ["", "   ", "***", '"', "—"])
def test_an_empty_query_is_refused_in_one_line(cli, query):
    out, err = cli("search", query, expect=2)
    assert out == "" and err.count("\n") == 1
    assert err == "helpdesk: nothing to search for: give a word, a phrase in quotes, a ticket number or an e-mail address\n"


def test_a_limit_below_one_is_wrong_usage(cli):
    _, err = cli("search", "x", "--limit", "0", expect=2)
    assert err.count("\n") == 1


def test_hostile_text_is_printed_safely(cli, db_path):
    number = new(cli, "Вопрос", "Текст")
    stored_raw(db_path, number, subject="[b]x[/b] \x1b[2J лицензия \x1b]52;c;aGk=\x07",
               body="[@click=app.quit]quit[/] \x1b[31m лицензия \u202etxt.exe")  # fmt: skip
    out, _ = cli("search", "лицензия")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[b]x[/b] ␛[2J лицензия ␛]52;c;aGk=␇" in out
    assert "\tmessages: …quit]quit[/] ␛[31m лицензия ⟨U+202E⟩txt.exe\n" in out  # three words before the match
    out, _ = cli("search", "лицензия", "--json")
    assert "\x1b" not in out and "\u202e" not in out
    [hit] = json.loads(out)
    assert hit["subject"] == "[b]x[/b] \x1b[2J лицензия \x1b]52;c;aGk=\x07"  # exact, escaped in the JSON


def test_on_a_terminal_the_matched_words_are_bold_and_underlined(cli, db_path, monkeypatch):
    number = new(cli, "Лицензия", "Текст")
    stored_raw(db_path, number, subject="\x1b[2J лицензия")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    out, _ = cli("search", "лицензия")
    assert out.startswith(f"#{number}\t") and out.endswith(f"␛[2J {search_cli.MARK_ON}лицензия{search_cli.MARK_OFF}\n")
    monkeypatch.setenv("NO_COLOR", "1")
    out, _ = cli("search", "лицензия")
    assert "\x1b" not in out


def test_check_names_an_index_out_of_step_and_reindex_mends_it(cli, db_path):
    new(cli, "Принтер", "Текст")
    out, _ = cli("check")
    assert "search index" in out
    open_store(db_path, load_regulation(), parse_instant(NOW), creator=SEEDED_BY)
    m.database_proxy.execute_sql(f'UPDATE "{fulltext.DOC}" SET subject = \'чужое\'')
    m.database_proxy.close()
    out, _ = cli("check", expect=1)
    assert "the search index is out of date for 1 tickets" in out
    assert out.splitlines()[-1] == "helpdesk reindex rebuilds the search index"
    out, _ = cli("reindex")
    assert out == "the search index was rebuilt: 1 ticket\n"
    cli("check")
    out, _ = cli("search", "принтер")
    assert out.startswith("#1001\t")


def test_a_piece_of_a_word_finds_the_customer_scored_zero_after_the_word_matches(cli):
    piece = new(cli, "Вопрос", "Текст", email="ivan@romashka-soft.ru")
    word = new(cli, "Ромашка и mashka", "Текст", email="olga@firm.ru")
    out, err = cli("search", "mashka")
    lines = out.splitlines()
    assert lines[0].startswith(f"#{word}\t") and float(lines[0].split("\t")[2]) > 0
    assert lines[1].split("\t")[:3] == [f"#{piece}", "New", "0"]  # never "-0"
    assert lines[2] == "\tcustomer: ivan ivan@romashka-soft.ru"
    out, _ = cli("search", "mashka", "--json")
    hit = json.loads(out)[1]
    assert hit["rank"] == 0 and [hit["snippet"]["text"][a:b] for a, b in hit["snippet"]["marks"]] == ["mashka"]
