"""tui/cli/intake.py: ingest, quarantine, telegram and outbox from the command line."""

from __future__ import annotations

import base64
import io
import json
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from helpdesk.data.channels import quarantine
from helpdesk.data.core.errors import Code, HelpdeskError, encode_reason
from helpdesk.data.store import models as m
from tests.data.bot_api_standin import TOKEN, BotApiStandIn, text_update
from helpdesk.data.channels.telegram import BotApiError, TelegramResult
from helpdesk.data.delivery.outbox import DeliveryResult
from helpdesk.tui.cli.intake import describe_delivery, describe_telegram
from helpdesk.tui.cli.main import main
from helpdesk.tui.i18n import set_language

CORPUS = Path(__file__).resolve().parents[1] / "data" / "channels" / "mail" / "corpus"


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("HELPDESK_CONFIG", str(path))
    return path


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch, config_file):
    monkeypatch.delenv("HELPDESK_NOW", raising=False)

    def run(*args, now="2026-11-25T10:00:00+03:00", stdin: bytes | None = None, lang="en"):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main(["--db", db_path, "--as", "petrova", "--lang", lang, "--now", now, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_ingest_files_prints_a_line_per_message_and_a_summary(cli):
    code, out, err = cli("ingest", str(CORPUS / "01_utf8_8bit.eml"), str(CORPUS / "38_not_mail.eml"), str(CORPUS / "01_utf8_8bit.eml"))
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].endswith("#1001 new ticket from ivan@example.ru: Не запускается программа")
    assert lines[1].endswith(f"quarantined (id 1): No mail headers found: this is not an e-mail message [file:{CORPUS / '38_not_mail.eml'}]")
    assert lines[2].endswith("#1001 already stored, skipped: Не запускается программа")
    assert lines[3] == "1 new ticket, 0 replies, 1 duplicate, 1 quarantined"


def test_ingest_never_prints_control_characters_from_mail(cli, tmp_path):
    path = tmp_path / "evil.eml"
    path.write_bytes(b"From: evil@example.ru\r\nSubject: =?utf-8?B?" + base64.b64encode("\x1b[2J\x1b]52;c;aGk=\x07 тема".encode())
                     + b"?=\r\nMessage-ID: <evil@x>\r\n\r\nbody\r\n")  # fmt: skip
    code, out, _ = cli("ingest", str(path))
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "␛[2J" in out
    code, out, _ = cli("list")
    assert m.Ticket.get().subject == "[2J]52;c;aGk= тема"  # a subject has no control characters


def test_ingest_usage_errors(cli, tmp_path):
    assert cli("ingest")[0] == 2
    assert cli("ingest", str(CORPUS), "--json", "-")[0] == 2
    assert cli("ingest", str(CORPUS), "--watch", "5")[0] == 2
    code, _, err = cli("ingest", str(tmp_path / "missing"))
    assert code == 1 and err.strip() == f"helpdesk: {tmp_path / 'missing'}: no such file or directory"


def test_ingest_portal_json_from_stdin_and_a_refused_document(cli):
    doc = {"request_id": "P-9", "customer": {"email": "anna@example.ru", "name": "Анна"}, "product": "FireGuard 3",
           "subject": "Портал", "body": "Текст с портала"}  # fmt: skip
    code, out, err = cli("ingest", "--json", "-", stdin=json.dumps(doc, ensure_ascii=False).encode())
    assert (code, out.strip()) == (0, "#1001 new ticket (portal request P-9)"), err
    code, out, _ = cli("ingest", "--json", "-", stdin=json.dumps(doc).encode())
    assert out.strip() == "#1001 unchanged (portal request P-9)"
    bad = [doc, dict(doc, customer={"email": "nope"})]
    code, out, err = cli("ingest", "--json", "-", stdin=json.dumps(bad).encode())
    assert (code, out, err) == (1, "", "helpdesk: [1].customer.email: Not an e-mail address: “nope”\n")
    code, out, err = cli("ingest", "--json", "-", stdin=json.dumps(bad).encode(), lang="ru")
    assert (code, out, err) == (1, "", "helpdesk: [1].customer.email: Это не адрес эл. почты: «nope»\n")
    code, _, err = cli("ingest", "--json", "-", stdin=b"{broken")
    assert (code, err) == (1, "helpdesk: Not valid JSON (line 1, column 2)\n")


def test_quarantine_commands(cli):
    cli("ingest", str(CORPUS / "38_not_mail.eml"))
    code, out, _ = cli("quarantine", "list")
    assert code == 0 and out.startswith("1\t2026-11-25 10:00\tquarantined\tNo mail headers found: this is not an e-mail message\t")
    code, out, _ = cli("quarantine", "list", "--json")
    [item] = json.loads(out)
    assert item["id"] == 1 and item["size"] == 1024 and item["ticket_number"] is None
    assert item["reason"] == "No mail headers found: this is not an e-mail message"
    code, out, _ = cli("quarantine", "show", "1")
    assert code == 0 and "\nReason: No mail headers found: this is not an e-mail message\n" in out and "\x1b" not in out and "\x00" not in out
    code, _, err = cli("quarantine", "retry", "1")
    assert (code, err) == (1, "still quarantined: No mail headers found: this is not an e-mail message\n")
    code, _, err = cli("quarantine", "show", "7")
    assert (code, err) == (1, "helpdesk: Nothing in quarantine with id 7\n")


def test_a_stored_reason_reads_in_the_agents_language(cli):
    """What the intake stores with encode_reason (data/core/errors.py) is shown through describe."""
    assert cli("list")[0] == 0
    reason = encode_reason(HelpdeskError(Code.MAIL_NOT_MAIL))
    quarantine.add(source="file:/tmp/x.eml", reason=reason, raw=b"not mail at all", now=datetime(2026, 11, 25, 7, tzinfo=timezone.utc))
    code, out, _ = cli("quarantine", "list", lang="ru")
    assert code == 0 and "\tНет почтовых заголовков: это не письмо\t" in out
    code, out, _ = cli("quarantine", "show", "1", lang="ru")
    assert "Нет почтовых заголовков: это не письмо" in out and reason not in out
    code, out, _ = cli("quarantine", "list", "--json")
    assert json.loads(out)[0]["reason"] == "No mail headers found: this is not an e-mail message"


def test_a_quarantined_non_mail_file_reads_in_russian(cli):
    code, out, _ = cli("ingest", str(CORPUS / "38_not_mail.eml"), lang="ru")
    assert f"в карантине (id 1): Нет почтовых заголовков: это не письмо [file:{CORPUS / '38_not_mail.eml'}]" in out
    code, out, _ = cli("quarantine", "list", lang="ru")
    assert out.startswith("1\t2026-11-25 10:00\tв карантине\tНет почтовых заголовков: это не письмо\t")


def test_quarantine_show_raw_writes_the_bytes(db_path, config_file, capfdbinary):
    main(["--db", db_path, "ingest", str(CORPUS / "38_not_mail.eml")])
    capfdbinary.readouterr()
    assert main(["--db", db_path, "quarantine", "show", "1", "--raw"]) == 0
    assert capfdbinary.readouterr().out == (CORPUS / "38_not_mail.eml").read_bytes()


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 OK"


def test_outbox_list_and_send_by_smtp(cli, config_file):
    code, _, err = cli("ingest", str(CORPUS / "01_utf8_8bit.eml"))
    cli("reply", "1001", "--body", "Здравствуйте! Ответ.")
    code, out, _ = cli("outbox", "list", "--json")
    [row] = json.loads(out)
    assert (row["ticket_number"], row["state"], row["recipient"], row["channel"]) == (1001, "queued", "ivan@example.ru", "email")
    code, _, err = cli("outbox", "send")
    nothing = f"Nothing can be sent: configure [smtp] (and [mail] from) or telegram.token_env in {config_file} (absent)"
    assert (code, err) == (1, f"helpdesk: {nothing}\n")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config_file.write_text(f'[mail]\nfrom = "support@fenix.example"\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
        code, out, err = cli("outbox", "send")
    finally:
        controller.stop()
    assert code == 0, err
    assert "#1001 sent to ivan@example.ru (email)" in out and out.strip().endswith("1 sent, 0 to retry, 0 failed")
    assert b"Subject: Re: [#1001]" in inbox.received[0]
    code, out, _ = cli("outbox", "list")
    assert "\tsent\t1\t" in out
    code, _, err = cli("outbox", "retry", "1")
    assert (code, err) == (1, "helpdesk: Delivery 1 neither failed nor was skipped: only those are queued again\n")


def test_settings_errors_are_one_line(cli, config_file):
    config_file.write_text('[smtp]\nhost = "h"\npassword = "oops"\n')
    code, _, err = cli("outbox", "send")
    assert code == 1 and err.strip().endswith("smtp.password: secrets are never read from the file: set it in the environment")


def test_telegram_once(cli, monkeypatch):
    bot = BotApiStandIn().start()
    try:
        bot.updates = [text_update(10, 1, "Здравствуйте, не работает FireGuard 2")]
        code, _, err = cli("telegram", "--token-env", "HD_TEST_TOKEN", "--api-url", bot.url, "--once")
        assert code == 1 and "HD_TEST_TOKEN is not set" in err
        monkeypatch.setenv("HD_TEST_TOKEN", TOKEN)
        code, out, err = cli("telegram", "--token-env", "HD_TEST_TOKEN", "--api-url", bot.url, "--once")
        assert code == 0, err
        assert "#1001 new ticket from Telegram Иван Петров (@ivanp)" in out
        cli("reply", "1001", "--body", "Ответ в Telegram")
        code, out, err = cli("telegram", "--token-env", "HD_TEST_TOKEN", "--api-url", bot.url, "--once")
        assert code == 0 and "#1001 sent to 555001 (telegram)" in out
        assert bot.sent("sendMessage")[0]["text"] == "Ответ в Telegram"
        assert TOKEN not in out + err
    finally:
        bot.stop()


def test_telegram_lines_say_why_an_update_was_quarantined_or_skipped():
    stored = encode_reason(HelpdeskError(Code.INTAKE_CANNOT_STORE, error=HelpdeskError(Code.TICKET_CONTACT_REQUIRED)))
    quarantined = TelegramResult(700, "quarantined", detail=stored, quarantine_id=3)
    skipped = TelegramResult(701, "skipped", detail=encode_reason(HelpdeskError(Code.TELEGRAM_SERVICE_MESSAGE)))
    assert describe_telegram(quarantined) == (
        "update 700 quarantined (id 3): Cannot store: The customer's e-mail address, phone number or Telegram handle is required")
    assert describe_telegram(skipped) == "update 701 skipped: a service message: nothing to store"
    set_language("ru")
    assert describe_telegram(quarantined) == (
        "обновление 700 в карантине (id 3): Не удаётся сохранить: Нужен адрес эл. почты, телефон или Telegram клиента")
    assert describe_telegram(skipped) == "обновление 701 пропущено: служебное сообщение: сохранять нечего"


def test_a_failed_delivery_line_gives_the_servers_answer_or_our_words_in_the_agents_language():
    refused = encode_reason(BotApiError(Code.TELEGRAM_REFUSED, "sendMessage", description="Forbidden: bot was blocked by the user"))
    by_telegram = DeliveryResult(1, 1001, "telegram", "555001", "failed", refused, None)
    by_mail = DeliveryResult(2, 1002, "email", "ivan@example.ru", "retry", "451 4.7.1 try later", None)
    set_language("ru")
    assert describe_delivery(by_telegram) == (
        "№1001 не доставлено 555001: Telegram отклонил sendMessage: Forbidden: bot was blocked by the user")
    assert describe_delivery(by_mail).endswith(": 451 4.7.1 try later")


NO_SENDER = ("Subject: Не работает лицензия\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
             "После обновления лицензия не находится.\r\n").encode("utf-8")  # fmt: skip


def test_quarantine_discard_list_all_and_purge(cli, capsys):
    cli("ingest", str(CORPUS / "38_not_mail.eml"))
    with pytest.raises(SystemExit) as usage:
        cli("quarantine", "discard", "1")
    assert usage.value.code == 2  # --reason is required
    capsys.readouterr()
    code, _, err = cli("quarantine", "discard", "1", "--reason", "  ")
    assert (code, err) == (1, "helpdesk: Say why the message is discarded\n")
    code, out, err = cli("quarantine", "discard", "1", "--reason", "не письмо")
    assert (code, out) == (0, "1: discarded; deleted for good after 2026-12-25T10:00:00+03:00\n")
    code, out, _ = cli("quarantine", "list")
    assert (code, out) == (0, "")  # hidden unless --all
    code, out, _ = cli("quarantine", "list", "--all")
    assert out.startswith("1\t2026-11-25 10:00\tdiscarded\t")
    code, out, _ = cli("quarantine", "list", "--all", "--json")
    [item] = json.loads(out)
    assert (item["discard_reason"], item["handled_by"]) == ("не письмо", "petrova")
    code, out, _ = cli("quarantine", "show", "1")
    assert "Discarded: 2026-11-25T10:00:00+03:00 by petrova: не письмо\n" in out
    code, _, err = cli("quarantine", "retry", "1")
    assert (code, err) == (1, "helpdesk: Quarantined message 1 was discarded: nothing was done\n")
    code, out, _ = cli("quarantine", "purge", now="2026-12-20T10:00:00+03:00")
    assert out == "0 discarded messages deleted\n"
    code, out, _ = cli("quarantine", "purge", now="2026-12-26T10:00:00+03:00")
    assert out == "1 discarded message deleted\n"
    code, out, _ = cli("quarantine", "list", "--all")
    assert out == ""


def test_ingest_purges_what_was_discarded_long_ago(cli, tmp_path):
    cli("ingest", str(CORPUS / "38_not_mail.eml"))
    cli("quarantine", "discard", "1", "--reason", "мусор")
    cli("ingest", str(CORPUS / "38_not_mail.eml"), now="2026-12-26T10:00:00+03:00")
    code, out, _ = cli("quarantine", "list", "--all")
    [line] = out.splitlines()  # the old one purged, the same mail arriving again kept
    assert line.split("\t")[1:3] == ["2026-12-26 10:00", "quarantined"]


def test_quarantine_ticket_by_hand(cli, tmp_path):
    mail = tmp_path / "nosender.eml"
    mail.write_bytes(NO_SENDER)
    cli("ingest", str(mail))
    code, _, err = cli("quarantine", "ticket", "1")
    assert (code, err) == (1, "helpdesk: The customer's e-mail address, phone number or Telegram handle is required\n")
    code, out, err = cli("quarantine", "ticket", "1", "--email", "ivan@example.ru", "--name", "Иван Петров")
    assert (code, out) == (0, "1001\n"), err
    code, out, _ = cli("show", "1001", "--json")
    data = json.loads(out)
    assert (data["subject"], data["customer"]["email"]) == ("Не работает лицензия", "ivan@example.ru")
    assert data["messages"][0]["body"].startswith("После обновления лицензия не находится.")
    code, out, _ = cli("quarantine", "list")
    assert "\tstored in #1001\t" in out
    code, _, err = cli("quarantine", "ticket", "1", "--email", "ivan@example.ru")
    assert (code, err) == (1, "helpdesk: Quarantined message 1 is already stored in ticket #1001\n")
