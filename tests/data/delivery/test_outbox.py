"""data/delivery/outbox.py: what gets queued, claiming, back-off, failure, the delivery state in views."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.delivery import outbox
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.read import views
from helpdesk.data.core.config import OutboxSettings, parse_config
from helpdesk.data.core.errors import Code, NotFoundError, ValidationError, decode_reason
from helpdesk.data.delivery.outbox import DeliveryError
from helpdesk.data.wiring import own_addresses

SETTINGS = OutboxSettings(max_attempts=3, first_retry_seconds=60, max_retry_seconds=3600)


def new_ticket(desk, **kw):
    fields = dict(subject="Не запускается", body="Текст", customer_email="ivan@example.ru", product="Fenix+ 3")
    fields.update(kw)
    return tickets.create_ticket(desk, values.NewTicket(**fields))


class Recorder:
    def __init__(self, *errors):
        self.calls = []
        self.errors = list(errors)

    def __call__(self, delivery):
        self.calls.append(delivery)
        assert m.Message.get_by_id(delivery.message_id).ticket.number == delivery.ticket_number
        if self.errors:
            error = self.errors.pop(0)
            if error is not None:
                raise error
        return "250 ok"


def test_a_reply_is_queued_for_mail_with_its_own_message_id(desk):
    new_ticket(desk)
    reply = tickets.add_reply(desk, 1001, "Здравствуйте!")
    row = m.Outbox.get(m.Outbox.message == reply.id)
    assert (row.channel, row.recipient, row.state, row.attempts) == ("email", "ivan@example.ru", "queued", 0)
    assert row.next_attempt_at == desk.now()
    assert m.Message.get_by_id(reply.id).message_id.endswith("@helpdesk.invalid")  # no mail.from configured


def test_notes_and_customers_without_a_channel_get_nothing(desk):
    new_ticket(desk)
    note = tickets.add_reply(desk, 1001, "внутренняя заметка", note=True)
    assert not m.Outbox.select().where(m.Outbox.message == note.id).exists()
    assert m.Message.get_by_id(note.id).message_id is None
    customer = m.Customer.create(name="Без адреса", created_at=desk.now())
    ticket = tickets.create_ticket(desk, values.NewTicket(subject="s", body="b", customer_id=customer.id, channel="phone"))
    reply = tickets.add_reply(desk, ticket.number, "ответ")
    assert not m.Outbox.select().where(m.Outbox.message == reply.id).exists()


@pytest.mark.parametrize("address", ["mailer-daemon", "someone@intranet", '"a b"@example.com', "x@example.com."])
def test_an_address_no_mail_can_reach_gets_no_reply(desk, address):
    customer = m.Customer.create(name="Отправитель", email=address, created_at=desk.now())  # as a mail gave it
    ticket = tickets.create_ticket(desk, values.NewTicket(subject="s", body="b", customer_id=customer.id))
    assert outbox.route_for(ticket) is None
    reply = tickets.add_reply(desk, ticket.number, "ответ")
    assert not m.Outbox.select().where(m.Outbox.message == reply.id).exists()


def test_telegram_tickets_are_answered_in_their_chat(desk):
    ticket = tickets.create_ticket(
        desk,
        values.NewTicket(subject="s", body="b", customer_telegram="4242", channel="telegram", telegram_chat="4242"),
    )
    reply = tickets.add_reply(desk, ticket.number, "ответ")
    row = m.Outbox.get(m.Outbox.message == reply.id)
    assert (row.channel, row.recipient) == ("telegram", "4242")
    assert m.Message.get_by_id(reply.id).message_id is None  # no mail: no Message-ID


def test_a_system_notice_is_queued_too(desk):
    new_ticket(desk)
    notice = tickets.add_system_message(desk, 1001, "Ваша заявка будет принята в работу ...")
    assert m.Outbox.get(m.Outbox.message == notice.id).state == "queued"


def test_send_due_sends_and_marks_sent(desk):
    new_ticket(desk)
    reply = tickets.add_reply(desk, 1001, "ответ")
    sender = Recorder()
    results = outbox.send_due(desk, {"email": sender}, SETTINGS)
    assert [r.outcome for r in results] == ["sent"]
    assert sender.calls[0].ticket_number == 1001 and sender.calls[0].attempts == 1
    row = m.Outbox.get(m.Outbox.message == reply.id)
    assert row.state == "sent" and row.sent_at == desk.now()
    assert outbox.send_due(desk, {"email": sender}, SETTINGS) == []  # sent once only


def test_rows_of_channels_without_a_sender_stay_queued(desk):
    new_ticket(desk)
    tickets.add_reply(desk, 1001, "ответ")
    assert outbox.send_due(desk, {"telegram": Recorder()}, SETTINGS) == []
    assert outbox.counts() == {"queued": 1}


def test_temporary_failures_back_off_then_fail_for_good(desk):
    new_ticket(desk)
    reply = tickets.add_reply(desk, 1001, "ответ")
    sender = Recorder(DeliveryError("451 try later"), DeliveryError("451 try later"), DeliveryError("451 still"))
    first = outbox.send_due(desk, {"email": sender}, SETTINGS)
    assert first[0].outcome == "retry" and first[0].next_attempt_at == desk.now() + timedelta(seconds=60)
    assert outbox.send_due(desk, {"email": sender}, SETTINGS) == []  # not due yet
    desk.clock.advance(timedelta(seconds=60))
    second = outbox.send_due(desk, {"email": sender}, SETTINGS)
    assert second[0].next_attempt_at == desk.now() + timedelta(seconds=120)  # doubled
    desk.clock.advance(timedelta(seconds=120))
    third = outbox.send_due(desk, {"email": sender}, SETTINGS)
    assert third[0].outcome == "failed"  # the third of three attempts
    row = m.Outbox.get(m.Outbox.message == reply.id)
    assert (row.state, row.attempts, row.last_error) == ("failed", 3, "451 still")
    assert views.get_thread(1001).messages[-1].delivery == "failed"
    assert views.get_thread(1001).messages[-1].delivery_error == "451 still"


def test_a_permanent_failure_fails_at_once_and_retry_requeues(desk):
    new_ticket(desk)
    reply = tickets.add_reply(desk, 1001, "ответ")
    outbox.send_due(desk, {"email": Recorder(DeliveryError("550 no such user", permanent=True))}, SETTINGS)
    row = m.Outbox.get(m.Outbox.message == reply.id)
    assert (row.state, row.attempts) == ("failed", 1)
    queued = tickets.add_reply(desk, 1001, "второй ответ")
    queued_id = m.Outbox.get(m.Outbox.message == queued.id).id
    with pytest.raises(ValidationError) as refused:
        outbox.retry(queued_id, desk.now())
    assert (refused.value.field, refused.value.code, refused.value.params) == (
        "state", Code.OUTBOX_NOT_RETRYABLE, {"id": queued_id, "state": "queued"})
    with pytest.raises(NotFoundError) as missing:
        outbox.retry(999, desk.now())
    assert (missing.value.code, missing.value.params) == (Code.OUTBOX_NOT_FOUND, {"id": 999})
    item = outbox.retry(row.id, desk.now())
    assert (item.state, item.attempts) == ("queued", 0)
    results = outbox.send_due(desk, {"email": Recorder()}, SETTINGS)
    assert [r.outcome for r in results] == ["sent", "sent"]


def test_a_claimed_but_unconfirmed_row_is_sent_again_after_its_lease(desk):
    """A crash between the SMTP server's OK and the confirming commit: sent later, once more."""
    new_ticket(desk)
    reply = tickets.add_reply(desk, 1001, "ответ")
    row_id = m.Outbox.get(m.Outbox.message == reply.id).id
    claimed = outbox.claim(row_id, desk.now(), SETTINGS)
    assert claimed is not None and claimed.attempts == 1
    assert outbox.claim(row_id, desk.now(), SETTINGS) is None  # nobody else takes it meanwhile
    sender = Recorder()
    assert outbox.send_due(desk, {"email": sender}, SETTINGS) == []
    desk.clock.advance(timedelta(seconds=60))
    results = outbox.send_due(desk, {"email": sender}, SETTINGS)
    assert [r.outcome for r in results] == ["sent"] and sender.calls[0].attempts == 2
    assert m.Outbox.get_by_id(row_id).state == "sent"


def test_an_unexpected_sender_error_is_retried_not_lost(desk):
    new_ticket(desk)
    tickets.add_reply(desk, 1001, "ответ")
    results = outbox.send_due(desk, {"email": Recorder(RuntimeError("boom"))}, SETTINGS)
    assert results[0].outcome == "retry"
    recorded = decode_reason(m.Outbox.get().last_error)  # our words, not a server's: coded
    assert (recorded.code, recorded.params) == (Code.UNEXPECTED, {"kind": "RuntimeError", "detail": "boom"})
    assert results[0].detail == m.Outbox.get().last_error


def test_a_server_answer_is_kept_as_it_came_up_to_its_limit():
    assert DeliveryError("550 " + "x" * 5000).answer == ("550 " + "x" * 5000)[: outbox.MAX_ANSWER]


def test_delivery_states_and_the_thread_view(desk):
    new_ticket(desk)
    reply = tickets.add_reply(desk, 1001, "ответ")
    note = tickets.add_reply(desk, 1001, "заметка", note=True)
    assert outbox.delivery_states([reply.id, note.id]) == {reply.id: ("queued", None)}
    thread = views.get_thread(1001)
    by_id = {msg.id: msg for msg in thread.messages}
    assert by_id[reply.id].delivery == "queued" and by_id[note.id].delivery is None
    assert thread.messages[0].delivery is None  # the customer's own message
    outbox.send_due(desk, {"email": Recorder()}, SETTINGS)
    assert {msg.id: msg.delivery for msg in views.get_thread(1001).messages}[reply.id] == "sent"
    shown = views.thread_json(views.get_thread(1001), desk)
    assert [msg["delivery"] for msg in shown["messages"]] == [None, "sent", None]


def test_backoff_doubles_up_to_the_ceiling():
    assert [outbox.backoff(n, 60, 600).total_seconds() for n in (1, 2, 3, 4, 5, 50)] == [60, 120, 240, 480, 600, 600]


def test_list_outbox(desk):
    new_ticket(desk)
    tickets.add_reply(desk, 1001, "один")
    tickets.add_reply(desk, 1001, "два")
    items = outbox.list_outbox()
    assert [i.ticket_number for i in items] == [1001, 1001] and items[0].id > items[1].id
    assert outbox.list_outbox(state="sent") == []


def test_mail_to_our_own_address_is_never_queued(desk):
    config = parse_config({"mail": {"from": "Support <Support@Fenix.example>"}})
    desk = replace(desk, mail_domain=config.mail_domain, own_addresses=own_addresses(config))
    new_ticket(desk, customer_email="support@fenix.example")
    reply = tickets.add_reply(desk, 1001, "ответ самим себе")
    assert not m.Outbox.select().where(m.Outbox.message == reply.id).exists()
    new_ticket(desk, customer_email="ivan@example.ru")
    other = tickets.add_reply(desk, 1002, "ответ клиенту")
    assert m.Message.get_by_id(other.id).message_id.endswith("@fenix.example")
