"""``helpdesk search QUERY``: tickets by words in their subject, customer, messages and notes.

The query language is data/read/search.py's (words as prefixes, or pieces of the subject's and
the customer's words, ``"phrases"``, ``#123``, an e-mail address). Each result is a line with the number, status (in words), score and subject, then the
snippet of where it matched. The text is the customers' own: every piece passes through
tui/safe_text.py; on a terminal the matched words are bold and underlined (our own escape codes,
added after the text was made safe; none with ``NO_COLOR``), elsewhere the text is plain.
``--json`` gives the marks as data: ``[start, end]`` character offsets into the text.
"""

from __future__ import annotations

import os
import sys

from helpdesk.data.core.errors import Code
from helpdesk.data.read import search as fts
from helpdesk.data.store import fulltext
from helpdesk.tui.cli.output import emit_json
from helpdesk.tui.cli.usage import UsageError, positive
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.labels import status_label
from helpdesk.tui.safe_text import visible

DEFAULT_LIMIT = 20
SNIPPET_TOKENS = 16
MARK_ON, MARK_OFF = "\x1b[1;4m", "\x1b[22;24m"

FIELD_TITLES = {"body": N_("messages"), "notes": N_("notes"), "people": N_("customer"), "subject": N_("subject")}


def register(commands) -> None:
    p = commands.add_parser("search", help="search tickets: subjects, customers, messages and notes, best match first")
    p.add_argument("query", nargs="+", metavar="QUERY",
                   help='words (prefixes), "a phrase", 1234 or #1234, an e-mail address; all must match')
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"at most this many tickets (default {DEFAULT_LIMIT})")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_search, writes=False)


def snippet_json(snippet: fts.Snippet) -> dict:
    return {"field": snippet.field, "text": snippet.text, "marks": [list(span) for span in snippet.marks]}


def hit_json(hit: fts.Hit) -> dict:
    return {
        "number": hit.number,
        "subject": hit.subject.text,
        "subject_marks": [list(span) for span in hit.subject.marks],
        "status": hit.status,
        "snippet": snippet_json(hit.snippet) if hit.snippet else None,
        "rank": hit.rank,  # FTS5's bm25: lower is better; 0: pieces of words only; null: found by its number alone
    }


def marked_line(snippet: fts.Snippet, *, styled: bool) -> str:
    """The snippet on one line, safe for a terminal; matched words in bold and underlined if ``styled``."""
    pieces = []
    for text, marked in snippet.parts():
        shown = visible(text, single_line=True)
        pieces.append(f"{MARK_ON}{shown}{MARK_OFF}" if styled and marked else shown)
    return "".join(pieces)


def score(hit: fts.Hit) -> str:
    """The relevance as a positive number (higher is better; 0: pieces of words only), or "#" for
    a ticket named by number."""
    return "#" if hit.rank is None else f"{-hit.rank or 0.0:.3g}"  # (never "-0")


def run_search(args, desk) -> int:
    text = " ".join(args.query)
    if fts.parse_query(text).empty:
        raise UsageError(Code.SEARCH_EMPTY)
    hits = fts.search(text, limit=positive(args.limit, "--limit"), snippet_tokens=SNIPPET_TOKENS)
    if fts.parse_query(text).inside and fulltext.substrings_unindexed():
        print(_("pieces of words were searched without an index, slowly: see helpdesk check"), file=sys.stderr)
    if args.json:
        emit_json([hit_json(hit) for hit in hits])
        return 0
    styled = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for hit in hits:
        print(f"#{hit.number}\t{status_label(hit.status)}\t{score(hit)}\t{marked_line(hit.subject, styled=styled)}")
        if hit.snippet is not None:
            print(f"\t{_(FIELD_TITLES[hit.snippet.field])}: {marked_line(hit.snippet, styled=styled)}")
    if not hits:
        print(_("nothing found"), file=sys.stderr)
    return 0
