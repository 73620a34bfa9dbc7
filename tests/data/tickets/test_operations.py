import functools
from datetime import timedelta

import pytest

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.core.errors import Code, ConflictError, LimitError, NotFoundError, TransitionError, ValidationError
from helpdesk.data.read.views import get_thread
from tests.factories import actions, ticket_input


new = functools.partial(
    ticket_input,
    subject="Не открывается проект",
    body="После обновления Fenix+ 3 проект не открывается.",
    customer_email="Ivan.Petrov@Example.RU",
)


def test_create_numbers_tickets_and_records_everything(desk):
    first = tickets.create_ticket(desk, new(attachments=[values.AttachmentInput("проект.fpp", b"PK\x03\x04data")]))
    second = tickets.create_ticket(desk, new(subject="Второй вопрос"))
    assert (first.number, second.number) == (1001, 1002)
    assert first.status == st.NEW and first.version == 1
    assert first.created_at == desk.now()
    assert first.customer.email == "ivan.petrov@example.ru"
    assert second.customer_id == first.customer_id  # matched by e-mail, not duplicated
    thread = get_thread(1001)
    assert thread.messages[0].kind == "customer"
    assert thread.messages[0].attachments[0].filename == "проект.fpp"
    assert thread.messages[0].attachments[0].size == len(b"PK\x03\x04data") == 8
    assert actions(1001) == [("created", None, "1001")]


def test_attachment_content_is_stored_once_per_sha256(desk):
    data = b"same bytes"
    tickets.create_ticket(desk, new(attachments=[values.AttachmentInput("a.txt", data)]))
    tickets.create_ticket(desk, new(attachments=[values.AttachmentInput("b.txt", data)]))
    assert m.Attachment.select().count() == 2
    assert m.Blob.select().count() == 1


SCOPES = ["improvement", "account_access", "installation", "documentation", "how_it_works", "defect", "project_fixes",
          "expert_review", "regulations"]  # fmt: skip


@pytest.mark.parametrize(
    "overrides, field, code, params",
    [
        ({"subject": "   "}, "subject", Code.TICKET_SUBJECT_REQUIRED, {}),
        ({"body": ""}, "body", Code.TICKET_DESCRIPTION_EMPTY, {}),
        ({"customer_email": "not-an-address"}, "email", Code.EMAIL_INVALID, {"value": "not-an-address"}),
        ({"customer_email": None}, "customer", Code.TICKET_CONTACT_REQUIRED, {}),
        ({"channel": "fax"}, "channel", Code.CHANNEL_UNKNOWN,
         {"channel": "fax", "channels": ["email", "portal", "telegram", "phone", "visit"]}),
        ({"scope": "nonsense"}, "scope", Code.SCOPE_UNKNOWN, {"scope": "nonsense", "scopes": SCOPES}),
        ({"priority": "urgent"}, "priority", Code.PRIORITY_UNKNOWN,
         {"priority": "urgent", "priorities": ["low", "normal", "high"]}),
    ],
)  # fmt: skip
def test_invalid_new_ticket_names_the_field_and_stores_nothing(desk, overrides, field, code, params):
    with pytest.raises(ValidationError) as error:
        tickets.create_ticket(desk, new(**overrides))
    assert (error.value.field, error.value.code, error.value.params) == (field, code, params)
    assert m.Ticket.select().count() == 0


def test_unknown_product_names_the_known_ones(desk):
    with pytest.raises(NotFoundError) as error:
        tickets.create_ticket(desk, new(product="Fenix 9"))
    assert (error.value.code, error.value.params) == (
        Code.PRODUCT_UNKNOWN, {"product": "Fenix 9", "products": [p.name for p in desk.regulation.products]})
    assert {"Fenix Server Academy", "FireGuard 3"} <= set(error.value.params["products"])
    assert m.Ticket.select().count() == 0


def test_product_past_support_end_is_flagged(desk):
    ended = tickets.create_ticket(desk, new(product="fenix+ 2"))
    current = tickets.create_ticket(desk, new(product="Fenix+ 3"))
    assert ended.support_ended and not current.support_ended


def test_out_of_hours_flag_follows_the_calendar(make_desk):
    saturday = make_desk("2026-11-28T12:00:00+03:00")
    ticket = tickets.create_ticket(saturday, new())
    assert ticket.out_of_hours
    weekday = make_desk("2026-11-26T12:00:00+03:00")
    assert not tickets.create_ticket(weekday, new()).out_of_hours


def test_first_reply_opens_the_ticket_and_counts_as_first_response(desk):
    tickets.create_ticket(desk, new())
    desk.clock.advance(timedelta(minutes=30))
    tickets.add_reply(desk, 1001, "Здравствуйте! Пришлите файл проекта.")
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.OPEN
    assert ticket.first_response_at == desk.now()
    assert ticket.assignee_id is None
    assert ("reply", None, str(ticket.messages.order_by(m.Message.id.desc()).first().id)) in actions(1001)
    assert ("status", "new", "open") in actions(1001)


def test_internal_note_is_not_a_response(desk):
    tickets.create_ticket(desk, new())
    tickets.add_reply(desk, 1001, "Похоже на дефект 4.2", note=True)
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.NEW and ticket.first_response_at is None
    assert get_thread(1001).messages[-1].kind == "note"


def test_stale_write_is_a_conflict_and_changes_nothing(make_desk):
    petrova = make_desk(agent="petrova")
    tickets.create_ticket(petrova, new())
    read_version = tickets.get_ticket(1001).version
    tickets.set_status(petrova, 1001, st.OPEN, expected_version=read_version)
    sidorov = make_desk(agent="sidorov")
    with pytest.raises(ConflictError) as stale:
        tickets.assign_ticket(sidorov, 1001, "sidorov", expected_version=read_version)
    assert (stale.value.code, stale.value.params) == (Code.TICKET_CHANGED, {"number": 1001})
    with pytest.raises(ConflictError):
        tickets.add_reply(sidorov, 1001, "Ответ", expected_version=read_version)
    ticket = tickets.get_ticket(1001)
    assert ticket.assignee_id is None and ticket.version == read_version + 1
    assert m.Message.select().count() == 1
    assert [a for a, *_ in actions(1001)] == ["created", "status"]


@pytest.mark.parametrize("old, new_status", [(st.CLOSED, st.WAITING), (st.NEW, st.NEW), (st.REJECTED, st.RESOLVED)])
def test_illegal_transitions_are_refused(desk, old, new_status):
    tickets.create_ticket(desk, new())
    m.Ticket.update(status=old).execute()
    with pytest.raises(TransitionError):
        tickets.set_status(desk, 1001, new_status)
    assert tickets.get_ticket(1001).status == old


def test_every_status_can_be_reached_and_reopened(desk):
    tickets.create_ticket(desk, new())
    for status in (st.OPEN, st.WAITING, st.OPEN, st.RESOLVED, st.CLOSED, st.OPEN, st.REJECTED, st.OPEN):
        tickets.set_status(desk, 1001, status)
        assert tickets.get_ticket(1001).status == status


def test_waiting_pauses_the_clock_and_a_customer_reply_reopens(desk):
    tickets.create_ticket(desk, new())
    tickets.add_reply(desk, 1001, "Пришлите файл проекта.")
    tickets.set_status(desk, 1001, st.WAITING)
    assert tickets.get_ticket(1001).due_at is None
    desk.clock.advance(timedelta(hours=2))  # 10:00 -> 12:00 on a working Wednesday
    tickets.add_customer_message(desk, 1001, "Файл во вложении")
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.OPEN
    assert ticket.paused_seconds == 2 * 3600
    assert ticket.due_at is not None
    assert ("status", "waiting", "open") in actions(1001)


def test_assign_and_scope_write_events(desk):
    tickets.create_ticket(desk, new())
    tickets.assign_ticket(desk, 1001, desk.agent)
    tickets.set_scope(desk, 1001, "installation")
    tickets.assign_ticket(desk, 1001, None)
    assert actions(1001)[1:] == [
        ("assignee", None, "petrova"),
        ("scope", None, "installation"),
        ("assignee", "petrova", None),
    ]
    with pytest.raises(ValidationError) as unknown:
        tickets.set_scope(desk, 1001, "astrology")
    assert (unknown.value.field, unknown.value.code, unknown.value.params) == (
        "scope", Code.SCOPE_UNKNOWN, {"scope": "astrology", "scopes": SCOPES})


def test_raw_untrusted_text_is_stored_byte_exact_and_a_subject_without_controls(desk):
    text = "[b]x[/b] [@click=app.quit]q[/] \x1b[2J \x1b]52;c;aGk=\x07"
    tickets.create_ticket(desk, new(subject=text, body=text))
    thread = get_thread(1001)
    assert thread.messages[0].body == text
    assert thread.ticket.subject == "[b]x[/b] [@click=app.quit]q[/] [2J ]52;c;aGk="  # markup is text


# --- text the store cannot hold, names and subjects on one line ------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [({"subject": "Счёт \ud800"}, "subject"), ({"body": "текст \udcff"}, "body"), ({"customer_name": "\udfffИван"}, "name"),
     ({"customer_email": "iv\ud800an@example.ru"}, "email"), ({"organisation": "ООО \udc80"}, "organisation"),
     ({"attachments": [values.AttachmentInput("a\ud800.txt", b"x")]}, "attachments[0].filename"),
     ({"attachments": [values.AttachmentInput("a.txt", b"x", "text/\ud800")]}, "attachments[0].content_type")],
)  # fmt: skip
def test_a_lone_surrogate_in_any_field_is_refused_by_name_and_nothing_is_stored(desk, overrides, field):
    with pytest.raises(ValidationError) as refused:
        tickets.create_ticket(desk, new(**overrides))
    assert (refused.value.field, refused.value.code) == (field, Code.TEXT_NOT_UNICODE)
    assert m.Ticket.select().count() == 0 and m.Customer.select().count() == 0


def test_a_follow_up_and_a_reply_refuse_a_lone_surrogate_too(desk):
    tickets.create_ticket(desk, new())
    with pytest.raises(ValidationError) as refused:
        tickets.add_customer_message(desk, 1001, "ok", author="Иван\ud800")
    assert (refused.value.field, refused.value.code) == ("name", Code.TEXT_NOT_UNICODE)
    with pytest.raises(ValidationError) as refused:
        tickets.add_reply(desk, 1001, "Ответ \udcff")
    assert (refused.value.field, refused.value.code) == ("body", Code.TEXT_NOT_UNICODE)
    assert m.Message.select().count() == 1


def test_a_name_and_a_subject_are_one_line_without_controls_and_the_body_is_kept(desk):
    tickets.create_ticket(desk, new(subject="Не\r\nоткрывается\x1b[2J", customer_name="Иван\r\nBcc: all@example.ru\x00",
                                    body="Строка 1\r\nСтрока 2\x1b[2J"))  # fmt: skip
    thread = get_thread(1001)
    assert thread.ticket.subject == "Не открывается[2J"
    assert thread.ticket.customer_name == "Иван Bcc: all@example.ru"
    assert thread.messages[0].body == "Строка 1\r\nСтрока 2\x1b[2J"
    tickets.add_customer_message(desk, 1001, "ещё", author="Иван\nПетров")
    assert get_thread(1001).messages[-1].author == "Иван Петров"


# --- limits of the settings -------------------------------------------------------------------


def test_every_write_path_refuses_what_is_over_a_limit_and_stores_nothing(desk):
    desk.limits = values.Limits(subject_characters=10, body_bytes=20, attachments=1)
    with pytest.raises(LimitError) as refused:
        tickets.create_ticket(desk, new(subject="Не открывается"))
    assert (refused.value.field, refused.value.code) == ("subject", Code.LIMIT_SUBJECT)
    assert m.Ticket.select().count() == m.Customer.select().count() == 0
    tickets.create_ticket(desk, new(subject="Вопрос", body="Коротко"))
    with pytest.raises(LimitError) as refused:
        tickets.add_customer_message(desk, 1001, "Длинное дополнение к заявке")
    assert (refused.value.field, refused.value.code) == ("body", Code.LIMIT_BODY)
    two = [values.AttachmentInput("a.log", b"a"), values.AttachmentInput("b.log", b"b")]
    with pytest.raises(LimitError) as refused:
        tickets.add_reply(desk, 1001, "Ответ", attachments=two)
    assert (refused.value.field, refused.value.code) == ("attachments", Code.LIMIT_ATTACHMENTS)
    assert m.Message.select().count() == 1 and m.Attachment.select().count() == 0


# --- requests an agent types in: a call, a visit -----------------------------------------------


@pytest.mark.parametrize("channel", ["phone", "visit"])
@pytest.mark.parametrize(
    "contact, stored",
    [({"customer_email": "Ivan@Example.ru"}, ("ivan@example.ru", None, None)),
     ({"customer_email": None, "customer_phone": " +7 (912) 345-67-89 "}, (None, "+7 (912) 345-67-89", None)),
     ({"customer_email": None, "customer_telegram": "@ivanp"}, (None, None, "@ivanp"))],
)  # fmt: skip
def test_an_agent_registers_a_call_or_a_visit_with_a_name_and_one_contact(desk, channel, contact, stored):
    ticket = tickets.create_ticket(desk, new(channel=channel, customer_name="Иван Петров", **contact))
    customer = ticket.customer
    assert (customer.email, customer.phone, customer.telegram, customer.name) == (*stored, "Иван Петров")
    assert actions(ticket.number) == [("created", None, str(ticket.number))]
    assert m.Event.get().actor == desk.agent  # the agent took it, not a channel


@pytest.mark.parametrize(
    "overrides, field, code",
    [({"customer_name": "  "}, "name", Code.TICKET_NAME_REQUIRED),
     ({"customer_email": None}, "customer", Code.TICKET_CONTACT_REQUIRED),
     ({"customer_email": None, "customer_phone": "12-34"}, "phone", Code.PHONE_INVALID),
     ({"customer_email": None, "customer_phone": "+7 912 345 67 89 ext. 5"}, "phone", Code.PHONE_INVALID),
     ({"customer_email": None, "customer_phone": "1" * 21}, "phone", Code.PHONE_INVALID)],
)  # fmt: skip
def test_a_call_needs_a_name_and_a_contact_and_a_phone_number_that_looks_like_one(desk, overrides, field, code):
    with pytest.raises(ValidationError) as refused:
        tickets.create_ticket(desk, new(channel="phone", **{"customer_name": "Иван Петров", **overrides}))
    assert (refused.value.field, refused.value.code) == (field, code)
    assert m.Ticket.select().count() == m.Customer.select().count() == 0


def test_a_caller_is_found_again_by_phone_and_a_known_customer_gets_the_number(desk):
    first = tickets.create_ticket(desk, new(channel="phone", customer_email=None, customer_phone="8 912 345-67-89"))
    again = tickets.create_ticket(desk, new(channel="visit", customer_email=None, customer_phone="8 912 345-67-89"))
    assert again.customer_id == first.customer_id
    known = tickets.create_ticket(desk, new(customer_email="olga@example.ru", customer_name="Ольга"))
    tickets.create_ticket(desk, new(channel="phone", customer_email="olga@example.ru", customer_name="Ольга",
                                    customer_phone="+7 495 123-45-67"))  # fmt: skip
    assert m.Customer.get_by_id(known.customer_id).phone == "+7 495 123-45-67"
