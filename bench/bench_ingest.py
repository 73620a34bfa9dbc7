"""Benchmark of the mail intake: messages per second into the store from a Maildir.

Run from the project root:  .venv/bin/python -m bench.bench_ingest [--count 10000] [--seed 7]

It generates a Maildir of ``--count`` messages in a temporary folder (a realistic mix made with
the standard library: plain Cyrillic text in utf-8 / windows-1251 / koi8-r, HTML-only,
multipart/alternative, small attachments with Cyrillic names, replies that thread by
In-Reply-To or by the subject tag), then measures, in the same run:

* **stdlib parse**: ``email.message_from_bytes`` with the default policy plus reading the text
  body and the attachments' names and bytes: the floor of any Python intake;
* **our parse**: ``data.mail.parse.parse_mail`` (lenient decoding, HTML to text, hashes);
* **ingest**: ``helpdesk ingest MAILDIR`` minus the CLI: parse, dedup, threading, customer and
  product, ``create_ticket`` / ``add_customer_message`` in one transaction per message, and the
  Maildir move to ``cur/``, on a fresh SQLite store.

It prints messages per second for each and the ratio of ingest time to stdlib parse time.
"""

from __future__ import annotations

import argparse
import email
import mailbox
import random
import shutil
import tempfile
import time as clock
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from helpdesk.data.core.clock import Clock
from helpdesk.data.rules.desk import os_login
from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.rules.desk import Desk
from helpdesk.data.channels.mail.ingest import ingest_path
from helpdesk.data.channels.mail.parse import parse_mail
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store.database import open_store

PRODUCTS = ["Fenix+ 3", "Fenix+ Academy", "FireGuard 3", "Fenix Server", "Fenix Server Academy", "FireGuard 2"]
WORDS = ("проект не открывается после обновления ошибка при расчёте дымоудаления лицензия не активируется "
         "просим помочь срочно сервер отчёт печать экспорт импорт версия установка").split()  # fmt: skip


def sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_message(rng: random.Random, i: int, roots: list[tuple[str, int]]) -> bytes:
    msg = EmailMessage()
    customer = rng.randrange(max(1, i // 4 + 1))
    msg["From"] = f"Клиент {customer} <client{customer}@example.ru>"
    msg["To"] = "support@fenix.example"
    msg["Date"] = "Wed, 25 Nov 2026 10:00:00 +0300"
    msg["Message-ID"] = f"<bench-{i}@example.ru>"
    kind = rng.random()
    subject = f"{rng.choice(PRODUCTS)}: {sentence(rng, 4)}"
    if roots and kind < 0.2:  # a reply threading by In-Reply-To
        root_id, _ = rng.choice(roots)
        msg["In-Reply-To"] = f"<{root_id}>"
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
        data = rng.randbytes(rng.randint(2_000, 60_000))
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=f"проект {i}.fpp")
    if kind >= 0.2:
        roots.append((f"bench-{i}@example.ru", i))
    return msg.as_bytes()


def build_maildir(root: Path, count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    box = mailbox.Maildir(str(root), create=True)
    roots: list[tuple[str, int]] = []
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


def timed(label: str, count: int, fn) -> float:
    start = clock.perf_counter()
    fn()
    seconds = clock.perf_counter() - start
    print(f"{label:<14} {seconds:8.2f} s   {count / seconds:9.0f} messages/s")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="messages in the generated Maildir (default 10000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        start = clock.perf_counter()
        messages = build_maildir(work / "Maildir", args.count, args.seed)
        size = sum(map(len, messages))
        print(f"generated {args.count} messages ({size / 1e6:.1f} MB) in {clock.perf_counter() - start:.1f} s")

        base = timed("stdlib parse", args.count, lambda: [stdlib_parse(raw) for raw in messages])
        ours = timed("our parse", args.count, lambda: [parse_mail(raw) for raw in messages])

        regulation = load_regulation()
        open_store(str(work / "bench.db"), regulation, Clock().now(), creator=os_login())
        desk = Desk(regulation, FixedClock(parse_instant("2026-11-25T11:00:00+03:00")), "bench")
        results: list = []
        full = timed("ingest", args.count, lambda: results.extend(ingest_path(desk, work / "Maildir")))
        outcomes = {o: sum(1 for r in results if r.outcome == o) for o in ("created", "joined", "duplicate", "quarantined")}
        print(f"outcomes: {outcomes}")
        print(f"our parse / stdlib parse: {ours / base:.2f}x   ingest / stdlib parse: {full / base:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
