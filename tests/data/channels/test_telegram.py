"""data/channels/telegram.py against a Bot API stand-in on 127.0.0.1 fed with real-shaped updates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk.data.core.config import OutboxSettings
from helpdesk.data.core.errors import Code, HelpdeskError, ValidationError, decode_reason
from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.delivery import outbox
from helpdesk.data.channels import quarantine
from helpdesk.data.channels.retry import retry_quarantined
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.read import views
from helpdesk.data.channels.telegram import OFFSET_KEY, BotApi, BotApiError, TelegramSender, poll_once, split_text
from tests.data.bot_api_standin import CHAT, TOKEN, BotApiStandIn, document_update, photo_update, text_update


@pytest.fixture
def bot():
    standin = BotApiStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def api(bot):
    return BotApi(TOKEN, bot.url, timeout=10)


def offset() -> int | None:
    row = m.Meta.get_or_none(m.Meta.key == OFFSET_KEY)
    return int(row.value) if row else None


def test_first_message_opens_a_ticket_later_ones_join_it(desk, bot, api):
    bot.updates = [text_update(100, 1, "Здравствуйте! Fenix+ 3 не запускается\nподробности ниже"),
                   text_update(101, 2, "Версия 3.2.1")]  # fmt: skip
    results = poll_once(desk, api)
    assert [(r.outcome, r.ticket_number) for r in results] == [("created", 1001), ("joined", 1001)]
    ticket = tickets.get_ticket(1001)
    assert (ticket.channel, ticket.telegram_chat, ticket.product.name) == ("telegram", "555001", "Fenix+ 3")
    assert ticket.subject == "Здравствуйте! Fenix+ 3 не запускается"
    assert (ticket.customer.telegram, ticket.customer.name, ticket.customer.email) == ("555001", "Иван Петров (@ivanp)", None)
    assert [msg.body for msg in views.get_thread(1001).messages] == [
        "Здравствуйте! Fenix+ 3 не запускается\nподробности ниже", "Версия 3.2.1"]
    assert offset() == 102


def test_the_offset_survives_a_restart_nothing_is_read_twice(desk, bot, api):
    bot.updates = [text_update(100, 1, "первое")]
    poll_once(desk, api)
    bot.updates.append(text_update(101, 2, "второе"))
    restarted = BotApi(TOKEN, bot.url, timeout=10)
    results = poll_once(desk, restarted)
    assert [r.update_id for r in results] == [101]
    assert bot.sent("getUpdates")[-1]["offset"] == 101
    assert m.Message.select().count() == 2


def test_photos_and_documents_become_attachments(desk, bot, api):
    bot.add_file("AgACAgIAAxkBAAIBphoto", b"\x89PNG big photo", "photos/file_1.jpg")
    bot.add_file("BQACAgIAAxkBAAIBdoc", "проект".encode() + b"\x00\x01", "documents/file_2.fpp")
    bot.updates = [photo_update(200, 10, "скриншот ошибки"), document_update(201, 11, "BQACAgIAAxkBAAIBdoc", "проект объекта.fpp", 14)]
    poll_once(desk, api)
    messages = views.get_thread(1001).messages
    assert messages[0].body == "скриншот ошибки"
    photo = messages[0].attachments[0]
    assert photo.filename == "photo_AQADbig.jpg" and views.attachment_content(photo.id)[1] == b"\x89PNG big photo"
    doc = messages[1].attachments[0]
    assert doc.filename == "проект объекта.fpp" and views.attachment_content(doc.id)[1] == "проект".encode() + b"\x00\x01"
    assert messages[1].body == ""
    assert {c["file_id"] for c in bot.sent("getFile")} == {"AgACAgIAAxkBAAIBphoto", "BQACAgIAAxkBAAIBdoc"}  # the big photo only


def test_a_download_failure_leaves_the_update_to_be_read_again(desk, bot, api):
    bot.add_file("BQAD-doc", b"data", "documents/x.bin")
    bot.updates = [document_update(300, 1, "BQAD-doc", "x.bin", 4)]
    bot.fail["download"] = (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    with pytest.raises(BotApiError) as failed:
        poll_once(desk, api)
    assert (failed.value.code, failed.value.params, failed.value.permanent) == (
        Code.TELEGRAM_REFUSED, {"method": "download", "description": "Bad Gateway", "http_status": 502}, False)
    assert offset() is None and m.Message.select().count() == 0
    del bot.fail["download"]
    assert [r.outcome for r in poll_once(desk, api)] == ["created"]
    assert offset() == 301


def test_a_file_the_bot_api_refuses_is_noted_not_lost(desk, bot, api):
    bot.updates = [document_update(400, 1, "BQAD-missing", "огромный.zip", 30 * 1024 * 1024)]
    bot.updates.append(document_update(401, 2, "BQAD-gone", "пропал.bin", 10))
    poll_once(desk, api)
    bodies = [msg.body for msg in views.get_thread(1001).messages]
    assert "огромный.zip: not received" in bodies[0] and "20 MB" in bodies[0]
    assert "пропал.bin: not received: Bad Request: invalid file_id" in bodies[1]


def test_an_answer_without_the_file_path_is_noted_too(desk, bot, api):
    bot.updates = [document_update(450, 1, "BQAD-odd", "странный.bin", 10)]
    bot.fail["getFile"] = (200, {"ok": True, "result": {"file_id": "BQAD-odd"}})
    with pytest.raises(BotApiError) as refused:
        api.download("BQAD-odd")
    assert (refused.value.code, refused.value.params, refused.value.permanent) == (
        Code.TELEGRAM_NO_FILE_PATH, {"method": "getFile"}, True)
    poll_once(desk, api)
    assert views.get_thread(1001).messages[0].body == "[странный.bin: not received: not downloaded]"


def test_a_finished_ticket_makes_the_next_message_a_new_request(desk, bot, api):
    bot.updates = [text_update(500, 1, "первая заявка")]
    poll_once(desk, api)
    tickets.set_status(desk, 1001, st.RESOLVED)
    bot.updates.append(text_update(501, 2, "новая проблема"))
    [result] = poll_once(desk, api)
    assert (result.outcome, result.ticket_number) == ("created", 1002)
    assert tickets.get_ticket(1002).customer_id == tickets.get_ticket(1001).customer_id


def test_an_update_delivered_again_is_not_stored_twice(desk, bot, api):
    bot.updates = [text_update(600, 1, "один раз")]
    poll_once(desk, api)
    m.Meta.delete().where(m.Meta.key == OFFSET_KEY).execute()  # the offset lost: the message id still guards
    assert [r.outcome for r in poll_once(desk, api)] == ["duplicate"]
    assert m.Message.select().count() == 1


def test_service_messages_are_skipped_but_move_the_offset(desk, bot, api):
    bot.updates = [{"update_id": 700, "message": {"message_id": 1, "from": {"id": 1}, "chat": CHAT, "date": 1795590000,
                                                  "new_chat_title": "x"}},
                   {"update_id": 701, "my_chat_member": {"chat": CHAT}}]  # fmt: skip
    results = poll_once(desk, api)
    assert [r.outcome for r in results] == ["skipped", "skipped"]
    assert [decode_reason(r.detail).code for r in results] == [Code.TELEGRAM_SERVICE_MESSAGE, Code.TELEGRAM_NOT_A_MESSAGE]
    assert offset() == 702 and m.Ticket.select().count() == 0


def test_replies_go_back_by_send_message(desk, bot, api):
    bot.updates = [text_update(800, 1, "вопрос")]
    poll_once(desk, api)
    tickets.add_reply(desk, 1001, "Здравствуйте! Ответ.", attachments=[values.AttachmentInput("инструкция.pdf", b"%PDF", "application/pdf")])
    tickets.add_reply(desk, 1001, "заметка", note=True)
    results = outbox.send_due(desk, {"telegram": TelegramSender(api)}, OutboxSettings())
    assert [r.outcome for r in results] == ["sent"]
    assert bot.sent("sendMessage") == [{"chat_id": "555001", "text": "Здравствуйте! Ответ."}]
    [doc] = bot.sent("sendDocument")
    assert doc["chat_id"] == "555001" and doc["document"] == {"filename": "инструкция.pdf", "data": b"%PDF"}


def test_a_blocked_bot_fails_for_good_and_flood_control_retries(desk, bot, api):
    bot.updates = [text_update(900, 1, "вопрос")]
    poll_once(desk, api)
    tickets.add_reply(desk, 1001, "ответ")
    bot.fail["sendMessage"] = (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 300",
                                     "parameters": {"retry_after": 300}})  # fmt: skip
    [first] = outbox.send_due(desk, {"telegram": TelegramSender(api)}, OutboxSettings())
    assert first.outcome == "retry" and first.next_attempt_at == desk.now() + timedelta(seconds=300)
    del bot.fail["sendMessage"]
    bot.blocked_chats.add("555001")
    desk.clock.advance(timedelta(seconds=300))
    [second] = outbox.send_due(desk, {"telegram": TelegramSender(api)}, OutboxSettings())
    assert second.outcome == "failed"
    refused = decode_reason(second.detail)  # the Bot API's own words are kept inside the code
    assert (refused.code, refused.params) == (Code.TELEGRAM_REFUSED, {
        "method": "sendMessage", "description": "Forbidden: bot was blocked by the user", "http_status": 403})
    assert views.get_thread(1001).messages[-1].delivery == "failed"


def test_long_replies_are_split():
    pieces = split_text("строка\n" * 1000, limit=100)
    assert all(len(p) <= 100 for p in pieces) and "".join(p + "\n" for p in pieces).count("строка") == 1000


def test_errors_never_show_the_token(desk, bot):
    wrong = BotApi("999:wrong", bot.url)
    with pytest.raises(BotApiError) as info:
        poll_once(desk, wrong)
    assert (info.value.code, info.value.params) == (
        Code.TELEGRAM_REFUSED, {"method": "getUpdates", "description": "Unauthorized", "http_status": 401})
    assert "999:wrong" not in str(info.value) and info.value.permanent is False
    unreachable = BotApi(TOKEN, "http://127.0.0.1:9", timeout=2)
    with pytest.raises(BotApiError) as info:
        unreachable.get_updates(None)
    assert (info.value.code, info.value.params["method"]) == (Code.TELEGRAM_UNREACHABLE, "getUpdates")
    assert TOKEN not in str(info.value) and info.value.retry_after is None
    for token, code in (("", Code.TELEGRAM_NO_TOKEN), (TOKEN + "\n", Code.TELEGRAM_TOKEN_INVALID),
                        ("123:токен", Code.TELEGRAM_TOKEN_INVALID)):  # fmt: skip
        with pytest.raises(HelpdeskError) as info:
            BotApi(token, bot.url)
        assert (info.value.code, info.value.params) == (code, {})


def test_a_refusal_quoting_the_url_has_the_token_taken_out(desk, bot, api):
    bot.add_file("BQAD-sp", b"data", "documents/with space.bin")
    with pytest.raises(BotApiError) as info:
        api.download("BQAD-sp")
    assert (info.value.code, info.value.params["method"]) == (Code.TELEGRAM_UNREACHABLE, "download")
    assert "/file/bot<token>/documents/with space.bin" in info.value.params["detail"] and TOKEN not in str(info.value)


@pytest.mark.parametrize(
    "answer, code, params",
    [
        ((502, b"<html>Bad Gateway</html>"), Code.TELEGRAM_HTTP_ERROR, {"method": "getUpdates", "http_status": 502}),
        ((200, b"<html>a captive portal</html>"), Code.TELEGRAM_NOT_JSON, {"method": "getUpdates"}),
        ((200, {"ok": False}), Code.TELEGRAM_REFUSED,
         {"method": "getUpdates", "description": '{"ok": false}', "http_status": None}),
    ],
)  # fmt: skip
def test_an_answer_that_is_not_the_bot_apis_says_what_came(bot, api, answer, code, params):
    bot.fail["getUpdates"] = answer
    with pytest.raises(BotApiError) as info:
        api.get_updates(None)
    assert (info.value.code, info.value.params) == (code, params)


def test_an_update_that_cannot_be_stored_is_quarantined_and_can_be_retried(desk, bot, api, monkeypatch):
    bot.add_file("BQAD-q", b"payload", "documents/q.bin")
    bot.updates = [document_update(1000, 1, "BQAD-q", "q.bin", 7), text_update(1001, 2, "следующее")]

    real = tickets.create_ticket
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValidationError("subject", Code.TICKET_SUBJECT_REQUIRED)
        return real(*args, **kwargs)

    monkeypatch.setattr(tickets, "create_ticket", flaky)
    results = poll_once(desk, api)
    assert [r.outcome for r in results] == ["quarantined", "created"]
    assert offset() == 1002
    [item] = quarantine.list_quarantine()
    assert (results[0].quarantine_id, results[0].detail) == (item.id, item.reason)
    stored = decode_reason(item.reason)
    assert (stored.code, stored.params["error"].code) == (Code.INTAKE_CANNOT_STORE, Code.TICKET_SUBJECT_REQUIRED)
    assert item.source.startswith("telegram:")
    retried = retry_quarantined(desk, item.id)
    assert retried.outcome == "joined" and retried.ticket_number == 1001
    assert offset() == 1002  # the retry did not move the offset back
    names = [a.filename for msg in views.get_thread(1001).messages for a in msg.attachments]
    assert names == ["q.bin"]


def test_a_name_with_line_breaks_is_stored_on_one_line(desk, bot, api):
    user = {"id": 555001, "is_bot": False, "first_name": "Иван\r\nBcc:", "last_name": "Петров\x1b[2J", "username": "ivanp"}
    bot.updates = [text_update(100, 1, "Не запускается\x07 программа", user=user), text_update(101, 2, "ещё", user=user)]
    poll_once(desk, api)
    ticket = tickets.get_ticket(1001)
    assert ticket.customer.name == "Иван Bcc: Петров[2J (@ivanp)"
    assert ticket.subject == "Не запускается программа"
    assert [msg.author for msg in views.get_thread(1001).messages] == ["Иван Bcc: Петров[2J (@ivanp)"] * 2


def test_an_update_over_a_limit_is_quarantined_naming_it(desk, bot, api):
    desk.limits = values.Limits(body_bytes=10)
    bot.updates = [text_update(100, 1, "Очень длинное сообщение")]
    [result] = poll_once(desk, api)
    assert result.outcome == "quarantined" and decode_reason(result.detail).code is Code.LIMIT_BODY
    assert m.Ticket.select().count() == 0 and offset() == 101
