"""data/read/search.py: the query language (pure, never raises, never injects), ranking, recency,
snippets, numbers and addresses, paging and positions."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as hs

from helpdesk.data.read import search as s
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m
from helpdesk.data.store.database import connect
from helpdesk.data.tickets import operations as tk
from tests.factories import new_ticket

# --- parsing -----------------------------------------------------------------------------------


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in s.parse_query(text).terms]


def test_plain_words_are_prefixes_and_all_must_match():
    assert s.parse_query("лиценз ключ").match == '"лиценз"* AND "ключ"*'
    assert kinds("Windows install") == [(s.PREFIX, "Windows"), (s.PREFIX, "install")]


def test_words_shorter_than_three_letters_match_whole_words():
    assert kinds("по 1С ok") == [(s.WORD, "по"), (s.WORD, "1С"), (s.WORD, "ok")]
    assert kinds("по*") == [(s.WORD, "по")]  # an explicit star does not make a short prefix either


def test_russian_words_drop_their_ending_to_find_other_forms():
    assert kinds("лицензия ошибка проекты запускается Петрова") == [
        (s.PREFIX, "лиценз"), (s.PREFIX, "ошибк"), (s.PREFIX, "проект"), (s.PREFIX, "запуск"), (s.PREFIX, "петров")]
    assert kinds("окна пакет") == [(s.PREFIX, "окна"), (s.PREFIX, "пакет")]  # a stem keeps 4 letters
    assert kinds("лицензия*") == [(s.PREFIX, "лицензия")]  # a star: exactly that prefix
    assert kinds('"лицензия"') == [(s.PHRASE, "лицензия")]  # a phrase: exactly those words


def test_phrases_numbers_addresses_and_explicit_prefixes():
    assert kinds('"не запускается" расчёт*') == [(s.PHRASE, "не запускается"), (s.PREFIX, "расчет")]
    query = s.parse_query("#1234 ivan@Romashka.ru 56")
    assert query.numbers == (1234, 56)
    assert query.match == '"1234" AND people : "ivan@Romashka.ru" AND "56"'
    assert query.rest == 'people : "ivan@Romashka.ru"'
    assert s.parse_query("12345678901").numbers == ()  # not a ticket number: a long digit word


def test_ye_and_yo_are_one_letter_in_the_query_too():
    assert kinds("ёжик ЁЛКА") == [(s.PREFIX, "ежик"), (s.PREFIX, "ЕЛКА")]


def test_an_unclosed_quote_runs_to_the_end_and_an_empty_one_is_nothing():
    assert kinds('ключ "не работает') == [(s.PREFIX, "ключ"), (s.PHRASE, "не работает")]
    assert s.parse_query('""').empty and s.parse_query('"').empty


@pytest.mark.parametrize("text", ["", "   ", "***", "—", "()", '"', "\x00\x1b", "- : ^", "#", "@"])
def test_text_with_nothing_to_search_for_is_an_empty_query(text):
    assert s.parse_query(text).empty


@pytest.mark.parametrize("text", [
    'AND', 'NEAR(a b)', 'a OR b', 'NOT x', '-x', 'subject:x', '{subject body}: x', '^start', 'a*b', '(a', 'a)',
    '[bold]x[/bold]', '[@click=app.quit]x[/]', 'x"y', '""""', 'a" OR "b', '\x1b[2J', 'x\u202ey', '*', 'a + b',
])
def test_fts_syntax_typed_by_an_agent_is_only_words(text):
    query = s.parse_query(text)
    assert GRAMMAR.fullmatch(query.match) or query.empty, query.match
    fts_table().execute("SELECT rowid FROM t WHERE t MATCH ?", (query.match or '""',)).fetchall()


def test_a_very_long_query_is_cut_not_refused():
    query = s.parse_query("слово " * 2000)
    assert len(query.terms) == 1  # the same word twice is one term
    query = s.parse_query(" ".join(f"w{i}xyz" for i in range(5000)))
    assert len(query.terms) == s.MAX_TERMS
    assert s.parse_query("x" * 10_000).terms[0].text == "x" * s.MAX_QUERY_CHARS


# One term: optional column filter, a quoted string with doubled quotes, optional star.
_TERM = r'(?:people : )?"(?:[^"]|"")*"\*?'
GRAMMAR = re.compile(rf"{_TERM}(?: AND {_TERM})*")


def fts_table() -> sqlite3.Connection:
    """An FTS5 table like the store's, with a row, to run parsed queries against."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(subject, people, body, notes, tokenize='{fulltext.TOKENIZER}')")
    db.execute("INSERT INTO t VALUES ('Ошибка AND NEAR', 'ivan@romashka.ru', 'текст \"кавычки\" ^ *', '')")
    return db


_TABLE = fts_table()


@settings(max_examples=400)
@given(hs.text(alphabet=hs.characters(codec="utf-8"), max_size=300)
       | hs.lists(hs.sampled_from(['"', "*", "AND", "OR", "NOT", "NEAR(", ")", "(", "-", ":", "^", "{", "}", "[b]",
                                   "#12", "a@b.ru", "ёж", "по", " ", "\x1b", "+", "лицензия", "x*"]),
                  max_size=30).map("".join))
def test_any_text_parses_into_a_valid_query_of_only_our_operators(text):
    query = s.parse_query(text)
    if query.empty:
        return
    assert GRAMMAR.fullmatch(query.match), query.match
    _TABLE.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.match,)).fetchall()
    if query.rest:
        _TABLE.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.rest,)).fetchall()


def test_parsing_is_pure_of_anything_but_text():
    assert s.parse_query(None).empty
    assert s.parse_query(123).empty  # type: ignore[arg-type]


# --- snippets ----------------------------------------------------------------------------------


def test_marked_text_becomes_text_and_spans():
    o, c = fulltext.MARK_OPEN, fulltext.MARK_CLOSE
    snippet = s.parse_marked(f"…Пришлите {o}лицензию{c} и\n\nключ {o}ключ{c}", "body")
    assert snippet.text == "…Пришлите лицензию и ключ ключ"
    assert snippet.marks == ((10, 18), (26, 30))
    assert snippet.parts() == [("…Пришлите ", False), ("лицензию", True), (" и ключ ", False), ("ключ", True)]
    assert s.parse_marked(f"{c}лишняя{o}", "body").marks == ()  # marks out of order mark nothing


def test_a_snippet_is_cropped_to_show_its_first_match_in_a_narrow_cell():
    snippet = s.Snippet("Здравствуйте! Пришлите, пожалуйста, лицензию и ключ", ((36, 44),), "body")
    fitted = snippet.fitted(20)
    assert fitted.text == "…лицензию и ключ" and fitted.marks == ((1, 9),)
    fitted = snippet.fitted(40)  # room for the word before it
    assert fitted.text == "…пожалуйста, лицензию и ключ" and fitted.marks[0][1] < 40
    assert fitted.text[fitted.marks[0][0]:fitted.marks[0][1]] == "лицензию"
    assert snippet.fitted(60) is snippet


# --- searching a store -------------------------------------------------------------------------


def numbers(hits) -> list[int]:
    return [hit.number for hit in hits]


def test_subject_outranks_body_and_ties_go_to_the_newer_ticket(desk):
    in_body = new_ticket(desk, subject="Вопрос", body="Не работает лицензия на втором компьютере")
    in_subject = new_ticket(desk, subject="Лицензия", body="Не работает на втором компьютере")
    twin_old = new_ticket(desk, subject="Печать", body="Не печатает принтер")
    twin_new = new_ticket(desk, subject="Печать", body="Не печатает принтер")
    assert in_subject > in_body
    assert numbers(s.search("лицензия", limit=10)) == [in_subject, in_body]
    # The older ticket with the word in the subject still comes before a newer one with it in the body.
    older = new_ticket(desk, subject="Ключ защиты", body="Текст")
    newer = new_ticket(desk, subject="Вопрос", body="Не найден ключ защиты")
    assert numbers(s.search("ключ", limit=10)) == [older, newer]
    assert numbers(s.search("печать", limit=10)) == [twin_new, twin_old]


def test_case_does_not_matter_in_cyrillic_or_latin(desk):
    number = new_ticket(desk, subject="Ошибка в FireGuard", body="Текст")
    for text in ("ОШИБКА", "ошибка", "fireguard", "FIREGUARD", "FireG"):
        assert numbers(s.search(text, limit=5)) == [number], text


def test_all_terms_must_match(desk):
    both = new_ticket(desk, subject="Лицензия и ключ", body="Текст")
    new_ticket(desk, subject="Лицензия", body="Текст")
    assert numbers(s.search("лицензия ключ", limit=5)) == [both]


def test_a_ticket_number_puts_that_ticket_first_then_text_that_has_the_number(desk):
    first = new_ticket(desk, subject="Первая", body="Текст")
    mentions = new_ticket(desk, subject="Вторая", body=f"Продолжение заявки {first}")
    assert numbers(s.search(str(first), limit=5)) == [first, mentions]
    assert numbers(s.search(f"#{first}", limit=5)) == [first, mentions]
    hits = s.search(f"#{first}", limit=5)
    assert hits[0].rank is None and hits[1].rank is not None
    # With other words, the named ticket must have them too.
    assert numbers(s.search(f"#{first} продолжение", limit=5)) == [mentions]
    assert numbers(s.search(f"#{first} первая", limit=5)) == [first]
    assert s.search("#999999", limit=5) == []


def test_an_address_is_matched_in_the_customer_not_in_the_text(desk):
    ivan = new_ticket(desk, customer_email="ivan@romashka.ru", customer_name="Иван", subject="Вопрос", body="Текст")
    new_ticket(desk, customer_email="olga@other.ru", customer_name="Ольга", subject="Вопрос",
               body="Коллега ivan@romashka.ru просил передать")
    new_ticket(desk, customer_email="ivan@romashka.com", customer_name="Другой Иван", subject="Вопрос", body="Текст")
    hits = s.search("ivan@romashka.ru", limit=5)
    assert numbers(hits) == [ivan]
    assert hits[0].snippet.field == "people" and hits[0].snippet.parts()[-1] == ("ivan@romashka.ru", True)


def test_snippets_show_where_it_matched_with_the_words_marked(desk):
    number = new_ticket(desk, subject="Не запускается", body="Добрый день!\nПосле обновления ошибка «Access violation».")
    tk.add_reply(desk, number, "Проверили ключ защиты", note=True)
    [hit] = s.search("обновления", limit=5)
    assert hit.snippet.field == "body"
    assert [text for text, is_match in hit.snippet.parts() if is_match] == ["обновления"]
    assert "\n" not in hit.snippet.text
    assert hit.subject.marks == ()
    [hit] = s.search("защит", limit=5)
    assert hit.snippet.field == "notes"
    [hit] = s.search("запуск", limit=5)
    assert hit.snippet is None and hit.subject.parts() == [("Не ", False), ("запускается", True)]


def test_snippets_keep_the_yo_of_the_text(desk):
    new_ticket(desk, subject="Ещё вопрос", body="Ёлка не грузится, ещё раз")
    [hit] = s.search("еще елка", limit=5)
    assert hit.subject.parts()[0] == ("Ещё", True)
    assert [t for t, is_match in hit.snippet.parts() if is_match] == ["Ёлка", "ещё"]


def test_pages_add_up_to_the_whole_list_and_positions_agree(desk):
    made = [new_ticket(desk, subject=f"Заявка {i}", body="общий текст про 1001 " + "повтор " * (i % 4)) for i in range(12)]
    first_number = made[0]  # 1001: named by number, and its text has the number too: listed once
    whole = numbers(s.search(f"общий #{first_number}", limit=100))
    assert sorted(whole) == sorted(made) and whole[0] == first_number
    pages = [numbers(s.search(f"общий #{first_number}", limit=5, offset=o)) for o in (0, 5, 10)]
    assert sum(pages, []) == whole
    ids = {t.number: t.id for t in m.Ticket.select()}
    assert [s.position(f"общий #{first_number}", ids[n]) for n in whole] == list(range(len(whole)))
    assert s.position("нет-такого", ids[first_number]) is None


@pytest.mark.parametrize(("subject", "query"), [("Принтер", "принтер"), ("Пароромашкин", "ромашк")], ids=["word", "piece"])
def test_a_where_condition_narrows_the_results(desk, subject, query):
    open_one = new_ticket(desk, subject=subject)
    closed = new_ticket(desk, subject=subject)
    tk.set_status(desk, closed, "closed")
    assert numbers(s.search(query, limit=5, where=m.Ticket.status == "closed")) == [closed]
    assert numbers(s.search(query, limit=5, where=m.Ticket.status == "new")) == [open_one]
    ids = {t.number: t.id for t in m.Ticket.select()}
    assert s.position(query, ids[closed], where=m.Ticket.status == "new") is None


HOSTILE = ['"', "*", "AND", "NEAR(", "-", ":", "^", "(", ")", "[b]x[/b]", "\x00\x1b[2J", '" OR "', "a:b",
           "subject:x", "x" * 10_000, "ё" * 500, "#", "#0", "@", "a@", "@b.ru", "\ufdd0x\ufdd1", "'; DROP TABLE ticket;--"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises_and_finds_only_what_it_says(desk, text):
    new_ticket(desk, subject="Обычная заявка", body="Текст")
    hits = s.search(text, limit=5)
    assert all(hit.number for hit in hits)
    condition = s.matching_ids_condition(text)
    if condition is not None:
        list(m.Ticket.select().where(condition))
    assert m.Ticket.select().count() == 1


def test_without_the_index_search_falls_back_to_like(desk, monkeypatch):
    number = new_ticket(desk, subject="Принтер не печатает", body="Текст")
    monkeypatch.setattr(fulltext, "available", lambda db=None: False)
    hits = s.search("печата", limit=5)
    assert numbers(hits) == [number] and hits[0].rank is None and hits[0].snippet is None
    assert s.matches("печата", [m.Ticket.get().id]) == {}


def test_a_kept_ranking_serves_until_anything_commits(desk, db_path):
    first = new_ticket(desk, subject="Принтер")
    ranking = s.ranking("принтер")
    assert ranking.ids == (m.Ticket.get(m.Ticket.number == first).id,)
    assert s.ranking("принтер") is ranking  # nothing changed: the same
    second = new_ticket(desk, subject="Принтер снова")  # this connection writes
    assert sorted(m.Ticket.get_by_id(i).number for i in s.ranking("принтер").ids) == [first, second]
    kept = s.ranking("принтер")
    other = connect(db_path)  # another process's connection
    with other.atomic():
        other.execute_sql(f"UPDATE ticket SET subject = 'Сканер' WHERE number = {other.param}", (first,))
    other.close()
    assert s.ranking("принтер") is not kept
    assert [m.Ticket.get_by_id(i).number for i in s.ranking("принтер").ids] == [second]
    assert s.ranking("принтер").counts() == {"new": 1}
    assert s.ranking("принтер").page(st.FINISHED, 0, 10) == []


def test_a_ranking_without_filters_is_the_ranking_joined_with_the_tickets(demo_desk):
    # Without the queue's filters the index ranks alone and only unfinished tickets' statuses are
    # read; with a filter (here one every ticket meets) the ranking is joined with the tickets.
    for text in ("лицензия", "проект", "Windows"):
        alone, joined = s.ranking(text), s.ranking(text, where=m.Ticket.id > 0)
        assert alone.ids and (alone.ids, alone.ranks, alone.statuses) == (joined.ids, joined.ranks, joined.statuses)
        assert set(alone.statuses) <= {st.NEW, st.OPEN, st.WAITING, s.FINISHED_ANY}
        by_status = dict(m.Ticket.select(m.Ticket.id, m.Ticket.status).tuples())
        assert [by_status[i] in st.FINISHED for i in alone.ids] == [x == s.FINISHED_ANY for x in alone.statuses]


def test_a_ranking_reads_the_matches_own_statuses_when_more_tickets_are_at_work(desk):
    matching = new_ticket(desk, subject="Принтер")
    for _ in range(3):
        new_ticket(desk, subject="Сканер")  # at work, not found: more of them than matches
    tk.set_status(desk, new_ticket(desk, subject="Принтер снова"), st.CLOSED)
    ranking = s.ranking("принтер")
    statuses = dict(zip(ranking.ids, ranking.statuses))
    assert len(statuses) == 2 and statuses.pop(m.Ticket.get(m.Ticket.number == matching).id) == st.NEW
    assert list(statuses.values()) == [s.FINISHED_ANY]
    assert ranking.count(st.FINISHED) == ranking.count((st.NEW,)) == 1 and ranking.count(None) == 2


def test_a_ranking_groups_the_finished_statuses(desk):
    tk.set_status(desk, new_ticket(desk, subject="Принтер"), st.RESOLVED)
    ranking = s.ranking("принтер")
    assert ranking.counts() == {s.FINISHED_ANY: 1} and ranking.count(st.FINISHED) == 1
    assert len(ranking.page(st.FINISHED, 0, 10)) == 1 and ranking.page((st.NEW, st.OPEN), 0, 10) == []
    with pytest.raises(ValueError):
        ranking.page((st.CLOSED,), 0, 10)  # the tabs never ask for one finished status alone


def _window_reading_every_word(text, spans, field, words):
    """The snippet window as first written: every word of the region read (the oracle)."""
    first, first_end = spans[0]
    low = max(0, first - 40 * (s.LEAD_WORDS + 1))
    high = min(len(text), first_end + 40 * (words + 1))
    found = [w.span() for w in re.finditer(r"[^\W_]+", text[:high]) if w.start() >= low]
    if low > 0:
        found = [w for w in found if w[0] > low]
    if high < len(text):
        found = [w for w in found if w[1] < high]
    index = next((i for i, (_, end) in enumerate(found) if end > first), None)
    if index is None:
        start, end = first, first_end
    else:
        begin = max(0, index - s.LEAD_WORDS)
        last = max(min(len(found), begin + words), index + 1)
        start = 0 if begin == 0 and low == 0 else found[begin][0]
        end = len(text) if last == len(found) and high == len(text) else found[last - 1][1]
        end = max(end, first_end)
    if end - start > 40 * words:
        end = max(first_end, start + 40 * words)
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
    marked = s._with_marks(text[start:end], inside)
    return s.parse_marked(("…" if start > 0 else "") + marked + ("…" if end < len(text) else ""), field)


@settings(max_examples=300, deadline=None)
@given(hs.lists(hs.sampled_from(["ключ", "ключа", "к", "ab", "Ёлка", "1С", "x_y", " ", "  ", ",", ".\n", "—", "é",
                                 "переустановленного", "          "]),
                max_size=400),
       hs.sampled_from(["ключ", "к", "ab", "елка", "x"]), hs.sampled_from([1, 3, 12]))
@example(["a "] * 40 + ["x" * 30, " ", "y" * 12, " zz ключ и дальше"], "ключ", 12)  # 3 long words just before
def test_a_snippet_window_reads_only_the_words_it_shows_and_shows_the_same(pieces, word, words):
    text = "".join(pieces)
    spans = s._marker(s.parse_query(word)).spans(text, "body")
    if spans:
        assert s._window(text, spans, "body", words) == _window_reading_every_word(text, spans, "body", words)


# --- pieces of words (the substring index) -----------------------------------------------------


def test_a_plain_word_of_three_letters_or_more_may_also_match_inside_words():
    inside = {t.text: t.inside for t in s.parse_query('машк лицензия soft romashka-soft ма 1С').terms}
    assert inside == {"машк": True, "лиценз": True, "soft": True, "romashka-soft": True, "ма": False, "1С": False}
    # A star, a phrase, a number, an address keep their meaning: no piece.
    assert [t.inside for t in s.parse_query('машк* "машка" #1234 56 ivan@romashka.ru FP-4100').terms] == [False] * 6
    assert s.parse_query("ЁЛКА").terms[0].piece == "елка"  # what the substring index looks for: folded


def test_a_piece_is_found_in_the_subject_the_name_the_email_and_the_organisation(desk):
    name = new_ticket(desk, subject="Вопрос", customer_name="Анна Ромашкина", customer_email="anna@example.ru")
    email = new_ticket(desk, subject="Вопрос", customer_name="Иван", customer_email="ivan@romashka-soft.ru")
    org = new_ticket(desk, subject="Вопрос", customer_name="Ольга", customer_email="olga@firm.ru",
                     organisation="ООО «Техносервис»")
    subject = new_ticket(desk, subject="Не работает автообновление", body="Текст")
    assert numbers(s.search("машк", limit=5)) == [name]
    assert numbers(s.search("soft", limit=5)) == [email]  # "soft" is a word of the address: a word match
    assert numbers(s.search("mashka", limit=5)) == [email]
    assert numbers(s.search("сервис", limit=5)) == [org]
    assert numbers(s.search("обновлени", limit=5)) == [subject]
    [hit] = s.search("mashka", limit=5)
    assert hit.rank == s.INSIDE_RANK and hit.snippet.field == "people"
    assert [text for text, marked in hit.snippet.parts() if marked] == ["mashka"]
    [hit] = s.search("обновлени", limit=5)
    assert hit.subject.parts() == [("Не работает авто", False), ("обновлен", True), ("ие", False)]  # its stem


def test_a_piece_is_looked_for_in_the_subject_and_customer_only_not_in_messages(desk):
    new_ticket(desk, subject="Вопрос", body="Не работает автообновление", customer_name="Иван")
    assert s.search("обновлени", limit=5) == []


def test_pieces_fold_case_and_yo_in_cyrillic_and_latin(desk):
    number = new_ticket(desk, subject="ЗАЁМЩИК и FireGuard", customer_name="Пётр", customer_email="petr@MegaSoft.ru")
    for text in ("аемщ", "АЁМЩ", "аёмщ", "ireguar", "IREGUAR", "gasoft", "GASOFT", "ётр"):
        assert numbers(s.search(text, limit=5)) == [number], text


def test_two_letter_pieces_match_whole_words_only(desk):
    new_ticket(desk, subject="Ромашка", customer_name="Иван", customer_email="ivan@example.ru")
    assert s.search("ма", limit=5) == [] and s.search("ва", limit=5) == []
    assert s.search("ма*", limit=5) == []


def test_like_wildcards_and_backslashes_in_a_piece_are_characters(desk):
    plain = new_ticket(desk, subject="fooxbar")
    underscore = new_ticket(desk, subject="foo_bar")
    percent = new_ticket(desk, subject="foo%bar")
    backslash = new_ticket(desk, subject="foo\\bar")
    assert numbers(s.search("oo_bar", limit=5)) == [underscore]
    assert numbers(s.search("oo%bar", limit=5)) == [percent]
    assert numbers(s.search("oo\\bar", limit=5)) == [backslash]
    assert numbers(s.search("oxba", limit=5)) == [plain]
    assert s.search("%%%", limit=5) == [] and s.search("___", limit=5) == []


def test_hostile_text_found_by_a_piece_stays_data(desk):
    subject = "[b]Ромашка[/b] \x1b[2J [@click=app.quit]x[/]"
    number = new_ticket(desk, subject=subject, customer_name="Иван")
    [hit] = s.search("машк", limit=5)
    assert hit.number == number and hit.subject.text == m.Ticket.get().subject  # as stored (a subject is one line)
    assert "[b]" in hit.subject.text and "[@click=app.quit]" in hit.subject.text
    assert [text for text, marked in hit.subject.parts() if marked] == ["машк"]
    for text in ("[b]маш", "ick=app", "\x1b[2J", "машк\x1b", "2J [@"):
        s.search(text, limit=5)
        list(m.Ticket.select().where(s.matching_ids_condition(text)))
    assert numbers(s.search("ick=app", limit=5)) == [number]  # a piece with "=" in it: taken literally
    assert numbers(s.search("машк\x1b", limit=5)) == [number]  # a control character separates words


def test_word_matches_rank_first_then_tickets_only_pieces_find_newest_first(desk):
    """The same tickets in the same order on SQLite and PostgreSQL (this test runs on both)."""
    older_piece = new_ticket(desk, subject="Пароромашкин отчёт", customer_name="Иван", customer_email="ivan@a.ru")
    word_subject = new_ticket(desk, subject="Ромашка не открывается", customer_name="Пётр", customer_email="petr@b.ru")
    newer_piece = new_ticket(desk, subject="Вопрос", customer_name="Ольга", customer_email="olga@c.ru",
                             organisation="Суперромашка")
    word_people = new_ticket(desk, subject="Вопрос", customer_name="ООО Ромашка", customer_email="office@d.ru")
    whole = [word_subject, word_people, newer_piece, older_piece]
    hits = s.search("ромашка", limit=10)
    assert numbers(hits) == whole
    assert [h.rank < 0 for h in hits] == [True, True, False, False] and hits[2].rank == s.INSIDE_RANK
    # Pages (of the plain search, and of the queue's kept ranking) add up to the whole, positions agree.
    for size in (1, 2, 3):
        pages = [numbers(s.search("ромашка", limit=size, offset=o)) for o in range(0, 4, size)]
        assert sum(pages, []) == whole, size
    ids = {t.number: t.id for t in m.Ticket.select()}
    ranking = s.ranking("ромашка", where=m.Ticket.status == "new")
    assert list(ranking.ids) == [ids[n] for n in whole] and ranking.counts() == {"new": 4}
    assert [s.position("ромашка", ids[n]) for n in whole] == [0, 1, 2, 3]
    assert sorted(t.number for t in m.Ticket.select().where(s.matching_ids_condition("ромашка"))) == sorted(whole)


def test_every_word_must_match_each_by_a_word_or_a_piece(desk):
    both = new_ticket(desk, subject="Пароромашкин отчёт", body="Не грузится после обновления")
    piece_only = new_ticket(desk, subject="Пароромашкин отчёт", body="Другое")
    new_ticket(desk, subject="Вопрос", body="Не грузится после обновления")
    assert numbers(s.search("ромашк грузится", limit=5)) == [both]
    assert numbers(s.search("машкин ромашк", limit=5)) == [piece_only, both]  # two pieces of one word
    assert numbers(s.search("ромашк нет-такого", limit=5)) == []
    # A phrase (or a number, an address) with a piece: the phrase's tickets checked for the piece.
    assert numbers(s.search('"после обновления" ромашк', limit=5)) == [both]
    assert [h.rank for h in s.search('"после обновления" ромашк', limit=5)] == [s.INSIDE_RANK]
    assert numbers(s.search('"после обновления" ромашк', limit=5, where=m.Ticket.status == "new")) == [both]
    condition = s.matching_ids_condition("ромашк грузится")
    assert [t.number for t in m.Ticket.select().where(condition)] == [both]


def test_a_ticket_named_by_number_must_have_its_other_words_as_words_or_pieces(desk):
    first = new_ticket(desk, subject="Вопрос", customer_name="ООО Ромашка", customer_email="office@romashka.ru")
    new_ticket(desk, subject="Другой", customer_name="Иван", customer_email="ivan@other.ru")
    assert numbers(s.search(f"#{first} машк", limit=5)) == [first]
    assert s.search(f"#{first + 1} машк", limit=5) == []


def test_without_the_substring_index_words_and_prefixes_still_match(desk, monkeypatch):
    prefix = new_ticket(desk, subject="Ромашка")
    new_ticket(desk, subject="Пароромашкин")
    monkeypatch.setattr(fulltext, "substrings_available", lambda db=None: False)
    assert numbers(s.search("ромашк", limit=5)) == [prefix]
    [hit] = s.search("ромашк", limit=5)
    assert hit.subject.parts() == [("Ромашка", True)]  # a prefix marks its whole word
    assert [t.number for t in m.Ticket.select().where(s.matching_ids_condition("ромашк"))] == [prefix]
