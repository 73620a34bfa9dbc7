"""The queue: which tickets, in what order, a page at a time.

The TUI's ticket table asks for rows by index; it never holds the whole list. Each page is
found with an id-only query, then its rows are read by id. The id query reads an index in the
queue's order (data/store/indexes.py: one per order, filter column and flag, each led by the
status), one ``UNION ALL`` arm per status of the tab, which SQLite merges in order: no sort
step, whatever the tab, order and filter. Pages are found by keyset: after the row before them
or before the row after them (``after`` / ``before``: a range on the index), and the last page
by reading the order backwards (``fetch_page``); OFFSET only for a jump into the middle, from
the nearer end.

The tab counts do not depend on the tab or the order: ``TabCounts`` keeps them per filter until
the queue sees a change.

A search ordered by relevance (``RELEVANCE``) pages by OFFSET through one ranking per search
(data/read/search.py keeps it until the store changes).

Everything returned is a plain dataclass: no lazy query leaves this module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import reduce

import peewee as pw

from helpdesk.data.read import search as fts
from helpdesk.data.read.history import ReadPoint, newest_event_id
from helpdesk.data.store import models as m
from helpdesk.data.store.indexes import FLAG_CONDITIONS, SORT_KEYS, folded
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.targets import NEAR, OVERDUE, due_state, is_waiting_stale
from helpdesk.data.rules.working_hours import WorkingCalendar

# --- tabs, sorts, filters -------------------------------------------------------------

TABS = ("new", "open", "waiting", "resolved", "all")
TAB_STATUSES: dict[str, tuple[str, ...] | None] = {
    "new": (st.NEW,),
    "open": (st.OPEN,),
    "waiting": (st.WAITING,),
    "resolved": st.FINISHED,  # resolved, closed and rejected (out of scope)
    "all": None,
}
SORTS = ("due", "age", "number")
# While searching: best match first (data/read/search.py); without a search it orders as "due".
RELEVANCE = "relevance"
ASSIGNEE_CHOICES = ("anyone", "mine", "unassigned")
FLAGS = ("support_ended", "out_of_hours")

@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: a status tab, filters, a search and an order."""

    tab: str = "new"
    product: str | None = None  # product name; "" means "no product yet"
    channel: str | None = None
    assignee: str = "anyone"  # anyone / mine / unassigned
    agent: str = ""  # the login "mine" means
    flag: str | None = None  # support_ended / out_of_hours
    scope: str | None = None  # a scope category key (regulation 1.4); "" means "not set yet"
    search: str = ""
    sort: str = "due"
    reverse: bool = False

    def __post_init__(self):
        if self.tab not in TABS:
            raise ValueError(f"unknown tab {self.tab!r}")
        if self.sort not in SORTS and self.sort != RELEVANCE:
            raise ValueError(f"unknown sort {self.sort!r}")
        if self.assignee not in ASSIGNEE_CHOICES:
            raise ValueError(f"unknown assignee choice {self.assignee!r}")
        if self.flag is not None and self.flag not in FLAGS:
            raise ValueError(f"unknown flag {self.flag!r}")

    def with_(self, **changes) -> QueueFilter:
        return replace(self, **changes)

    @property
    def by_relevance(self) -> bool:
        """Whether the rows come best match first: a search, with no other order chosen."""
        return self.sort == RELEVANCE and bool(self.search.strip())


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, with what the countdown column needs to tick on its own."""

    id: int
    number: int
    subject: str
    status: str
    customer_name: str
    customer_email: str | None
    product: str | None
    support_ends: date | None
    channel: str
    assignee: str | None
    priority: str
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    due_at: datetime | None
    waiting_since: datetime | None
    support_ended: bool
    out_of_hours: bool
    sort_key: tuple = field(default=(), compare=False, repr=False)
    version: int = 1
    last_event_id: int = 0  # the newest event of its audit trail, read with ``version``
    match: fts.Match | None = None  # while searching: where it matched (subject marks, a snippet)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(f for f, on in (("support_ended", self.support_ended), ("out_of_hours", self.out_of_hours)) if on)

    @property
    def read(self) -> ReadPoint:
        """What the agent read of this ticket: a change made from the queue row carries it."""
        return ReadPoint(self.number, self.version, self.last_event_id)


# --- queries ----------------------------------------------------------------------------

T = m.Ticket


def _sort_terms(sort: str) -> list[pw.Node]:
    """The ORDER BY expressions, all ascending in the normal direction (reverse flips all):
    the very SQL of the indexes (data/store/indexes.py SORT_KEYS). A search by relevance is
    ordered by search.ranking: these serve it no order (its rows keep the countdown's key)."""
    if sort in ("due", RELEVANCE):
        # Running countdowns first, soonest due first; then the rest, newest first.
        return [pw.SQL(SORT_KEYS["due"][0])]
    if sort == "age":
        return [pw.SQL(term) for term in SORT_KEYS["age"]]  # oldest first
    return [pw.SQL(SORT_KEYS["number"][0])]  # newest first


def _key_of(sort: str, ticket_values: dict) -> tuple:
    """The sort key of a row, as the values of ``_sort_terms`` (for keyset paging)."""
    due = ticket_values["due_at"]
    number = ticket_values["number"]
    if sort in ("due", RELEVANCE):
        return (("1" if due is None else "0" + due) + str(999999999999 - number),)
    if sort == "age":
        return (ticket_values["created_at"], number)
    return (-number,)


def _where(f: QueueFilter, *, with_tab: bool = True, with_search: bool = True) -> pw.Node | None:
    conditions = []
    statuses = TAB_STATUSES[f.tab] if with_tab else None
    if statuses:
        conditions.append(T.status == statuses[0] if len(statuses) == 1 else T.status.in_(statuses))
    if f.product is not None:
        if f.product == "":
            conditions.append(T.product.is_null())
        else:
            conditions.append(T.product == m.Product.select(m.Product.id).where(m.Product.name == f.product))
    if f.channel:
        conditions.append(T.channel == f.channel)
    if f.assignee == "mine":
        conditions.append(T.assignee == m.Agent.select(m.Agent.id).where(m.Agent.login == f.agent))
    elif f.assignee == "unassigned":
        conditions.append(T.assignee.is_null())
    if f.flag in FLAG_CONDITIONS:
        conditions.append(pw.SQL(FLAG_CONDITIONS[f.flag]))  # as the flag's partial indexes say it
    if f.scope is not None:
        conditions.append(T.scope.is_null() if f.scope == "" else T.scope == f.scope)
    search = (f.search or "").strip()
    if search and with_search:
        # The full-text index on SQLite; LIKE on the subject and customer elsewhere (search.py).
        conditions.append(fts.matching_ids_condition(search))
    if not conditions:
        return None
    where = conditions[0]
    for c in conditions[1:]:
        where = where & c
    return where


def other_conditions(f: QueueFilter) -> pw.Node | None:
    """The filter's conditions on ``Ticket`` but its tab (what the tab counts count under)."""
    return _where(f, with_tab=False)


def per_tab(by_status: dict[str, int]) -> dict[str, int]:
    """Counts by status summed into the tabs."""
    counts = {}
    for tab, statuses in TAB_STATUSES.items():
        counts[tab] = sum(by_status.values()) if statuses is None else sum(by_status.get(s, 0) for s in statuses)
    return counts


def count_tabs(f: QueueFilter) -> dict[str, int]:
    """How many tickets each tab holds under the filter's other conditions (one query)."""
    if f.by_relevance:  # the search's ranking has every result's tab: no second pass
        ranking = _ranking(f)
        return {tab: ranking.count(statuses) for tab, statuses in TAB_STATUSES.items()}
    query = T.select(T.status, pw.fn.COUNT(T.id)).group_by(T.status)
    where = other_conditions(f)
    if where is not None:
        query = query.where(where)
    return per_tab(dict(query.tuples()))


def count_queue(f: QueueFilter) -> int:
    return count_tabs(f)[f.tab]


def counted_under(f: QueueFilter) -> QueueFilter:
    """What the tab counts depend on: the filter without its tab and its order."""
    return f.with_(tab=TABS[0], sort=SORTS[0], reverse=False)


class TabCounts:
    """The tab counts per filter (``counted_under``), kept until ``forget``: switching the tab
    or the order counts nothing again. Thread-safe: the queue counts in its workers; counts
    begun before a ``forget`` are not kept."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._counts: OrderedDict[QueueFilter, dict[str, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    def get(self, f: QueueFilter) -> dict[str, int]:
        key = counted_under(f)
        with self._lock:
            known = self._counts.get(key)
            if known is not None:
                self._counts.move_to_end(key)
                return dict(known)
            generation = self._generation
        counts = count_tabs(f)
        with self._lock:
            if generation == self._generation:
                self._counts[key] = counts
                while len(self._counts) > self._size:
                    self._counts.popitem(last=False)
        return dict(counts)

    def forget(self) -> None:
        """Tickets changed: every count is counted again when next asked for."""
        with self._lock:
            self._counts.clear()
            self._generation += 1

    def __contains__(self, f: QueueFilter) -> bool:
        with self._lock:
            return counted_under(f) in self._counts


def _after_condition(terms: list[pw.Node], key: tuple, reverse: bool) -> pw.Node:
    """Rows strictly after ``key`` in the order of ``terms``: the row value ``(a, b, c) > (A, B, C)``.

    All terms share one direction, so a row-value comparison is exact, and SQLite (>= 3.15) and
    PostgreSQL read it as a range on the index that serves the ORDER BY.
    """
    if len(terms) > 1:
        left = pw.Tuple(*terms)
        right = pw.Tuple(*[pw.Value(v, unpack=False) for v in key])
        return left < right if reverse else left > right
    clauses = []
    for i, term in enumerate(terms):
        parts = [terms[j] == key[j] for j in range(i)]
        parts.append(term < key[i] if reverse else term > key[i])
        clause = parts[0]
        for p in parts[1:]:
            clause = clause & p
        clauses.append(clause)
    result = clauses[0]
    for c in clauses[1:]:
        result = result | c
    return result


def page_query(f: QueueFilter, offset: int, limit: int, after: tuple | None = None, *,
               before: tuple | None = None, from_end: bool = False) -> pw.SelectBase:
    """The id query of a page (what ``page_ids`` runs; the plan tests read it): ``limit`` rows
    from ``offset``, or after the row whose sort key is ``after``; or, read backwards, the
    ``limit`` rows before ``before``, or those ending ``offset`` rows before the end
    (``from_end``: the ids come last row first)."""
    backwards = before is not None or from_end
    key = before if backwards else after
    terms = _sort_terms(f.sort)
    descending = f.reverse != backwards
    where = other_conditions(f)
    if key is not None:
        keyset = _after_condition(terms, key, descending)
        where = keyset if where is None else where & keyset
    statuses = TAB_STATUSES[f.tab] or st.STATUSES
    if len(statuses) == 1:
        query = T.select(T.id).where(T.status == statuses[0])
        if where is not None:
            query = query.where(where)
        query = query.order_by(*[t.desc() if descending else t.asc() for t in terms])
    else:
        # One arm a status, each read in order from its index; SQLite merges them (MERGE UNION ALL).
        names = [f"k{i}" for i in range(len(terms))]
        arms = [T.select(T.id, *[t.alias(n) for t, n in zip(terms, names)]).where(T.status == status)
                for status in statuses]
        if where is not None:
            arms = [arm.where(where) for arm in arms]
        query = reduce(lambda a, b: a + b, arms)
        query = query.order_by(*[pw.SQL(f'"{n}"').desc() if descending else pw.SQL(f'"{n}"').asc() for n in names])
    query = query.limit(limit)
    if offset and key is None:
        query = query.offset(offset)
    return query


def _ranking(f: QueueFilter) -> fts.Ranking:
    """Every result of the filter's search under its other conditions but the tab, best first
    (kept by search.py while the store does not change: the counts, pages and positions share it)."""
    return fts.ranking(f.search, where=_where(f, with_tab=False, with_search=False))


def _relevance_ids(f: QueueFilter, offset: int, limit: int) -> list[int]:
    """A page of a search, best match first."""
    return [tid for tid, _rank in _ranking(f).page(TAB_STATUSES[f.tab], offset, limit)]


def _matches(f: QueueFilter, ids: list[int]) -> dict[int, fts.Match]:
    """While searching: where each ticket of a page matched (one query for the page)."""
    return fts.matches(f.search, ids) if f.search.strip() else {}


def page_ids(f: QueueFilter, offset: int, limit: int, after: tuple | None = None, *,
             before: tuple | None = None, from_end: bool = False) -> list[int]:
    """The ticket ids of one page, in queue order (see ``page_query``), read from an index; a
    search by relevance: from its ranking, by OFFSET (``fetch_page`` asks it no other way)."""
    if f.by_relevance:
        return _relevance_ids(f, offset, limit)
    ids = [row[0] for row in page_query(f, offset, limit, after, before=before, from_end=from_end).tuples()]
    return ids[::-1] if before is not None or from_end else ids


def fetch_page(f: QueueFilter, page: int, limit: int, total: int, *, after: tuple | None = None,
               before: tuple | None = None) -> list[QueueRow]:
    """Page ``page`` (rows ``page*limit`` on) of a queue of ``total`` rows: by keyset when the
    row before it (``after``) or after it (``before``) is known, else from the nearer end (the
    last page is the order read backwards, with no OFFSET)."""
    start = page * limit
    if f.by_relevance:  # a ranking, not an index: keys of the countdown order mean nothing here
        return fetch_rows(f, start, limit)
    if after is not None:
        return fetch_rows(f, start, limit, after)
    if before is not None:
        return fetch_rows(f, start, limit, before=before)
    size = max(0, min(limit, total - start))
    from_end = total - start - size
    if size and from_end < start:
        return fetch_rows(f, from_end, size, from_end=True)
    return fetch_rows(f, start, limit)


def fetch_rows(f: QueueFilter, offset: int, limit: int, after: tuple | None = None, *,
               before: tuple | None = None, from_end: bool = False) -> list[QueueRow]:
    """Rows ``offset .. offset+limit`` of the queue (or the ``limit`` rows after ``after``; see
    ``page_ids`` for ``before`` and ``from_end``)."""
    ids = page_ids(f, offset, limit, after, before=before, from_end=from_end)
    if not ids:
        return []
    query = (
        T.select(
            T.id, T.number, T.subject, T.status, T.channel, T.priority, T.created_at, T.updated_at,
            T.first_response_at, T.due_at, T.waiting_since, T.support_ended, T.out_of_hours,
            m.Customer.name.alias("customer_name"), m.Customer.email.alias("customer_email"),
            m.Product.name.alias("product_name"), m.Product.support_ends.alias("support_ends"),
            m.Agent.login.alias("assignee_login"), T.version, newest_event_id().alias("last_event_id"),
        )
        .join(m.Customer, on=(T.customer == m.Customer.id))
        .switch(T)
        .join(m.Product, pw.JOIN.LEFT_OUTER, on=(T.product == m.Product.id))
        .switch(T)
        .join(m.Agent, pw.JOIN.LEFT_OUTER, on=(T.assignee == m.Agent.id))
        .where(T.id.in_(ids))
        .dicts()
    )
    found = _matches(f, ids)
    by_id = {}
    for r in query:
        raw_due = T.due_at.db_value(r["due_at"]) if r["due_at"] is not None else None
        key_values = {"due_at": raw_due, "number": r["number"], "created_at": T.created_at.db_value(r["created_at"])}
        by_id[r["id"]] = QueueRow(
            id=r["id"],
            number=r["number"],
            subject=r["subject"],
            status=r["status"],
            customer_name=r["customer_name"] or "",
            customer_email=r["customer_email"],
            product=r["product_name"],
            support_ends=_as_date(r["support_ends"]),
            channel=r["channel"],
            assignee=r["assignee_login"],
            priority=r["priority"],
            created_at=r["created_at"],
            updated_at=r["updated_at"],
            first_response_at=r["first_response_at"],
            due_at=r["due_at"],
            waiting_since=r["waiting_since"],
            support_ended=bool(r["support_ended"]),
            out_of_hours=bool(r["out_of_hours"]),
            sort_key=_key_of(f.sort, key_values),
            version=r["version"],
            last_event_id=r["last_event_id"] or 0,
            match=found.get(r["id"]),
        )
    return [by_id[i] for i in ids if i in by_id]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def position_of(f: QueueFilter, number: int) -> int | None:
    """The index of ticket ``number`` in the queue under ``f``, or None if it is not in it."""
    ticket = T.select(T.id, T.number, T.due_at, T.created_at).where(T.number == number).dicts().first()
    if ticket is None:
        return None
    where = _where(f)
    inside = T.select(T.id).where(T.id == ticket["id"])
    if where is not None:
        inside = inside.where(where)
    if not inside.exists():
        return None
    if f.by_relevance:
        return _ranking(f).position(ticket["id"], TAB_STATUSES[f.tab])
    key = _key_of(
        f.sort,
        {
            "due_at": T.due_at.db_value(ticket["due_at"]) if ticket["due_at"] else None,
            "number": ticket["number"],
            "created_at": T.created_at.db_value(ticket["created_at"]),
        },
    )
    terms = _sort_terms(f.sort)
    before = _after_condition(terms, key, not f.reverse)  # strictly before in queue order
    query = T.select(pw.fn.COUNT(T.id)).where(before if where is None else where & before)
    return query.scalar() or 0


@dataclass(frozen=True)
class QueueSnapshot:
    """What the queue screen loads in one go: the tab counts, the total and the first page."""

    filter: QueueFilter
    counts: dict[str, int]
    total: int
    offset: int
    rows: tuple[QueueRow, ...]
    cursor_index: int | None = None


def load_snapshot(f: QueueFilter, *, offset: int = 0, limit: int = 50, keep_number: int | None = None,
                  counts: TabCounts | None = None) -> QueueSnapshot:
    """Counts (from ``counts`` when given), plus the page around ``keep_number`` if it is still
    in the queue (else ``offset``)."""
    tab_counts = counts.get(f) if counts is not None else count_tabs(f)
    total = tab_counts[f.tab]
    cursor = None
    if keep_number is not None:
        cursor = position_of(f, keep_number)
        if cursor is not None:
            offset = (cursor // limit) * limit
    offset = max(0, min(offset, max(0, total - 1)))
    offset = (offset // limit) * limit
    rows = tuple(fetch_page(f, offset // limit, limit, total))
    return QueueSnapshot(f, tab_counts, total, offset, rows, cursor)


# --- countdowns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """What the countdown column says about a row at an instant, as data (tui/ words it).

    ``kind``:
      * ``starts``   received out of hours, not taken up: support opens at ``at``, ``left`` from now;
      * ``due``      the next answer is due at ``at``; ``left`` working time remains;
      * ``overdue``  ``at`` has passed by ``left`` working time;
      * ``waited``   active with no target: ``left`` working time waited since it came in;
      * ``waiting``  waiting for the customer since ``at``, ``left`` (wall clock) ago;
      * ``done``     finished: no countdown.
    ``state`` is the CSS state: "", "-soon", "-overdue", "-closed", "-stale".
    ``due`` is the instant the next answer falls due (``starts``, ``due``, ``overdue``): the
    instant the queue's "due" order sorts by, shown in every such row.
    """

    kind: str
    at: datetime | None = None
    left: timedelta = timedelta(0)
    waited: timedelta = timedelta(0)
    state: str = ""
    due: datetime | None = None


def countdown(row: QueueRow, calendar: WorkingCalendar, now: datetime, *, stale_days: int = 5) -> Countdown:
    """The countdown of ``row`` at ``now``: pure computation on the row (no query)."""
    if row.status in st.FINISHED:
        return Countdown("done")
    if row.status == st.WAITING:
        since = row.waiting_since or row.updated_at
        waited = calendar.working_time_between(since, now)
        stale = is_waiting_stale(calendar, since, now, stale_days)  # the same rule as the thread view
        return Countdown("waiting", since, max(timedelta(0), now - since), waited, "-stale" if stale else "")
    waited = calendar.working_time_between(row.created_at, now)
    if row.status == st.NEW and row.first_response_at is None and not calendar.is_open(now) and waited == timedelta(0):
        opens = calendar.upcoming_window(now).start
        return Countdown("starts", opens, opens - now, waited, "-closed", row.due_at)
    if row.due_at is None:
        return Countdown("waited", row.created_at, waited, waited)
    due = due_state(calendar, row.due_at, now)  # the targets' own rule: "near" is the last working hour
    if due.state == OVERDUE:
        return Countdown("overdue", row.due_at, due.overdue_by, waited, "-overdue", row.due_at)
    return Countdown("due", row.due_at, due.working_left, waited, "-soon" if due.state == NEAR else "", row.due_at)
