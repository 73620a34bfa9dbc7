"""Full-text search on the generated desk: our search against the bare FTS5 query, and the queue's
search path on the large desk against the demo desk.

    .venv/bin/python -m bench.search [--tickets 20000] [--messages 5] [--repeat 20] [--keep DIR]

``measure(ctx)`` (what ``python -m bench`` calls) reports:

(a) 20 varied queries (Russian words and their forms, prefixes, a phrase, an e-mail address, a
    ticket number, English words, a rare and very common words) through
    ``data.read.search.search`` (parse, the tickets named by number, ranking with the queue's
    filters, the rows, snippets) on ``ctx.large_db``, p95 and median over every query's samples,
    against the same FTS5 expression sent straight to the index with the ``sqlite3`` module (same
    LIMIT, same ORDER BY rank and rowid). The two must list the same tickets in the same order
    (the tickets a query names by number aside: those come first in ours only); a difference is
    written in the figure's notes.
    On PostgreSQL (``python -m bench --pg``) the reference is the same query's ``tsquery`` sent
    straight to the GIN index of ``ticket_search_doc`` with psycopg, ordered by the same weighted
    ``ts_rank``, newer first on a tie.
(b) the queue's search path (``load_snapshot``: the tab counts and the first page, best match
    first, with the rows' snippets) for a few searches typed anew (no ranking kept), p95, on the
    large desk against the demo desk; and a further page of the same search (scrolling, the
    ranking kept).

Run as a script it makes its own desks in a temporary folder (or ``--keep DIR``): the large one
with ``peewee.insert_many`` inside ``fulltext.bulk_load()`` (``--tickets`` tickets of about
``--messages`` messages each, texts from the demo's phrases with rare words and error codes),
and the 200-ticket demo desk.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.figures import BenchContext, Figure, median, p95, timed_ms  # noqa: E402
from helpdesk.data import demo  # noqa: E402
from helpdesk.data.core.clock import FixedClock, parse_instant  # noqa: E402
from helpdesk.data.read import queue as dq  # noqa: E402
from helpdesk.data.read import search  # noqa: E402
from helpdesk.data.rules import statuses as st  # noqa: E402
from helpdesk.data.rules.desk import Desk, os_login  # noqa: E402
from helpdesk.data.rules.regulation import load_regulation  # noqa: E402
from helpdesk.data.store import fulltext, fulltext_pg  # noqa: E402
from helpdesk.data.store import models as m  # noqa: E402
from helpdesk.data.store.database import open_store  # noqa: E402

NOW = "2026-11-25T10:00:00+03:00"
LIMIT = 20
PAGE = 50

# Queries whose words the data holds; "{email}", "{number}" and "{rare}" are filled from the desk.
QUERIES = (
    "лицензия",                         # a Russian word: its forms (лицензии, лицензию)
    "ошибка",                           # very common
    "пожалуйста",                       # very common, in nearly every message
    "проект",                           # common, prefix of проекта, проекты
    "дымоудаление",                     # rarer: one subject of twenty-four
    "лиценз",                           # a prefix
    "эваку*",                           # an explicit prefix
    '"не открываются старые проекты"',  # a phrase
    "{email}",                          # a customer's address
    "{number}",                         # a ticket number
    "#{number} лицензия",               # a number and a word
    "violation",                        # English
    "Windows",                          # English, common
    "PDF",                              # a short English word: whole words
    "{rare}",                           # rare: a tracker id of one note
    "0x80070005",                       # an error code
    "переустановки Windows",            # two words
    "ключ защиты",                      # two words, in subjects and notes
    "Смирнова",                         # a surname: people and signatures
    "по",                               # a two-letter word: whole words, very common
)
# The queue's search path: a common word, a surname, a rare word, a number.
QUEUE_QUERIES = ("лицензия", "Смирнова", "{rare}", "{number}")


# What profiling found (issue 10 item 9), written into the figures' notes.
TYPED_ANEW_FOUND = (
    "Where the time goes (100,000 tickets, 'лицензия' = the prefix лиценз*, 22,000 matches, CPU): FTS5's "
    "MATCH walk 8 ms, bm25 for every match 22 ms more (its column sizes and instances, about 1 us a match, "
    "and a second walk for the IDF), ORDER BY rank 4 ms, the first page's rows and snippets 3.5 ms. The "
    "join of every match to ticket for its status (15-20 ms) and building Python rows of them (7 ms) are "
    "gone: the ranking reads only the few unfinished tickets' statuses (search.py, 'a whole ranking'). "
    "What remains grows with the matches: the first page best match first needs bm25 of every match, "
    "which only FTS5 computes (no cheaper rank function can be registered from Python); a rare word or a "
    "number costs the same as on the demo."
)
NEXT_PAGE_FOUND = (
    "A kept ranking costs nothing here (a slice of it); a page's cost is its rows: the row query "
    "and marking the matched words, about 70 us a row on either desk (the snippet window reads only "
    "the words it shows, the match is set when the row is built)."
)


def _fill(desk_values: dict, text: str) -> str:
    return text.format(**desk_values)


def desk_values() -> dict:
    """An address, a number and a rare word the open desk holds (the same each run)."""
    email = m.Customer.select(m.Customer.email).where(m.Customer.email.is_null(False)).order_by(m.Customer.id).first()
    count = m.Ticket.select().count()
    number = m.Ticket.select(m.Ticket.number).order_by(m.Ticket.number).offset(count // 2).first()
    note = m.Message.select(m.Message.body).where((m.Message.is_note == True) & m.Message.body.contains("FP-"))  # noqa: E712
    rare = next((word for row in note.limit(1) for word in row.body.split() if word.startswith("FP-")), "FP-4100")
    return {"email": email.email if email else "ivan@example.ru", "number": number.number if number else 1001,
            "rare": rare.strip(".,")}  # fmt: skip


def _open(path: Path | str) -> None:
    open_store(str(path), load_regulation(), parse_instant(NOW), creator=os_login())


def _close() -> None:
    if not m.database_proxy.is_closed():
        m.database_proxy.close()


def bare_fts(db: sqlite3.Connection, expression: str) -> list[int]:
    """The reference: the FTS5 expression straight to the index, best first, newer first on a tie."""
    sql = (f'SELECT rowid FROM "{fulltext.INDEX}" WHERE "{fulltext.INDEX}" MATCH ? '
           f"ORDER BY rank, rowid DESC LIMIT {LIMIT}")  # fmt: skip
    return [rowid for (rowid,) in db.execute(sql, (expression,))]


def bare_tsquery(db, expression: str) -> list[int]:
    """PostgreSQL's reference: the tsquery straight to the document table's GIN index, ranked by
    ``ts_rank`` with the search's weights, newer first on a tie (data/store/fulltext_pg.py)."""
    sql = (f'SELECT "id" FROM "{fulltext_pg.DOC}" WHERE "tsv" @@ %(q)s::tsquery '
           f"ORDER BY ts_rank('{fulltext_pg.RANK_WEIGHTS}', \"tsv\", %(q)s::tsquery) DESC, \"id\" DESC LIMIT {LIMIT}")
    return [row[0] for row in db.execute(sql, {"q": expression}).fetchall()]


def measure_queries(ctx: BenchContext) -> list[Figure]:
    _open(ctx.large_db)
    if ctx.postgres:
        import psycopg  # a run with --pg has it

        raw, bare_query = psycopg.connect(str(ctx.large_db), autocommit=True), bare_tsquery
    else:
        raw, bare_query = sqlite3.connect(f"file:{ctx.large_db}?mode=ro", uri=True), bare_fts
    try:
        values = desk_values()
        ours_ms, bare_ms, mismatches = [], [], []
        for template in QUERIES:
            text = _fill(values, template)
            parsed = search.parse_query(text)
            expression = parsed.tsquery if ctx.postgres else parsed.match
            ours_ms += timed_ms(lambda: search.search(text, limit=LIMIT), ctx.repeat)
            bare_ms += timed_ms(lambda: bare_query(raw, expression), ctx.repeat)
            hits = search.search(text, limit=LIMIT)
            named = {h.ticket_id for h in hits if h.rank is None}
            ours = [h.ticket_id for h in hits if h.ticket_id not in named]
            bare = [rowid for rowid in bare_query(raw, expression) if rowid not in named][: len(ours)]
            if ours != bare:
                mismatches.append(f"{text!r}: ours {ours[:5]}..., bare {bare[:5]}...")
    finally:
        raw.close()
        _close()
    notes = (f"{len(QUERIES)} queries x {ctx.repeat} samples on {ctx.tickets} tickets / {ctx.messages} messages; "
             + ("same tickets in the same order for every query" if not mismatches
                else "ORDER DIFFERS: " + "; ".join(mismatches)))  # fmt: skip
    reference = "the same FTS5 expressions straight to the index (sqlite3, same LIMIT and ORDER BY rank)"
    if ctx.postgres:
        reference = ("the same tsquery straight to the GIN index (psycopg, same LIMIT, ORDER BY the same "
                     "weighted ts_rank)")  # fmt: skip
    return [
        Figure("search, 20 varied queries (parse, rank, rows, snippets), p95", p95(ours_ms), "ms", reference + ", p95",
               p95(bare_ms), 2.0, notes),
        Figure("search, 20 varied queries (parse, rank, rows, snippets), median", median(ours_ms), "ms",
               reference + ", median", median(bare_ms), 2.0, notes),
    ]


def _snapshot_typed_anew(f: dq.QueueFilter) -> None:
    search.forget_rankings()  # as when the agent has just typed it: no ranking kept yet
    dq.load_snapshot(f, limit=PAGE)


def _queue_samples(path: Path, repeat: int, queries, page_rows: dict[str, int] | None = None):
    """Samples of a search typed anew (counts and the first page), per query p95, samples of a
    further page of the same search (the ranking kept: scrolling) and the rows that page held.
    ``page_rows`` (query -> rows) makes each further page that many rows long: as many as the
    demo desk's page of the same search holds, so that both desks mark and build the same number
    of rows and the figure compares what the kept ranking costs, not how many rows a page has."""
    _open(path)
    try:
        values = desk_values()
        samples, per_query, scrolling, rows = [], {}, [], {}
        for template in queries:
            text = _fill(values, template)
            f = dq.QueueFilter(tab="all", search=text, sort=dq.RELEVANCE, agent="petrova")
            times = timed_ms(lambda: _snapshot_typed_anew(f), repeat)
            samples += times
            per_query[template] = p95(times)
            # The next page; on a desk with fewer results, the one page there is (the same work).
            offset = PAGE if dq.count_queue(f) > 2 * PAGE else 0
            limit = page_rows[template] if page_rows else PAGE
            rows[template] = len(dq.fetch_rows(f, offset, limit))
            scrolling += timed_ms(lambda: dq.fetch_rows(f, offset, limit), repeat)
            if page_rows:  # the whole page of 50 too, for the notes
                per_query[("full page", template)] = p95(timed_ms(lambda: dq.fetch_rows(f, offset, PAGE), repeat))
        return samples, per_query, scrolling, rows
    finally:
        _close()


def measure_queue(ctx: BenchContext) -> list[Figure]:
    small, small_each, small_scroll, small_rows = _queue_samples(ctx.demo_db, ctx.repeat, QUEUE_QUERIES)
    large, large_each, large_scroll, large_rows = _queue_samples(ctx.large_db, ctx.repeat, QUEUE_QUERIES, small_rows)
    each = ", ".join(f"{q} {large_each[q]:.1f} vs {small_each[q]:.1f} ms" for q in QUEUE_QUERIES)
    pages = ", ".join(f"{q} {large_rows[q]} rows" for q in QUEUE_QUERIES)
    full = ", ".join(f"{q} {large_each[('full page', q)]:.1f} ms" for q in QUEUE_QUERIES)
    return [
        Figure("queue search typed anew: tab counts and the first page best match first, p95", p95(large), "ms",
               "the same on the 200-ticket demo desk, p95", p95(small), 1.5,
               f"p95 per query, large vs demo: {each}. {TYPED_ANEW_FOUND}"),
        Figure("queue search, the next page (scrolling: the ranking kept), p95", p95(large_scroll), "ms",
               "the same searches' page on the 200-ticket demo desk, as many rows, p95", p95(small_scroll), 1.5,
               f"pages of as many rows as the demo's ({pages}); a whole page of 50 on the large desk, p95: {full}. "
               f"{NEXT_PAGE_FOUND}"),
    ]


def measure(ctx: BenchContext) -> list[Figure]:
    return measure_queries(ctx) + measure_queue(ctx)


# --- a desk to measure on, when run as a script -----------------------------------------------


def make_large(path: Path, tickets: int, messages: int, seed: int = 11) -> tuple[int, int, float]:
    """A desk of ``tickets`` tickets with about ``messages`` messages each, inserted with
    ``insert_many`` inside ``fulltext.bulk_load()``. Returns (tickets, messages, seconds)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    _open(path)
    now = parse_instant(NOW)
    products = list(m.Product.select(m.Product.id, m.Product.name))
    subjects = [template for _, template in demo.REQUESTS]
    count = 0
    with fulltext.bulk_load(), m.database_proxy.atomic():
        people = [demo._person(rng) for _ in range(max(1, tickets // 10))]
        m.Customer.insert_many([{"name": name, "email": f"{i}.{email}", "organisation": org, "created_at": now}
                                for i, (name, email, org, _) in enumerate(people)]).execute()  # fmt: skip
        customers = [(c.id, c.name) for c in m.Customer.select(m.Customer.id, m.Customer.name)]
        span = timedelta(days=365)
        rows = []
        for k in range(tickets):
            product = rng.choice(products)
            created = now - span + span * k / tickets
            status = rng.choices((st.NEW, st.OPEN, st.WAITING, st.CLOSED), weights=(5, 10, 5, 80))[0]
            rows.append({"number": 1001 + k, "subject": rng.choice(subjects).format(product=product.name),
                         "product": product.id, "customer": rng.choice(customers)[0], "channel": "email",
                         "status": status, "created_at": created, "updated_at": created})  # fmt: skip
        for i in range(0, len(rows), 2000):
            m.Ticket.insert_many(rows[i: i + 2000]).execute()
        names = dict(customers)
        batch = []
        for tid, customer, created in m.Ticket.select(m.Ticket.id, m.Ticket.customer, m.Ticket.created_at).tuples():
            name = names[customer]
            for j in range(max(1, int(rng.gauss(messages, 1.5)))):
                at = created + timedelta(hours=j)
                if j == 0 or j % 2 == 0:
                    body = "\n\n".join((rng.choice(demo.OPENINGS), " ".join(rng.sample(demo.PROBLEM_DETAILS, 2)).format(
                        product="Fenix+ 3"), f"{rng.choice(demo.SIGN_OFFS)}\n{name}"))
                    batch.append({"ticket": tid, "author_kind": "customer", "body": body, "created_at": at})
                elif rng.random() < 0.2:
                    note = rng.choice(demo.NOTES).format(n=rng.randrange(1000, 99999))
                    batch.append({"ticket": tid, "author_kind": "agent", "body": note, "is_note": True, "created_at": at})
                else:
                    body = rng.choice(demo.AGENT_FIRST_REPLIES + demo.AGENT_FOLLOW_UPS).format(name=name, product="Fenix+ 3")
                    batch.append({"ticket": tid, "author_kind": "agent", "body": body, "created_at": at})
                count += 1
            if len(batch) >= 5000:
                m.Message.insert_many(batch).execute()
                batch = []
        if batch:
            m.Message.insert_many(batch).execute()
    m.database_proxy.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _close()
    return tickets, count, time.perf_counter() - started


def make_demo(path: Path) -> None:
    _open(path)
    demo.generate_demo(Desk(load_regulation(), FixedClock(parse_instant(NOW)), "petrova"))
    m.database_proxy.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=5, help="messages a ticket, about")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="make (or reuse) the desks in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-search-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        large, small = folder / f"search-{args.tickets}.db", folder / "demo.db"
        if not large.exists():
            _, messages, seconds = make_large(large, args.tickets, args.messages)
            print(f"made {large}: {args.tickets} tickets, {messages} messages in {seconds:.1f} s", file=sys.stderr)
        if not small.exists():
            make_demo(small)
        with sqlite3.connect(large) as db:
            tickets, messages = (db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("ticket", "message"))
        ctx = BenchContext(large_db=large, demo_db=small, workdir=folder, quick=False, tickets=tickets,
                           messages=messages, repeat=args.repeat)  # fmt: skip
        for figure in measure(ctx):
            target = "" if figure.target is None else f" (target {figure.target}: {'met' if figure.met else 'MISSED'})"
            print(f"{figure.what}: {figure.value:.2f} {figure.unit} vs {figure.reference:.2f} {figure.unit}"
                  f" [{figure.reference_what}] = x{figure.ratio:.2f}{target}")
            if figure.notes:
                print(f"    {figure.notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
