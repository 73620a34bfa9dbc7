"""Writes the test mail corpus beside this script: ``python tests/data/mail/corpus/make_corpus.py``.

Each message exercises one case of the mail intake; tests/data/mail/test_corpus.py holds the
expected outcome of each (its EXPECT table). The messages are built with the standard library's
email package where it can build them, and as raw bytes where the case is a broken or unusual
one it would not produce. Output is deterministic (fixed dates and ids), so re-running the
script rewrites the same files.
"""

from __future__ import annotations

import base64
import binascii
from email.header import Header
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, compat32
from email.utils import formataddr
from pathlib import Path

HERE = Path(__file__).parent
DATE = "Wed, 25 Nov 2026 10:00:00 +0300"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PROJECT = b"FPP\x00\x01 project file \xff\xfe" * 20


def headers(msg, name: str, *, subject: str | None = None, sender: str = "ivan@example.ru", sender_name: str = "Иван Петров",
            message_id: str | None = "auto", extra: dict | None = None) -> None:
    modern = isinstance(msg, EmailMessage)  # the new API encodes by itself; compat32 needs Header
    if sender_name:
        msg["From"] = formataddr((sender_name, sender)) if modern else formataddr((str(Header(sender_name, "utf-8")), sender))
    else:
        msg["From"] = sender
    msg["To"] = "support@fenix.example"
    if subject is not None:
        msg["Subject"] = subject if modern or subject.isascii() else Header(subject, "utf-8")
    msg["Date"] = DATE
    if message_id == "auto":
        msg["Message-ID"] = f"<{name}@corpus.example>"
    elif message_id:
        msg["Message-ID"] = message_id
    for key, value in (extra or {}).items():
        msg[key] = value


def write(name: str, data: bytes | object) -> None:
    if not isinstance(data, (bytes, bytearray)):
        for i, part in enumerate(data.walk()):  # fixed boundaries: the same bytes on every run
            if part.is_multipart():
                part.set_boundary(f"=={name.split('_')[0]}-{i}==")
        data = data.as_bytes(policy=compat32) if not isinstance(data, EmailMessage) else data.as_bytes(policy=SMTP)
    (HERE / name).write_bytes(bytes(data))


def text_mail(name, body, charset, cte, subject, **kw):
    msg = MIMEText("", "plain", charset)
    del msg["Content-Transfer-Encoding"]
    payload = body.encode(charset)
    if cte == "base64":
        msg.set_payload(base64.encodebytes(payload).decode("ascii"))
    elif cte == "quoted-printable":
        import quopri

        msg.set_payload(quopri.encodestring(payload).decode("ascii"))
    else:
        msg.set_payload("")
    msg["Content-Transfer-Encoding"] = cte
    headers(msg, name, subject=subject, **kw)
    if cte == "8bit":  # the generator will not write raw 8-bit bodies: add the bytes by hand
        return msg.as_bytes(policy=compat32).rstrip(b"\n") + b"\n" + payload
    return msg


def main() -> None:
    for old in HERE.glob("*.eml"):
        old.unlink()

    # --- charsets and transfer encodings ---
    write("01_utf8_8bit.eml", text_mail("01", "Здравствуйте! Программа не запускается после обновления.\n", "utf-8", "8bit",
                                         "Не запускается программа"))
    write("02_cp1251_qp.eml", text_mail("02", "Добрый день. Ошибка при сохранении проекта в windows-1251.\n", "windows-1251",
                                         "quoted-printable", "Ошибка сохранения"))
    write("03_koi8r_base64.eml", text_mail("03", "Прошу помочь: лицензия не активируется (koi8-r).\n", "koi8-r", "base64",
                                            "Лицензия"))
    write("04_iso8859_5_qp.eml", text_mail("04", "Текст письма в кодировке iso-8859-5, всё читается.\n", "iso-8859-5",
                                            "quoted-printable", "Кодировка iso-8859-5"))
    write("05_gb2312_base64.eml", text_mail("05", "您好，软件无法启动。请帮助我们。\n", "gb2312", "base64", "软件无法启动"))
    msg = MIMEText("", "plain", "iso-2022-jp")
    del msg["Content-Transfer-Encoding"]
    msg.set_payload("ソフトウェアが起動しません。よろしくお願いします。\n".encode("iso-2022-jp").decode("ascii"))
    msg["Content-Transfer-Encoding"] = "7bit"
    headers(msg, "06", subject="起動しません")
    write("06_iso2022jp_7bit.eml", msg)
    write("07_utf8_qp.eml", text_mail("07", "Строка в quoted-printable: «кавычки» и — тире.\n", "utf-8", "quoted-printable",
                                       "QP письмо"))
    write("08_utf8_base64.eml", text_mail("08", "Тело письма закодировано base64 целиком.\n", "utf-8", "base64", "Base64 письмо"))

    # --- HTML ---
    html = ("<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
            "<p>Здравствуйте,</p><p>не работает <b>экспорт</b> в&nbsp;PDF &amp; DWG.</p>"
            "<ul><li>шаг один</li><li>шаг два</li></ul>"
            '<p>Подробнее: <a href="https://fenix.example/kb/42">база знаний</a></p></body></html>')
    msg = MIMEText(html, "html", "utf-8")
    headers(msg, "09", subject="Только HTML")
    write("09_html_only.eml", msg)

    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText("Текстовая часть письма: выбрана она.\n", "plain", "utf-8"))
    alt.attach(MIMEText("<p>HTML-часть того же письма.</p>", "html", "utf-8"))
    headers(alt, "10", subject="Альтернативы")
    write("10_alternative.eml", alt)

    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText("Откройте HTML-версию письма.\n", "plain", "utf-8"))
    alt.attach(MIMEText("<p>" + "Полное описание проблемы с расчётом дымоудаления в проекте. " * 12 + "</p>", "html", "utf-8"))
    headers(alt, "11", subject="Заглушка вместо текста")
    write("11_alternative_stub.eml", alt)

    # --- attachments ---
    msg = EmailMessage()
    headers(msg, "12", subject="Проект во вложении")
    msg.set_content("Прикладываю проект, в котором видна ошибка.\n")
    msg.add_attachment(PROJECT, maintype="application", subtype="octet-stream", filename="проект объекта №1.fpp")
    write("12_attachment_rfc2231_cyrillic.eml", msg)

    mixed = MIMEMultipart("mixed")
    mixed.attach(MIMEText("Скриншот ошибки во вложении.\n", "plain", "utf-8"))
    part = MIMEApplication(PNG, "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename=str(Header("скриншот ошибки.png", "utf-8")))
    mixed.attach(part)
    headers(mixed, "13", subject="Скриншот (имя в RFC 2047)")
    write("13_attachment_rfc2047_name.eml", mixed)

    related = MIMEMultipart("related")
    related.attach(MIMEText('<p>Вот так выглядит окно:</p><img src="cid:shot1">', "html", "utf-8"))
    image = MIMEImage(PNG, "png")
    image.add_header("Content-ID", "<shot1>")
    image.add_header("Content-Disposition", "inline", filename="окно.png")
    related.attach(image)
    headers(related, "14", subject="Встроенная картинка")
    write("14_inline_image.eml", related)

    # --- broken MIME ---
    write("15_broken_no_boundary.eml", (
        "From: Пётр <petr@example.ru>\r\nTo: support@fenix.example\r\nSubject: =?utf-8?B?0JHQtdC3INCz0YDQsNC90LjRhg==?=\r\n"
        f"Date: {DATE}\r\nMessage-ID: <15@corpus.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="never-used"\r\n\r\n'
        "Текст без границ частей: письмо всё равно читается.\r\n").encode("utf-8"))
    write("16_broken_base64.eml", (
        "From: petr@example.ru\r\nTo: support@fenix.example\r\nSubject: Broken base64 attachment\r\n"
        f"Date: {DATE}\r\nMessage-ID: <16@corpus.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
        "Attachment below is damaged.\r\n--b1\r\nContent-Type: application/octet-stream; name=\"damaged.bin\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all###\r\n--b1--\r\n").encode("utf-8"))
    write("17_broken_header_junk_line.eml", (
        "---- Forwarded by a broken gateway ----\r\nFrom: olga@example.ru\r\nSubject: Junk before headers\r\n"
        f"Date: {DATE}\r\nMessage-ID: <17@corpus.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Заголовки после мусорной строки.\r\n").encode("utf-8"))
    write("18_no_message_id.eml", text_mail("18", "Письмо без Message-ID: повтор отбрасывается по хешу.\n", "utf-8", "8bit",
                                             "Без Message-ID", message_id=None))

    # --- threading (ingested in name order: the root first, so it is ticket #1001) ---
    write("00a_thread_root.eml", text_mail("20", "Первое письмо переписки: Fenix+ 3 падает при печати.\n", "utf-8", "8bit",
                                           "Падает при печати", message_id="<root-20@corpus.example>"))
    write("00b_thread_in_reply_to.eml", text_mail("21", "Ответ клиента по In-Reply-To.\n", "utf-8", "8bit",
                                                  "Re: Падает при печати",
                                                  extra={"In-Reply-To": "<root-20@corpus.example>"}))
    write("00c_thread_references.eml", text_mail("22", "Ответ клиента только с References.\n", "utf-8", "8bit",
                                                 "Re: Re: Падает при печати",
                                                 extra={"References": "<unknown@elsewhere.example> <root-20@corpus.example>"}))
    write("00d_thread_tag.eml", text_mail("23", "Ответ из клиента, который теряет заголовки: только тег.\n", "utf-8", "8bit",
                                          "Re: [#1001] Падает при печати"))
    write("00e_thread_tag_other_sender.eml", text_mail("24", "Чужой тег в теме не присоединяет письмо.\n", "utf-8", "8bit",
                                                       "[#1001] попытка дописать в чужую заявку",
                                                       sender="mallory@example.net", sender_name="Mallory"))

    # --- odd content ---
    uu = "".join(binascii.b2a_uu(PROJECT[i:i + 45]).decode("ascii") for i in range(0, len(PROJECT), 45))
    write("30_uuencode.eml", text_mail("30", f"Файл в uuencode:\n\nbegin 644 report.fpp\n{uu}`\nend\n\nСпасибо.\n", "utf-8",
                                        "8bit", "uuencode во вложении"))
    outer = MIMEMultipart("mixed")
    outer.attach(MIMEText("Пересылаю письмо клиента.\n", "plain", "utf-8"))
    inner = MIMEText("Внутреннее письмо.\n", "plain", "utf-8")
    headers(inner, "31-inner", subject="Исходное письмо")
    from email.mime.message import MIMEMessage

    outer.attach(MIMEMessage(inner))
    headers(outer, "31", subject="Fwd: Исходное письмо")
    write("31_forwarded_rfc822.eml", outer)
    write("32_no_from_reply_to.eml", (
        "Reply-To: Анна <anna@example.ru>\r\nTo: support@fenix.example\r\nSubject: No From header\r\n"
        f"Date: {DATE}\r\nMessage-ID: <32@corpus.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Нет заголовка From, адрес берётся из Reply-To.\r\n").encode("utf-8"))
    report = MIMEMultipart("report", report_type="delivery-status")
    report.attach(MIMEText("Delivery to the following recipient failed permanently: nobody@example.ru\n", "plain", "utf-8"))
    headers(report, "33", subject="Undelivered Mail Returned to Sender", sender="MAILER-DAEMON@mx.fenix.example",
            sender_name="Mail Delivery System", extra={"Auto-Submitted": "auto-replied"})
    write("33_bounce.eml", report)
    write("34_product_fenix3.eml", text_mail("34", "У нас Fenix+ 3, и после обновления Fenix+ не стартует.\n", "utf-8", "8bit",
                                              "Вопрос по версии"))
    write("35_product_server_academy.eml", text_mail("35", "Установили Fenix Server Academy на стенд.\n", "utf-8", "8bit",
                                                      "Учебный сервер"))
    write("36_product_none.eml", text_mail("36", "Где скачать документацию?\n", "utf-8", "8bit", "Документация"))
    write("37_raw_8bit_cp1251_subject.eml", (
        "From: sergey@example.ru\r\nTo: support@fenix.example\r\n".encode("ascii")
        + "Subject: Проблема с лицензией\r\n".encode("cp1251")
        + f"Date: {DATE}\r\nMessage-ID: <37@corpus.example>\r\n\r\n".encode("ascii")
        + "Тело без объявленной кодировки.\r\n".encode("cp1251")))
    write("38_not_mail.eml", bytes(range(256)) * 4)
    write("39_empty_body.eml", (
        f"From: empty@example.ru\r\nTo: support@fenix.example\r\nSubject: Empty\r\nDate: {DATE}\r\n"
        "Message-ID: <39@corpus.example>\r\n\r\n").encode("ascii"))
    write("40_utf7_subject.eml", (
        "From: utf7@example.ru\r\nTo: support@fenix.example\r\n"
        "Subject: =?unicode-1-1-utf-7?Q?+BB8EQAQ4BDIENQRC-?=\r\n"
        f"Date: {DATE}\r\nMessage-ID: <40@corpus.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "UTF-7 в теме.\r\n").encode("utf-8"))
    write("41_koi8r_q_subject_from_name.eml", (
        "From: =?koi8-r?Q?=F0=C5=D4=D2=CF=D7_=E9=D7=C1=CE?= <koi8@example.ru>\r\nTo: support@fenix.example\r\n"
        "Subject: =?koi8-r?Q?=F7=CF=D0=D2=CF=D3_=D0=CF_=CC=C9=C3=C5=CE=DA=C9=C9?=\r\n"
        f"Date: {DATE}\r\nMessage-ID: <41@corpus.example>\r\nContent-Type: text/plain; charset=koi8-r\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n").encode("ascii") + "Текст в koi8-r.\r\n".encode("koi8-r"))


if __name__ == "__main__":
    main()
