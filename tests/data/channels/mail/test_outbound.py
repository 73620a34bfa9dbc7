"""data/channels/mail/outbound.py against a real SMTP server on 127.0.0.1 (aiosmtpd), and the round trip:
a reply goes out, the customer answers it, the answer lands in the same ticket."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from hypothesis import HealthCheck, given, settings
from aiosmtpd.smtp import AuthResult

from helpdesk.data.wiring import own_addresses
from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.delivery import outbox
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.core.config import ConfigError, OutboxSettings, parse_config
from helpdesk.data.core.errors import Code
from helpdesk.data.channels.mail.ingest import CREATED, JOINED, ingest_bytes
from helpdesk.data.channels.mail.outbound import SmtpSender, build_email, header_text, reply_subject
from tests.strategies import texts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it accepts; some recipients are refused."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 2.0.0 Ok: queued as TEST1"


def authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"support" and auth_data.password == b"s3cret")


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def config(smtp):
    return parse_config(
        {
            "mail": {"from": "Техподдержка Fenix <support@fenix.example>"},
            "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "user": "support", "timeout": 10},
        },
        "test-config",
    )


@pytest.fixture
def mail_config(desk):
    """The settings as the composition root reads them: the desk's mail identity comes from them."""
    config = parse_config({"mail": {"from": "Техподдержка Fenix <support@fenix.example>"}})
    desk.mail_domain = config.mail_domain
    desk.own_addresses = own_addresses(config)
    return config


def customer_mail(**headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Иван Петров <ivan@example.ru>"
    msg["To"] = "support@fenix.example"
    msg["Subject"] = "Не открывается проект"
    msg["Message-ID"] = "<first@example.ru>"
    for key, value in headers.items():
        msg.replace_header(key, value) if key in msg else msg.add_header(key, value)
    msg.set_content("Здравствуйте! Fenix+ 3 не открывает проект.")
    return msg.as_bytes()


@pytest.mark.parametrize(
    "subject, expected",
    [("Не открывается", "Re: [#1001] Не открывается"), ("Re: [#1001] Не открывается", "Re: [#1001] Не открывается"),
     ("AW: Re: Ответ: тема", "Re: [#1001] тема"), ("Re: [#999] старый тег", "Re: [#1001] старый тег")],
)  # fmt: skip
def test_reply_subject(subject, expected):
    assert reply_subject(1001, subject) == expected


def test_built_mail_threads_back(desk, mail_config):
    ingest_bytes(desk, customer_mail(), "test")
    reply = tickets.add_reply(
        desk, 1001, "Здравствуйте, Иван!\nПришлите проект.",
        attachments=[values.AttachmentInput("инструкция.pdf", b"%PDF-1.4 test", "application/pdf")],
    )  # fmt: skip
    stored = m.Message.get_by_id(reply.id)
    assert stored.message_id.endswith("@fenix.example")
    config = parse_config({"mail": {"from": "Техподдержка Fenix <support@fenix.example>"}})
    mail = build_email(reply.id, "ivan@example.ru", config)
    parsed = email.message_from_bytes(mail.as_bytes(), policy=default_policy)
    assert parsed["Subject"] == "Re: [#1001] Не открывается проект"
    assert parsed["Message-ID"] == f"<{stored.message_id}>"
    assert parsed["In-Reply-To"] == "<first@example.ru>"
    assert parsed["References"] == "<first@example.ru>"
    assert parsed["To"].addresses[0].addr_spec == "ivan@example.ru"
    assert parsed["From"].addresses[0].display_name == "Техподдержка Fenix"
    assert "Auto-Submitted" not in parsed
    assert parsed.get_body(("plain",)).get_content().strip() == "Здравствуйте, Иван!\nПришлите проект."
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "инструкция.pdf" and attachment.get_content() == b"%PDF-1.4 test"


def test_a_system_notice_says_it_is_automatic(desk, mail_config):
    ingest_bytes(desk, customer_mail(), "test")
    notice = tickets.add_system_message(desk, 1001, "Ваша заявка будет принята в работу ...")
    config = parse_config({"mail": {"from": "support@fenix.example"}})
    assert build_email(notice.id, "ivan@example.ru", config)["Auto-Submitted"] == "auto-replied"


def test_round_trip_through_a_real_smtp_server(desk, smtp, config, mail_config, monkeypatch):
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "s3cret")
    assert ingest_bytes(desk, customer_mail(), "test").outcome == CREATED
    reply = tickets.add_reply(desk, 1001, "Здравствуйте! Пришлите, пожалуйста, проект.")
    sender = SmtpSender(config)
    try:
        results = outbox.send_due(desk, {"email": sender}, OutboxSettings())
    finally:
        sender.close()
    assert [(r.outcome, r.detail[:3]) for r in results] == [("sent", "250")], results
    mail_from, rcpt, data = smtp.received[0]
    assert mail_from == "support@fenix.example" and rcpt == ["ivan@example.ru"]
    sent = email.message_from_bytes(data, policy=default_policy)
    assert sent["Message-ID"] == f"<{m.Message.get_by_id(reply.id).message_id}>"

    # The customer's client answers what it received.
    answer = EmailMessage()
    answer["From"] = "Иван Петров <ivan@example.ru>"
    answer["To"] = str(sent["From"])
    answer["Subject"] = "Re: " + str(sent["Subject"])
    answer["Message-ID"] = "<answer@example.ru>"
    answer["In-Reply-To"] = str(sent["Message-ID"])
    answer["References"] = f"{sent['References']} {sent['Message-ID']}"
    answer.set_content("Проект во вложении.\n\n> " + sent.get_body(("plain",)).get_content())
    result = ingest_bytes(desk, answer.as_bytes(), "smtp round trip")
    assert (result.outcome, result.ticket_number) == (JOINED, 1001)

    # A client that drops the threading headers still lands there by the subject tag.
    bare = EmailMessage()
    bare["From"] = "ivan@example.ru"
    bare["Subject"] = "Re: " + str(sent["Subject"])
    bare["Message-ID"] = "<bare@example.ru>"
    bare.set_content("И ещё один вопрос.")
    assert ingest_bytes(desk, bare.as_bytes(), "bare").ticket_number == 1001


def test_refused_recipient_fails_with_the_servers_answer(desk, smtp, config, mail_config, monkeypatch):
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "s3cret")
    smtp.refuse["ivan@example.ru"] = "550 5.1.1 <ivan@example.ru>: Recipient address rejected: User unknown"
    ingest_bytes(desk, customer_mail(), "test")
    reply = tickets.add_reply(desk, 1001, "ответ")
    sender = SmtpSender(config)
    try:
        results = outbox.send_due(desk, {"email": sender}, OutboxSettings())
    finally:
        sender.close()
    assert results[0].outcome == "failed"
    row = m.Outbox.get(m.Outbox.message == reply.id)
    assert row.state == "failed" and "User unknown" in row.last_error and row.last_error.startswith("550")


def test_temporary_refusal_is_retried(desk, smtp, config, mail_config, monkeypatch):
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "s3cret")
    smtp.refuse["ivan@example.ru"] = "451 4.7.1 Greylisted, try again"
    ingest_bytes(desk, customer_mail(), "test")
    tickets.add_reply(desk, 1001, "ответ")
    sender = SmtpSender(config)
    try:
        first = outbox.send_due(desk, {"email": sender}, OutboxSettings())
        assert first[0].outcome == "retry" and "Greylisted" in first[0].detail
        del smtp.refuse["ivan@example.ru"]
        from datetime import timedelta

        desk.clock.advance(timedelta(minutes=1))
        second = outbox.send_due(desk, {"email": sender}, OutboxSettings())
    finally:
        sender.close()
    assert second[0].outcome == "sent" and len(smtp.received) == 1


def test_wrong_password_is_retried_not_sent(desk, smtp, mail_config, monkeypatch):
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "wrong")
    config = parse_config({"mail": {"from": "support@fenix.example"},
                           "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "user": "support",
                                    "timeout": 2}})  # fmt: skip
    ingest_bytes(desk, customer_mail(), "test")
    tickets.add_reply(desk, 1001, "ответ")
    sender = SmtpSender(config)
    results = outbox.send_due(desk, {"email": sender}, OutboxSettings())
    sender.close()
    # smtplib tries each mechanism the server offers; the answer is 535 or the server hanging up.
    assert results[0].outcome == "retry" and f"127.0.0.1:{smtp.port}" in results[0].detail
    assert smtp.received == []


def test_missing_password_is_a_settings_error(config, monkeypatch):
    monkeypatch.delenv("HELPDESK_SMTP_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as refused:
        SmtpSender(config)
    assert (refused.value.key, refused.value.code, refused.value.params) == (
        "smtp.user", Code.CONFIG_SMTP_PASSWORD_MISSING, {"variable": "HELPDESK_SMTP_PASSWORD"})


def test_unreachable_server_is_a_temporary_failure(desk, mail_config):
    config = parse_config({"mail": {"from": "support@fenix.example"},
                           "smtp": {"host": "127.0.0.1", "port": free_port(), "security": "none", "timeout": 5}})  # fmt: skip
    ingest_bytes(desk, customer_mail(), "test")
    tickets.add_reply(desk, 1001, "ответ")
    results = outbox.send_due(desk, {"email": SmtpSender(config)}, OutboxSettings())
    assert results[0].outcome == "retry" and "127.0.0.1" in results[0].detail


def test_a_line_break_in_a_name_from_an_encoded_word_never_reaches_a_header(desk, smtp, config, mail_config, monkeypatch):
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "s3cret")
    raw = (b"From: =?utf-8?Q?Ivan=0D=0ABcc:_all@evil.example?= <ivan@example.ru>\r\nSubject: Help\r\n"
           b"Message-ID: <first@example.ru>\r\n\r\nText\r\n")  # fmt: skip
    ingest_bytes(desk, raw, "test")
    assert m.Customer.get(m.Customer.email == "ivan@example.ru").name == "Ivan Bcc: all@evil.example"
    tickets.add_reply(desk, 1001, "ответ")
    sender = SmtpSender(config)
    try:
        results = outbox.send_due(desk, {"email": sender}, OutboxSettings())
    finally:
        sender.close()
    assert [r.outcome for r in results] == ["sent"]
    sent = email.message_from_bytes(smtp.received[0][2], policy=default_policy)
    assert "Bcc" not in sent and sent["To"].addresses[0].display_name == "Ivan Bcc: all@evil.example"


@pytest.mark.parametrize("name", ["[b]x[/b]" * 10, "Иван [b]Петров", "Иван (x), Петров <a@b>", '"\\"' * 40])
def test_a_name_with_specials_never_hides_the_address(desk, mail_config, name):
    """Python's own header writer turns such names into a To line that names nobody."""
    ingest_bytes(desk, customer_mail(), "test")
    m.Customer.update(name=name).execute()
    mail = build_email(tickets.add_reply(desk, 1001, "ответ").id, "ivan@example.ru", mail_config)
    [to] = email.message_from_bytes(mail.as_bytes(policy=SMTP_POLICY), policy=default_policy)["To"].addresses
    assert to.addr_spec == "ivan@example.ru" and to.display_name.replace(" ", "") == name.replace(" ", "")


def test_odd_stored_texts_never_stop_a_reply_from_being_built(desk, smtp, config, mail_config, monkeypatch):
    """Rows stored before intake cleaned names and subjects (or by any other door) still go out."""
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "s3cret")
    ingest_bytes(desk, customer_mail(), "test")
    m.Customer.update(name="Иван\r\nПетров\x00").execute()
    m.Ticket.update(subject="Тема\r\nBcc: all@evil.example").execute()
    reply = tickets.add_reply(desk, 1001, "ответ", attachments=[values.AttachmentInput("лог\n.txt", b"log")])
    mail = build_email(reply.id, "ivan@example.ru", config)
    parsed = email.message_from_bytes(mail.as_bytes(), policy=default_policy)
    assert parsed["To"].addresses[0].display_name == "Иван Петров"
    assert parsed["Subject"] == "Re: [#1001] Тема Bcc: all@evil.example" and "Bcc" not in parsed
    assert next(parsed.iter_attachments()).get_filename() == "лог .txt"
    sender = SmtpSender(config)
    try:
        assert [r.outcome for r in outbox.send_due(desk, {"email": sender}, OutboxSettings())] == ["sent"]
    finally:
        sender.close()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=texts, subject=texts, filename=texts)
def test_a_reply_is_built_whatever_name_subject_and_file_name_are_stored(desk, mail_config, name, subject, filename):
    if not m.Ticket.select().exists():
        ingest_bytes(desk, customer_mail(), "test")
    m.Customer.update(name=name).execute()  # as a row may hold it, whichever door wrote it
    m.Ticket.update(subject=subject).execute()
    reply = tickets.add_reply(desk, 1001, "ответ", attachments=[values.AttachmentInput(filename, b"data")])
    mail = build_email(reply.id, "ivan@example.ru", mail_config)
    parsed = email.message_from_bytes(mail.as_bytes(policy=SMTP_POLICY), policy=default_policy)
    [to] = parsed["To"].addresses
    assert to.addr_spec == "ivan@example.ru"  # whatever the name, the header names the customer
    if header_text(name).isascii():
        assert to.display_name == header_text(name)
    assert set(parsed.keys()) == {"From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                                  "X-Helpdesk-Ticket", "MIME-Version", "Content-Type"}  # fmt: skip
