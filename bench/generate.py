"""A support desk's five years, generated: 100,000 tickets and 1,000,000 messages in about a minute.

    .venv/bin/python -m bench.generate --tickets 100000 --messages 1000000 --db /tmp/large.db [--seed 7]

The store is made by the project itself (``open_store``: the schema, the indexes, the products,
the prepared replies, the operating-system user as its first admin); the rows go in with
``executemany`` on the INSERT statements peewee builds from the models, in one transaction.
During the load the secondary indexes are dropped and built again at the end, foreign keys
are not checked and nothing is synced (the file is new: a failed load leaves no database).

What the desk holds, and why it looks like a real one:

* tickets over five years before "now" (``--now``, default the present), more each year, most
  made on working days between 09:00 and 18:00 Moscow time (the regulation's calendar, holidays
  included), some in the evening and at weekends (those get the out-of-hours notice);
* customers with several tickets each (some many: a popular customer is likelier to write
  again), in organisations; about one in seven writes in English, the rest in Russian;
* all eight products of the regulation, their shares moving with the years (Fenix+ and Fenix+ 2
  fading, and flagged ``support_ended`` after 31.12.2021), every channel, every status: the old
  tickets closed, resolved or rejected, the recent ones new, open or waiting for the customer;
* threads of 1 to 500 messages, most of 2-15, a few hundred long ones and one of exactly 500
  (its number: :func:`longest_thread`), told as the operations would tell them: the request,
  the out-of-hours notice, the agent's first answer in working hours, questions and answers,
  internal notes, the customer's thanks, the closing reply; Message-IDs and In-Reply-To on mail;
  some attachments (stored once each, as the store does);
* the audit trail of each: created, notice, assignee, scope, priority, status, reply,
  customer_message and note events at the instants they happened (about 1.2 a message), and
  each ticket's ``version``, ``first_response_at``, ``waiting_since``, ``paused_seconds``,
  ``resolved_at`` and ``due_at`` (data/rules/targets.py) consistent with that trail;
* messages and events numbered in time order across the desk (a thread's messages lie spread
  over the table, as they do after years of work).

Not generated: outbox rows for the replies, split and merge links, drafts, presence.
The same seed, sizes and "now" give the same database.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import sqlite3
import struct
import sys
import time
import zlib
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import peewee as pw

from bench import texts as tx
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.builtin_replies import builtin_replies
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.phrases import taken_up_phrase
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.rules.targets import first_response_due, resolution_due
from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m
from helpdesk.data.store.agents import register as register_agent
from helpdesk.data.store.database import open_store
from helpdesk.data.store.migrations import fill_work_times
from helpdesk.data.tickets.writes import FIRST_NUMBER, ticket_row

GENERATOR_VERSION = 1  # bump when the data changes: the runner's cache keys on it
DEFAULT_SEED = 7
YEARS = 5
LONGEST = 500  # the longest thread, generated once exactly
META_FACTS = "bench.generated"  # Meta rows this generator writes
META_LONGEST = "bench.longest_thread"

DAY = 86400.0
HOUR = 3600.0
MINUTE = 60.0
UTC = timezone.utc

# Message kinds in a thread plan.
C_FIRST, C_FOLLOW, C_THANKS, A_FIRST, A_FOLLOW, A_CLOSE, A_ENDED, A_SCOPE, NOTE, NOTICE = range(10)
AGENT_KINDS = frozenset({A_FIRST, A_FOLLOW, A_CLOSE, A_ENDED, A_SCOPE})
CUSTOMER_KINDS = frozenset({C_FIRST, C_FOLLOW, C_THANKS})

CHANNEL_WEIGHTS = {"email": 58, "portal": 22, "telegram": 15, "phone": 4, "visit": 1}
PRIORITIES = ("low", "normal", "high")
PRIORITY_WEIGHTS = (15, 70, 15)


@dataclass
class GenerateReport:
    tickets: int = 0
    messages: int = 0
    events: int = 0
    customers: int = 0
    attachments: int = 0
    seconds: float = 0.0
    db_bytes: int = 0
    longest_thread: int = 0  # the number of the ticket with LONGEST messages
    now: str = ""
    seed: int = DEFAULT_SEED
    phases: dict = field(default_factory=dict)  # seconds spent planning, telling, writing...

    def summary(self) -> str:
        rate = (lambda n: f"{n / self.seconds:,.0f}/s") if self.seconds else (lambda n: "-")
        size = f", {self.db_bytes / 1e6:,.0f} MB" if self.db_bytes else ""
        return (f"{self.tickets:,} tickets ({rate(self.tickets)}), {self.messages:,} messages ({rate(self.messages)}), "
                f"{self.events:,} events, {self.customers:,} customers, {self.attachments:,} attachments "
                f"in {self.seconds:.1f} s{size}; longest thread #{self.longest_thread}")  # fmt: skip


# --- time: epoch seconds, working windows, stored text -----------------------------------


class _Hours:
    """The calendar's working windows over the generated span as epoch seconds, so that a million
    "this much working time later" cost a bisect each (the same answers as
    ``WorkingCalendar.add_working_time`` / ``working_time_between``, built from its ``day_window``)."""

    def __init__(self, calendar, first: date, last: date):
        tz = calendar.tz
        self.opens: list[float] = []
        self.closes: list[float] = []
        self.midnights: dict[date, float] = {}
        self.windows: dict[date, tuple[float, float] | None] = {}
        day = first
        while day <= last:
            midnight = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
            self.midnights[day] = midnight
            window = calendar.day_window(day)
            if window is None:
                self.windows[day] = None
            else:
                start = datetime.combine(day, window[0], tzinfo=tz).timestamp()
                end = datetime.combine(day, window[1], tzinfo=tz).timestamp()
                self.opens.append(start)
                self.closes.append(end)
                self.windows[day] = (start, end)
            day += timedelta(days=1)
        self.before: list[float] = []  # working seconds before each window
        self.upto: list[float] = []  # ... and up to its end
        total = 0.0
        for start, end in zip(self.opens, self.closes):
            self.before.append(total)
            total += end - start
            self.upto.append(total)

    def position(self, t: float) -> float:
        i = bisect_right(self.opens, t) - 1
        if i < 0:
            return 0.0
        return self.before[i] + min(t - self.opens[i], self.closes[i] - self.opens[i])

    def at_position(self, p: float) -> float:
        i = bisect_left(self.upto, p)
        if i >= len(self.upto):
            i = len(self.upto) - 1
        return self.opens[i] + (p - self.before[i])

    def add(self, t: float, seconds: float) -> float:
        return self.at_position(self.position(t) + seconds)

    def between(self, a: float, b: float) -> float:
        return self.position(b) - self.position(a) if b > a else 0.0

    def is_open(self, t: float) -> bool:
        i = bisect_right(self.opens, t) - 1
        return i >= 0 and t < self.closes[i]

    def next_open(self, t: float) -> float:
        """``t`` if support is open then, else when it next opens."""
        if self.is_open(t):
            return t
        i = bisect_right(self.opens, t)
        return self.opens[min(i, len(self.opens) - 1)]


class _Stamps:
    """Epoch seconds to the store's UTC text (``UTCDateTimeField.FORMAT``) by two table look-ups:
    strftime a million times would cost seconds."""

    def __init__(self, first: float, last: float):
        self.day0 = int(first // DAY) - 1
        days = int(last // DAY) + 2 - self.day0
        self.days = [(datetime(1970, 1, 1) + timedelta(days=self.day0 + d)).strftime("%Y-%m-%d ") for d in range(days)]
        self.clock = [f"{h:02d}:{mi:02d}:{s:02d}.000000" for h in range(24) for mi in range(60) for s in range(60)]

    def __call__(self, t: float) -> str:
        d, s = divmod(int(t), 86400)
        return self.days[d - self.day0] + self.clock[s]


def _instant(t: float) -> datetime:
    return datetime.fromtimestamp(int(t), UTC)


# --- the store: load pragmas, indexes, INSERT statements -----------------------------------

LOADED_TABLES = ("customer", "ticket", "message", "event", "attachment", "blob")


@contextmanager
def _fast_load(db: pw.Database):
    """The load's settings: no syncing, no foreign-key checks, a big page cache, and the loaded
    tables' secondary indexes dropped now and built again (from their own SQL) at the end.
    PostgreSQL: the rows as they are, then each loaded table's id sequence moved past the ids
    written (the load gives its rows their ids)."""
    if isinstance(db, pw.PostgresqlDatabase):
        yield
        for table in LOADED_TABLES:
            if table != "blob":  # keyed by its hash
                db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), max(\"id\")) "
                               f"FROM \"{table}\" HAVING max(\"id\") IS NOT NULL")  # fmt: skip
        return
    saved = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in ("foreign_keys", "synchronous", "cache_size")}
    journal = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
    placeholders = ", ".join("?" * len(LOADED_TABLES))
    indexes = db.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({placeholders})",
        LOADED_TABLES,
    ).fetchall()
    db.execute_sql("PRAGMA foreign_keys = OFF")
    db.execute_sql("PRAGMA synchronous = OFF")
    db.execute_sql("PRAGMA journal_mode = MEMORY")
    db.execute_sql("PRAGMA cache_size = -500000")  # 500 MB: the index builds sort in memory
    db.execute_sql("PRAGMA temp_store = MEMORY")
    for name, _ in indexes:
        db.execute_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with db.atomic():
            for _, sql in indexes:
                db.execute_sql(sql)
        db.execute_sql(f"PRAGMA journal_mode = {journal}")
        for name, value in saved.items():
            db.execute_sql(f"PRAGMA {name} = {value}")
        db.execute_sql("PRAGMA temp_store = DEFAULT")


class _Inserter:
    """One model's INSERT, built by peewee for the given columns, run with ``executemany`` on
    batches of plain tuples (values already as the store holds them: text instants, 0/1, ids)."""

    def __init__(self, db: pw.Database, model, columns: tuple[str, ...], batch: int = 20_000):
        fields = [model._meta.columns[name] for name in columns]
        sql, _ = model.insert({field: None for field in fields}).sql()
        written = tuple(re.findall(r'"([^"]+)"', sql[sql.index("(") + 1: sql.index(") VALUES")]))
        if sorted(written) != sorted(columns):
            raise RuntimeError(f"peewee wrote the columns {written} for {columns}")
        self.order = None if written == columns else [columns.index(name) for name in written]
        self.sql, self.db, self.batch, self.rows, self.count = sql, db, batch, [], 0
        # PostgreSQL's booleans are no integers: the rows' 0/1 become False/True there.
        by_name = {f.column_name: f for f in fields}
        self.booleans = [i for i, name in enumerate(written) if isinstance(by_name[name], pw.BooleanField)] \
            if isinstance(db, pw.PostgresqlDatabase) else []  # fmt: skip

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows = self.rows if self.order is None else [tuple(r[i] for i in self.order) for r in self.rows]
        if self.booleans:
            rows = [tuple(bool(v) if i in self.booleans and v is not None else v for i, v in enumerate(r)) for r in rows]
        self.db.cursor().executemany(self.sql, rows)
        self.count += len(rows)
        self.rows = []


# --- the plan: who writes, about what, when ---------------------------------------------------


@dataclass
class _Customer:
    id: int
    name: str
    greet: str  # how an agent greets them
    email: str | None
    telegram: str | None
    chat: str | None
    phone: str | None
    organisation: str | None
    english: bool
    channel: str  # the channel they usually write by
    created: float


class _People:
    """Customers and organisations, made as tickets need them. Each customer gets an activity
    drawn at first contact (heavy-tailed: most write once or twice, a few dozens of times), and
    those who wrote lately are likelier to write again; organisations likewise have a size."""

    def __init__(self, rng: random.Random, first_id: int, tickets: int, channels: dict[str, int]):
        self.rng = rng
        self.next_id = first_id
        self.customers: list[_Customer] = []
        self.pool: list[_Customer] = []  # each customer once per unit of activity
        self.org_pools: dict[bool, list[tuple[str, str, bool]]] = {False: [], True: []}  # (name, domain, english)
        self.emails: set[str] = set()
        self.handles: set[str] = set()
        self.org_names: set[str] = set()
        self.new_share = min(1.0, max(0.05, 0.3 if tickets > 50 else 0.6))
        self.channels = list(channels)
        self.channel_weights = [channels[c] for c in self.channels]

    def for_ticket(self, t: float) -> _Customer:
        rng = self.rng
        pool = self.pool
        if pool and rng.random() >= self.new_share:
            recent = rng.random() < 0.5  # half the returning customers are recent ones
            customer = pool[rng.randrange(len(pool) // 2 if recent else 0, len(pool))]
        else:
            customer = self._new(t)
            pool.extend([customer] * min(40, int(rng.paretovariate(1.3))))
        return customer

    def _org(self, english: bool) -> tuple[str, str, bool] | None:
        rng = self.rng
        if rng.random() < 0.12:
            return None  # a private person
        pool = self.org_pools[english]
        if pool and rng.random() < 0.55:
            return rng.choice(pool)
        org = self._new_org(english)
        pool.extend([org] * min(30, int(rng.paretovariate(1.2))))  # its size: most small, a few large
        return org

    def _new_org(self, english: bool) -> tuple[str, str, bool]:
        rng = self.rng
        for attempt in range(50):
            if english:
                base = f"{rng.choice(tx.EN_LAST)} {rng.choice(tx.EN_ORGS)}"
                name = f"{base} {rng.choice(tx.EN_FORMS)}"
                domain = base.lower().replace(" ", "-") + "." + rng.choice(tx.EN_TLDS)
            else:
                head, tail = rng.choice(tx.RU_NAME_HEADS), rng.choice(tx.RU_NAME_TAILS)
                if tail.lower().startswith(head.lower()[:3]) or head.lower().startswith(tail.lower()[:3]):
                    continue  # no «Строй-строй»
                core = head + tail.lower()
                region = rng.choice(tx.RU_REGIONS)
                name = f"{rng.choice(tx.RU_FORMS)} «{core}{region}»"
                domain = (core + region).lower().translate(tx.TRANSLIT).strip("-") + ".ru"
            if attempt > 10:
                name, domain = f"{name[:-1]} {attempt}»" if name.endswith("»") else f"{name} {attempt}", f"{attempt}-{domain}"
            if name not in self.org_names:
                self.org_names.add(name)
                return (name, domain, english)
        raise RuntimeError("no new organisation name")

    def _new(self, t: float) -> _Customer:
        rng = self.rng
        english = rng.random() < 0.14
        if english:
            first, last = rng.choice(tx.EN_FIRST), rng.choice(tx.EN_LAST)
            name, greet, login = f"{first} {last}", first, f"{first}.{last}".lower()
        else:
            female = rng.random() < 0.45
            first = rng.choice(tx.RU_FEMALE if female else tx.RU_MALE)
            male_last, female_last = rng.choice(tx.RU_SURNAMES)
            last = female_last if female else male_last
            patronymic = rng.choice(tx.RU_PATRONYMICS)[1 if female else 0]
            name = f"{first} {last}" if rng.random() < 0.7 else f"{last} {first} {patronymic}"
            greet = f"{first} {patronymic}" if rng.random() < 0.6 else first
            login = f"{first[0]}.{last}".lower().translate(tx.TRANSLIT)
        org = self._org(english)
        domain = org[1] if org else rng.choice(tx.PRIVATE_DOMAINS)
        channel = rng.choices(self.channels, self.channel_weights)[0]
        email = None
        if channel != "telegram" or rng.random() < 0.5:
            email = f"{login}@{domain}"
            n = 1
            while email in self.emails:
                n += 1
                email = f"{login}{n}@{domain}"
            self.emails.add(email)
        telegram = chat = None
        if channel == "telegram" or rng.random() < 0.1:
            handle = "@" + login.replace(".", "_").replace("-", "_")
            n = 1
            while handle in self.handles:
                n += 1
                handle = f"{handle.rstrip('0123456789')}{n}"
            self.handles.add(handle)
            telegram, chat = handle, str(rng.randrange(10**8, 10**10))
        if email is None and telegram is None:
            channel = "email"
        phone = None
        if channel in ("phone", "visit") or rng.random() < 0.2:
            phone = f"+7 9{rng.randrange(10, 99)} {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}"
        customer = _Customer(self.next_id, name, greet, email, telegram, chat, phone, org[0] if org else None,
                             english, channel, t)  # fmt: skip
        self.next_id += 1
        self.customers.append(customer)
        return customer


@dataclass
class _Ticket:
    """A ticket's row, and what its messages need to be written."""

    index: int
    number: int
    created: float
    customer: _Customer
    channel: str
    product: str | None
    product_id: int | None
    topic: tx.Topic
    english: bool
    priority: str
    ended: bool
    out_of_hours: bool
    values: dict  # the thread's product, version, error code... (texts.py placeholders)
    case: int  # which of the topic's cases (texts.Bank.cases) this request is
    subject: str = ""
    turns: int = 0  # the agent's and the customer's follow-ups so far (no sentence twice running)
    status: str = st.NEW
    length: int = 1
    fixed: bool = False  # the length is set (the longest thread, rejections)
    thanks: bool = False  # closed after the customer's thanks and a closing reply
    minimum: int = 1
    scope: str | None = None
    assignee: int | None = None  # agent index
    first_response: float | None = None
    updated: float = 0.0
    version: int = 1
    waiting_since: float | None = None
    resolved: float | None = None
    paused: float = 0.0
    due: datetime | None = None


def _growth_days(hours: _Hours, start: date, end: date) -> tuple[list[date], list[float]]:
    """Each day of the span and its cumulative weight: working days carry most requests, more each
    year (the customer base grows); weekends and holidays a few."""
    days, cumulative, total = [], [], 0.0
    span = max(1, (end - start).days)
    day = start
    while day <= end:
        x = (day - start).days / span
        total += (0.4 + 0.6 * x) * (1.0 if hours.windows.get(day) else 0.07)
        days.append(day)
        cumulative.append(total)
        day += timedelta(days=1)
    return days, cumulative


def _product_weights(names: list[str], x: float) -> list[float]:
    """Product shares at point ``x`` of the span (0: five years ago, 1: now)."""
    curve = {
        "Fenix+": 0.6 * (1 - x) ** 3 + 0.01,
        "Fenix+ 2": 2.0 * (1 - x) ** 2 + 0.03,
        "Fenix+ 3": 0.5 + 3.0 * x,
        "Fenix+ Academy": 0.4,
        "FireGuard 2": 1.2 * (1 - x) + 0.1,
        "FireGuard 3": 0.2 + 1.5 * x,
        "Fenix Server": 0.6,
        "Fenix Server Academy": 0.15,
    }
    return [curve.get(name, 0.5) for name in names]


def _status_for(rng: random.Random, age_days: float) -> str:
    if age_days < 1:
        weights = (45, 25, 15, 10, 3)
    elif age_days < 3:
        weights = (15, 30, 25, 20, 10)
    elif age_days < 14:
        weights = (2, 15, 20, 30, 33)
    elif age_days < 60:
        weights = (0.1, 1.5, 3, 15, 80.4)
    else:  # a few forgotten ones: a customer who never answered, a ticket left open
        weights = (0.002, 0.02, 0.1, 6, 93.9)
    return rng.choices((st.NEW, st.OPEN, st.WAITING, st.RESOLVED, st.CLOSED), weights)[0]


def _values(rng: random.Random, product: str | None, english: bool, number: int) -> dict:
    name = product or "Fenix"
    digits = [c for c in name if c.isdigit()]
    major = int(digits[-1]) if digits else 1
    minor = rng.randrange(0, 9)
    return {
        "product": name,
        "version": f"{major}.{minor}.{rng.randrange(1, 30)}",
        "old_version": f"{major}.{max(0, minor - 1)}.{rng.randrange(1, 30)}",
        "code": rng.choice(tx.ERROR_CODES),
        "os": rng.choice(tx.OPERATING_SYSTEMS).replace("бит", "bit") if english else rng.choice(tx.OPERATING_SYSTEMS),
        "ram": rng.choice((8, 16, 16, 32, 64)),
        "file": rng.choice(tx.FILE_STEMS) + (".fcproj" if "Server" in name else ".fpp"),
        "licence": f"{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
        "n": 4000 + number % 6000,
    }


def _lengths(rng: random.Random, plans: list[_Ticket], messages: int, now: float) -> int:
    """Each thread's length: most 2-15, some 16-99, a few hundred 100-500 and one of exactly
    LONGEST; then nudged one message at a time until they add up to ``messages``. Returns the
    index of the longest thread."""
    ratio = messages / max(1, len(plans))
    tail = min(1.0, ratio / 10)
    # Few messages a ticket: fewer tickets closed after the customer's thanks (two messages more).
    spare = messages - sum(p.length if p.fixed else p.minimum for p in plans) - LONGEST
    thankful = [p for p in plans if p.thanks]
    rng.shuffle(thankful)
    while spare < 0 and thankful:
        p = thankful.pop()
        p.thanks, p.minimum, spare = False, p.minimum - 2, spare + 2
    for p in plans:
        if p.fixed:
            continue
        old = now - p.created > 30 * DAY
        u = rng.random()
        if p.status == st.NEW:
            p.length = p.minimum + (1 if rng.random() < 0.15 else 0)
        elif old and u < 0.003 * tail:
            p.length = int(math.exp(rng.uniform(math.log(100), math.log(LONGEST - 1))))
        elif old and u < 0.043 * tail:
            p.length = int(math.exp(rng.uniform(math.log(16), math.log(99))))
        else:
            p.length = 2 + int(rng.triangular(0, 14, 2))
        p.length = max(p.length, p.minimum)
    # The longest: an old closed ticket (a long story, long since finished).
    pool = [p for p in plans if p.status == st.CLOSED and not p.fixed and now - p.created > 365 * DAY] or \
        [p for p in plans if p.status != st.NEW and not p.fixed] or plans  # fmt: skip
    longest = pool[rng.randrange(len(pool))]
    floor = sum(p.length if p.fixed else p.minimum for p in plans if p is not longest)
    longest.length = max(longest.minimum, min(LONGEST, messages - floor))
    longest.fixed = True
    if floor + longest.length > messages:
        raise ValueError(f"{messages} messages are too few for {len(plans)} tickets: at least {floor + longest.length}")
    diff = messages - sum(p.length for p in plans)
    growable = [p for p in plans if not p.fixed and p.status != st.NEW] or [p for p in plans if not p.fixed] or [longest]
    rounds = 0
    while diff > 0:
        rounds += 1
        for p in rng.choices(growable, k=min(diff, 50_000)):
            if p.length < 15 or rounds > 20:
                p.length += 1
                diff -= 1
                if diff == 0:
                    break
    while diff < 0:
        shrinkable = [p for p in plans if not p.fixed and p.length > p.minimum]
        if not shrinkable:
            raise RuntimeError("no thread left to shorten")
        for p in rng.choices(shrinkable, k=min(-diff, 50_000)):
            if p.length > p.minimum:
                p.length -= 1
                diff += 1
                if diff == 0:
                    break
    return longest.index


# --- the generator ---------------------------------------------------------------------------


class _Generator:
    def __init__(self, desk: Desk, tickets: int, messages: int, seed: int, years: float):
        if tickets < 1 or messages < tickets:
            raise ValueError("need at least one ticket and one message a ticket")
        self.desk, self.tickets, self.messages, self.seed = desk, tickets, messages, seed
        self.regulation = regulation = desk.regulation
        self.rng = random.Random(seed)
        now_dt = desk.now()
        self.now = now_dt.timestamp()
        self.start = self.now - years * 365.25 * DAY
        tz = regulation.calendar.tz
        self.first_day = datetime.fromtimestamp(self.start, tz).date()
        self.last_day = now_dt.astimezone(tz).date()
        self.hours = _Hours(regulation.calendar, self.first_day - timedelta(days=3), self.last_day + timedelta(days=400))
        self.stamp = _Stamps(self.start - 3 * DAY, self.now + 400 * DAY)
        channels = {c: w for c, w in CHANNEL_WEIGHTS.items() if c in regulation.channels} or {c: 1 for c in regulation.channels}
        self.by_agent = set(regulation.by_agent)
        self.people = None
        self.channels = channels
        self.replies = {r.key: r for r in builtin_replies()}
        self.notice_cache: dict[float, str] = {}

    # -- phase 1: tickets, their threads and trails, as plans -----------------------------

    def plan(self, first_customer: int, first_number: int, products: dict[str, tuple[int, date | None]], agents: int):
        rng, hours, now = self.rng, self.hours, self.now
        self.people = _People(rng, first_customer, self.tickets, self.channels)
        days, cumulative = _growth_days(hours, self.first_day, self.last_day)
        span = self.now - self.start
        instants = []
        for day in rng.choices(days, cum_weights=cumulative, k=self.tickets):
            window = hours.windows.get(day)
            midnight = hours.midnights[day]
            if window and rng.random() < 0.87:
                t = rng.uniform(*window)
            elif window:
                t = midnight + rng.uniform(7 * HOUR, 23 * HOUR)
            else:
                t = midnight + rng.uniform(10 * HOUR, 22 * HOUR)
            if t >= now - 10 * MINUTE:
                t = now - rng.uniform(10 * MINUTE, 6 * HOUR)
            instants.append(t)
        instants.sort()
        names = list(products)
        month_weights: dict[int, list[float]] = {}
        topics, topic_weights = tx.TOPICS, [t.weight for t in tx.TOPICS]
        channel_names = list(self.channels)
        channel_weights = [self.channels[c] for c in channel_names]
        plans: list[_Ticket] = []
        for i, t in enumerate(instants):
            x = (t - self.start) / span
            month = int(x * 60)
            if month not in month_weights:
                month_weights[month] = _product_weights(names, x)
            product = None if rng.random() < 0.04 else rng.choices(names, month_weights[month])[0]
            customer = self.people.for_ticket(t)
            channel = customer.channel if rng.random() < 0.75 else rng.choices(channel_names, channel_weights)[0]
            if channel == "telegram" and customer.chat is None or channel in ("email", "portal") and customer.email is None:
                channel = customer.channel
            number = first_number + i
            product_id, support_ends = products[product] if product else (None, None)
            local_day = datetime.fromtimestamp(t, self.regulation.calendar.tz).date()
            plan = _Ticket(
                index=i, number=number, created=t, customer=customer, channel=channel, product=product,
                product_id=product_id, topic=rng.choices(topics, topic_weights)[0], english=customer.english,
                priority=rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0],
                ended=support_ends is not None and local_day > support_ends,
                out_of_hours=not hours.is_open(t), values=_values(rng, product, customer.english, number),
                case=rng.randrange(1 << 30),
            )  # fmt: skip
            bank = plan.topic.en if plan.english else plan.topic.ru
            subject = bank.cases[plan.case % len(bank.cases)][0].format_map(plan.values)
            plan.subject = subject[0].upper() + subject[1:]
            self._decide(plan, rng.random())
            plans.append(plan)
        longest = _lengths(rng, plans, self.messages, now)
        return plans, longest

    def _decide(self, p: _Ticket, roll: float) -> None:
        """Status, scope and the thread's shortest form."""
        age = (self.now - p.created) / DAY
        p.status = _status_for(self.rng, age)
        out_of_scope = p.topic.scope in ("project_fixes", "expert_review", "regulations")
        if p.status != st.NEW and (out_of_scope or (p.ended and roll < 0.4)):
            p.status = st.REJECTED
            p.fixed = True
        if p.status != st.NEW and (out_of_scope or roll < 0.55):
            p.scope = p.topic.scope  # triage sets it when the ticket is taken
        notice = 1 if self._notice(p) else 0
        p.minimum = 1 + notice + (0 if p.status == st.NEW else 1)
        if p.status == st.REJECTED:
            p.length = p.minimum + (1 if roll < 0.1 else 0)  # sometimes a note on why
        elif p.status == st.CLOSED and roll > 0.6:
            p.thanks = True
            p.minimum += 2  # the customer's thanks and the closing reply

    def _notice(self, p: _Ticket) -> bool:
        return p.out_of_hours and p.channel not in self.by_agent

    # -- phase 2: each thread told in order: message and event plans ----------------------

    def tell(self, p: _Ticket, agents: list[tuple[float, float]], out) -> None:
        """Append the thread's messages (time, ticket, kind, agent) and events (time, ticket,
        action, actor, old, new, message) to ``out``; set the ticket's state fields."""
        rng, hours = self.rng, self.hours
        msgs, events = [], []
        t = p.created
        limit = self.now - 2 * MINUTE
        agent = self._agent_at(agents, t)
        msgs.append((t, C_FIRST, -1))  # typed in by an agent (a call, a visit), or sent by the customer
        events.append((t, "created", agent if p.channel in self.by_agent else p.channel, None, str(p.number), -1))
        ops = 0
        if self._notice(p):
            t += rng.uniform(2, 20)
            msgs.append((t, NOTICE, -1))
            events.append((t, "notice", "system", None, None, len(msgs) - 1))
        remaining = p.length - len(msgs)
        # How long the story may take: an old ticket its natural pace, a recent one faster.
        pace = min(1.0, max(0.02, (limit - p.created) * 0.8 / max(1.0, remaining * 14 * HOUR)))
        if p.status == st.NEW:
            for _ in range(remaining):
                t = self._customer_later(t, pace)
                msgs.append((t, C_FOLLOW, -1))
                events.append((t, "customer_message", "customer", None, None, len(msgs) - 1))
                ops += 1
            self._finish(p, msgs, events, ops, limit)
            out(p, msgs, events)
            return
        status = st.NEW
        login = agent
        t = self._agent_later(t, pace, 5 * MINUTE, 2 * HOUR)
        p.assignee = agent
        events.append((t, "assignee", self._agent_at(agents, t) if rng.random() < 0.2 else agent, None, agent, -1))
        ops += 1
        if rng.random() < 0.03 and p.priority == "normal":
            t += rng.uniform(10, 300)
            events.append((t, "priority", login, "normal", "high", -1))
            p.priority = "high"
            ops += 1
        if p.scope is not None:
            t += rng.uniform(10, 600)
            events.append((t, "scope", login, None, p.scope, -1))
            ops += 1
        out_of_scope = p.status == st.REJECTED and not p.ended
        reply_kind = A_SCOPE if out_of_scope else A_ENDED if p.ended else A_FIRST
        t = self._agent_later(t, pace, 2 * MINUTE, 90 * MINUTE)
        msgs.append((t, reply_kind, agent))
        events.append((t, "reply", login, None, None, len(msgs) - 1))
        events.append((t, "status", login, st.NEW, st.OPEN, -1))
        p.first_response = t
        status = st.OPEN
        ops += 1
        remaining = p.length - len(msgs)
        if p.status == st.REJECTED:
            if remaining > 0:
                t = self._agent_later(t, pace, MINUTE, 20 * MINUTE)
                msgs.append((t, NOTE, agent))
                events.append((t, "note", login, None, None, len(msgs) - 1))
                ops += 1
            t = self._agent_later(t, pace, MINUTE, 30 * MINUTE)
            events.append((t, "status", login, status, st.REJECTED, -1))
            p.resolved = t
            ops += 1
            self._finish(p, msgs, events, ops, limit)
            out(p, msgs, events)
            return
        closing = p.thanks
        middle = remaining - (2 if closing else 0)
        kinds = self._middle(middle, ends_with_agent=p.status in (st.WAITING, st.RESOLVED, st.CLOSED))
        waiting_from = None
        for k, kind in enumerate(kinds):
            if kind == NOTE:
                t = self._agent_later(t, pace, 5 * MINUTE, 2 * HOUR)
                msgs.append((t, NOTE, agent))
                events.append((t, "note", login, None, None, len(msgs) - 1))
                ops += 1
                continue
            if kind == C_FOLLOW:
                t = self._customer_later(t, pace)
                msgs.append((t, C_FOLLOW, -1))
                events.append((t, "customer_message", "customer", None, None, len(msgs) - 1))
                if status == st.WAITING:
                    p.paused += hours.between(waiting_from, t)
                    events.append((t, "status", "customer", st.WAITING, st.OPEN, -1))
                    status, waiting_from = st.OPEN, None
                ops += 1
                continue
            t = self._agent_later(t, pace, 5 * MINUTE, 4 * HOUR)
            msgs.append((t, A_FOLLOW, agent))
            events.append((t, "reply", login, None, None, len(msgs) - 1))
            ops += 1
            last = k == len(kinds) - 1
            asks = (not last and kinds[k + 1] == C_FOLLOW and rng.random() < 0.2) or (last and p.status == st.WAITING)
            if asks:
                t = self._agent_later(t, pace, MINUTE, 10 * MINUTE)
                events.append((t, "status", login, status, st.WAITING, -1))
                status, waiting_from = st.WAITING, t
                ops += 1
        if p.status == st.WAITING:
            if status != st.WAITING:  # the agent's last word was an answer, then a question
                t = self._agent_later(t, pace, MINUTE, 10 * MINUTE)
                events.append((t, "status", login, status, st.WAITING, -1))
                status, waiting_from = st.WAITING, t
                ops += 1
            p.waiting_since = waiting_from
        elif p.status in (st.RESOLVED, st.CLOSED):
            t = self._agent_later(t, pace, MINUTE, 20 * MINUTE)
            if status == st.WAITING:
                p.paused += hours.between(waiting_from, t)
            events.append((t, "status", login, status, st.RESOLVED, -1))
            status = st.RESOLVED
            p.resolved = t
            ops += 1
            if closing:
                t = self._customer_later(t, pace)
                msgs.append((t, C_THANKS, -1))
                events.append((t, "customer_message", "customer", None, None, len(msgs) - 1))
                events.append((t, "status", "customer", st.RESOLVED, st.OPEN, -1))
                ops += 1
                t = self._agent_later(t, pace, 5 * MINUTE, 60 * MINUTE)
                msgs.append((t, A_CLOSE, agent))
                events.append((t, "reply", login, None, None, len(msgs) - 1))
                ops += 1
                t = self._agent_later(t, pace, MINUTE, 30 * MINUTE)
                events.append((t, "status", login, st.OPEN, st.CLOSED, -1))
                p.resolved = t
                ops += 1
            elif p.status == st.CLOSED:
                t = t + rng.uniform(72, 120) * HOUR * pace
                events.append((t, "status", login, st.RESOLVED, st.CLOSED, -1))
                p.resolved = t
                ops += 1
        self._finish(p, msgs, events, ops, limit)
        out(p, msgs, events)

    def _middle(self, n: int, ends_with_agent: bool) -> list[int]:
        """The back-and-forth after the first answer: customer, agent, customer... with notes."""
        rng = self.rng
        kinds: list[int] = []
        customer_turn = True
        while len(kinds) < n:
            if kinds and rng.random() < 0.07:
                kinds.append(NOTE)
                continue
            kinds.append(C_FOLLOW if customer_turn else A_FOLLOW)
            if not (customer_turn and rng.random() < 0.1):  # sometimes the customer writes twice
                customer_turn = not customer_turn
        if ends_with_agent and kinds and kinds[-1] == C_FOLLOW:
            kinds[-1] = A_FOLLOW if len(kinds) > 1 else kinds[-1]
        return kinds

    def _finish(self, p: _Ticket, msgs: list, events: list, ops: int, limit: float) -> None:
        """Squeeze a story that ran past "now" into the time it had, then fill in the row."""
        last = max(events[-1][0], msgs[-1][0])
        if last > limit:
            base = p.created
            factor = (limit - base) / (last - base)
            squeeze = lambda t: base + (t - base) * factor  # noqa: E731
            msgs[:] = [(squeeze(t), *rest) for t, *rest in msgs]
            events[:] = [(squeeze(t), *rest) for t, *rest in events]
            p.paused *= factor
            for name in ("first_response", "waiting_since", "resolved"):
                value = getattr(p, name)
                if value is not None:
                    setattr(p, name, squeeze(value))
        p.updated = max(events[-1][0], msgs[-1][0])
        p.version = 1 + ops
        if p.status in st.ACTIVE:
            created = _instant(p.created)
            if p.first_response is None:
                p.due = first_response_due(self.regulation, created, p.priority)
            else:
                p.due = resolution_due(self.regulation, created, p.priority, int(p.paused))

    def _agent_at(self, agents: list[tuple[float, float]], t: float) -> int:
        active = [i for i, (start, end) in enumerate(agents) if start <= t < end]
        return self.rng.choice(active) if active else 0

    def _agent_later(self, t: float, pace: float, low: float, typical: float) -> float:
        """An agent's next step: working time later (now and then after hours)."""
        rng = self.rng
        seconds = max(low, min(rng.expovariate(1 / typical), 24 * typical)) * pace
        if rng.random() < 0.05:
            return t + seconds
        return self.hours.add(t, seconds)

    def _customer_later(self, t: float, pace: float) -> float:
        """A customer's answer: hours to days later, mostly in their working day."""
        rng = self.rng
        t += max(10 * MINUTE, min(rng.expovariate(1 / (18 * HOUR)), 12 * DAY)) * pace
        if pace > 0.5 and rng.random() < 0.8 and not self.hours.is_open(t):
            t = self.hours.next_open(t) + rng.uniform(0, 3 * HOUR)
        return t

    # -- phase 3: the texts -------------------------------------------------------------

    def body(self, p: _Ticket, kind: int, agent_name: str, t: float) -> str:
        rng = self.rng
        english = p.english and kind != NOTE and kind != NOTICE
        words = tx.EN if english else tx.RU
        bank = p.topic.en if english else p.topic.ru
        values = p.values
        chat = p.channel == "telegram"
        case = bank.cases[p.case % len(bank.cases)]
        if kind == C_FIRST:
            problem = case[1].format_map(values)
            details = " ".join(d.format_map(values) for d in rng.sample(bank.details, min(len(bank.details), rng.randint(1, 2))))
            if chat:
                return f"{problem} {details}"
            if p.channel in self.by_agent:  # the agent types it in, in Russian
                said = "Клиент позвонил" if p.channel == "phone" else "Клиент пришёл в офис"
                problem = p.topic.ru.cases[p.case % len(p.topic.ru.cases)][1].format_map(values)
                return f"{said}: {problem}\nТел.: {p.customer.phone or '—'}"
            signature = p.customer.name + (f"\n{p.customer.organisation}" if p.customer.organisation else "")
            return "\n\n".join((rng.choice(words["openings"]), f"{problem} {details}", rng.choice(words["requests"]),
                                f"{rng.choice(words['signoffs'])}\n{signature}"))  # fmt: skip
        if kind == C_FOLLOW:
            p.turns += 1
            follow_ups = words["follow_ups"]
            text = follow_ups[(p.case + p.turns) % len(follow_ups)].format_map(values)
            if chat:
                return text
            if rng.random() < 0.4:
                text += " " + rng.choice(bank.details).format_map(values)
            opening = rng.choice(words["openings"]) + "\n\n" if rng.random() < 0.6 else ""
            return f"{opening}{text}\n\n{rng.choice(words['signoffs'])}\n{p.customer.name}"
        if kind == C_THANKS:
            return rng.choice(words["thanks"])
        if kind == NOTE:
            return rng.choice(tx.RU["notes"]).format_map(values)
        if kind == NOTICE:
            return self._notice_text(p, t)
        greeting = words["greeting"].format(name=p.customer.greet)
        if kind in (A_SCOPE, A_ENDED):
            return self._prepared("out_of_scope" if kind == A_SCOPE else "support_ended", p, agent_name, english)
        if kind == A_FIRST:
            answer = (case[2] or words["agent_follow_ups"][0]).format_map(values)
        elif kind == A_FOLLOW:
            p.turns += 1
            follow_ups = words["agent_follow_ups"]
            answer = follow_ups[(p.case + p.turns) % len(follow_ups)].format_map(values)
        else:
            answer = words["closing_chat" if chat else "closing"]
        if chat:
            return f"{answer}\n{words['agent_short_signoff'].format(agent=agent_name)}"
        return f"{greeting}\n\n{answer}\n\n{words['agent_signoff'].format(agent=agent_name)}"

    def _prepared(self, key: str, p: _Ticket, agent_name: str, english: bool) -> str:
        reply = self.replies[key]
        text = reply.body_en if english else reply.body_ru
        category = self.regulation.scope_category(p.topic.scope)
        current = ", ".join(x.name for x in self.regulation.products if x.support_ends is None)
        product = self.regulation.product(p.product) if p.product else None
        ends = product.support_ends.strftime("%d.%m.%Y") if product and product.support_ends else ""
        for name, value in (("customer", p.customer.greet), ("ticket", str(p.number)), ("agent", agent_name),
                            ("product", p.values["product"]), ("support_end", ends), ("current_products", current),
                            ("scope_rule", category.label("en" if english else "ru") if category else "")):  # fmt: skip
            text = text.replace("{" + name + "}", value)
        return text.strip()

    def _notice_text(self, p: _Ticket, t: float) -> str:
        """The out-of-hours notice as the desk sends it: the prepared reply, in the regulation's
        customer language (the desk writes it in that language whatever the customer wrote in)."""
        opens = self.hours.next_open(t)
        phrase = self.notice_cache.get(opens)
        if phrase is None:
            language = self.regulation.customer_language
            phrase = taken_up_phrase(self.regulation.calendar, _instant(t), language)
            self.notice_cache[opens] = phrase
        reply = self.replies["out_of_hours"]
        text = reply.body_ru if self.regulation.customer_language == "ru" else reply.body_en
        return text.replace("{ticket}", str(p.number)).replace("{next_open}", phrase).strip()


def _attachment_pool(rng: random.Random) -> list[tuple[str, bytes, str, str]]:
    """A few hundred files customers send (project files, screenshots, logs): (name, data,
    content type, sha256). Attachments share them, as the store shares equal content."""

    def png(width: int, height: int) -> bytes:
        colour = bytes(rng.randrange(256) for _ in range(3))
        raw = b"".join(b"\x00" + colour * width for _ in range(height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

    pool = []
    for i in range(300):
        kind = i % 3
        if kind == 0:
            stem = rng.choice(tx.FILE_STEMS)
            data = b"FENIXPRJ\x00\x03" + stem.encode() + b"\x00" + rng.randbytes(rng.randrange(2048, 8192))
            pool.append((f"{stem}.fpp", data, "application/octet-stream"))
        elif kind == 1:
            pool.append((f"скриншот_{i}.png", png(rng.randrange(8, 40), rng.randrange(6, 30)), "image/png"))
        else:
            log = "\n".join(f"2025-12-{rng.randrange(1, 28):02d} 10:{j:02d}:00 ERROR Solver: step {j} diverged"
                            for j in range(rng.randrange(5, 60)))  # fmt: skip
            pool.append(("fenix.log", log.encode(), "text/plain"))
    return [(name, data, ctype, hashlib.sha256(data).hexdigest()) for name, data, ctype in pool]


def generate(desk: Desk, tickets: int, messages: int, *, seed: int = DEFAULT_SEED, years: float = YEARS) -> GenerateReport:
    """Fill the store bound to the models (opened by ``open_store``, no tickets of its own needed)
    with ``tickets`` tickets and ``messages`` messages over ``years`` before ``desk.now()``.

    Needs about 2.2 messages a ticket at least (the answered ones have the request and an answer,
    some an out-of-hours notice too). Deterministic for a seed, sizes and "now"."""
    started = time.perf_counter()
    db = m.database_proxy.obj
    gen = _Generator(desk, tickets, messages, seed, years)
    rng = gen.rng
    report = GenerateReport(now=desk.now().isoformat(), seed=seed)

    products = {p.name: (p.id, p.support_ends) for p in m.Product.select()}
    agents = [register_agent(login, name=name) for login, name, _, _ in tx.AGENTS]
    # Who worked when (fractions of the span); those who left are disabled, their history kept.
    span = gen.now - gen.start
    periods = [(gen.start + span * joined, gen.start + span * left) for _, _, joined, left in tx.AGENTS]
    gone = [a.id for a, (_, _, _, left) in zip(agents, tx.AGENTS) if left < 1]
    m.Agent.update(active=False).where(m.Agent.id.in_(gone)).execute()
    first_number = (m.Ticket.select(pw.fn.MAX(m.Ticket.number)).scalar() or FIRST_NUMBER - 1) + 1
    first_customer = (m.Customer.select(pw.fn.MAX(m.Customer.id)).scalar() or 0) + 1
    first_ticket_id = (m.Ticket.select(pw.fn.MAX(m.Ticket.id)).scalar() or 0) + 1
    first_message_id = (m.Message.select(pw.fn.MAX(m.Message.id)).scalar() or 0) + 1
    lap = _Laps(report.phases, started)
    plans, longest = gen.plan(first_customer, first_number, products, len(agents))
    lap("plan")

    # Phase 2: every thread told; messages and events gathered flat, in creation order.
    msg_t: list[float] = []
    msg_ticket: list[int] = []
    msg_kind: list[int] = []
    ev_t: list[float] = []
    ev_rows: list[tuple] = []
    logins = [a.login for a in agents]

    def out(p: _Ticket, msgs: list, events: list) -> None:
        base = len(msg_t)
        for t, kind, _agent in msgs:
            msg_t.append(t)
            msg_ticket.append(p.index)
            msg_kind.append(kind)
        for t, action, actor, old, new, ref in events:
            ev_t.append(t)
            if isinstance(actor, int):
                actor = logins[actor]
            if action == "assignee":
                new = logins[new]
            ev_rows.append((p.index, actor, action, old, new, base + ref if ref >= 0 else -1))

    for p in plans:
        gen.tell(p, periods, out)
    lap("tell")
    if len(msg_t) != messages:
        raise RuntimeError(f"planned {messages} messages, told {len(msg_t)}")

    # Message ids in time order across the desk; events likewise.
    order = sorted(range(len(msg_t)), key=msg_t.__getitem__)
    id_of = [0] * len(order)
    for k, i in enumerate(order):
        id_of[i] = first_message_id + k
    ev_order = sorted(range(len(ev_t)), key=ev_t.__getitem__)

    stamp = gen.stamp
    agent_ids = [a.id for a in agents]
    agent_names = [a.display_name for a in agents]
    lap("order")
    # The search index's triggers are dropped while the rows go in; its one rebuild runs last,
    # after _fast_load has built the message indexes again (the rebuild groups messages by ticket).
    with fulltext.bulk_load(db), _fast_load(db), db.atomic():
        customers = _Inserter(db, m.Customer, ("id", "name", "email", "telegram", "organisation", "created_at", "phone"))
        for c in gen.people.customers:
            customers.add((c.id, c.name, c.email, c.telegram, c.organisation, stamp(c.created), c.phone))
        customers.flush()
        report.customers = customers.count

        ticket_cols = ("id", "number", "subject", "product_id", "customer_id", "channel", "status", "scope",
                       "assignee_id", "created_at", "first_response_at", "updated_at", "version", "priority",
                       "due_at", "support_ended", "out_of_hours", "waiting_since", "resolved_at", "paused_seconds",
                       "portal_id", "telegram_chat")  # fmt: skip
        rows = _Inserter(db, m.Ticket, ticket_cols)
        due_field = m.Ticket.due_at
        product_rows = {p.id: p for p in m.Product.select()}
        for p in plans:
            portal = f"P-{datetime.fromtimestamp(p.created, UTC).year}-{p.number:07d}" if p.channel == "portal" else None
            # Every ticket row starts from the write path's own (data/tickets/writes.py): its flags
            # are the product's rules; the rest is where the ticket's story took it.
            row = ticket_row(
                desk, number=p.number, subject=p.subject, customer=p.customer.id,
                product=product_rows.get(p.product_id), channel=p.channel, priority=p.priority,
                received=_instant(p.created), scope=p.scope, portal_id=portal,
                telegram_chat=p.customer.chat if p.channel == "telegram" else None,
            )  # fmt: skip
            if row["out_of_hours"] != p.out_of_hours or row["support_ended"] != p.ended:
                raise RuntimeError(f"#{p.number}: the generator's calendar disagrees with the desk's")
            rows.add((
                first_ticket_id + p.index, row["number"], row["subject"], p.product_id, row["customer"], row["channel"],
                p.status, row["scope"], agent_ids[p.assignee] if p.assignee is not None else None, stamp(p.created),
                stamp(p.first_response) if p.first_response is not None else None, stamp(p.updated), p.version,
                row["priority"], due_field.db_value(p.due), int(row["support_ended"]), int(row["out_of_hours"]),
                stamp(p.waiting_since) if p.waiting_since is not None else None,
                stamp(p.resolved) if p.resolved is not None else None, int(p.paused), row["portal_id"],
                row["telegram_chat"],
            ))  # fmt: skip
        rows.flush()
        report.tickets = rows.count
        lap("customers, tickets")

        pool = _attachment_pool(rng)
        m.Blob.insert_many([{"sha256": digest, "data": data} for _, data, _, digest in pool]).on_conflict_ignore().execute()
        message_cols = ("id", "ticket_id", "author_kind", "author", "body", "is_note", "created_at", "message_id",
                        "in_reply_to", "references", "content_hash")  # fmt: skip
        rows = _Inserter(db, m.Message, message_cols)
        files = _Inserter(db, m.Attachment, ("message_id", "filename", "size", "sha256", "content_type"))
        last_mail_id: dict[int, str] = {}
        getrandbits = rng.getrandbits
        domain = desk.mail_domain
        ticket_agent = [agent_names[p.assignee] if p.assignee is not None else "" for p in plans]
        for i in order:
            p = plans[msg_ticket[i]]
            kind, t = msg_kind[i], msg_t[i]
            mail = p.channel == "email"
            message_id = in_reply_to = content_hash = None
            if kind in CUSTOMER_KINDS:
                kind_text, author = "customer", p.customer.name
                if mail:
                    message_id = f"{getrandbits(64):016x}.{int(t)}@{p.customer.email.split('@')[1]}"
                    in_reply_to = last_mail_id.get(p.index)
                    content_hash = f"{getrandbits(128):032x}{getrandbits(128):032x}"
            elif kind == NOTICE:
                kind_text, author = "system", "helpdesk"
            else:
                kind_text, author = "agent", ticket_agent[p.index]
                if kind != NOTE and p.channel != "telegram" and p.customer.email:
                    message_id = f"{getrandbits(128):032x}.helpdesk@{domain}"
            if message_id is not None:
                last_mail_id[p.index] = message_id
            body = gen.body(p, kind, author, t)
            rows.add((id_of[i], first_ticket_id + p.index, kind_text, author, body, int(kind == NOTE), stamp(t),
                      message_id, in_reply_to, None, content_hash))  # fmt: skip
            chance = 0.2 if kind == C_FIRST else 0.06 if kind == C_FOLLOW else 0.01 if kind in AGENT_KINDS else 0
            if chance and rng.random() < chance:
                name, data, ctype, digest = pool[rng.randrange(len(pool))]
                files.add((id_of[i], name, len(data), digest, ctype))
        rows.flush()
        files.flush()
        report.messages, report.attachments = rows.count, files.count
        lap("messages")

        rows = _Inserter(db, m.Event, ("ticket_id", "actor", "action", "old_value", "new_value", "created_at", "real_user"))
        for i in ev_order:
            index, actor, action, old, new, ref = ev_rows[i]
            if ref >= 0:
                new = str(id_of[ref])
            rows.add((first_ticket_id + index, actor, action, old, new, stamp(ev_t[i]), None))
        rows.flush()
        report.events = rows.count
        lap("events")

        # The working times the write path stores with a first answer and a resolution
        # (data/tickets/writes.py bump), which the reports count in SQL.
        fill_work_times(db, desk.calendar)
        lap("working times")

        report.longest_thread = plans[longest].number
        facts = {"tickets": tickets, "messages": messages, "seed": seed, "years": years, "now": report.now,
                 "generator": GENERATOR_VERSION, "longest_thread": report.longest_thread}  # fmt: skip
        m.put_meta(META_FACTS, json.dumps(facts))
        m.put_meta(META_LONGEST, str(report.longest_thread))
    lap("indexes")
    report.seconds = time.perf_counter() - started
    return report


class _Laps:
    """Seconds since the previous lap, recorded by name."""

    def __init__(self, into: dict, start: float):
        self.into, self.last = into, start

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = round(now - self.last, 2)
        self.last = now


def generate_file(path: str | Path, tickets: int, messages: int, *, seed: int = DEFAULT_SEED,
                  now: datetime | None = None, years: float = YEARS) -> GenerateReport:
    """A new database file at ``path`` (refused if it exists), made by ``open_store`` and filled
    by :func:`generate`. Written beside it first and renamed when whole."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(str(path))
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    regulation = load_regulation()
    now = now or Clock().now().replace(microsecond=0)
    try:
        open_store(str(partial), regulation, now, creator=os_login())
        try:
            report = generate(Desk(regulation, FixedClock(now), os_login()), tickets, messages, seed=seed, years=years)
        finally:
            m.database_proxy.close()
        # A -wal/-shm left beside a database deleted while open would be read as this one's.
        for stale in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            stale.unlink(missing_ok=True)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report.seconds = time.perf_counter() - started
    report.db_bytes = path.stat().st_size
    return report


def _connect(db) -> tuple[sqlite3.Connection, bool]:
    if isinstance(db, (str, Path)):
        return sqlite3.connect(f"file:{Path(db)}?mode=ro", uri=True), True
    if isinstance(db, pw.Database):
        return db.connection(), False
    return db, False


def generated_facts(db) -> dict:
    """What :func:`generate` recorded in the database's ``meta`` table (sizes, seed, "now", the
    longest thread); {} for a database it did not make. ``db``: a path, a peewee database or a
    sqlite3 connection."""
    connection, own = _connect(db)
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = ?", (META_FACTS,)).fetchone()
    finally:
        if own:
            connection.close()
    return json.loads(row[0]) if row else {}


def longest_thread(db) -> int:
    """The number of the generated ticket with the longest thread (500 messages at full size)."""
    facts = generated_facts(db)
    if "longest_thread" not in facts:
        raise LookupError("not a database made by bench.generate")
    return int(facts["longest_thread"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--db", required=True, help="the new database file (refused if it exists)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--now", help="the desk's present, ISO-8601 with an offset (default: now)")
    args = parser.parse_args(argv)
    now = parse_instant(args.now, "--now") if args.now else None
    try:
        report = generate_file(args.db, args.tickets, args.messages, seed=args.seed, now=now)
    except (FileExistsError, ValueError) as exc:
        print(f"bench.generate: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    print("phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items()))
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
