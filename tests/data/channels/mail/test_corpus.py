"""The mail corpora: ours (tests/data/mail/corpus, one case per file, EXPECT below) and the 60
real-world messages of Zammad's test suite, read in place from ../shared/mail-corpus/zammad/."""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.factories import SEEDED_AT, SEEDED_BY
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.read import views
from helpdesk.data.channels.mail.ingest import CREATED, DUPLICATE, JOINED, QUARANTINED, ingest_bytes, ingest_path
from helpdesk.data.core.errors import Code, decode_reason
from helpdesk.data.core.clock import FixedClock
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store.database import open_store

CORPUS = Path(__file__).parent / "corpus"
REPO = Path(__file__).resolve().parents[4]
ZAMMAD = REPO.parent / "shared" / "mail-corpus" / "zammad"

# file -> expected outcome. Files are ingested in name order into one store, so the thread root
# (00a_) is ticket #1001 and the threading cases (00b_-00e_) follow it.
EXPECT = {
    "01_utf8_8bit.eml": dict(outcome=CREATED, sender="ivan@example.ru", name="Иван Петров",
                             subject="Не запускается программа", body="Программа не запускается после обновления"),
    "02_cp1251_qp.eml": dict(outcome=CREATED, subject="Ошибка сохранения", body="Ошибка при сохранении проекта"),
    "03_koi8r_base64.eml": dict(outcome=CREATED, subject="Лицензия", body="лицензия не активируется (koi8-r)"),
    "04_iso8859_5_qp.eml": dict(outcome=CREATED, subject="Кодировка iso-8859-5", body="всё читается"),
    "05_gb2312_base64.eml": dict(outcome=CREATED, subject="软件无法启动", body="您好，软件无法启动。"),
    "06_iso2022jp_7bit.eml": dict(outcome=CREATED, subject="起動しません", body="ソフトウェアが起動しません。"),
    "07_utf8_qp.eml": dict(outcome=CREATED, subject="QP письмо", body="«кавычки» и — тире"),
    "08_utf8_base64.eml": dict(outcome=CREATED, subject="Base64 письмо", body="закодировано base64 целиком"),
    "09_html_only.eml": dict(outcome=CREATED, body="не работает экспорт в PDF & DWG.", body_lines=["- шаг один", "- шаг два"],
                             body_absent=["alert(1)", "color:red", "<p>"], body_has_link="https://fenix.example/kb/42"),
    "10_alternative.eml": dict(outcome=CREATED, body="Текстовая часть письма: выбрана она.", body_absent=["HTML-часть"]),
    "11_alternative_stub.eml": dict(outcome=CREATED, body="Полное описание проблемы", body_absent=["Откройте HTML-версию"]),
    "12_attachment_rfc2231_cyrillic.eml": dict(outcome=CREATED, attachments=["проект объекта №1.fpp"]),
    "13_attachment_rfc2047_name.eml": dict(outcome=CREATED, attachments=["скриншот ошибки.png"]),
    "14_inline_image.eml": dict(outcome=CREATED, body="Вот так выглядит окно", attachments=["окно.png"]),
    "15_broken_no_boundary.eml": dict(outcome=CREATED, sender="petr@example.ru", subject="Без границ",
                                      body="письмо всё равно читается"),
    "16_broken_base64.eml": dict(outcome=CREATED, body="Attachment below is damaged.", attachments=["damaged.bin"]),
    "17_broken_header_junk_line.eml": dict(outcome=CREATED, sender="olga@example.ru", subject="Junk before headers",
                                           body="Заголовки после мусорной строки."),
    "18_no_message_id.eml": dict(outcome=CREATED, subject="Без Message-ID", message_id=None),
    "00a_thread_root.eml": dict(outcome=CREATED, number=1001, product="Fenix+ 3"),
    "00b_thread_in_reply_to.eml": dict(outcome=JOINED, number=1001, body="по In-Reply-To"),
    "00c_thread_references.eml": dict(outcome=JOINED, number=1001, body="только с References"),
    "00d_thread_tag.eml": dict(outcome=JOINED, number=1001, body="только тег"),
    "00e_thread_tag_other_sender.eml": dict(outcome=CREATED, sender="mallory@example.net", not_number=1001),
    "30_uuencode.eml": dict(outcome=CREATED, body="begin 644 report.fpp", attachments=["report.fpp"],
                            attachment_sha256={"report.fpp": hashlib.sha256(b"FPP\x00\x01 project file \xff\xfe" * 20).hexdigest()}),
    "31_forwarded_rfc822.eml": dict(outcome=CREATED, body="Пересылаю письмо клиента.", attachments=["Исходное письмо.eml"],
                                    body_absent=["Внутреннее письмо"]),
    "32_no_from_reply_to.eml": dict(outcome=CREATED, sender="anna@example.ru", name="Анна"),
    "33_bounce.eml": dict(outcome=CREATED, sender="mailer-daemon@mx.fenix.example", body="failed permanently"),
    "34_product_fenix3.eml": dict(outcome=CREATED, product="Fenix+ 3"),
    "35_product_server_academy.eml": dict(outcome=CREATED, product="Fenix Server Academy"),
    "36_product_none.eml": dict(outcome=CREATED, product=None),
    "37_raw_8bit_cp1251_subject.eml": dict(outcome=CREATED, subject="Проблема с лицензией", body="Тело без объявленной кодировки."),
    "38_not_mail.eml": dict(outcome=QUARANTINED, reason=Code.MAIL_NOT_MAIL),
    "39_empty_body.eml": dict(outcome=CREATED, subject="Empty", body=""),
    "40_utf7_subject.eml": dict(outcome=CREATED, subject="Привет"),
    "41_koi8r_q_subject_from_name.eml": dict(outcome=CREATED, name="Петров Иван", subject="Вопрос по лицензии",
                                             body="Текст в koi8-r."),
}  # fmt: skip


def ws(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def test_every_corpus_file_has_an_expectation_and_back():
    files = {p.name for p in CORPUS.glob("*.eml")}
    assert files == set(EXPECT)
    assert len(files) >= 30


def test_corpus_generator_is_committed_beside_the_messages():
    assert (CORPUS / "make_corpus.py").is_file()


@pytest.fixture
def ingested(desk):
    results = {}
    for name in sorted(EXPECT):
        results[name] = ingest_bytes(desk, (CORPUS / name).read_bytes(), f"file:{name}")
    return results


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_corpus_message(ingested, name):
    expect = EXPECT[name]
    result = ingested[name]
    assert result.outcome == expect["outcome"], result.reason
    if result.outcome == QUARANTINED:
        row = m.Quarantine.get_by_id(result.quarantine_id)
        assert decode_reason(row.reason).code is expect["reason"]
        assert bytes(row.raw) == (CORPUS / name).read_bytes()  # kept whole
        return
    thread = views.get_thread(result.ticket_number)
    message = next(msg for msg in thread.messages if msg.id == result.message_id)
    ticket = thread.ticket
    if "number" in expect:
        assert ticket.number == expect["number"]
    if "not_number" in expect:
        assert ticket.number != expect["not_number"]
    if "sender" in expect:
        assert ticket.customer_email == expect["sender"]
    if "name" in expect:
        assert ticket.customer_name == expect["name"]
    if "subject" in expect:
        assert ticket.subject == expect["subject"]
    if "body" in expect:
        if expect["body"] == "":
            assert message.body == ""
        else:
            assert ws(expect["body"]) in ws(message.body)
    for line in expect.get("body_lines", []):
        assert line in message.body.splitlines()
    for absent in expect.get("body_absent", []):
        assert absent not in message.body
    if "body_has_link" in expect:
        assert expect["body_has_link"] in message.body
    names = [a.filename for a in message.attachments]
    for wanted in expect.get("attachments", []):
        assert wanted in names
    for filename, digest in expect.get("attachment_sha256", {}).items():
        assert next(a for a in message.attachments if a.filename == filename).sha256 == digest
    if "product" in expect:
        assert ticket.product == expect["product"]
    if "message_id" in expect:
        assert message.message_id == expect["message_id"]


def test_importing_the_corpus_twice_changes_nothing(desk):
    first = ingest_path(desk, CORPUS)
    counts = (m.Ticket.select().count(), m.Message.select().count(), m.Attachment.select().count(),
              m.Quarantine.select().count())  # fmt: skip
    second = ingest_path(desk, CORPUS)
    assert [r.outcome for r in second].count(DUPLICATE) == sum(1 for r in first if r.stored)
    assert {r.outcome for r in second} <= {DUPLICATE, QUARANTINED}
    assert counts == (m.Ticket.select().count(), m.Message.select().count(), m.Attachment.select().count(),
                      m.Quarantine.select().count())  # fmt: skip


def test_a_ten_megabyte_attachment_is_stored_whole(desk):
    data = random.Random(7).randbytes(10 * 1024 * 1024)
    msg = EmailMessage()
    msg["From"] = "big@example.ru"
    msg["Subject"] = "Большой проект"
    msg["Message-ID"] = "<big@corpus.example>"
    msg.set_content("Проект на 10 МБ во вложении.")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename="большой проект.fpp")
    result = ingest_bytes(desk, msg.as_bytes(), "generated")
    assert result.outcome == CREATED
    attachment = views.get_thread(result.ticket_number).messages[0].attachments[0]
    assert attachment.filename == "большой проект.fpp"
    assert attachment.size == len(data)
    assert views.attachment_content(attachment.id)[1] == data


# --- Zammad's real-world mail ------------------------------------------------------------


def _zammad_expect() -> dict:
    return {k: v for k, v in json.loads((ZAMMAD / "expect.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}


# Senders where Zammad's expectations say nothing (expect.json "note"): ours.
OUR_SENDERS = {
    "mail035.eml": "finances8@firstfinanceloanfirm.example.com",  # From is only a quoted string
    "mail076.eml": "millions lottery spain transfer@example.com",  # "..."@example.com> (malformed)
}


def _zammad_problems(name: str, expect: dict, regulation, store: Path) -> list[str]:
    """What is wrong with message ``name`` read into a new database at ``store``."""
    open_store(str(store), regulation, SEEDED_AT, creator=SEEDED_BY)
    try:
        result = ingest_bytes(Desk(regulation, FixedClock(SEEDED_AT), "petrova"), (ZAMMAD / name).read_bytes(), name)
        if result.outcome != CREATED:
            return [f"{name}: {result.outcome}: {result.reason}"]
        thread = views.get_thread(result.ticket_number)
    finally:
        m.database_proxy.close()
    problems = []
    # Every sender is kept, as an address or as the mail wrote it (MAILER-DAEMON,
    # redacted@redacted); a quoted local part compares without its quotes.
    if (thread.ticket.customer_email or "").replace('"', "") != (OUR_SENDERS.get(name) or expect["from"]).lower():
        problems.append(f"{name}: from {expect.get('from')!r}, stored {thread.ticket.customer_email!r}")
    if "subject" in expect and ws(expect["subject"]) != ws(thread.ticket.subject):
        problems.append(f"{name}: subject {expect['subject']!r}, stored {thread.ticket.subject!r}")
    message = thread.messages[0]
    if "body_contains" in expect and ws(expect["body_contains"]) not in ws(message.body):
        problems.append(f"{name}: body lacks {expect['body_contains']!r}")
    names = {a.filename for a in message.attachments}
    problems += [f"{name}: attachment {w!r} not in {sorted(names)}" for w in expect.get("attachments", []) if w not in names]
    return problems


@pytest.mark.skipif(not ZAMMAD.is_dir(), reason=f"the shared Zammad corpus is not at {ZAMMAD}")
def test_zammad_corpus(regulation, tmp_path):
    """Each message read into a new database of its own (Zammad's fixtures reuse Message-IDs)."""
    expectations = _zammad_expect()
    assert len(expectations) == 60 and set(OUR_SENDERS) == {n for n, e in expectations.items() if "from" not in e}
    problems = [p for name, expect in sorted(expectations.items())
                for p in _zammad_problems(name, expect, regulation, tmp_path / f"{name}.db")]  # fmt: skip
    assert not problems, "\n".join(problems)


# --- mail that must not be answered (tests/data/channels/mail/corpus_auto) ---------------------

AUTO = Path(__file__).parent / "corpus_auto"
# Each message answers our reply <question@fenix.example> at night; all but the customer's own
# answer are automatic: stored, never answered, and the ticket keeps its status and its clock.
AUTOMATIC = {path.name: not path.name.startswith("19_") for path in sorted(AUTO.glob("*.eml"))}
FRIDAY_NOON, SATURDAY_NIGHT = "2026-11-27T12:00:00+03:00", datetime(2026, 11, 28, 3, 0, tzinfo=timezone(timedelta(hours=3)))


def test_the_automatic_corpus_has_every_case_and_a_control():
    assert len(AUTOMATIC) == 19 and list(AUTOMATIC.values()).count(False) == 1


def waiting_thread(make_desk):
    """#1001 from Иван: answered on Friday (Message-ID <question@fenix.example>), waiting for him."""
    desk = make_desk(FRIDAY_NOON)
    desk.own_addresses = frozenset({"support@fenix.example"})
    question = EmailMessage()
    question["From"], question["Subject"], question["Message-ID"] = "ivan@example.ru", "Пришлите проект", "<first@example.ru>"
    question.set_content("Не открывается проект.")
    assert ingest_bytes(desk, question.as_bytes(), "question").ticket_number == 1001
    tickets.add_reply(desk, 1001, "Пришлите, пожалуйста, проект.", message_id="question@fenix.example")
    tickets.set_status(desk, 1001, "waiting")
    desk.clock.set(SATURDAY_NIGHT)
    return desk


@pytest.mark.parametrize("name", sorted(AUTOMATIC))
def test_automatic_mail_in_a_waiting_thread_is_stored_and_changes_nothing(make_desk, name):
    desk = waiting_thread(make_desk)
    before = m.Ticket.get(m.Ticket.number == 1001)
    result = ingest_bytes(desk, (AUTO / name).read_bytes(), name)
    assert (result.outcome, result.ticket_number) == (JOINED, 1001), result.reason
    after = m.Ticket.get(m.Ticket.number == 1001)
    clock = (after.status, after.waiting_since, after.paused_seconds, after.due_at)
    if AUTOMATIC[name]:
        assert clock == (before.status, before.waiting_since, before.paused_seconds, before.due_at) == ("waiting", before.waiting_since, 0, None)
    else:
        assert after.status == "open" and after.waiting_since is None  # the customer answered: back to work
    assert m.Outbox.select().count() == 1 and not m.Message.select().where(m.Message.author_kind == "system").exists()


@pytest.mark.parametrize("name", sorted(AUTOMATIC))
def test_automatic_mail_as_a_new_request_at_night_gets_no_notice(make_desk, name):
    desk = make_desk(SATURDAY_NIGHT.isoformat())
    desk.own_addresses = frozenset({"support@fenix.example"})
    result = ingest_bytes(desk, (AUTO / name).read_bytes(), name)
    assert result.outcome == CREATED, result.reason
    notices = m.Message.select().where(m.Message.author_kind == "system").count()
    assert (notices, m.Outbox.select().count()) == ((0, 0) if AUTOMATIC[name] else (1, 1))
