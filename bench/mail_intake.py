"""Mail intake: messages a second into the store from a Maildir, against the standard library's
own parse of the same messages.

A Maildir of generated mail (plain Cyrillic text in utf-8 / windows-1251 / koi8-r, HTML-only,
multipart/alternative, small attachments with Cyrillic names, replies that thread by
In-Reply-To) is read three ways, in the same run:

* **stdlib parse**: ``email.message_from_bytes`` with the default policy, reading the text body
  and the attachments' names and bytes: the floor of any Python intake (the reference);
* **our parse**: ``data.channels.mail.parse.parse_mail`` (lenient decoding, HTML to text, hashes);
* **ingest**: ``helpdesk ingest MAILDIR`` minus the CLI (parse, dedup, threading, customer and
  product, one transaction per message, the Maildir move to ``cur/``) into a fresh store.

Reported per message; as bench/bench_ingest.py did, no targets.
"""

from __future__ import annotations

import email
import mailbox
import random
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from bench.figures import BenchContext, Figure
from helpdesk.data.channels.mail.ingest import ingest_path
from helpdesk.data.channels.mail.parse import parse_mail
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store

PRODUCTS = ["Fenix+ 3", "Fenix+ Academy", "FireGuard 3", "Fenix Server", "Fenix Server Academy", "FireGuard 2"]
WORDS = ("проект не открывается после обновления ошибка при расчёте дымоудаления лицензия не активируется "
         "просим помочь срочно сервер отчёт печать экспорт импорт версия установка").split()  # fmt: skip


def sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_message(rng: random.Random, i: int, roots: list[str]) -> bytes:
    msg = EmailMessage()
    customer = rng.randrange(max(1, i // 4 + 1))
    msg["From"] = f"Клиент {customer} <client{customer}@example.ru>"
    msg["To"] = "support@fenix.example"
    msg["Date"] = "Wed, 25 Nov 2026 10:00:00 +0300"
    msg["Message-ID"] = f"<bench-{i}@example.ru>"
    reply = roots and rng.random() < 0.2
    subject = f"{rng.choice(PRODUCTS)}: {sentence(rng, 4)}"
    if reply:  # threads by In-Reply-To
        msg["In-Reply-To"] = f"<{rng.choice(roots)}>"
        subject = "Re: " + subject
    msg["Subject"] = subject
    body = "\n\n".join(sentence(rng) for _ in range(rng.randint(2, 8)))
    shape = rng.random()
    if shape < 0.45:
        msg.set_content(body, charset=rng.choice(["utf-8", "windows-1251", "koi8-r"]))
    elif shape < 0.6:
        msg.set_content("<html><body>" + "".join(f"<p>{p}</p>" for p in body.split("\n\n")) + "</body></html>", subtype="html")
    elif shape < 0.85:
        msg.set_content(body)
        msg.add_alternative("<html><body><p>" + body.replace("\n\n", "</p><p>") + "</p></body></html>", subtype="html")
    else:
        msg.set_content(body)
        msg.add_attachment(rng.randbytes(rng.randint(2_000, 60_000)), maintype="application", subtype="octet-stream",
                           filename=f"проект {i}.fpp")  # fmt: skip
    if not reply:
        roots.append(f"bench-{i}@example.ru")
    return msg.as_bytes()


def build_maildir(root: Path, count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    box = mailbox.Maildir(str(root), create=True)
    roots: list[str] = []
    messages = []
    for i in range(count):
        raw = make_message(rng, i, roots)
        messages.append(raw)
        box.add(raw)
    return messages


def stdlib_parse(raw: bytes) -> None:
    msg = email.message_from_bytes(raw, policy=default_policy)
    body = msg.get_body(("plain", "html"))
    if body is not None:
        body.get_content()
    for part in msg.iter_attachments():
        part.get_filename()
        part.get_content()
    str(msg["From"]), str(msg["Subject"])


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(ctx: BenchContext) -> list[Figure]:
    count = 150 if ctx.quick else 3000
    work = ctx.workdir / "mail-intake"
    work.mkdir(parents=True, exist_ok=True)
    messages = build_maildir(work / "Maildir", count, 7)
    base = _seconds(lambda: [stdlib_parse(raw) for raw in messages]) / count * 1000
    ours = _seconds(lambda: [parse_mail(raw) for raw in messages]) / count * 1000
    regulation = load_regulation()
    now = ctx.extra.get("now")
    instant = parse_instant(now) if now else Clock().now()
    open_store(str(work / "intake.db"), regulation, instant, creator=os_login())
    try:
        desk = Desk(regulation, FixedClock(instant), "bench")
        results: list = []
        full = _seconds(lambda: results.extend(ingest_path(desk, work / "Maildir"))) / count * 1000
    finally:
        m.database_proxy.close()
    outcomes = {o: sum(1 for r in results if r.outcome == o) for o in ("created", "joined", "duplicate", "quarantined")}
    stdlib = "the standard library's parse of the same message (email.message_from_bytes, default policy)"
    how = f"{count} generated messages in a Maildir; all at once, per message"
    return [
        Figure("mail: our parse, a message", ours, "ms", stdlib, base, None, notes=how),
        Figure("mail: ingest into a fresh store, a message", full, "ms", stdlib, base, None,
               notes=f"{how}; outcomes {outcomes}"),  # fmt: skip
    ]
