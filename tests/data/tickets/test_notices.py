"""data/tickets/notices.py: the out-of-hours notice (regulation section 1.3), on every channel."""

import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.store import models as m
from helpdesk.data.tickets import notices
from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.read.views import get_thread
from tests.factories import ticket_input

MSK = ZoneInfo("Europe/Moscow")


new = functools.partial(ticket_input, subject="Не открывается проект", body="После обновления проект не открывается.")


def system_messages(number):
    return [msg for msg in get_thread(number).messages if msg.kind == "system"]


def test_the_briefs_example_friday_of_the_new_year_block(make_desk):
    # Fri 9 Jan 2026 is a transferred day off; the first working day is Mon 12 Jan.
    desk = make_desk("2026-01-09T17:30:00+03:00")
    ticket = tickets.create_ticket(desk, new())
    assert ticket.out_of_hours
    [notice] = system_messages(ticket.number)
    assert notice.body.startswith("Здравствуйте, Иван Петров!\n\n")  # the customer's name
    assert (f"Ваша заявка №{ticket.number} пришла в нерабочее время. Мы возьмём её в работу в понедельник, "
            f"12 января, с 09:00 по московскому времени.") in notice.body
    assert notice.body.count("Ваша заявка") == 1
    actions = [e.action for e in ticket.events.order_by(m.Event.id)]
    assert actions == ["created", "notice"]


def test_notice_in_english_when_the_customer_language_is_english(make_desk, regulation):
    desk = make_desk("2026-01-09T17:30:00+03:00")
    desk.regulation = regulation._replace(customer_language="en")
    ticket = tickets.create_ticket(desk, new())
    [notice] = system_messages(ticket.number)
    assert "We will take it up on Monday, 12 January, from 09:00 Moscow time." in notice.body


@pytest.mark.parametrize(
    "created, phrase",
    [
        # Mon 23 Nov 2026 20:00 -> Tue 24 Nov: "во вторник", not "в вторник".
        ("2026-11-23T20:00:00+03:00", "во вторник, 24 ноября, с 09:00"),
        # Tue 24 Nov 07:30, before opening -> the same day.
        ("2026-11-24T07:30:00+03:00", "во вторник, 24 ноября, с 09:00"),
        # Tue 24 Nov 19:00 -> Wed: accusative "в среду".
        ("2026-11-24T19:00:00+03:00", "в среду, 25 ноября, с 09:00"),
        # Fri 27 Nov 17:00 (Friday closes at 17:00) -> Mon 30 Nov.
        ("2026-11-27T17:00:00+03:00", "в понедельник, 30 ноября, с 09:00"),
        # Tue 3 Nov 2026 is shortened (closes 17:00) before the 4 Nov holiday -> Thu 5 Nov.
        ("2026-11-03T17:10:00+03:00", "в четверг, 5 ноября, с 09:00"),
        # Thu 30 Apr 2026 shortened, 1 May holiday, weekend -> Mon 4 May.
        ("2026-04-30T17:30:00+03:00", "в понедельник, 4 мая, с 09:00"),
    ],
)
def test_phrase_follows_the_calendar(make_desk, created, phrase):
    desk = make_desk(created)
    ticket = tickets.create_ticket(desk, new())
    [notice] = system_messages(ticket.number)
    assert phrase + " по московскому времени" in notice.body


def test_no_notice_during_working_hours(desk):
    ticket = tickets.create_ticket(desk, new())
    assert not ticket.out_of_hours
    assert system_messages(ticket.number) == []


def test_no_notice_when_night_mail_is_read_during_working_hours(make_desk):
    # The mail came in at 02:00, the intake stores it at 10:00: support is at work already.
    desk = make_desk("2026-11-25T10:00:00+03:00")
    ticket = tickets.create_ticket(desk, new(received_at=datetime(2026, 11, 25, 2, 0, tzinfo=MSK)))
    assert ticket.out_of_hours
    assert system_messages(ticket.number) == []


@pytest.mark.parametrize("channel", ["email", "portal", "telegram"])
def test_every_channel_a_customer_writes_in_by_gets_the_notice(make_desk, channel):
    desk = make_desk("2026-11-28T12:00:00+03:00")  # Saturday
    extra = {"customer_email": None, "customer_telegram": "@ivan"} if channel == "telegram" else {}
    ticket = tickets.create_ticket(desk, new(channel=channel, **extra))
    [notice] = system_messages(ticket.number)
    assert "в понедельник, 30 ноября, с 09:00" in notice.body


def test_notice_uses_the_edited_prepared_reply_and_survives_its_deletion(make_desk):
    desk = make_desk("2026-11-28T12:00:00+03:00")
    pr.update_reply(desk, "out_of_hours", body_ru="Заявка №{ticket}: ответим {next_open}.")
    first = tickets.create_ticket(desk, new())
    assert system_messages(first.number)[0].body == (
        f"Заявка №{first.number}: ответим в понедельник, 30 ноября, с 09:00 по московскому времени."
    )
    m.PreparedReply.delete().where(m.PreparedReply.key == "out_of_hours").execute()  # as another program could
    second = tickets.create_ticket(desk, new(customer_email="olga@example.ru"))  # another customer: told too
    assert "Мы возьмём её в работу в понедельник, 30 ноября" in system_messages(second.number)[0].body


def test_the_notice_does_not_count_as_a_first_response(make_desk):
    desk = make_desk("2026-11-28T12:00:00+03:00")
    ticket = tickets.create_ticket(desk, new())
    ticket = tickets.get_ticket(ticket.number)
    assert ticket.first_response_at is None and ticket.status == "new"
    # First response due: Monday 09:00 + 8 working hours.
    assert ticket.due_at == datetime(2026, 11, 30, 17, 0, tzinfo=MSK)


def test_a_follow_up_out_of_hours_gets_no_second_notice(make_desk):
    desk = make_desk("2026-11-28T12:00:00+03:00")
    ticket = tickets.create_ticket(desk, new())
    desk.clock.advance(timedelta(hours=1))
    tickets.add_customer_message(desk, ticket.number, "Забыл приложить файл")
    assert len(system_messages(ticket.number)) == 1


# --- every channel's own entry point: the notice, and the support-end flag (regulation 1.1) ---


def _only_ticket():
    [ticket] = list(m.Ticket.select())
    return ticket


def test_mail_intake_gets_the_notice_and_the_support_end_flag(make_desk):
    from helpdesk.data.channels.mail.ingest import ingest_bytes

    desk = make_desk("2026-11-28T12:05:00+03:00")  # Saturday
    raw = (
        "From: Ivan <ivan@example.ru>\r\nTo: support@example.com\r\nSubject: Fenix+ 2 crashes\r\n"
        "Date: Sat, 28 Nov 2026 12:00:00 +0300\r\nMessage-ID: <a1@example.ru>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "В Fenix+ 2 ошибка при запуске.\r\n"
    ).encode("utf-8")
    result = ingest_bytes(desk, raw, "test.eml")
    ticket = _only_ticket()
    assert result.ticket_number == ticket.number
    assert ticket.product.name == "Fenix+ 2" and ticket.support_ended and ticket.out_of_hours
    assert "в понедельник, 30 ноября, с 09:00" in system_messages(ticket.number)[0].body


def test_portal_intake_gets_the_notice_and_the_support_end_flag(make_desk):
    from helpdesk.data.channels.portal import ingest_portal

    desk = make_desk("2026-11-28T12:05:00+03:00")
    ingest_portal(desk, {
        "request_id": "P-1", "customer": {"email": "ivan@example.ru", "name": "Иван"},
        "product": "Fenix+", "subject": "Не запускается", "body": "Ошибка",
    })  # fmt: skip
    ticket = _only_ticket()
    assert ticket.channel == "portal" and ticket.support_ended and ticket.out_of_hours
    assert len(system_messages(ticket.number)) == 1


def test_telegram_intake_gets_the_notice_and_the_support_end_flag(make_desk):
    from helpdesk.data.channels.telegram import store_update

    desk = make_desk("2026-11-28T12:05:00+03:00")
    sent = datetime(2026, 11, 28, 12, 0, tzinfo=MSK).timestamp()
    update = {"update_id": 7, "message": {
        "message_id": 5, "date": int(sent), "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "first_name": "Иван"}, "text": "Fenix+ 2 не запускается",
    }}  # fmt: skip
    store_update(desk, update, {})
    ticket = _only_ticket()
    assert ticket.channel == "telegram" and ticket.support_ended and ticket.out_of_hours
    assert len(system_messages(ticket.number)) == 1


def test_support_end_is_a_date_in_moscow_time(make_desk):
    # 31.12.2021 23:30 Moscow is still 31 December there (20:30 UTC): supported that day.
    last_day = make_desk("2021-12-31T23:30:00+03:00")
    assert not tickets.create_ticket(last_day, new(product="Fenix+ 2")).support_ended
    # 01.01.2022 00:30 Moscow is 31.12.2021 21:30 UTC: the first day after the end.
    next_day = make_desk("2022-01-01T00:30:00+03:00")
    assert tickets.create_ticket(next_day, new(product="Fenix+ 2")).support_ended


def test_one_notice_per_customer_per_closed_period(make_desk):
    desk = make_desk("2026-11-27T20:00:00+03:00")  # Friday evening: closed until Monday 09:00
    numbers = []
    for n in range(50):  # a customer (or a script) writing again and again in one closed hour
        numbers.append(tickets.create_ticket(desk, new(subject=f"Вопрос {n}")).number)
        desk.clock.advance(timedelta(minutes=1))
    assert [len(system_messages(number)) for number in numbers] == [1] + [0] * 49
    other = tickets.create_ticket(desk, new(customer_email="olga@example.ru"))
    assert len(system_messages(other.number)) == 1  # another customer is told
    desk.clock.advance(timedelta(days=1))  # Saturday night: the same closed period still
    assert system_messages(tickets.create_ticket(desk, new(subject="Суббота")).number) == []
    desk.clock.set(datetime(2026, 11, 30, 19, 0, tzinfo=MSK))  # Monday evening: a new closed period
    assert len(system_messages(tickets.create_ticket(desk, new(subject="Понедельник")).number)) == 1


def test_a_request_received_more_than_a_day_before_it_is_stored_gets_no_notice(make_desk):
    """Importing an old archive while support is closed must not queue a notice for every mail."""
    desk = make_desk("2026-11-28T12:00:00+03:00")  # Saturday
    older = tickets.create_ticket(desk, new(received_at=datetime(2026, 11, 26, 20, 0, tzinfo=MSK)))
    assert older.out_of_hours and system_messages(older.number) == []
    recent = tickets.create_ticket(desk, new(received_at=datetime(2026, 11, 27, 20, 0, tzinfo=MSK)))
    assert len(system_messages(recent.number)) == 1


@pytest.mark.parametrize("channel", ["phone", "visit"])
def test_a_request_an_agent_types_in_gets_no_notice(make_desk, channel):
    """The customer is on the line or at the desk: nobody wrote in to be told when it is taken up."""
    desk = make_desk("2026-11-28T12:00:00+03:00")  # Saturday
    ticket = tickets.create_ticket(desk, new(channel=channel))
    assert ticket.out_of_hours and system_messages(ticket.number) == []
