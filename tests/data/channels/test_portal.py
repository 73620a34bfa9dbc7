"""data/channels/portal.py: portal JSON requests, idempotent by the portal's id, all-or-nothing."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpdesk.data.store import models as m
from helpdesk.data.channels import portal
from helpdesk.data.read import views
from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.core.values import Limits
from helpdesk.tui.errors import describe
from tests.strategies import as_stored_line, emails, filled_texts, has_surrogate, is_one_line, optional_texts, poisoned, texts, with_poison
from tests.factories import kept


def request(**overrides) -> dict:
    doc = {
        "request_id": "P-1",
        "customer": {"email": "Ivan@Example.ru", "name": "Иван Петров"},
        "product": "Fenix+ 3",
        "subject": "Не открывается проект",
        "body": "После обновления проект не открывается.",
        "attachments": [{"filename": "проект.fpp", "content_base64": base64.b64encode(b"FPP\x00data").decode()}],
    }
    doc.update(overrides)
    return doc


def test_a_request_opens_a_portal_ticket(desk):
    [result] = portal.ingest_portal(desk, request(sent_at="2026-11-25T09:30:00+03:00"))
    assert (result.outcome, result.ticket_number) == ("created", 1001)
    ticket = m.Ticket.get(m.Ticket.number == 1001)
    assert (ticket.channel, ticket.portal_id, ticket.product.name) == ("portal", "P-1", "Fenix+ 3")
    assert ticket.customer.email == "ivan@example.ru" and ticket.customer.name == "Иван Петров"
    assert ticket.created_at.isoformat() == "2026-11-25T06:30:00+00:00"
    thread = views.get_thread(1001)
    attachment = thread.messages[0].attachments[0]
    assert attachment.filename == "проект.fpp" and views.attachment_content(attachment.id)[1] == b"FPP\x00data"


def test_resending_is_a_no_op_and_new_text_is_a_follow_up(desk):
    portal.ingest_portal(desk, request())
    assert portal.ingest_portal(desk, request())[0].outcome == "unchanged"
    assert m.Message.select().count() == 1
    [result] = portal.ingest_portal(desk, request(body="Дополнение: лог во вложении.", attachments=[]))
    assert (result.outcome, result.ticket_number) == ("replied", 1001)
    assert [msg.body for msg in views.get_thread(1001).messages][-1] == "Дополнение: лог во вложении."
    assert portal.ingest_portal(desk, request(body="Дополнение: лог во вложении.", attachments=[]))[0].outcome == "unchanged"


def test_a_list_is_validated_whole_before_anything_is_stored(desk):
    doc = [request(request_id="P-1"), request(request_id="P-2", attachments=[{"filename": "x", "content_base64": "@@@"}])]
    with pytest.raises(ValidationError) as info:
        portal.ingest_portal(desk, doc)
    assert (info.value.field, info.value.code) == ("[1].attachments[0].content_base64", Code.DOCUMENT_NOT_BASE64)
    assert str(info.value) == "[1].attachments[0].content_base64: document.not_base64"
    assert m.Ticket.select().count() == 0 and m.Customer.select().count() == 0


def test_a_failure_while_storing_rolls_back_the_whole_document(desk):
    doc = [request(request_id="P-7"), request(request_id="P-7", customer={"email": "other@example.ru"}, body="новый текст")]
    with pytest.raises(ValidationError) as info:
        portal.ingest_portal(desk, doc)
    assert (info.value.field, info.value.code, info.value.params) == (
        "[1].customer.email", Code.PORTAL_OTHER_CUSTOMER, {"request": "P-7"})
    assert m.Ticket.select().count() == 0 and m.Message.select().count() == 0


@pytest.mark.parametrize(
    "doc, field, code, params",
    [
        (request(request_id=None), "request_id", Code.DOCUMENT_FIELD_REQUIRED, {}),
        (request(request_id="  "), "request_id", Code.DOCUMENT_EMPTY_STRING, {}),
        (request(request_id="P" * 201), "request_id", Code.DOCUMENT_TOO_LONG, {"count": 200}),
        (request(customer={"email": "not-an-address"}), "customer.email", Code.EMAIL_INVALID, {"value": "not-an-address"}),
        (request(customer=None), "customer", Code.DOCUMENT_CUSTOMER_REQUIRED, {}),
        (request(customer={"email": "a@b.ru", "phone": "1"}), "customer.phone", Code.DOCUMENT_UNKNOWN_FIELD,
         {"fields": ["email", "name"]}),
        (request(subject=""), "subject", Code.DOCUMENT_EMPTY_STRING, {}),
        (request(subject=5), "subject", Code.DOCUMENT_NOT_STRING, {}),
        (request(body="", attachments=[]), "body", Code.DOCUMENT_BODY_EMPTY, {}),
        (request(attachments={"filename": "x"}), "attachments", Code.DOCUMENT_NOT_LIST, {}),
        (request(attachments=["x"]), "attachments[0]", Code.DOCUMENT_ATTACHMENT_NOT_OBJECT, {}),
        (request(attachments=[{"content_base64": ""}]), "attachments[0].filename", Code.DOCUMENT_FIELD_REQUIRED, {}),
        (request(attachments=[{"filename": "x", "content_base64": "", "content_type": "text"}]), "attachments[0].content_type",
         Code.DOCUMENT_NOT_MIME_TYPE, {"value": "text"}),
        (request(sent_at="yesterday"), "sent_at", Code.INSTANT_INVALID, {"value": "yesterday"}),
        (request(priority="high"), "priority", Code.DOCUMENT_UNKNOWN_FIELD, {"fields": sorted(portal.FIELDS)}),
        ("just a string", "(document)", Code.DOCUMENT_NOT_REQUEST, {}),
        ([], "(document)", Code.DOCUMENT_EMPTY_LIST, {}),
        (["x"], "[0]", Code.DOCUMENT_NOT_OBJECT, {}),
    ],
)  # fmt: skip
def test_bad_documents_name_the_field_and_the_reason(desk, doc, field, code, params):
    with pytest.raises(ValidationError) as info:
        portal.ingest_portal(desk, doc)
    assert (info.value.field, info.value.code, info.value.params) == (field, code, params)
    # The path in the document goes before the text; a problem of the whole document has none.
    assert info.value.where == (None if field == portal.WHOLE else field)
    assert m.Ticket.select().count() == 0


def test_an_unknown_product_names_the_field(desk):
    with pytest.raises(ValidationError) as info:
        portal.ingest_portal(desk, request(product="Fenix 99"))
    assert (info.value.field, info.value.where) == ("product", "product")
    assert (info.value.code, info.value.params) == (
        Code.PRODUCT_UNKNOWN, {"product": "Fenix 99", "products": [p.name for p in desk.regulation.products]})
    assert m.Ticket.select().count() == 0


def test_null_product_is_left_for_triage_and_numbers_are_accepted_as_ids(desk):
    [result] = portal.ingest_portal(desk, request(request_id=42, product=None))
    ticket = m.Ticket.get(m.Ticket.number == result.ticket_number)
    assert ticket.product is None and ticket.portal_id == "42"


def test_a_product_past_its_support_end_is_flagged(desk):
    [result] = portal.ingest_portal(desk, request(product="Fenix+"))
    assert "support_ended" in views.get_thread(result.ticket_number).ticket.flags


def test_load_document_reports_json_errors():
    with pytest.raises(ValidationError) as info:
        portal.load_document(b'{"request_id": ')
    assert (info.value.code, info.value.params) == (Code.DOCUMENT_NOT_JSON, {"line": 1, "column": 16})
    with pytest.raises(ValidationError) as info:
        portal.load_document(b"\xff\xfe{}")
    assert (info.value.code, info.value.params) == (Code.TEXT_NOT_UTF8, {"byte": 0})
    assert portal.load_document('\ufeff{"a": 1}'.encode("utf-8")) == {"a": 1}


@pytest.mark.parametrize(
    "text, path",
    [('{"subject": "\\ud800"}', "subject"), ('{"customer": {"email": "a@b.ru", "name": "\\udfff"}}', "customer.name"),
     ('{"body": "ok \\udc80"}', "body"), ('{"request_id": "\\ud83d"}', "request_id")],
)  # fmt: skip
def test_a_lone_surrogate_in_json_is_refused_naming_the_field(desk, text, path):
    doc = portal.load_document(json.dumps([request()])[:-2] + ", " + text[1:-1] + "}]")
    with pytest.raises(ValidationError) as refused:
        portal.ingest_portal(desk, doc)
    assert (refused.value.field, refused.value.code) == (f"[0].{path}", Code.TEXT_NOT_UNICODE)
    assert m.Ticket.select().count() == 0


def test_a_name_and_subject_with_line_breaks_are_stored_on_one_line(desk):
    portal.ingest_portal(desk, request(customer={"email": "ivan@example.ru", "name": "Иван\r\nПетров"}, subject="Тема\nвторая строка"))
    ticket = m.Ticket.get(m.Ticket.number == 1001)
    assert (ticket.customer.name, ticket.subject) == ("Иван Петров", "Тема вторая строка")


def test_a_request_over_a_limit_refuses_the_whole_document(desk):
    desk.limits = Limits(attachment_bytes=4)
    with pytest.raises(ValidationError) as refused:
        portal.ingest_portal(desk, [request(request_id="P-1", attachments=[]), request(request_id="P-2")])
    assert (refused.value.field, refused.value.code) == ("[1].attachments", Code.LIMIT_ATTACHMENT)
    assert refused.value.params == {"name": "проект.fpp", "size": 8, "max_bytes": 4}
    assert m.Ticket.select().count() == 0


# --- any document ---------------------------------------------------------------------------

PORTAL_FIELDS = ["request_id", "email", "name", "product", "subject", "body", "filename", "content_type", "sent_at"]
json_values = st.one_of(st.none(), st.booleans(), st.integers(), texts, st.lists(texts, max_size=2),
                        st.dictionaries(texts, texts, max_size=2))  # fmt: skip


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request_id=filled_texts, email=st.one_of(st.emails(), emails), name=optional_texts,
       product=st.one_of(st.none(), st.just("Fenix+ 3"), texts), subject=filled_texts, body=texts, filename=filled_texts,
       content=st.binary(max_size=64), content_type=st.one_of(st.just("application/pdf"), texts),
       sent_at=st.one_of(st.none(), st.just("2026-11-25T09:30:00+03:00"), texts),
       extra=st.one_of(st.just({}), st.just({}), st.dictionaries(texts, json_values, max_size=1)), poison=poisoned(PORTAL_FIELDS))  # fmt: skip
def test_any_document_is_stored_as_sent_or_refused_in_one_line(desk, request_id, email, name, product, subject, body,
                                                               filename, content, content_type, sent_at, extra, poison):  # fmt: skip
    values = with_poison(dict(request_id=request_id, email=email, name=name, product=product, subject=subject, body=body,
                              filename=filename, content_type=content_type, sent_at=sent_at), poison)  # fmt: skip
    doc = {"request_id": values["request_id"], "customer": {"email": values["email"], "name": values["name"]},
           "product": values["product"], "subject": values["subject"], "body": values["body"], "sent_at": values["sent_at"],
           "attachments": [{"filename": values["filename"], "content_base64": base64.b64encode(content).decode(),
                            "content_type": values["content_type"]}], **extra}  # fmt: skip
    before = m.Ticket.select().count()
    try:
        [result] = portal.ingest_portal(desk, portal.load_document(json.dumps(doc).encode()))
    except ValidationError as refused:
        assert is_one_line(describe(refused))
        assert m.Ticket.select().count() == before
        event(f"refused: {refused.code}")  # --hypothesis-show-statistics: what share is refused, and why
        return
    event(result.outcome)
    assert not any(has_surrogate(v) for v in values.values())
    ticket = m.Ticket.get(m.Ticket.portal_id == values["request_id"].strip())
    # The examples share one desk, and a document's sent_at may put its message before an earlier
    # example's: look for it in the thread, not at its end.
    stored = [(msg.body, [views.attachment_content(a.id)[1] for a in msg.attachments])
              for msg in views.get_thread(ticket.number).messages]
    assert (kept(values["body"]), [content]) in stored
    if result.outcome == portal.CREATED:
        assert ticket.subject == as_stored_line(values["subject"])
        assert ticket.customer.name == as_stored_line(values["name"]) or not as_stored_line(values["name"])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_any_bytes_are_a_document_or_refused_in_one_line(desk, raw):
    try:
        portal.ingest_portal(desk, portal.load_document(raw))
    except ValidationError as refused:
        assert is_one_line(describe(refused))


@pytest.mark.parametrize(
    "raw, code",
    [(b"1" * 5000, Code.DOCUMENT_NUMBER_TOO_LONG), (b'{"request_id": ' + b"9" * 5000 + b"}", Code.DOCUMENT_NUMBER_TOO_LONG),
     (b"[" * 100_000 + b"]" * 100_000, Code.DOCUMENT_NESTED_TOO_DEEPLY)],
)  # fmt: skip
def test_a_document_python_cannot_read_is_refused_naming_why(raw, code):
    with pytest.raises(ValidationError) as refused:
        portal.load_document(raw)
    assert (refused.value.field, refused.value.code) == (portal.WHOLE, code)
