"""Searching tickets: what an agent types, made into a safe full-text query, ranked, with snippets.

The language (:func:`parse_query`, a pure function):

* plain words: every word must match (AND), case-insensitively, ``ё`` and ``е`` alike. A word of
  :data:`MIN_PREFIX` letters or more matches as a prefix (``лиценз`` finds ``лицензия``); a
  shorter one matches whole words only (``по`` does not scan every word starting with "по").
  A Russian word first drops its ending (:func:`stem`: ``лицензия`` -> ``лиценз``), so that it
  finds the word's other forms: FTS5 has no Russian stemmer, this is a light one on the query
  side only;
* ``word*``: exactly that prefix, no ending dropped (the same rule about short words);
* ``"quoted phrases"``: the words in that order, whole words (a quote left open runs to the end);
* a ticket number, ``123`` or ``#123``: that ticket first, then the tickets whose text has the
  number (digits always match whole: ``12`` does not find ``1234``);
* an e-mail address, ``ivan@romashka.ru``: matched as a phrase in the customer's name, e-mail and
  organisation (the ``people`` column).

Nothing else the agent types is syntax: every term reaches FTS5 inside a double-quoted string
(quotes doubled), so ``AND``, ``NEAR(``, ``-``, ``:``, ``^``, ``*`` in the middle of a word,
brackets or markup are words or separators, never operators. Control characters separate words.
A query is read up to :data:`MAX_QUERY_CHARS` characters and :data:`MAX_TERMS` terms.

Ranking: FTS5's bm25 with the weights of data/store/fulltext.py (subject 10, people 5, body 1,
notes 1), then the newer ticket first (higher id) when two rank alike.

Snippets come back as text plus marked spans (:class:`Snippet`), never as markup: the interface
styles the spans itself, the text stays data.

On a store without the full-text index (a database other than SQLite, for now) the search falls
back to the queue's old conditions: LIKE on the subject, the customer's name and e-mail, and the
ticket number, newest first, with no snippets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import peewee as pw

from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m
from helpdesk.data.store.indexes import folded

MIN_PREFIX = 3
MAX_TERMS = 16
MAX_QUERY_CHARS = 1000
MAX_NUMBER_DIGITS = 9
SNIPPET_TOKENS = 12

WORD, PREFIX, PHRASE, EMAIL, NUMBER = "word", "prefix", "phrase", "email", "number"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER = re.compile(rf"#?(\d{{1,{MAX_NUMBER_DIGITS}}})")
_PIECE = re.compile(r'"([^"]*)(?:"|$)|([^\s"]+)')


@dataclass(frozen=True)
class Term:
    """One condition of a query: ``text`` is what FTS5 gets (folded), ``kind`` how it matches."""

    kind: str  # word / prefix / phrase / email / number
    text: str
    number: int | None = None

    @property
    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        if self.kind == PREFIX:
            return quoted + "*"
        if self.kind == EMAIL:
            return "people : " + quoted
        return quoted


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def match(self) -> str:
        """The FTS5 expression every term of which must match ('' for an empty query)."""
        return " AND ".join(t.fts for t in self.terms)

    @property
    def numbers(self) -> tuple[int, ...]:
        """Ticket numbers the query names: those tickets come first."""
        return tuple(dict.fromkeys(t.number for t in self.terms if t.number is not None))

    @property
    def any(self) -> str:
        """The FTS5 expression any term of which may match: what snippets mark."""
        return " OR ".join(t.fts for t in self.terms)

    @property
    def rest(self) -> str:
        """The FTS5 expression of the terms that are not ticket numbers: what a named ticket must
        still match to come first ('' when the query is only numbers)."""
        return " AND ".join(t.fts for t in self.terms if t.number is None)


def _token_char(ch: str) -> bool:
    # unicode61's token characters: letters, numbers, private use (categories L*, N*, Co).
    return ch.isalnum() or unicodedata.category(ch) in ("Co", "Mn")


def tokens(text: str) -> list[str]:
    """``text`` split into words the way the index's tokenizer does (near enough to count them)."""
    found, current = [], []
    for ch in text:
        if _token_char(ch):
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def _clean(text: str) -> str:
    """Control and format characters (Cc, Cf, Cs, Cn) become spaces: they separate words."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn") else ch for ch in text)


# Russian word endings (nouns, adjectives, verbs; after "ся"/"сь"), longest first. A plain Russian
# word drops one, keeping a stem of at least MIN_STEM letters, and matches as a prefix: "лицензия"
# finds "лицензии" and "лицензию", "ошибка" finds "ошибку", "запускается" finds "запускать".
_ENDINGS = sorted({
    "иями", "ями", "ами", "ией", "иям", "ием", "иях", "ями",
    "ого", "его", "ому", "ему", "ыми", "ими",
    "ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий", "ой", "ей", "ом", "ем", "ам", "ям", "ах", "ях",
    "ым", "им", "ых", "их", "ую", "юю", "ою", "ею", "ов", "ев", "ия", "ья", "ию", "ью", "ье", "ии",
    "ать", "ять", "ить", "еть", "ает", "яет", "ует", "ют", "ет", "ит", "ат", "ят", "ут",
    "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
}, key=len, reverse=True)
_RUSSIAN = re.compile("[а-яё]+")
MIN_STEM = 4


def stem(word: str) -> str:
    """A Russian word without its ending (see _ENDINGS), or the word as it is."""
    lower = word.lower()
    if not _RUSSIAN.fullmatch(lower) or len(lower) <= MIN_STEM:
        return word
    for reflexive in ("ся", "сь"):
        if lower.endswith(reflexive) and len(lower) - 2 >= MIN_STEM:
            lower = lower[:-2]
            break
    for ending in _ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= MIN_STEM:
            return lower[: -len(ending)]
    return lower


def _word_term(raw: str) -> Term | None:
    number = _NUMBER.fullmatch(raw)
    if number:
        return Term(NUMBER, number.group(1), int(number.group(1)))
    if _EMAIL.fullmatch(raw) and tokens(raw):
        return Term(EMAIL, fulltext.fold(raw))
    explicit = raw.endswith("*")
    text = fulltext.fold(raw.rstrip("*"))
    words = tokens(text)
    if not words:
        return None
    if not explicit and len(words) == 1:
        text = words[0] = stem(words[0])
    last = words[-1]
    prefix = len(last) >= MIN_PREFIX and not last.isdigit()
    return Term(PREFIX if prefix else WORD, text)


def parse_query(text: str | None) -> ParsedQuery:
    """The agent's text as a query (pure; never raises, whatever the text)."""
    if not isinstance(text, str):
        return ParsedQuery()
    text = _clean(text[:MAX_QUERY_CHARS])
    terms: list[Term] = []
    for phrase, word in _PIECE.findall(text):
        if len(terms) >= MAX_TERMS:
            break
        if word:
            term = _word_term(word)
        else:
            folded_phrase = fulltext.fold(phrase)
            term = Term(PHRASE, folded_phrase) if tokens(folded_phrase) else None
        if term is not None and term not in terms:
            terms.append(term)
    return ParsedQuery(tuple(terms))


# --- marks in snippets -------------------------------------------------------------------------


@dataclass(frozen=True)
class Snippet:
    """A piece of a ticket's text with the matched words as spans (start, end) of ``text``.

    ``text`` is on one line (newlines and tabs as spaces) and is untrusted: show it through the
    interface's safe-text door, styling the spans."""

    text: str
    marks: tuple[tuple[int, int], ...]
    field: str  # subject / people / body / notes

    def fitted(self, width: int, *, most_before: bool = False) -> Snippet:
        """The snippet cropped at the start when its first matched word would end past ``width``
        characters (a narrow cell): keeping a few words before it, or with ``most_before`` as
        much as fits before it (a subject, whose start says most)."""
        if not self.marks or self.marks[0][1] < width:
            return self
        start, end = self.marks[0]
        room = width - 2 - (end - start)  # "…" before, the cell's own "…" after
        return self.cropped(max(2, room if most_before else min(12, room // 2)))

    def cropped(self, lead: int) -> Snippet:
        """The snippet starting at most ``lead`` characters before its first matched word (at the
        start of a word where one starts within them; "…" in front), so that a narrow cell shows
        the match."""
        if not self.marks or self.marks[0][0] <= lead + 1:
            return self
        first = self.marks[0][0]
        start = first - lead
        space = self.text.find(" ", start - 1, first)
        cut = space + 1 if space >= 0 else start
        shift = cut - 1  # "…" takes one character
        return Snippet("…" + self.text[cut:], tuple((a - shift, b - shift) for a, b in self.marks), self.field)

    def parts(self) -> list[tuple[str, bool]]:
        """The text in pieces, each with whether it is a matched word."""
        pieces, at = [], 0
        for start, end in self.marks:
            if start > at:
                pieces.append((self.text[at:start], False))
            pieces.append((self.text[start:end], True))
            at = end
        if at < len(self.text):
            pieces.append((self.text[at:], False))
        return pieces


_SPACES = re.compile(r"(?:\r\n|[ \r\n\t\v\f\x85\u2028\u2029])+")


def plain_snippet(text: str | None, field: str) -> Snippet:
    """Text with nothing marked (a ticket found by its number alone), on one line."""
    return Snippet(_SPACES.sub(" ", text or ""), (), field)


def parse_marked(text: str | None, field: str) -> Snippet:
    """What ``snippet()``/``highlight()`` returned, with their mark characters as spans."""
    text = _SPACES.sub(" ", text or "")  # one line; the marks are no spaces, so they stay put
    plain: list[str] = []
    marks: list[tuple[int, int]] = []
    length, start = 0, None
    for piece in re.split(f"([{fulltext.MARK_OPEN}{fulltext.MARK_CLOSE}])", text):
        if piece == fulltext.MARK_OPEN:
            start = length
        elif piece == fulltext.MARK_CLOSE:
            if start is not None and length > start:
                marks.append((start, length))
            start = None
        elif piece:
            plain.append(piece)
            length += len(piece)
    return Snippet("".join(plain), tuple(marks), field)


# --- conditions and ranked ids -----------------------------------------------------------------

T = m.Ticket
FIELDS = fulltext.COLUMNS


def _index() -> pw.Table:
    """The FTS5 table as peewee sees it: its rowid (the ticket id), rank and match column."""
    return pw.Table(fulltext.INDEX, ("rowid", "rank", fulltext.INDEX)).bind(m.database_proxy)


def _match(index: pw.Table, expression: str) -> pw.Node:
    return pw.Expression(getattr(index, fulltext.INDEX), "MATCH", expression)


def _match_ids(expression: str) -> pw.Node:
    """``SELECT rowid FROM ticket_search WHERE ticket_search MATCH expression``."""
    index = _index()
    return index.select(index.rowid).where(_match(index, expression))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(expr: pw.Node, pattern: str) -> pw.Node:
    """``fold(expr) LIKE pattern ESCAPE '\\'``: case-insensitive for Cyrillic too."""
    # ILIKE: peewee turns LIKE into GLOB on SQLite; ILIKE is LIKE there and ILIKE on PostgreSQL.
    return pw.Expression(folded(expr), pw.OP.ILIKE, pw.NodeList((pattern, pw.SQL("ESCAPE '\\'"))))


def like_condition(text: str) -> pw.Node | None:
    """The search without the full-text index (non-SQLite stores): the text anywhere in the
    subject, the customer's name or e-mail, or the ticket's number."""
    search = (text or "").strip()
    if not search:
        return None
    pattern = _like_pattern(search.casefold())
    customers = m.Customer.select(m.Customer.id).where(
        _like(m.Customer.name, pattern) | _like(pw.fn.COALESCE(m.Customer.email, ""), pattern)
    )
    clause = _like(T.subject, pattern) | T.customer.in_(customers)
    if search.lstrip("#").isdigit():
        clause = clause | (T.number == int(search.lstrip("#")))
    return clause


def _pinned_condition(query: ParsedQuery) -> pw.Node | None:
    """The tickets the query names by number (that match its other terms too)."""
    if not query.numbers:
        return None
    condition = T.number.in_(query.numbers)
    if query.rest:
        condition = condition & T.id.in_(_match_ids(query.rest))
    return condition


def matching_ids_condition(text: str) -> pw.Node | None:
    """A condition on ``Ticket`` that holds for the tickets the search finds, for the queue to
    AND into its own WHERE (None: the text searches for nothing, every ticket stays)."""
    if not fulltext.available():
        return like_condition(text)
    query = parse_query(text)
    if query.empty:
        # Only separators or symbols ("***", "—"): nothing the index holds can match them.
        return T.id.is_null() if (text or "").strip() else None
    condition = T.id.in_(_match_ids(query.match))
    pinned = _pinned_condition(query)
    return condition | pinned if pinned is not None else condition


def _and(*conditions: pw.Node | None) -> pw.Node | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    result = present[0]
    for c in present[1:]:
        result = result & c
    return result


def _pinned_ids(query: ParsedQuery, where: pw.Node | None) -> list[int]:
    """The ids of the named tickets, in the order the query names them."""
    condition = _and(_pinned_condition(query), where)
    if condition is None:
        return []
    found = {number: tid for tid, number in T.select(T.id, T.number).where(condition).tuples()}
    return [found[n] for n in query.numbers if n in found]


def _ranked(query: ParsedQuery, where: pw.Node | None, pinned: list[int], *columns) -> pw.Select:
    """The text matches but the pinned, as (id, rank) unless ``columns`` say otherwise, best first;
    joined with the ticket and narrowed by ``where`` (the queue's filters) when given."""
    index = _index()
    select = index.select(*(columns or (index.rowid, index.rank)))
    condition = _match(index, query.match)
    if where is not None:
        select = select.join(T, on=(T.id == index.rowid))
        condition = condition & where
    if pinned:
        condition = condition & index.rowid.not_in(pinned)
    return select.where(condition)


def _order(index: pw.Table) -> list[pw.Node]:
    return [index.rank, index.rowid.desc()]


def ranked_ids(text: str, *, where: pw.Node | None = None, offset: int = 0, limit: int = 50) -> list[tuple[int, float | None]]:
    """``(ticket id, rank)`` of the search's results ``offset .. offset+limit``, best first: the
    tickets named by number, then bm25 (lower is better) and the newer ticket first. ``where``
    (a condition on Ticket, the queue's filters) restricts them. Rank is None for a ticket
    found by its number alone, or without the full-text index."""
    if not fulltext.available():
        condition = _and(like_condition(text), where)
        if condition is None:
            return []
        rows = T.select(T.id).where(condition).order_by(T.id.desc()).offset(offset).limit(limit).tuples()
        return [(tid, None) for (tid,) in rows]
    query = parse_query(text)
    if query.empty:
        return []
    pinned = _pinned_ids(query, where)
    result: list[tuple[int, float | None]] = [(tid, None) for tid in pinned[offset: offset + limit]]
    wanted = limit - len(result)
    if wanted > 0:
        index = _index()
        select = _ranked(query, where, pinned, index.rowid, index.rank).order_by(*_order(index))
        result += list(select.limit(wanted).offset(max(0, offset - len(pinned))).tuples())
    if pinned and result:
        index = _index()
        ranks = dict(index.select(index.rowid, index.rank)
                     .where(_match(index, query.match) & index.rowid.in_(pinned)).tuples())  # fmt: skip
        result = [(tid, ranks.get(tid, rank)) for tid, rank in result]
    return result


def position(text: str, ticket_id: int, *, where: pw.Node | None = None) -> int | None:
    """Where ticket ``ticket_id`` stands among the search's results (as :func:`ranked_ids` orders
    them), or None if it is not among them."""
    if not fulltext.available():
        condition = _and(like_condition(text), where)
        if condition is None or not T.select().where(condition & (T.id == ticket_id)).exists():
            return None
        return T.select().where(condition & (T.id > ticket_id)).count()
    query = parse_query(text)
    if query.empty:
        return None
    pinned = _pinned_ids(query, where)
    if ticket_id in pinned:
        return pinned.index(ticket_id)
    index = _index()
    numbered = _ranked(query, where, pinned, index.rowid.alias("id"),
                       pw.fn.row_number().over(order_by=_order(index)).alias("n")).alias("ranked")
    n = pw.Select([numbered], [numbered.c.n]).where(numbered.c.id == ticket_id).bind(m.database_proxy).scalar()
    return None if n is None else len(pinned) + n - 1


# --- what matched where ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Where a ticket matched: its subject with the matched words, and a snippet from elsewhere."""

    subject: Snippet
    snippet: Snippet | None = None  # from the body, the notes or the customer; None: the subject only


# Which snippet to show when a ticket matched in several places: its conversation first.
SNIPPET_FIELDS = ("body", "notes", "people")


def matches(text: str, ids, *, tokens: int = SNIPPET_TOKENS) -> dict[int, Match]:
    """What matched in each ticket of ``ids`` (a page of results: snippets cost a pass over each
    ticket's text): every term's words are marked wherever they are (a ticket named by its number
    shows its other terms too). Tickets with none of the words, or a store without the index,
    get no entry."""
    ids = list(ids)
    if not ids or not fulltext.available():
        return {}
    query = parse_query(text)
    if query.empty:
        return {}
    o, c = fulltext.MARK_OPEN, fulltext.MARK_CLOSE
    tokens = max(1, min(64, int(tokens)))
    index = _index()
    table = getattr(index, fulltext.INDEX)  # FTS5's functions take the table's hidden column
    snippets = [pw.fn.snippet(table, FIELDS.index(f), o, c, "…", tokens) for f in SNIPPET_FIELDS]
    select = (
        index.select(index.rowid, pw.fn.highlight(table, 0, o, c), *snippets)
        .where(_match(index, query.any) & index.rowid.in_(ids))
    )
    found = {}
    for rowid, subject, *raw_snippets in select.tuples():
        snippet = None
        for field, raw in zip(SNIPPET_FIELDS, raw_snippets):
            if raw and o in raw:
                snippet = parse_marked(raw, field)
                break
        found[rowid] = Match(parse_marked(subject, "subject"), snippet)
    return found


@dataclass(frozen=True)
class Hit:
    """One search result: the subject with its matched words marked, and a snippet."""

    ticket_id: int
    number: int
    subject: Snippet
    status: str
    snippet: Snippet | None
    rank: float | None  # bm25 (lower is better); None: found by its number alone, or no index


def search(text: str, *, limit: int, offset: int = 0, where: pw.Node | None = None,
           snippet_tokens: int = SNIPPET_TOKENS) -> list[Hit]:
    """The tickets ``text`` finds, best first (see the module's docstring), ``limit`` of them
    from ``offset``; ``where`` (a condition on Ticket) narrows them (the queue's filters)."""
    ranked = ranked_ids(text, where=where, offset=offset, limit=limit)
    if not ranked:
        return []
    ids = [tid for tid, _ in ranked]
    rows = {tid: (number, subject, status)
            for tid, number, subject, status in T.select(T.id, T.number, T.subject, T.status).where(T.id.in_(ids)).tuples()}
    found = matches(text, ids, tokens=snippet_tokens)
    hits = []
    for tid, rank in ranked:
        if tid not in rows:
            continue
        number, subject, status = rows[tid]
        match = found.get(tid) or Match(plain_snippet(subject, "subject"))
        hits.append(Hit(tid, number, match.subject, status, match.snippet, rank))
    return hits
