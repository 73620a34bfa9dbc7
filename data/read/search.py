"""Searching tickets: what an agent types, made into a safe full-text query, ranked, with snippets.

The language (:func:`parse_query`, a pure function):

* plain words: every word must match (AND), case-insensitively, ``ё`` and ``е`` alike. A word of
  :data:`MIN_PREFIX` letters or more matches as a prefix (``лиценз`` finds ``лицензия``); a
  shorter one matches whole words only (``по`` does not scan every word starting with "по").
  A Russian word first drops its ending (:func:`stem`: ``лицензия`` -> ``лиценз``), so that it
  finds the word's other forms: FTS5 has no Russian stemmer, this is a light one on the query
  side only. Such a word (:data:`MIN_PREFIX` letters or more) also matches anywhere inside the
  subject or the customer's name, e-mail and organisation, as the queue's LIKE search did:
  ``машк`` finds «Ромашка», ``soft`` finds ``ivan@romashka-soft.ru`` (the substring index of
  data/store/fulltext.py; case and ``ё`` folded, the piece taken literally: ``%`` and ``_`` are
  characters). Each word may match either way; all must match;
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
notes 1), then the newer ticket first (higher id) when two rank alike. A ticket that only a piece
of a word found (some word matched inside a word only) comes after every ticket the words found,
newest first, with rank 0 (the same order on SQLite and PostgreSQL).

Snippets come back as text plus marked spans (:class:`Snippet`), never as markup: the interface
styles the spans itself, the text stays data. The words are marked in Python on the stored
documents, by the index's rules (see "marking matched words" below); a piece found inside a
word is marked as that piece.

The queue's counts, pages and positions come from one :class:`Ranking` of every result, kept
until the store changes (:func:`ranking`); ``search()`` without filters asks the index for its
top rows only.

Pieces of words cost one more look-up, in the substring index of the subjects and customers
only (short texts): no piece is refused for being common (``ова`` is in a third of the tickets);
the tickets it finds are read as ids, and only those the words did not find are looked up
further (:func:`_inside_rows`); a page of the plain search asks for pieces only once the words
run out on it (:func:`ranked_ids`).

On a store without the full-text index (a database other than SQLite, for now) the search falls
back to the queue's old conditions: LIKE on the subject, the customer's name and e-mail, and the
ticket number, newest first, with no snippets.
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace

import peewee as pw

from helpdesk.data.rules import statuses as st
from helpdesk.data.store import fulltext, fulltext_pg
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
    inside: bool = False  # a plain word: it may match inside the subject's or the people's words too

    @property
    def piece(self) -> str:
        """What the substring index looks for: the text folded (lower case, ``ё`` as ``е``)."""
        return _folded(self.text)

    @property
    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        if self.kind == PREFIX:
            return quoted + "*"
        if self.kind == EMAIL:
            return "people : " + quoted
        return quoted

    @property
    def tsquery(self) -> str:
        """The same condition as a PostgreSQL ``tsquery`` (data/store/fulltext_pg.py): the
        term's words folded as ``hd_words`` folds the text, in a row (``<->``), the last a
        prefix (``:*``) for a prefix, each in the people column (``:B``) for an e-mail."""
        words = [_pg_fold(w) for w in tokens(_folded(self.text))] or ["\x01"]
        label = ":B" if self.kind == EMAIL else ""
        lexemes = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" + label for w in words]
        if self.kind == PREFIX:
            lexemes[-1] += "*" if label else ":*"
        return "(" + " <-> ".join(lexemes) + ")"


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def inside(self) -> tuple[Term, ...]:
        """The terms that may match inside a word of the subject or the people."""
        return tuple(t for t in self.terms if t.inside)

    def words_only(self) -> ParsedQuery:
        """The same query matching words and prefixes only (a store without the substring index)."""
        return ParsedQuery(tuple(replace(t, inside=False) for t in self.terms)) if self.inside else self

    @property
    def match(self) -> str:
        """The FTS5 expression every term of which must match ('' for an empty query)."""
        return " AND ".join(t.fts for t in self.terms)

    @property
    def numbers(self) -> tuple[int, ...]:
        """Ticket numbers the query names: those tickets come first."""
        return tuple(dict.fromkeys(t.number for t in self.terms if t.number is not None))

    @property
    def rest(self) -> str:
        """The FTS5 expression of the terms that are not ticket numbers: what a named ticket must
        still match to come first ('' when the query is only numbers)."""
        return " AND ".join(t.fts for t in self.terms if t.number is None)

    @property
    def tsquery(self) -> str:
        """``match`` as a PostgreSQL ``tsquery``."""
        return " & ".join(t.tsquery for t in self.terms)


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
    return Term(PREFIX if prefix else WORD, text, inside=prefix and not explicit)


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
    """Text with mark characters around matched words (MARK_OPEN ... MARK_CLOSE), as spans; on one line."""
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


# --- marking matched words -------------------------------------------------------------------
# The index found the tickets; the words are marked here, in Python, on the stored documents
# (ticket_search_doc): FTS5's highlight()/snippet() evaluate the query again for every row they
# mark, which for a prefix of a common word costs more than the search itself. The marks follow
# the index's own rules: the same folding (case, ё as е, Latin letters without their diacritics),
# the same words (letters and digits), a prefix or a whole word, a phrase's words in a row. The
# text is folded one character for one, so a position in it is a position in the stored text.


def _latin_folds() -> dict[int, str]:
    """Lower-case Latin letters with diacritics -> their base letter (é -> e), as unicode61's
    remove_diacritics folds them."""
    folds = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)
        if ch == ch.lower() and len(base) > 1 and base[0].isascii() and base[0].isalpha() \
                and all(unicodedata.combining(c) for c in base[1:]):
            folds[code] = base[0]
    return folds


_LATIN = _latin_folds()
_LATIN_VARIANTS: dict[str, str] = {}  # e -> eèéêë...: what a Latin letter of a search stands for
for _code, _base in _LATIN.items():
    _LATIN_VARIANTS[_base] = _LATIN_VARIANTS.get(_base, _base) + chr(_code)
_WORD = re.compile(r"[^\W_]+")
_SEPARATOR = r"[\W_]+"
LEAD_WORDS = 3  # words of a snippet before its first match


def _pg_fold(word: str) -> str:
    """A folded word without its Latin diacritics, as PostgreSQL's index holds it (hd_words)."""
    return "".join(_LATIN.get(ord(ch), ch) for ch in word)


def _folded(text: str) -> str:
    """``text`` in lower case with ё as е, one character for one (İ, whose lower case is two
    characters, first made an i)."""
    if "İ" in text:
        text = text.replace("İ", "i")
    return text.lower().replace("ё", "е")


def _letters(word: str) -> str:
    """A folded word as a pattern: each Latin letter stands for itself with any diacritic."""
    out = []
    for ch in word:
        base = _LATIN.get(ord(ch), ch)
        out.append("[" + re.escape(_LATIN_VARIANTS[base]) + "]" if base in _LATIN_VARIANTS else re.escape(ch))
    return "".join(out)


def _term_pattern(term: Term) -> str | None:
    words = [_folded(w) for w in tokens(term.text)]
    if not words:
        return None
    end = r"[^\W_]*" if term.kind == PREFIX else r"(?![^\W_])"
    return _SEPARATOR.join(_letters(w) for w in words) + end


@dataclass(frozen=True)
class _Marker:
    """The query's words as one regular expression per kind of field, on the folded text."""

    text: re.Pattern | None  # subject, body, notes
    people: re.Pattern | None  # the customer: addresses match there only
    inside: re.Pattern | None = None  # pieces found anywhere in the subject and the people

    def spans(self, text: str, field: str) -> list[tuple[int, int]]:
        pattern = self.people if field == "people" else self.text
        inside = self.inside if field in SUBSTR_FIELDS else None
        if (pattern is None and inside is None) or not text:
            return []
        folded = _folded(text)
        # A match must start a word: checked here, a look-behind would make every search slow.
        found = [] if pattern is None else [
            match.span() for match in pattern.finditer(folded)
            if match.end() > match.start() and not (match.start() and folded[match.start() - 1].isalnum())]
        if inside is None:
            return found
        return _merged(found + [match.span() for match in inside.finditer(folded)])


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, those that overlap or touch made one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


@functools.lru_cache(maxsize=64)
def _marker(query: ParsedQuery) -> _Marker:
    def compiled(terms) -> re.Pattern | None:
        patterns = [p for p in (_term_pattern(t) for t in terms) if p]
        return re.compile("|".join(patterns)) if patterns else None

    pieces = sorted({t.piece for t in query.inside}, key=len, reverse=True)  # the longest where two start alike
    inside = re.compile("|".join(re.escape(p) for p in pieces)) if pieces else None
    return _Marker(compiled(t for t in query.terms if t.kind != EMAIL), compiled(query.terms), inside)


def _with_marks(text: str, spans) -> str:
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], fulltext.MARK_OPEN, text[start:end], fulltext.MARK_CLOSE]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


_UNTIDY = re.compile(f"(?:\\r\\n|[\\r\\n\\t\\v\\f\\x85\\u2028\\u2029{fulltext.MARK_OPEN}{fulltext.MARK_CLOSE}]|  )")


def _snippet(text: str, spans, field: str) -> Snippet:
    """``text`` with ``spans`` marked, on one line."""
    if _UNTIDY.search(text) is None:  # already one tidy line (most subjects): as it is
        return Snippet(text, tuple(spans), field)
    return parse_marked(_with_marks(text, spans), field)


def _words_before(text: str, low: int, first: int) -> list[tuple[int, int]]:
    """The whole words of text[low:first]: a word cut by ``low`` left out. Read from a little before
    ``first`` when that holds more than the LEAD_WORDS a snippet shows (the same words last)."""
    near = first - 12 * (LEAD_WORDS + 1)
    if near > low:
        found = [w.span() for w in _WORD.finditer(text, near, first)]
        if len(found) > LEAD_WORDS + 1:  # the first may be cut by ``near``: the others are whole
            return found[1:]
    found = [w.span() for w in _WORD.finditer(text, low, first)]
    return [w for w in found if w[0] > low] if low > 0 else found


def _window(text: str, spans: list[tuple[int, int]], field: str, words: int) -> Snippet:
    """About ``words`` words of ``text``, from LEAD_WORDS before its first match, the matches marked
    ("…" where the text goes on). Only the text around the match is read: a body may be long."""
    first, first_end = spans[0]
    low = max(0, first - 40 * (LEAD_WORDS + 1))
    high = min(len(text), first_end + 40 * (words + 1))
    # The words of text[low:high] (not those cut by its ends), read no further than one word past
    # what the snippet can show: a match starts a word, so the words before it end before it.
    found = _words_before(text, low, first)
    before, after, cut = len(found), words + 1, high < len(text)
    for w in _WORD.finditer(text, first, high):
        span = w.span()
        if cut and span[1] >= high:  # the region may end inside a word
            break
        found.append(span)
        after -= 1
        if not after:
            break
    index = before if len(found) > before else None
    if index is None:  # no whole word around (an endless word): the match alone
        start, end = first, first_end
    else:
        begin = max(0, index - LEAD_WORDS)
        last = max(min(len(found), begin + words), index + 1)
        start = 0 if begin == 0 and low == 0 else found[begin][0]
        end = len(text) if last == len(found) and high == len(text) else found[last - 1][1]
        end = max(end, first_end)
    if end - start > 40 * words:  # an endless word: cut it
        end = max(first_end, start + 40 * words)
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
    marked = _with_marks(text[start:end], inside)
    return parse_marked(("…" if start > 0 else "") + marked + ("…" if end < len(text) else ""), field)


# --- conditions and ranked ids -----------------------------------------------------------------

T = m.Ticket
FIELDS = fulltext.COLUMNS
SUBSTR_FIELDS = fulltext.SUBSTR_COLUMNS


def _pg() -> bool:
    """Whether the store is PostgreSQL: its index is data/store/fulltext_pg.py's ``tsvector``."""
    return isinstance(m.database_proxy.obj, pw.PostgresqlDatabase)


def _expression(query: ParsedQuery) -> str:
    """The query for the store's index: FTS5's MATCH expression, or PostgreSQL's tsquery."""
    return query.tsquery if _pg() else query.match


def _index() -> pw.Table:
    """The index as peewee sees it. FTS5: its rowid (the ticket id), rank and match column.
    PostgreSQL: the documents' table (``rowid``: its id, ``tsv``: the words)."""
    if _pg():
        return pw.Table(fulltext_pg.DOC, ("id", "tsv")).bind(m.database_proxy)
    return pw.Table(fulltext.INDEX, ("rowid", "rank", fulltext.INDEX)).bind(m.database_proxy)


def _row_id(index: pw.Table) -> pw.Node:
    return index.id if _pg() else index.rowid


def _rank(index: pw.Table, expression: str) -> pw.Node:
    """Lower is better: FTS5's bm25, or PostgreSQL's ts_rank (weighted like bm25) negated."""
    if _pg():
        weights = pw.SQL(f"'{fulltext_pg.RANK_WEIGHTS}'::float4[]")
        return pw.fn.ts_rank(weights, index.tsv, pw.Cast(pw.Value(expression), "tsquery")) * -1  # (-x is DESC in peewee)
    return index.rank


def _match(index: pw.Table, expression: str) -> pw.Node:
    if _pg():
        return pw.Expression(index.tsv, "@@", pw.Cast(pw.Value(expression), "tsquery"))
    return pw.Expression(getattr(index, fulltext.INDEX), "MATCH", expression)


def _match_ids(expression: str) -> pw.Node:
    """``SELECT rowid FROM ticket_search WHERE ticket_search MATCH expression`` (or PostgreSQL's)."""
    index = _index()
    return index.select(_row_id(index)).where(_match(index, expression))


def _words_expression(terms) -> str:
    """Every term matched as a word or prefix: FTS5's MATCH expression, or PostgreSQL's tsquery."""
    if _pg():
        return " & ".join(t.tsquery for t in terms)
    return " AND ".join(t.fts for t in terms)


def _inside_ids(term: Term) -> pw.Node:
    """The tickets whose subject or people hold ``term``'s piece: SQLite's trigram index (the
    piece as one quoted string: exactly that text, nothing in it an operator or a wildcard), or
    PostgreSQL's substring column with LIKE (``%``, ``_`` and ``\\`` escaped)."""
    return _inside_select(term)


def _inside_select(term: Term, ticket: pw.Node | None = None) -> pw.Select:
    """_inside_ids, or (``ticket``: a ticket id, as a column of the outer query) whether that one ticket's do."""
    if _pg():
        table = pw.Table(fulltext_pg.DOC, ("id", fulltext_pg.SUBSTR_COLUMN)).bind(m.database_proxy)
        row_id, condition = table.id, pw.Expression(getattr(table, fulltext_pg.SUBSTR_COLUMN), pw.OP.LIKE,
                                                    _like_pattern(term.piece))  # fmt: skip
    else:
        table = pw.Table(fulltext.SUBSTR_INDEX, ("rowid", fulltext.SUBSTR_INDEX)).bind(m.database_proxy)
        row_id, condition = table.rowid, pw.Expression(getattr(table, fulltext.SUBSTR_INDEX), "MATCH", _piece_match(term))
    if ticket is not None:
        condition = condition & (row_id == ticket)
    return table.select(row_id).where(condition)


def _piece_match(term: Term) -> str:
    """The trigram index's MATCH expression for a term's piece: one quoted string."""
    return '"' + term.piece.replace('"', '""') + '"'


def _inside_of(term: Term, few: bool) -> pw.Node:
    """The ticket's subject or people hold the term's piece: looked up for the whole desk once
    (``few`` False), or ticket by ticket (``few``: a handful of tickets, as those named by number)."""
    if not few:
        return T.id.in_(_inside_ids(term))
    return pw.fn.EXISTS(_inside_select(term, T.id))


def _either(term: Term, few: bool = False) -> pw.Node:
    """The term matched as a word (or prefix) anywhere, or as a piece in the subject or people."""
    condition = _words_found([term], few)
    return condition | _inside_of(term, few) if term.inside else condition


def _words_found(terms, few: bool) -> pw.Node:
    """The tickets the terms match as words (or prefixes): the index's list of them, or with
    ``few`` each ticket looked up in the index by its id."""
    expression = _words_expression(terms)
    if not few:
        return T.id.in_(_match_ids(expression))
    index = _index()
    return pw.fn.EXISTS(index.select(pw.SQL("1")).where(_match(index, expression) & (_row_id(index) == T.id)))


def _any_inside(terms) -> pw.Node:
    """The tickets where one of the terms' pieces is found (where a ticket only pieces find must be)."""
    selects = [_inside_ids(t) for t in terms if t.inside]
    union = functools.reduce(lambda a, b: a | b, selects)
    return T.id.in_(union)


def _found_condition(terms, *, few: bool = False) -> pw.Node:
    """The tickets every one of ``terms`` matches, each as a word or as a piece: the words' own
    query (one index look-up, as without pieces) or, for the rest, a piece found and then each
    term either way (the per-term look-ups run only for tickets a piece found). ``few``: the
    condition narrows a handful of tickets (see _inside_of), each looked up by its id rather than
    the list of every ticket a common word matches made first (22,000 for лиценз* on 100k: 5 ms)."""
    terms = tuple(terms)
    words = _words_found(terms, few)
    if not any(t.inside for t in terms):
        return words
    if len(terms) == 1:
        return words | _inside_of(terms[0], few)
    if few:
        return words | _and(*(_either(t, few) for t in sorted(terms, key=_rarity)))
    return words | (_any_inside(terms) & _and(*(_either(t) for t in sorted(terms, key=_rarity))))


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
    rest = [t for t in query.terms if t.number is None]
    if rest:
        condition = condition & _found_condition(rest, few=True)
    return condition


def _effective(query: ParsedQuery) -> ParsedQuery:
    """The query as the store can answer it: without pieces of words where it has no substring index."""
    return query if not query.inside or fulltext.substrings_available() else query.words_only()


def matching_ids_condition(text: str) -> pw.Node | None:
    """A condition on ``Ticket`` that holds for the tickets the search finds, for the queue to
    AND into its own WHERE (None: the text searches for nothing, every ticket stays)."""
    if not fulltext.available():
        return like_condition(text)
    query = _effective(parse_query(text))
    if query.empty:
        # Only separators or symbols ("***", "—"): nothing the index holds can match them.
        return T.id.is_null() if (text or "").strip() else None
    condition = _found_condition(query.terms)
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


def _ranked(query: ParsedQuery, pinned: list[int]) -> pw.Select:
    """(id, rank, status) of the text matches but the pinned, joined with their tickets."""
    index = _index()
    expression = _expression(query)
    row_id = _row_id(index)
    condition = _match(index, expression)
    if pinned:
        condition = condition & row_id.not_in(pinned)
    rank = _rank(index, expression).alias("rank")
    return index.select(row_id, rank, T.status).join(T, on=(T.id == row_id)).where(condition)


def _order(index: pw.Table) -> list[pw.Node]:
    return [pw.SQL('"rank"'), _row_id(index).desc()]


# The rank of a ticket only pieces of words found: after every word match (bm25 and ts_rank's
# negation are below 0), newest first among them.
INSIDE_RANK = 0.0


def _inside_only(query: ParsedQuery, pinned: list[int], where: pw.Node | None, *, exclude_words: bool) -> pw.Select:
    """(id, status) of the tickets a piece of a word finds, newest first: those the words alone
    find too are left out by the caller (it has them), or here (``exclude_words``)."""
    terms = sorted(query.terms, key=_rarity)  # the likely rarest first: a later one's look-up may then never run
    narrow = terms[0].kind in (NUMBER, EMAIL, PHRASE)
    # Driven by a rare term's own matches (a number, an address, a phrase: a handful of tickets,
    # each then checked for the pieces), else by the tickets a piece finds.
    condition = T.id.in_(_match_ids(_words_expression([terms[0]]))) if narrow else _any_inside(terms)
    if pinned:
        condition = condition & T.id.not_in(pinned)
    if where is not None:
        condition = condition & where
    if len(terms) > 1:
        condition = condition & _and(*(_either(t, few=narrow) for t in terms[1 if narrow else 0:]))
    if exclude_words:
        condition = condition & T.id.not_in(_match_ids(_expression(query)))
    return T.select(T.id, T.status).where(condition).order_by(T.id.desc())


def _rarity(term: Term) -> tuple:
    """How many tickets a term likely finds, fewest first: a number, then an address or a
    phrase, then a whole word, then a prefix (a long one before a short one)."""
    return (term.number is None, term.kind not in (EMAIL, PHRASE), term.kind == PREFIX, -len(term.text))


def _word_count(query: ParsedQuery, pinned: list[int]) -> int:
    """How many tickets the words alone find (the pinned ones aside)."""
    index = _index()
    select = _match_ids(_expression(query))
    if pinned:
        select = select.where(_row_id(index).not_in(pinned))
    sql, params = select.sql()
    return m.database_proxy.execute_sql(f"SELECT count(*) FROM ({sql}) AS found", params).fetchone()[0]


def ranked_ids(text: str, *, where: pw.Node | None = None, offset: int = 0, limit: int = 50) -> list[tuple[int, float | None]]:
    """``(ticket id, rank)`` of the search's results ``offset .. offset+limit``, best first: the
    tickets named by number, then bm25 (lower is better) and the newer ticket first, then the
    tickets only pieces of words find (rank INSIDE_RANK), newest first. ``where`` (a condition
    on Ticket, the queue's filters) restricts them. Rank is None for a ticket found by its
    number alone, or without the full-text index."""
    if where is not None or not fulltext.available():  # the queue's filters: its kept ranking
        return ranking(text, where=where).page(None, offset, limit)
    query = _effective(parse_query(text))
    if query.empty:
        return []
    pinned = _pinned_ids(query, where)
    result: list[tuple[int, float | None]] = [(tid, None) for tid in pinned[offset: offset + limit]]
    wanted = limit - len(result)
    skip = max(0, offset - len(pinned))
    words = _pg_ranked_ids(query, pinned, wanted, skip) if _pg() else _sqlite_ranked_ids(query, pinned, wanted, skip)
    result += words
    if query.inside and len(words) < wanted:  # the words ran out on this page: then the pieces
        found = skip + len(words) if words or not skip else _word_count(query, pinned)
        result += [(tid, INSIDE_RANK) for tid in _inside_page(query, pinned, wanted - len(words), max(0, skip - found))]
    if pinned and result and not _pg():
        sql = (f'SELECT rowid, rank FROM "{fulltext.INDEX}" WHERE "{fulltext.INDEX}" MATCH ? '
               f'AND rowid IN ({", ".join("?" * len(pinned))})')  # fmt: skip
        ranks = dict(m.database_proxy.execute_sql(sql, [query.match, *pinned]).fetchall())
        result = [(tid, ranks.get(tid, rank)) for tid, rank in result]
    return result


def _inside_page(query: ParsedQuery, pinned: list[int], limit: int, offset: int) -> list[int]:
    """ranked_ids' tickets only pieces of words find, newest first: one plain statement for the
    commonest case (one word, on SQLite: straight from the trigram index, newest first by its
    rowid), else the general query."""
    db = m.database_proxy
    if len(query.terms) == 1 and not _pg():
        [term] = query.terms
        exclude = f" AND rowid NOT IN ({', '.join('?' * len(pinned))})" if pinned else ""
        sql = (f'SELECT rowid FROM "{fulltext.SUBSTR_INDEX}" WHERE "{fulltext.SUBSTR_INDEX}" MATCH ? '
               f'AND rowid NOT IN (SELECT rowid FROM "{fulltext.INDEX}" WHERE "{fulltext.INDEX}" MATCH ?){exclude} '
               "ORDER BY rowid DESC LIMIT ? OFFSET ?")  # fmt: skip
        params = [_piece_match(term), query.match, *pinned, limit, offset]
        return [tid for (tid,) in db.execute_sql(sql, params).fetchall()]
    sql, params = _inside_only(query, pinned, None, exclude_words=True).limit(limit).offset(offset).sql()
    return [tid for tid, _status in db.execute_sql(sql, params).fetchall()]


def _sqlite_ranked_ids(query: ParsedQuery, pinned: list[int], wanted: int, skip: int) -> list[tuple[int, float | None]]:
    """ranked_ids' top rows the words find, on SQLite: the plain query as SQL text."""
    result = []
    db = m.database_proxy
    if wanted > 0:  # the plain query as SQL text, the top ``wanted`` only (the CLI, the bench)
        exclude = f" AND rowid NOT IN ({', '.join('?' * len(pinned))})" if pinned else ""
        sql = (f'SELECT rowid, rank FROM "{fulltext.INDEX}" WHERE "{fulltext.INDEX}" MATCH ?{exclude} '
               "ORDER BY rank, rowid DESC LIMIT ? OFFSET ?")  # fmt: skip
        result += db.execute_sql(sql, [query.match, *pinned, wanted, skip]).fetchall()
    return [(tid, rank) for tid, rank in result]


def _pg_ranked_ids(query: ParsedQuery, pinned: list[int], wanted: int, skip: int) -> list[tuple[int, float | None]]:
    """ranked_ids' top rows on PostgreSQL (the pinned tickets' own ranks are not looked up)."""
    if wanted <= 0:
        return []
    index = _index()
    select = _ranked(query, pinned).order_by(*_order(index)).limit(wanted).offset(skip)
    sql, params = select.sql()
    return [(tid, rank) for tid, rank, _status in m.database_proxy.execute_sql(sql, params).fetchall()]


def position(text: str, ticket_id: int, *, where: pw.Node | None = None) -> int | None:
    """Where ticket ``ticket_id`` stands among the search's results (as :func:`ranked_ids` orders
    them), or None if it is not among them."""
    return ranking(text, where=where).position(ticket_id, None)


# --- a whole ranking, kept while the store does not change --------------------------------------
# The queue asks the same search for the tab counts, its first page, the pages it scrolls to and
# where a ticket stands: each would rank every match again (bm25 over all of them, the cost that
# grows with the desk). One ranking of every match under the queue's filters (but the tab), with
# each ticket's status, answers all of them, and is kept until the store changes: any commit, by
# this connection (total_changes) or another (data_version), makes a new one.
#
# What it costs (100,000 tickets, "лицензия": 22,000 matches; CPU on the 2-core machine): FTS5's
# MATCH alone 8 ms, bm25 for every match 22 ms more (FTS5 reads each match's column sizes and
# instances: about 1 us a match), ORDER BY rank 4 ms, and a join to ``ticket`` for every match's
# status 15-20 ms. The join is not needed: the tabs tell apart only the statuses of tickets still
# being worked on (new, open, waiting), which are few and read from the status index at once (0.3
# ms); every other match is finished (resolved, closed or rejected: the one "resolved" tab). With
# the queue's filters (``where``) the join stays: SQLite then filters before it ranks, and bm25
# runs only for the tickets that pass (cheaper than ranking every match).

FINISHED_ANY = "finished"  # in Ranking.statuses: resolved, closed or rejected, not told apart
_UNFINISHED = tuple(status for status in st.STATUSES if status not in st.FINISHED)


def _held(status: str) -> str:
    """What a Ranking holds for a ticket of ``status``."""
    return FINISHED_ANY if status in st.FINISHED else status


@dataclass(frozen=True)
class Ranking:
    """Every result of a search, best first: ticket ids, ranks (None: named by number), and each
    one's status while it is worked on (new, open, waiting) or FINISHED_ANY (resolved, closed,
    rejected: as the queue's tabs group them). ``statuses`` arguments are the tabs' (None: all);
    they name the finished statuses all together or none of them."""

    ids: tuple[int, ...]
    ranks: tuple[float | None, ...]
    statuses: tuple[str, ...]
    _indexes_of: dict = field(default_factory=dict, compare=False, repr=False)  # statuses -> indexes; None -> counts

    def counts(self) -> dict[str, int]:
        """How many results hold each status (FINISHED_ANY for the finished ones)."""
        known = self._indexes_of.get(None)
        if known is None:
            known = self._indexes_of[None] = dict(collections.Counter(self.statuses))
        return dict(known)

    def count(self, statuses) -> int:
        """How many results have one of ``statuses`` (None: all)."""
        if statuses is None:
            return len(self.ids)
        counts = self.counts()
        return sum(counts.get(held, 0) for held in _wanted(statuses))

    def _indexes(self, statuses) -> list[int]:
        wanted = _wanted(statuses)
        known = self._indexes_of.get(wanted)
        if known is None:  # scrolling asks again for every page: kept
            known = self._indexes_of[wanted] = [i for i, status in enumerate(self.statuses) if status in wanted]
        return known

    def page(self, statuses, offset: int, limit: int) -> list[tuple[int, float | None]]:
        """``(id, rank)`` of results ``offset .. offset+limit`` among those with ``statuses`` (None: all)."""
        if statuses is None:
            return list(zip(self.ids[offset: offset + limit], self.ranks[offset: offset + limit]))
        return [(self.ids[i], self.ranks[i]) for i in self._indexes(statuses)[offset: offset + limit]]

    def position(self, ticket_id: int, statuses) -> int | None:
        ids = self.ids if statuses is None else [self.ids[i] for i in self._indexes(statuses)]
        try:
            return ids.index(ticket_id)
        except ValueError:
            return None


def _wanted(statuses) -> frozenset[str]:
    """The values a Ranking holds for tickets of ``statuses``."""
    statuses = frozenset(statuses)
    finished = statuses & frozenset(st.FINISHED)
    if finished and finished != frozenset(st.FINISHED):
        raise ValueError(f"a ranking tells {', '.join(st.FINISHED)} apart only all together: {sorted(statuses)}")
    return frozenset(_held(status) for status in statuses)


_rankings: collections.OrderedDict = collections.OrderedDict()
_rankings_lock = threading.Lock()
KEPT_RANKINGS = 4


def _store_state() -> tuple:
    """Changes whenever anything commits to the store. SQLite: another connection's commit moves
    data_version, this connection's own writes total_changes. PostgreSQL: the server's current
    snapshot (every writing transaction takes a transaction id, listed while it runs and passed
    once it ends); inside a transaction of this connection, whose own writes it would not show,
    nothing is kept (a fresh object never equals another)."""
    db = m.database_proxy
    if isinstance(db.obj, pw.PostgresqlDatabase):
        snapshot = db.execute_sql("SELECT pg_current_snapshot()::text").fetchone()[0]
        return snapshot, object() if db.in_transaction() else None, id(db.obj)
    return db.execute_sql("PRAGMA data_version").fetchone()[0], db.connection().total_changes, id(db.obj)


def forget_rankings() -> None:
    """Drop every kept ranking (the benchmark measures a search typed anew)."""
    with _rankings_lock:
        _rankings.clear()


def ranking(text: str, *, where: pw.Node | None = None) -> Ranking:
    """Every result of the search ``text`` under ``where`` (a condition on Ticket), best first."""
    query = _effective(parse_query(text)) if fulltext.available() else parse_query(text)
    where_sql = T.select(T.id).where(where).sql() if where is not None else None
    key = (query, text.strip() if not fulltext.available() else "",
           (where_sql[0], tuple(where_sql[1])) if where_sql else None, _store_state())  # fmt: skip
    with _rankings_lock:
        kept = _rankings.get(key)
        if kept is not None:
            _rankings.move_to_end(key)
            return kept
    made = _rank_all(text, query, where)
    with _rankings_lock:
        _rankings[key] = made
        while len(_rankings) > KEPT_RANKINGS:
            _rankings.popitem(last=False)
    return made


def _rank_all(text: str, query: ParsedQuery, where: pw.Node | None) -> Ranking:
    rows: list[tuple] = []
    if not fulltext.available():
        condition = _and(like_condition(text), where)
        if condition is not None:
            sql, params = T.select(T.id, T.status).where(condition).order_by(T.id.desc()).sql()
            rows = [(tid, None, status) for tid, status in m.database_proxy.execute_sql(sql, params).fetchall()]
    elif not query.empty:
        pinned = _pinned_ids(query, where)
        if pinned:
            status_of = dict(T.select(T.id, T.status).where(T.id.in_(pinned)).tuples())
            rows = [(tid, None, status_of[tid]) for tid in pinned if tid in status_of]
        if where is None and not _pg():
            ranking = _chained(_ranking_of(rows), _rank_every_match(query, pinned))
            if query.inside:  # then the tickets only pieces of words find, newest first
                ranking = _chained(ranking, _ranking_of(_inside_rows(query, pinned, None, set(ranking.ids))))
            return ranking
        index = _index()
        select = _ranked(query, pinned)
        if where is not None:
            select = select.where(where)
        sql, params = select.order_by(*_order(index)).sql()
        rows += m.database_proxy.execute_sql(sql, params).fetchall()  # thousands of rows: no peewee per row
        if query.inside:  # then the tickets only pieces of words find, newest first
            rows += _inside_rows(query, pinned, where, {row[0] for row in rows})
    return _ranking_of(rows)


def _ranking_of(rows: list[tuple]) -> Ranking:
    """The Ranking of ``rows`` (id, rank, status), in their order."""
    ids, ranks, statuses = zip(*rows) if rows else ((), (), ())
    return Ranking(ids, ranks, tuple(map(_held, statuses)))


def _chained(first: Ranking, then: Ranking) -> Ranking:
    """``first``'s results, then ``then``'s."""
    if not first.ids or not then.ids:
        return then if not first.ids else first
    return Ranking(first.ids + then.ids, first.ranks + then.ranks, first.statuses + then.statuses)


def _rank_every_match(query: ParsedQuery, pinned: list[int]) -> Ranking:
    """Every text match but the pinned, best first, on SQLite without the queue's filters: the
    index ranks alone (no join), the statuses of the tickets being worked on come from the status
    index, and every other match is finished (see "a whole ranking" above)."""
    db = m.database_proxy
    exclude = f" AND rowid NOT IN ({', '.join('?' * len(pinned))})" if pinned else ""
    sql = (f'SELECT rowid, rank FROM "{fulltext.INDEX}" WHERE "{fulltext.INDEX}" MATCH ?{exclude} '
           "ORDER BY rank, rowid DESC")  # fmt: skip
    ranked = db.execute_sql(sql, [query.match, *pinned]).fetchall()
    if not ranked:
        return Ranking((), (), ())
    ids, ranks = zip(*ranked)  # thousands of rows: no Python loop of ours
    unfinished = T.select(T.id, T.status).where(T.status.in_(_UNFINISHED))
    sql, params = unfinished.limit(len(ids) + 1).sql()
    status_of = dict(db.execute_sql(sql, params).fetchall())
    if len(status_of) > len(ids):  # more tickets at work than matches: the matches' own statuses
        sql, params = unfinished.where(T.id.in_(_match_ids(query.match))).sql()
        status_of = dict(db.execute_sql(sql, params).fetchall())
    return Ranking(ids, ranks, tuple(map(status_of.get, ids, itertools.repeat(FINISHED_ANY))))


IN_LIST = 1000  # at most this many ids in an IN list; more are joined in SQL (faster there)


def _inside_rows(query: ParsedQuery, pinned: list[int], where: pw.Node | None, seen: set[int]) -> list[tuple]:
    """(id, INSIDE_RANK, status) of the tickets only pieces of words find, newest first, but
    those ``seen`` (the words found them). One word (the commonest case): the piece's tickets
    straight from its index, and the rows of only those the words did not find (a piece of a
    common word finds thousands, nearly all of them found by the words already)."""
    db = m.database_proxy
    if len(query.terms) == 1 and not pinned:
        sql, params = _inside_ids(query.terms[0]).sql()
        ids = [tid for (tid,) in db.execute_sql(sql, params).fetchall() if tid not in seen]
        if not ids:
            return []
        if len(ids) <= IN_LIST:
            select = T.select(T.id, T.status).where(T.id.in_(ids)).order_by(T.id.desc())
            sql, params = (select.where(where) if where is not None else select).sql()
            return [(tid, INSIDE_RANK, status) for tid, status in db.execute_sql(sql, params).fetchall()]
    sql, params = _inside_only(query, pinned, where, exclude_words=False).sql()
    return [(tid, INSIDE_RANK, status) for tid, status in db.execute_sql(sql, params).fetchall() if tid not in seen]


# --- what matched where ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Where a ticket matched: its subject with the matched words, and a snippet from elsewhere."""

    subject: Snippet
    snippet: Snippet | None = None  # from the body, the notes or the customer; None: the subject only


# Which snippet to show when a ticket matched in several places: its conversation first.
SNIPPET_FIELDS = ("body", "notes", "people")


def _documents(ids: list[int]) -> dict[int, tuple]:
    """Each ticket's number, subject and status, and its stored document (None without the index)."""
    marks = ", ".join([m.database_proxy.obj.param] * len(ids))
    if fulltext.available():
        columns = ", ".join(f'd."{c}"' for c in FIELDS)
        sql = (f'SELECT t."id", t."number", t."subject", t."status", d."id", {columns} FROM "ticket" t '
               f'LEFT JOIN "{fulltext.DOC}" d ON d."id" = t."id" WHERE t."id" IN ({marks})')  # fmt: skip
    else:
        sql = f'SELECT "id", "number", "subject", "status", NULL FROM "ticket" WHERE "id" IN ({marks})'
    found = {}
    for tid, number, subject, status, has_document, *texts in m.database_proxy.execute_sql(sql, ids).fetchall():
        found[tid] = (number, subject, status, dict(zip(FIELDS, texts)) if has_document is not None else None)
    return found


def matches(text: str, ids, *, tokens: int = SNIPPET_TOKENS) -> dict[int, Match]:
    """What matched in each ticket of ``ids`` (a page of results): every term's words are marked
    wherever they are (a ticket named by its number shows its other terms too). Tickets with none
    of the words, or a store without the index, get no entry."""
    ids = list(ids)
    if not ids or not fulltext.available():
        return {}
    query = _effective(parse_query(text))
    if query.empty:
        return {}
    found = {}
    for tid, (_number, _subject, _status, document) in _documents(ids).items():
        match = match_of(query, document, tokens=tokens) if document else None
        if match is not None:
            found[tid] = match
    return found


def match_of(query: ParsedQuery, document: dict[str, str], *, tokens: int = SNIPPET_TOKENS) -> Match | None:
    """Where ``query`` matched in a ticket's document (its stored fields): None if nowhere."""
    marker = _marker(query)
    subject = document.get("subject") or ""
    subject_spans = marker.spans(subject, "subject")
    snippet = None
    for field in SNIPPET_FIELDS:
        spans = marker.spans(document.get(field) or "", field)
        if spans:
            snippet = _window(document[field], spans, field, max(1, tokens))
            break
    if not subject_spans and snippet is None:
        return None
    return Match(_snippet(subject, subject_spans, "subject"), snippet)


@dataclass(frozen=True)
class Hit:
    """One search result: the subject with its matched words marked, and a snippet."""

    ticket_id: int
    number: int
    subject: Snippet
    status: str
    snippet: Snippet | None
    rank: float | None  # bm25 (lower is better); INSIDE_RANK (0): found by pieces of words only;
    # None: found by its number alone, or no index


def search(text: str, *, limit: int, offset: int = 0, where: pw.Node | None = None,
           snippet_tokens: int = SNIPPET_TOKENS) -> list[Hit]:
    """The tickets ``text`` finds, best first (see the module's docstring), ``limit`` of them
    from ``offset``; ``where`` (a condition on Ticket) narrows them (the queue's filters)."""
    ranked = ranked_ids(text, where=where, offset=offset, limit=limit)
    if not ranked:
        return []
    query = _effective(parse_query(text)) if fulltext.available() else parse_query(text)
    rows = _documents([tid for tid, _ in ranked])
    hits = []
    for tid, rank in ranked:
        if tid not in rows:
            continue
        number, subject, status, document = rows[tid]
        match = match_of(query, document, tokens=snippet_tokens) if document and not query.empty else None
        match = match or Match(plain_snippet(subject, "subject"))
        hits.append(Hit(tid, number, match.subject, status, match.snippet, rank))
    return hits
