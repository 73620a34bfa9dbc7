"""Prepared replies: texts agents insert into a reply, in Russian and English, with placeholders.

Stored in the ``PreparedReply`` table. The regulation's own texts (out of scope, support ended,
out-of-hours notice, "please reply in this thread", "one problem per request", "describe the
problem in detail") ship in data/rules/prepared_replies.toml and are stored when the store opens
(data/store/seed.py: each one missing is added again, so a database that lost one, e.g. deleted by
an older version, gets it back). Agents may edit them, and reset them to the regulation's text
(:func:`reset_reply`), but never delete or rename them (PREPARED_REPLY_BUILTIN_DELETE / _KEY):
the rejection as out of scope and the out-of-hours notice send them, so the text an agent sees in
the list is the text the customer gets.

Placeholders are ``{name}`` with a name from :data:`PLACEHOLDERS`; they are filled in from a
ticket when the reply is inserted (:func:`render_reply`, :func:`render_text`). ``{greeting}`` greets
the customer by name, or neutrally when only their address is known (data/rules/phrases.py); a
greeting an older text writes around ``{customer}`` ("Здравствуйте, {customer}!") loses the name
the same way for such a customer. A brace pair
holding anything else but a word (``{ }``, ``{1,2}``, JSON) is plain text. An unknown name is an
error (``ValidationError`` naming it): when saving a reply and when rendering one, so a typo is
reported and never sent. A placeholder whose value the ticket cannot give (``{product}`` on a
ticket without one) is an error too.

Built-in titles are written in English and translated by the TUI when shown (gettext).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from helpdesk.data.store import models as m
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, ConflictError, NotFoundError, ValidationError
from helpdesk.data.rules.builtin_replies import builtin_replies
from helpdesk.data.rules.phrases import greeting, taken_up_phrase, without_name_in_greetings
from helpdesk.data.tickets.lookup import get_ticket, known_name

# What each placeholder is filled with (the TUI shows this list as help).
PLACEHOLDERS: dict[str, str] = {
    "greeting": "'Здравствуйте, Иван Петров!' / 'Hello Ivan Petrov,', or 'Здравствуйте!' / 'Hello,' without a name",
    "customer": "the customer's name (their address when no name is known)",
    "ticket": "the ticket number",
    "product": "the ticket's product",
    "next_open": "when support next opens, e.g. 'on Monday, 12 January, from 09:00 Moscow time'",
    "agent": "your name",
    "support_end": "the date the product's support ended",
    "current_products": "the products still supported",
    "scope_rule": "the scope category of the regulation (section 1.4) the ticket falls under",
}
LANGUAGES = ("ru", "en")
KEY_RE = re.compile(r"^[\w][\w.-]{0,39}$")
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


class ReplyMissing(NotFoundError):
    """No prepared reply with that key."""


@dataclass(frozen=True)
class PreparedReplyView:
    key: str
    title: str
    body_ru: str
    body_en: str
    builtin: bool
    updated_at: datetime | None = None

    def body(self, language: str) -> str:
        """The text in ``language``, else the other one when that is empty."""
        first, second = (self.body_ru, self.body_en) if language == "ru" else (self.body_en, self.body_ru)
        return first if first.strip() else second


# --- the regulation's own texts (data/rules/prepared_replies.toml) -------------------------


def builtin_reply(key: str) -> PreparedReplyView:
    for text in builtin_replies():
        if text.key == key:
            return PreparedReplyView(text.key, text.title, text.body_ru, text.body_en, builtin=True)
    raise ReplyMissing(Code.PREPARED_REPLY_BUILTIN_NOT_FOUND, key=key)


# --- placeholders -------------------------------------------------------------------------


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in ``text``, in order of first appearance."""
    seen: list[str] = []
    for name in PLACEHOLDER_RE.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def check_placeholders(text: str, field: str = "body") -> None:
    """ValidationError naming the first unknown placeholder in ``text``."""
    for name in placeholders_in(text):
        if name not in PLACEHOLDERS:
            raise ValidationError(field, Code.PLACEHOLDER_UNKNOWN, placeholder=name, placeholders=list(PLACEHOLDERS))


def _unfillable(name: str, code: Code, **params: object) -> ValidationError:
    """Placeholder ``name`` cannot be filled in for this ticket."""
    return ValidationError("{" + name + "}", code, placeholder=name, **params)


def _support_end_text(day: date, language: str) -> str:
    if language == "ru":
        return f"{day:%d.%m.%Y}"
    from babel.dates import format_date  # babel only when a reply names the date in English, not at start-up

    return format_date(day, "d MMMM yyyy", locale="en")


def _agent_name(login: str) -> str:
    agent = m.Agent.get_or_none(m.Agent.login == login)
    return (agent.display_name or agent.login) if agent else login


def current_products(today: date) -> list[str]:
    """Products whose support has not ended on ``today``, in the regulation's order."""
    return [
        p.name
        for p in m.Product.select().order_by(m.Product.id)
        if p.support_ends is None or today <= p.support_ends
    ]


def placeholder_values(
    desk: Desk, number: int | None, *, language: str, scope_key: str | None = None, needed=None
) -> dict[str, str]:
    """The values of the placeholders in ``needed`` (all by default) for ticket ``number``.

    A value the ticket cannot give raises ValidationError naming the placeholder.
    """
    needed = list(PLACEHOLDERS) if needed is None else list(needed)
    ticket = get_ticket(number) if number is not None else None
    now = desk.now()
    today = now.astimezone(desk.regulation.timezone).date()
    values: dict[str, str] = {}

    def need_ticket(name: str) -> m.Ticket:
        if ticket is None:
            raise _unfillable(name, Code.PLACEHOLDER_NEEDS_TICKET)
        return ticket

    for name in needed:
        if name == "customer":
            customer = need_ticket(name).customer
            values[name] = known_name(customer) or customer.email or customer.telegram or customer.phone or customer.name
        elif name == "greeting":
            values[name] = greeting(known_name(need_ticket(name).customer), language)
        elif name == "ticket":
            values[name] = str(need_ticket(name).number)
        elif name in ("product", "support_end"):
            t = need_ticket(name)
            if not t.product_id:
                raise _unfillable(name, Code.PLACEHOLDER_NO_PRODUCT, number=t.number)
            if name == "product":
                values[name] = t.product.name
            elif t.product.support_ends is None:
                raise _unfillable(name, Code.PLACEHOLDER_NO_SUPPORT_END, product=t.product.name)
            else:
                values[name] = _support_end_text(t.product.support_ends, language)
        elif name == "next_open":
            values[name] = taken_up_phrase(desk.calendar, now, language)
        elif name == "agent":
            values[name] = _agent_name(desk.agent)
        elif name == "current_products":
            values[name] = ", ".join(current_products(today))
        elif name == "scope_rule":
            key = scope_key or (ticket.scope if ticket is not None else None)
            category = desk.regulation.scope_category(key) if key else None
            if category is None:
                raise _unfillable(name, Code.PLACEHOLDER_NO_SCOPE)
            values[name] = category.label(language)
    return values


def render_text(
    desk: Desk, text: str, number: int | None = None, *, language: str | None = None, scope_key: str | None = None
) -> str:
    """``text`` with its placeholders filled in for ticket ``number``."""
    language = language or desk.regulation.customer_language
    check_placeholders(text)
    if number is not None and "{customer}" in text and known_name(get_ticket(number).customer) is None:
        text = without_name_in_greetings(text)  # "Здравствуйте, {customer}!" -> "Здравствуйте!"
    values = placeholder_values(desk, number, language=language, scope_key=scope_key, needed=placeholders_in(text))
    return PLACEHOLDER_RE.sub(lambda match: values[match.group(1)], text)


def render_reply(
    desk: Desk, key: str, number: int | None = None, *, language: str | None = None, scope_key: str | None = None
) -> str:
    """The prepared reply ``key`` in ``language`` (default: the customer language), filled in."""
    language = language or desk.regulation.customer_language
    reply = get_reply(key)
    return render_text(desk, reply.body(language), number, language=language, scope_key=scope_key)


# --- reading ------------------------------------------------------------------------------


def _view(row: m.PreparedReply) -> PreparedReplyView:
    return PreparedReplyView(row.key, row.title, row.body_ru, row.body_en, row.builtin, row.updated_at)


def list_replies() -> list[PreparedReplyView]:
    return [_view(r) for r in m.PreparedReply.select().order_by(m.PreparedReply.key)]


def get_reply(key: str) -> PreparedReplyView:
    row = m.PreparedReply.get_or_none(m.PreparedReply.key == (key or "").strip())
    if row is None:
        raise ReplyMissing(Code.PREPARED_REPLY_NOT_FOUND, key=key)
    return _view(row)


def fuzzy_score(query: str, text: str) -> int | None:
    """A score for ``query`` as a subsequence of ``text`` (case-folded); None if it is not one.

    Higher is better: consecutive letters and letters at word starts count more, and an exact
    substring beats a scattered match.
    """
    q = query.casefold().strip()
    t = text.casefold()
    if not q:
        return 0
    if q in t:
        at = t.index(q)
        return 1000 + 10 * len(q) - at + (50 if at == 0 or not t[at - 1].isalnum() else 0)
    score, pos, last = 0, 0, -2
    for ch in q:
        if ch.isspace():
            continue
        found = t.find(ch, pos)
        if found < 0:
            return None
        score += 1
        if found == last + 1:
            score += 5
        if found == 0 or not t[found - 1].isalnum():
            score += 3
        last, pos = found, found + 1
    return score


def search_replies(query: str, replies: list[PreparedReplyView] | None = None) -> list[PreparedReplyView]:
    """Replies matching ``query`` best first (all of them for ""): fuzzy on the key and the
    title, the words as typed in the texts."""
    replies = list_replies() if replies is None else replies
    if not (query or "").strip():
        return list(replies)
    ranked = []
    for index, reply in enumerate(replies):
        scores = [
            s
            for s in (
                _boost(fuzzy_score(query, reply.key), 3),
                _boost(fuzzy_score(query, reply.title), 2),
                _boost(_substring_score(query, reply.body_ru + "\n" + reply.body_en), 1),
            )
            if s is not None
        ]
        if scores:
            ranked.append((-max(scores), index, reply))
    ranked.sort(key=lambda item: item[:2])
    return [reply for *_, reply in ranked]


def _substring_score(query: str, text: str) -> int | None:
    """Texts are long: only the words as typed (any case) count, not scattered letters."""
    q = query.casefold().strip()
    return 1000 + 10 * len(q) if q and q in text.casefold() else None


def _boost(score: int | None, factor: int) -> int | None:
    return None if score is None else score * factor


# --- writing ------------------------------------------------------------------------------


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not KEY_RE.match(key):
        raise ValidationError("key", Code.PREPARED_REPLY_KEY_INVALID)
    return key


def _validate(title: str, body_ru: str, body_en: str) -> tuple[str, str, str]:
    title = (title or "").strip()
    if not title:
        raise ValidationError("title", Code.PREPARED_REPLY_TITLE_REQUIRED)
    body_ru = body_ru or ""
    body_en = body_en or ""
    if not body_ru.strip() and not body_en.strip():
        raise ValidationError("body_ru", Code.PREPARED_REPLY_TEXT_REQUIRED)
    check_placeholders(body_ru, "body_ru")
    check_placeholders(body_en, "body_en")
    return title, body_ru, body_en


def create_reply(desk: Desk, key: str, title: str, body_ru: str = "", body_en: str = "") -> PreparedReplyView:
    key = _clean_key(key)
    title, body_ru, body_en = _validate(title, body_ru, body_en)
    with m.database_proxy.atomic():
        if m.PreparedReply.select().where(m.PreparedReply.key == key).exists():
            raise ValidationError("key", Code.PREPARED_REPLY_EXISTS, key=key)
        row = m.PreparedReply.create(
            key=key, title=title, body_ru=body_ru, body_en=body_en, builtin=False, updated_at=desk.now()
        )
    return _view(row)


def update_reply(
    desk: Desk,
    key: str,
    *,
    new_key: str | None = None,
    title: str | None = None,
    body_ru: str | None = None,
    body_en: str | None = None,
    expected_updated_at: datetime | None = None,
) -> PreparedReplyView:
    """Change what is given; ``expected_updated_at`` (as read) guards against a lost update."""
    with m.database_proxy.atomic():
        row = m.PreparedReply.get_or_none(m.PreparedReply.key == (key or "").strip())
        if row is None:
            raise ReplyMissing(Code.PREPARED_REPLY_NOT_FOUND, key=key)
        if expected_updated_at is not None and row.updated_at != expected_updated_at:
            raise ConflictError(Code.PREPARED_REPLY_CHANGED, key=key)
        target_key = _clean_key(new_key) if new_key is not None else row.key
        if row.builtin and target_key != row.key:
            raise ValidationError("key", Code.PREPARED_REPLY_BUILTIN_KEY, key=row.key)
        if target_key != row.key and m.PreparedReply.select().where(m.PreparedReply.key == target_key).exists():
            raise ValidationError("key", Code.PREPARED_REPLY_EXISTS, key=target_key)
        title, body_ru, body_en = _validate(
            row.title if title is None else title,
            row.body_ru if body_ru is None else body_ru,
            row.body_en if body_en is None else body_en,
        )
        row.key, row.title, row.body_ru, row.body_en = target_key, title, body_ru, body_en
        row.updated_at = desk.now()
        row.save()
    return _view(row)


def delete_reply(key: str) -> None:
    """Delete an agents' own reply; a built-in one is refused (PREPARED_REPLY_BUILTIN_DELETE)."""
    with m.database_proxy.atomic():
        row = m.PreparedReply.get_or_none(m.PreparedReply.key == (key or "").strip())
        if row is None:
            raise ReplyMissing(Code.PREPARED_REPLY_NOT_FOUND, key=key)
        if row.builtin:
            raise ValidationError("key", Code.PREPARED_REPLY_BUILTIN_DELETE, key=row.key)
        row.delete_instance()


def reset_reply(desk: Desk, key: str, *, expected_updated_at: datetime | None = None) -> PreparedReplyView:
    """Put the regulation's own title and texts back into built-in reply ``key``."""
    with m.database_proxy.atomic():
        row = m.PreparedReply.get_or_none(m.PreparedReply.key == (key or "").strip())
        if row is None:
            raise ReplyMissing(Code.PREPARED_REPLY_NOT_FOUND, key=key)
        if not row.builtin:
            raise ValidationError("key", Code.PREPARED_REPLY_NOT_BUILTIN, key=row.key)
        if expected_updated_at is not None and row.updated_at != expected_updated_at:
            raise ConflictError(Code.PREPARED_REPLY_CHANGED, key=row.key)
        text = builtin_reply(row.key)
        row.title, row.body_ru, row.body_en = text.title, text.body_ru, text.body_en
        row.updated_at = desk.now()
        row.save()
    return _view(row)
