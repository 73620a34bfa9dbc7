"""data/store/fulltext.py: the index follows every write (reply, note, split, merge, subject and
customer edits, deletes), ё is found by е, an upgraded store is indexed, bulk loads rebuild it,
and `check` finds an index out of step."""

from __future__ import annotations

import re

import peewee as pw
import pytest

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.core.values import NewTicket
from helpdesk.data.read import search
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import fulltext, fulltext_pg
from helpdesk.data.store import models as m
from helpdesk.data.store.check import SEARCH_COUNT, SEARCH_STALE, SEARCH_SUBSTRINGS, SEARCH_TRIGGERS, check_store
from helpdesk.data.store.database import open_store, stored_schema_version
from helpdesk.data.tickets import operations as tk
from helpdesk.data.tickets.lookup import find_or_create_customer
from helpdesk.data.tickets.split_merge import merge_tickets, split_ticket
from tests.factories import SEEDED_AT, SEEDED_BY, new_ticket, register_agents


def postgres() -> bool:
    return isinstance(m.database_proxy.obj, pw.PostgresqlDatabase)


def as_tsquery(expression: str) -> str:
    """The FTS5 expressions these tests use (``[column :] "words"`` joined by AND) as a
    PostgreSQL tsquery on data/store/fulltext_pg.py's weighted columns."""
    labels = dict(zip(fulltext.COLUMNS, fulltext_pg.WEIGHT_LABELS))
    terms = []
    for column, words in re.findall(r'(?:(\w+) : )?"([^"]*)"', expression):
        label = labels[column] if column else ""
        terms.append("(" + " <-> ".join(f"'{w}'" + (f":{label}" if label else "") for w in words.lower().split()) + ")")
    return " & ".join(terms)


def found(expression: str) -> set[int]:
    """Ticket numbers whose index row matches an FTS5 expression, straight from the index."""
    if postgres():
        sql = (f'SELECT t.number FROM "{fulltext.DOC}" s JOIN ticket t ON t.id = s.id '
               'WHERE s.tsv @@ CAST(%s AS tsquery)')  # fmt: skip
        return {number for (number,) in m.database_proxy.execute_sql(sql, (as_tsquery(expression),))}
    sql = (f'SELECT t.number FROM "{fulltext.INDEX}" s JOIN ticket t ON t.id = s.rowid '
           f'WHERE "{fulltext.INDEX}" MATCH ?')  # fmt: skip
    return {number for (number,) in m.database_proxy.execute_sql(sql, (expression,))}


def doc(number: int) -> dict:
    row = m.database_proxy.execute_sql(
        f'SELECT d.subject, d.people, d.body, d.notes FROM "{fulltext.DOC}" d JOIN ticket t ON t.id = d.id '
        f"WHERE t.number = {m.database_proxy.obj.param}", (number,)).fetchone()  # fmt: skip
    return dict(zip(fulltext.COLUMNS, row)) if row else {}


def assert_current() -> None:
    """The index matches the tickets exactly: what `helpdesk check` looks at."""
    state = fulltext.inspect()
    assert state is not None
    assert state.tickets == state.documents == state.indexed
    assert (state.unindexed, state.stray, state.stale, state.missing_triggers, state.integrity_error) == (0, 0, 0, (), None)


def test_a_new_store_has_the_index_and_a_new_ticket_is_in_it(desk):
    assert fulltext.available()
    number = new_ticket(desk, subject="Не открывается проект", body="После обновления проект не открывается.",
                        customer_email="ivan@romashka.ru", customer_name="Иван Петров", organisation="ООО «Ромашка»")
    assert doc(number) == {"subject": "Не открывается проект", "people": "Иван Петров ivan@romashka.ru ООО «Ромашка»",
                           "body": "После обновления проект не открывается.", "notes": ""}
    assert found('subject : "проект"') == {number}
    assert found('people : "ромашка"') == {number}
    assert found('body : "обновления"') == {number}
    assert found('"нет такого слова"') == set()
    assert_current()


def test_replies_and_customer_messages_join_the_body_notes_the_notes_in_time_order(desk):
    number = new_ticket(desk, body="Первое сообщение клиента")
    tk.add_reply(desk, number, "Ответ агента про лицензию")
    tk.add_reply(desk, number, "Внутренняя заметка: проверить ключ", note=True)
    tk.add_customer_message(desk, number, "Второе сообщение клиента")
    d = doc(number)
    assert d["body"].split("\n") == ["Первое сообщение клиента", "Ответ агента про лицензию", "Второе сообщение клиента"]
    assert d["notes"] == "Внутренняя заметка: проверить ключ"
    assert found('body : "лицензию"') == {number}
    assert found('notes : "ключ"') == {number}
    assert found('body : "ключ"') == set()
    assert_current()


def test_system_messages_are_the_desks_own_words_and_are_not_searched(desk):
    number = new_ticket(desk, body="Текст")
    tk.add_system_message(desk, number, "Ваша заявка будет принята в работу в понедельник")
    assert "понедельник" not in doc(number)["body"]
    assert found('"понедельник"') == set()
    assert_current()


def test_split_indexes_the_new_ticket_with_the_copied_message(desk):
    number = new_ticket(desk, subject="Два вопроса", body="Первый вопрос про установку")
    tk.add_customer_message(desk, number, "И второй: не печатается отчёт")
    new = split_ticket(desk, number, 2, subject="Не печатается отчёт")
    assert found('body : "печатается"') == {number, new.number}
    assert found('subject : "печатается"') == {new.number}
    assert doc(new.number)["body"] == "И второй: не печатается отчёт"
    assert_current()


def test_merge_moves_the_duplicates_words_to_the_target(desk):
    target = new_ticket(desk, subject="Ошибка активации", body="Не активируется лицензия")
    duplicate = new_ticket(desk, subject="Повтор", body="Ключ защиты не найден")
    merge_tickets(desk, duplicate, target)
    assert found('body : "защиты"') == {target}
    assert doc(duplicate)["body"] == ""
    assert doc(target)["body"].split("\n") == ["Не активируется лицензия", "Ключ защиты не найден"]
    assert found('subject : "повтор"') == {duplicate}  # its subject stays its own
    assert_current()


def test_subject_and_customer_edits_by_any_path_are_followed(desk):
    number = new_ticket(desk, subject="Старая тема", customer_email="olga@firm.ru", customer_name="Ольга")
    other = new_ticket(desk, subject="Другая", customer_email="olga@firm.ru")
    # A path no operation takes today (another tool on the file): the triggers still see it.
    m.database_proxy.execute_sql(f"UPDATE ticket SET subject = 'Новая тема' WHERE number = {m.database_proxy.obj.param}", (number,))
    assert found('subject : "новая"') == {number} and found('subject : "старая"') == set()
    m.database_proxy.execute_sql("UPDATE customer SET name = 'Ольга Орлова', organisation = 'Вега' WHERE email = 'olga@firm.ru'")
    assert found('people : "орлова"') == {number, other}
    assert found('people : "вега"') == {number, other}
    assert_current()


def test_a_telegram_rename_reaches_the_index(desk):
    customer = find_or_create_customer(desk.now(), None, "Старое Имя", telegram="777", rename=True)
    ticket = m.Ticket.create(number=5001, subject="Вопрос", customer=customer, channel="telegram", status="new",
                             created_at=desk.now(), updated_at=desk.now())  # fmt: skip
    find_or_create_customer(desk.now(), None, "Новое Имя", telegram="777", rename=True)
    assert found('people : "новое"') == {ticket.number}
    assert found('people : "старое"') == set()
    assert_current()


def test_deleting_a_ticket_or_a_message_takes_its_words_out(desk):
    number = new_ticket(desk, subject="Удаляемая", body="Уникальное слово абракадабра")
    kept = new_ticket(desk, subject="Остаётся", body="Текст")
    tk.add_reply(desk, kept, "Ответ со словом фисташка")
    m.Message.delete().where(m.Message.body.contains("фисташка")).execute()
    assert found('"фисташка"') == set()
    m.Ticket.delete().where(m.Ticket.number == number).execute()  # its messages go by cascade
    assert found('"абракадабра"') == set() and doc(number) == {}
    assert found('"остается"') == {kept}
    assert_current()


def test_yo_is_found_by_ye_and_the_other_way_round_in_any_case(desk):
    number = new_ticket(desk, subject="Ёлка не грузится", body="Ещё раз: ЁЖИК и ёмкость")
    for expression in ('"елка"', '"ЕЛКА"', '"ёлка"', '"Ёлка"', '"ежик"', '"ЁЖИК"', '"еще"', '"ЕМКОСТЬ"'):
        assert found(fulltext.fold(expression)) == {number}, expression
    assert doc(number)["subject"] == "Ёлка не грузится"  # the document keeps the text as it came


@pytest.mark.sqlite_only  # FTS5's highlight()
def test_snippets_mark_the_right_words_in_text_with_yo(desk):
    new_ticket(desk, subject="Тема", body="Ещё один ёжик зашёл в ёлочный магазин, ещё раз")
    o, c = "[", "]"
    row = m.database_proxy.execute_sql(
        f"SELECT highlight(\"{fulltext.INDEX}\", 2, ?, ?) FROM \"{fulltext.INDEX}\" WHERE \"{fulltext.INDEX}\" MATCH ?",
        (o, c, '"еще" OR "зашел" OR "елочн"*')).fetchone()  # fmt: skip
    assert row[0] == "[Ещё] один ёжик [зашёл] в [ёлочный] магазин, [ещё] раз"


def test_mark_characters_in_a_customers_text_cannot_fake_a_mark(desk):
    number = new_ticket(desk, body=f"текст {fulltext.MARK_OPEN}подделка{fulltext.MARK_CLOSE} конец")
    assert fulltext.MARK_OPEN not in doc(number)["body"] and "\ufffdподделка\ufffd" in doc(number)["body"]
    assert_current()


def test_bulk_load_drops_the_triggers_and_rebuilds_the_index_at_the_end(desk):
    new_ticket(desk, subject="До загрузки", body="Раньше")
    customer = m.Customer.get()
    with fulltext.bulk_load():
        present = (fulltext_pg.present_triggers(m.database_proxy.obj) if postgres() else
                   {name for (name,) in m.database_proxy.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")})
        assert not present & {t.name for t in fulltext.TRIGGERS}
        m.Ticket.insert_many([{"number": 9000 + i, "subject": f"Массовая {i}", "customer": customer.id, "channel": "email",
                               "status": "closed", "created_at": desk.now(), "updated_at": desk.now()}
                              for i in range(50)]).execute()  # fmt: skip
        ids = [t.id for t in m.Ticket.select(m.Ticket.id).where(m.Ticket.number >= 9000)]
        m.Message.insert_many([{"ticket": tid, "author_kind": "customer", "body": f"тело {tid} загрузки",
                                "created_at": desk.now()} for tid in ids]).execute()  # fmt: skip
        assert found('"массовая"') == set()  # not yet
    assert len(found('subject : "массовая" AND body : "загрузки"')) == 50
    assert found('"раньше"') == {1001}
    assert_current()


def test_bulk_load_rebuilds_even_when_the_block_fails(desk):
    with pytest.raises(RuntimeError):
        with fulltext.bulk_load():
            new_ticket(desk, subject="Внутри блока")
            raise RuntimeError("the generator failed")
    assert found('"внутри"') == {1001}
    assert_current()


@pytest.mark.sqlite_only  # the upgrade of a SQLite desk made before the index
def test_a_schema_3_store_is_upgraded_and_its_tickets_indexed(db_path, regulation, desk):
    number = new_ticket(desk, subject="Старый вопрос про лицензию", body="Пришлите ключ")
    tk.add_reply(desk, number, "Заметка", note=True)
    # What a store of schema 3 is: the same tables, without the index (nor schema 6's working times).
    db = m.database_proxy.obj
    fulltext.drop_triggers(db)
    db.execute_sql(f'DROP TABLE "{fulltext.INDEX}"')
    db.execute_sql(f'DROP TABLE "{fulltext.DOC}"')
    db.execute_sql('DROP INDEX "ticket_resolved_at"')
    db.execute_sql('ALTER TABLE "ticket" DROP COLUMN "first_response_work_us"')
    db.execute_sql('ALTER TABLE "ticket" DROP COLUMN "resolution_work_us"')
    m.Meta.update(value="3").where(m.Meta.key == "schema_version").execute()
    db.close()
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION
    assert found('subject : "лицензию" AND body : "ключ"') == {number}
    assert found('notes : "заметка"') == {number}
    assert_current()


def test_check_finds_an_index_out_of_step_and_rebuild_mends_it(desk):
    first = new_ticket(desk, subject="Первая")
    new_ticket(desk, subject="Вторая")
    db = m.database_proxy.obj
    assert check_store(db) == []
    db.execute_sql('DROP TRIGGER "ticket_search_ticket_insert"' + (' ON "ticket"' if postgres() else ""))
    # A ticket stored while its trigger was missing, and a document changed behind the index's back.
    no = "false" if postgres() else "0"
    db.execute_sql("INSERT INTO ticket (number, subject, customer_id, channel, status, created_at, updated_at, version,"
                   f" priority, support_ended, out_of_hours, paused_seconds) SELECT 7777, 'Без индекса', customer_id,"
                   f" channel, status, created_at, updated_at, 1, priority, {no}, {no}, 0 FROM ticket LIMIT 1")  # fmt: skip
    db.execute_sql(f'UPDATE "{fulltext.DOC}" SET subject = \'чужое\' WHERE id = (SELECT id FROM ticket WHERE number = {db.param})',
                   (first,))  # fmt: skip
    kinds = {f.kind: f.values for f in check_store(db)}
    assert set(kinds) == {SEARCH_COUNT, SEARCH_STALE, SEARCH_TRIGGERS}
    assert kinds[SEARCH_COUNT]["unindexed"] == 1 and kinds[SEARCH_STALE]["count"] == 1
    assert kinds[SEARCH_TRIGGERS]["names"] == "ticket_search_ticket_insert"
    assert fulltext.install(db, build=True)
    assert check_store(db) == []
    assert found('"индекса"') == {7777}


def test_a_database_other_than_sqlite_and_postgresql_has_no_index_and_nothing_breaks():
    other = pw.MySQLDatabase("helpdesk")  # never connected: nothing here may touch it
    assert fulltext.available(other) is False
    assert fulltext.install(other) is False
    assert fulltext.inspect(other) is None
    with fulltext.bulk_load(other):
        pass


def test_the_triggers_come_from_one_template():
    sql = [fulltext.trigger_sql(t) for t in fulltext.TRIGGERS]
    assert len(set(sql)) == len(fulltext.TRIGGERS) == 7
    for statement in sql:
        assert statement.count(f"INSERT INTO \"{fulltext.INDEX}\"(\"{fulltext.INDEX}\", rowid") == 1  # 'delete' from each index
        assert statement.count(f"INSERT INTO \"{fulltext.SUBSTR_INDEX}\"(\"{fulltext.SUBSTR_INDEX}\", rowid") == 1
        assert statement.count("'delete'") == 2 and statement.count(f'INSERT INTO "{fulltext.DOC}"') == 1
    without = fulltext.trigger_sql(fulltext.TRIGGERS[0], substrings=False)  # a SQLite without the trigram tokenizer
    assert fulltext.SUBSTR_INDEX not in without and without.count("'delete'") == 1


# --- the substring index (schema 8) ------------------------------------------------------------


def found_piece(piece: str) -> set[int]:
    """Ticket numbers whose subject or people hold ``piece`` (folded), straight from the substring index."""
    if postgres():
        sql = (f'SELECT t.number FROM "{fulltext.DOC}" s JOIN ticket t ON t.id = s.id '
               f'WHERE s."{fulltext_pg.SUBSTR_COLUMN}" LIKE %s')  # fmt: skip
        return {number for (number,) in m.database_proxy.execute_sql(sql, (f"%{piece}%",))}
    sql = (f'SELECT t.number FROM "{fulltext.SUBSTR_INDEX}" s JOIN ticket t ON t.id = s.rowid '
           f'WHERE "{fulltext.SUBSTR_INDEX}" MATCH ?')  # fmt: skip
    return {number for (number,) in m.database_proxy.execute_sql(sql, (f'"{piece}"',))}


def test_the_substring_index_follows_subject_and_customer_edits_and_deletes(desk):
    assert fulltext.substrings_available()
    number = new_ticket(desk, subject="Автообновление", customer_email="olga@romashka-soft.ru", customer_name="Ольга")
    assert found_piece("обновлен") == {number} and found_piece("mashka-so") == {number}
    assert found_piece("ещё") == set()
    tk.add_reply(desk, number, "Сублицензия в теле письма")
    assert found_piece("лиценз") == set()  # messages are not in it
    m.database_proxy.execute_sql(f"UPDATE ticket SET subject = 'Переустановка' WHERE number = {m.database_proxy.obj.param}", (number,))
    assert found_piece("обновлен") == set() and found_piece("установк") == {number}
    m.database_proxy.execute_sql("UPDATE customer SET name = 'Ёлкина' WHERE email = 'olga@romashka-soft.ru'")
    assert found_piece("елкин") == {number}  # folded as the main index folds: ё as е
    m.Ticket.delete().where(m.Ticket.number == number).execute()
    assert found_piece("установк") == set()
    assert_current()


def make_schema_7(db_path, regulation) -> None:
    """Make the open store one of schema 7: the same, without the substring index."""
    db = m.database_proxy.obj
    if postgres():
        db.execute_sql(f'ALTER TABLE "{fulltext.DOC}" DROP COLUMN "{fulltext_pg.SUBSTR_COLUMN}"')  # its index goes too
        db.execute_sql(f'DROP FUNCTION "{fulltext_pg.SUBSTR_FUNCTION}"(text)')
    else:
        fulltext.drop_triggers(db)
        db.execute_sql(f'DROP TABLE "{fulltext.SUBSTR_INDEX}"')
        for trigger in fulltext.TRIGGERS:
            db.execute_sql(fulltext.trigger_sql(trigger, substrings=False))
    m.Meta.update(value="7").where(m.Meta.key == "schema_version").execute()
    db.close()


def test_a_schema_7_store_is_upgraded_and_its_substring_index_built(db_path, regulation, desk):
    number = new_ticket(desk, subject="Пароромашкин отчёт", customer_email="ivan@romashka-soft.ru")
    make_schema_7(db_path, regulation)
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION == 8
    assert fulltext.substrings_available(db)
    assert found_piece("ромашк") == {number} and found_piece("mashka-soft") == {number}
    later = new_ticket(desk, subject="Ещё одна ромашка")  # the triggers feed it now
    assert found_piece("ромашк") == {number, later}
    assert_current()
    if postgres():
        assert fulltext_pg.trigram_indexed(db)


@pytest.mark.sqlite_only  # SQLite's trigram index beside the main one
def test_check_finds_the_substring_index_out_of_step_and_reindex_mends_it(desk):
    number = new_ticket(desk, subject="Пароромашкин")
    db = m.database_proxy.obj
    db.execute_sql(f"INSERT INTO \"{fulltext.SUBSTR_INDEX}\"(\"{fulltext.SUBSTR_INDEX}\") VALUES('delete-all')")
    kinds = {f.kind: f.values for f in check_store(db)}
    assert set(kinds) == {SEARCH_COUNT} and kinds[SEARCH_COUNT]["indexed"] == 0
    assert fulltext.install(db, build=True)
    assert check_store(db) == [] and found_piece("ромашк") == {number}


def test_postgresql_without_pg_trgm_still_finds_pieces_and_check_says_so(pg_database, pg_template, regulation, monkeypatch):
    """PostgreSQL only (pg_trgm is its extension; SQLite's trigram tokenizer is built in)."""
    db = open_store(pg_database(pg_template), regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova")
    number = new_ticket(Desk(regulation=regulation, clock=FixedClock(parse_instant("2026-11-25T10:00:00+03:00")),
                             agent="petrova"), subject="Пароромашкин")  # fmt: skip
    db.execute_sql(f"DROP EXTENSION {fulltext_pg.TRGM_EXTENSION} CASCADE")  # the index goes with it
    monkeypatch.setattr(fulltext_pg, "TRGM_EXTENSION", "pg_trgm_not_installed")  # the server has no such extension
    assert fulltext.install(db, build=True)  # `helpdesk reindex`: no error, the rest rebuilt
    assert not fulltext_pg.trigram_indexed(db)
    assert [hit.number for hit in search.search("ромашк", limit=5)] == [number]  # by reading every document
    assert [f.kind for f in check_store(db)] == [SEARCH_SUBSTRINGS]
    monkeypatch.undo()  # the administrator installs the contrib package: reindex makes the index
    assert fulltext.install(db, build=True) and fulltext_pg.trigram_indexed(db)
    assert check_store(db) == []
