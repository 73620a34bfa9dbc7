"""Property tests: whatever text reaches create_ticket, add_reply and add_customer_message, no
traceback; what is accepted reads back as given (a name and a subject as one line without
controls); what is refused is a coded error, described in one line, and nothing is stored."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpdesk.data.core.clock import FixedClock
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.core.values import AttachmentInput, NewTicket
from helpdesk.data.read import views
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.tickets import operations as tickets
from helpdesk.tui.errors import describe
from tests.factories import SEEDED_AT, SEEDED_BY, register_agents
from tests.strategies import (
    as_stored_line, emails, filled_texts, has_surrogate, is_one_line, optional_texts, phones, poisoned, short_texts,
    with_poison,
)  # fmt: skip

EXAMPLES = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
files = st.lists(st.tuples(short_texts, st.binary(max_size=64), short_texts), max_size=3)
TICKET_FIELDS = ["subject", "body", "customer_email", "customer_name", "customer_phone", "customer_telegram",
                 "organisation", "filename", "content_type"]  # fmt: skip


@contextmanager
def stored_in(regulation, folder: str):
    """A Desk on a new store for each example: what one example stored cannot answer for the next."""
    db = open_store(str(Path(folder) / "h.db"), regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova")
    try:
        yield Desk(regulation, FixedClock(SEEDED_AT), "petrova")
    finally:
        db.close()


def attachments_of(values: dict, drawn: list[tuple[str, bytes, str]]) -> list[AttachmentInput]:
    """The drawn files, the first one named and typed as ``values`` say (a poisoned name, say)."""
    found = [AttachmentInput(name, data, ctype) for name, data, ctype in drawn]
    if found:
        found[0] = AttachmentInput(values["filename"], found[0].data, values["content_type"])
    return found


def storable(values: dict, drawn: list) -> bool:
    """No lone surrogate in any text that is used (the first file's name and type only with a file)."""
    used = [v for k, v in values.items() if drawn or k not in ("filename", "content_type")]
    return not any(has_surrogate(v) for v in used)


def refused_in_one_line(error: Exception) -> None:
    assert isinstance(error, HelpdeskError), repr(error)
    assert is_one_line(describe(error))
    event(f"refused: {error.code}")  # --hypothesis-show-statistics: what share is refused, and why


@EXAMPLES
@given(subject=filled_texts, body=filled_texts, email=emails, name=filled_texts, phone=phones, telegram=optional_texts,
       organisation=optional_texts, drawn=files, poison=poisoned(TICKET_FIELDS),
       channel=st.sampled_from(["email", "portal", "telegram", "phone", "visit", "fax"]))  # fmt: skip
def test_create_ticket_takes_any_text_or_refuses_it_in_one_line(regulation, subject, body, email, name, phone, telegram,
                                                                organisation, drawn, poison, channel):  # fmt: skip
    first = drawn[0] if drawn else ("", b"", "")
    values = with_poison(dict(subject=subject, body=body, customer_email=email, customer_name=name, customer_phone=phone,
                              customer_telegram=telegram, organisation=organisation, filename=first[0],
                              content_type=first[2]), poison)  # fmt: skip
    attachments = attachments_of(values, drawn)
    new = NewTicket(**{k: v for k, v in values.items() if k not in ("filename", "content_type")}, attachments=attachments,
                    channel=channel, product="Fenix+ 3")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder, stored_in(regulation, folder) as desk:
        try:
            number = tickets.create_ticket(desk, new).number
        except Exception as error:  # noqa: BLE001 - whatever it is, it must be a coded refusal
            refused_in_one_line(error)
            assert m.Ticket.select().count() == m.Customer.select().count() == 0
            return
        thread = views.get_thread(number)
        contents = [views.attachment_content(a.id)[1] for a in thread.messages[0].attachments]
    event("accepted")
    assert storable(values, drawn)
    ticket, message = thread.ticket, thread.messages[0]
    assert ticket.subject == as_stored_line(values["subject"])
    assert message.body == values["body"]
    assert ticket.customer_name == as_stored_line(values["customer_name"]) or not as_stored_line(values["customer_name"])
    assert [a.filename for a in message.attachments] == [a.filename or "attachment" for a in attachments]
    assert contents == [a.data for a in attachments]


@EXAMPLES
@given(body=filled_texts, author=optional_texts, drawn=files, poison=poisoned(["body", "author", "filename", "content_type"]),
       note=st.booleans())  # fmt: skip
def test_a_reply_and_a_follow_up_take_any_text_or_refuse_it_in_one_line(regulation, body, author, drawn, poison, note):
    first = drawn[0] if drawn else ("", b"", "")
    values = with_poison(dict(body=body, author=author, filename=first[0], content_type=first[2]), poison)
    attachments = attachments_of(values, drawn)
    without_author = {k: v for k, v in values.items() if k != "author"}  # a reply has no author to give
    accepted = {"agent": storable(without_author, drawn) and bool(values["body"].strip()), "customer": storable(values, drawn)}
    with tempfile.TemporaryDirectory() as folder, stored_in(regulation, folder) as desk:
        number = tickets.create_ticket(desk, NewTicket(subject="Вопрос", body="Текст", customer_email="ivan@example.ru")).number
        writes = {"agent": lambda: tickets.add_reply(desk, number, values["body"], note=note, attachments=attachments),
                  "customer": lambda: tickets.add_customer_message(desk, number, values["body"], author=values["author"],
                                                                   attachments=attachments)}  # fmt: skip
        for kind, write in writes.items():
            try:
                message_id = write().id
            except Exception as error:  # noqa: BLE001 - whatever it is, it must be a coded refusal
                refused_in_one_line(error)
                assert not accepted[kind]
                continue
            assert accepted[kind]
            stored = next(msg for msg in views.get_thread(number).messages if msg.id == message_id)
            assert stored.body == values["body"]
            assert [views.attachment_content(a.id)[1] for a in stored.attachments] == [a.data for a in attachments]
            if kind == "customer":
                assert stored.author == (as_stored_line(values["author"]) or "ivan")
