"""What a thread shows of one message (a card) and of one audit event (a compact line), as Content.

A card is its header line and body, the quoted tail of a customer's mail folded in one line that
unfolds, and one line per attachment; tui/widgets/conversation.py lays them out and draws them.
Every string from outside (author, body, file name, delivery error) goes through
``tui.text.literal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from textual.content import Content

from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.read.views import AttachmentView, EventView, MessageView
from helpdesk.data.tickets.split_merge import read_merge_state
from helpdesk.data.tickets.writes import MESSAGE_ACTIONS
from helpdesk.tui.errors import describe_reason
from helpdesk.tui.files import file_size
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.labels import actor_label, priority_label, scope_label, status_label
from helpdesk.tui.text import literal
from helpdesk.tui.timefmt import day_and_time

# Where the quoted previous message starts in a reply. Russian and English mail clients.
_QUOTE_HEADERS = [
    re.compile(r"^\s*-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|forwarded message)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*_{5,}\s*$"),  # Outlook's rule above "From: ... Sent: ..."
]
_WROTE = re.compile(r"(wrote|пишет|написал|написала|написал\(а\))\s*:\s*$", re.I)
_ON_DATE = re.compile(r"^\s*(on\s|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|(пн|вт|ср|чт|пт|сб|вс)[,.]|\w+,\s)", re.I)
_OUTLOOK_FROM = re.compile(r"^\s*(from|от|от кого)\s*:", re.I)
_OUTLOOK_NEXT = re.compile(r"^\s*(sent|date|to|subject|отправлено|дата|кому|тема)\s*:", re.I)


def _is_quote_start(lines: list[str], i: int) -> bool:
    line = lines[i]
    if any(p.match(line) for p in _QUOTE_HEADERS):
        return True
    if _WROTE.search(line):
        # "Программа пишет:" in a customer's own text is not a quote header: ask for a date,
        # an address, or quoted lines right below.
        below = next((l for l in lines[i + 1 :] if l.strip()), "")
        if _ON_DATE.match(line) or "@" in line or below.lstrip().startswith(">"):
            return True
    # "On Mon, 12 Jan 2026 at 10:00, Ivan <ivan@example.ru>\nwrote:" (wrapped by the client)
    if i + 1 < len(lines) and _ON_DATE.match(line) and _WROTE.search(lines[i + 1]) and len(lines[i + 1]) < 80:
        return True
    if _OUTLOOK_FROM.match(line):
        following = [l for l in lines[i + 1 : i + 5] if l.strip()]
        return sum(1 for l in following if _OUTLOOK_NEXT.match(l)) >= 2
    if line.lstrip().startswith(">"):
        # A trailing block of "> " lines (blank lines allowed) is the quoted message.
        return all(not l.strip() or l.lstrip().startswith(">") for l in lines[i:])
    return False


def split_quoted(body: str) -> tuple[str, str]:
    """(what the sender wrote, the quoted previous messages below it) — quoted may be ''.

    A message that is all quote stays whole: there would be nothing left to show.
    """
    lines = (body or "").replace("\r\n", "\n").split("\n")
    for i in range(len(lines)):
        if _is_quote_start(lines, i):
            head = "\n".join(lines[:i]).rstrip()
            if not head.strip():
                return (body or "").rstrip(), ""
            return head, "\n".join(lines[i:]).strip("\n")
    return (body or "").rstrip(), ""


def dim_inline_quotes(text: str) -> Content:
    """The text as literal Content, with interleaved "> " lines dimmed."""
    if ">" not in text:
        return literal(text)
    parts = []
    for n, line in enumerate(text.split("\n")):
        if n:
            parts.append(Content("\n"))
        parts.append(literal(line, style="dim") if line.lstrip().startswith(">") else literal(line))
    return Content.assemble(*parts)


def when(at: datetime, support_tz: tzinfo, agent_tz: tzinfo | None, now: datetime | None) -> str:
    """"Wed 10:15 MSK", with the agent's own clock added when their zone differs."""
    text = day_and_time(at, support_tz, now)
    if agent_tz is not None and at.astimezone(agent_tz).utcoffset() != at.astimezone(support_tz).utcoffset():
        text = f"{text} ({day_and_time(at, agent_tz, now)})"
    return text


KIND_LABELS = {
    "customer": N_("customer"),
    "agent": N_("reply"),
    "note": N_("Internal note"),
    "system": N_("automatic message"),
}

DELIVERY_LABELS = {
    "queued": N_("queued for sending"),
    "sent": N_("sent"),
    "failed": N_("not delivered"),
    "withdrawn": N_("withdrawn, not sent"),
}


@dataclass(frozen=True)
class TimeContext:
    """How to show times: the support zone, the agent's zone, and now (for "today")."""

    support_tz: tzinfo
    agent_tz: tzinfo | None
    now: datetime | None


def card_header(msg: MessageView, t: TimeContext) -> Content:
    """Who wrote the message, what kind it is, when, and how its delivery went."""
    parts: list[Content] = []
    if msg.kind == "note":
        parts.append(Content.styled(_("Internal note"), "bold $text-warning"))
        parts.append(Content.styled(" · ", "$text-warning"))
        parts.append(literal(msg.author, single_line=True, style="$text-warning"))
    else:
        parts.append(literal(msg.author or _("(no name)"), single_line=True, style="bold"))
        parts.append(Content.styled(" · " + _(KIND_LABELS.get(msg.kind, msg.kind)), "dim"))
    parts.append(Content.styled(" · " + when(msg.created_at, t.support_tz, t.agent_tz, t.now), "dim"))
    delivery = getattr(msg, "delivery", None)
    if delivery and msg.kind != "note":
        label = _(DELIVERY_LABELS.get(delivery, delivery))
        style = "bold $text-error" if delivery == "failed" else "dim"
        parts.append(Content.styled(" · " + label, style))
        error = getattr(msg, "delivery_error", None)
        if delivery == "failed" and error:
            parts.append(Content(": "))
            parts.append(literal(describe_reason(error), single_line=True))
    return Content.assemble(*parts)


def card_parts(msg: MessageView) -> tuple[Content, str]:
    """(the body as shown, the quoted tail folded below it — '' when none)."""
    main, quoted = split_quoted(msg.body) if msg.kind == "customer" else ((msg.body or "").rstrip(), "")
    if main.strip():
        return dim_inline_quotes(main), quoted
    if not quoted and not msg.attachments:
        return Content.styled(_("(no text)"), "dim italic"), quoted
    return Content(""), quoted


def card_text(msg: MessageView, times: TimeContext) -> tuple[Content, str]:
    """(the header and the body as one text, the quoted tail — '' when none)."""
    body, quoted = card_parts(msg)
    header = card_header(msg, times)
    return (Content.assemble(header, Content("\n"), body) if body.plain else header), quoted


def quote_label(quoted: str, *, expanded: bool) -> Content:
    """The folded quote's line ("▶ Quoted text (3 lines)"), or the unfolded quote below its title."""
    lines = quoted.count("\n") + 1
    title = ngettext("Quoted text ({n} line)", "Quoted text ({n} lines)", lines).format(n=lines)
    if not expanded:
        return Content.styled(f"▶ {title}", "dim")
    return Content.assemble(Content.styled(f"▼ {title}\n", "dim"), literal(quoted, style="dim"))


def attachment_label(attachment: AttachmentView) -> Content:
    """One attachment: "⤓ name  size"."""
    return Content.assemble(
        ("⤓ ", "bold"),
        literal(attachment.filename, single_line=True),
        Content.styled(f"  {file_size(attachment.size)}", "dim"),
    )


def event_text(event: EventView, text: Content, times: TimeContext) -> Content:
    """An event's line: when, then the change in words (``describe_event``)."""
    return Content.assemble(
        Content.styled("· " + when(event.created_at, times.support_tz, times.agent_tz, times.now) + "  ", "dim"),
        text,
    )


# Events that a card already shows (the message itself).
MESSAGE_EVENTS = frozenset(MESSAGE_ACTIONS)

# What an undo undid (data/tickets/undo.py: the event's old value).
UNDONE_LABELS = {
    "status": N_("the status change"),
    "assignee": N_("the assignment"),
    "scope": N_("the scope category"),
    "priority": N_("the priority change"),
    "rejection": N_("the rejection as out of scope"),
}


def _merge_state(state: dict) -> str:
    """The duplicate's state a merge event recorded: ", it was: Waiting for customer, sidorov, High"."""
    parts = [status_label(state.get("status")), state.get("assignee") or "", priority_label(state.get("priority"))]
    shown = ", ".join(part for part in parts if part)
    return " " + _("(it was: {state})").format(state=shown) if shown else ""


def describe_event(event: EventView, regulation: Regulation) -> Content | None:
    """The change in words ("petrova: status: New → Open"), or None for one a card shows.

    Every action data/tickets/writes.py ACTIONS lists is worded here (tests/tui/widgets check
    each); an unknown one (a newer version's) is shown plainly."""
    if event.action in MESSAGE_EVENTS:
        return None
    actor_name = actor_label(event.actor)
    actor = literal(actor_name, single_line=True, style="bold")
    old, new = event.old_value, event.new_value
    if event.action == "status":
        if old:
            text = _("status: {old} → {new}").format(old=status_label(old), new=status_label(new) or "—")
        else:  # no old value in the trail: say what it became, never "— →"
            text = _("status → {status}").format(status=status_label(new) or "—")
    elif event.action == "assignee":
        if new:
            return Content.assemble(actor, Content(": " + _("assignee") + " → "), literal(new, single_line=True))
        text = _("assignee removed")
    elif event.action == "scope":
        if new:
            text = _("scope: {category}").format(category=scope_label(regulation, new))
        else:
            text = _("scope cleared")
    elif event.action == "priority":
        if old:
            text = _("priority: {old} → {new}").format(old=priority_label(old), new=priority_label(new) or "—")
        else:  # merges before the old priority was recorded
            text = _("priority → {priority}").format(priority=priority_label(new) or "—")
    elif event.action == "undone":
        what = UNDONE_LABELS.get(old or "")
        text = _("undid their last change: {what}").format(what=_(what)) if what else _("undid their last change")
    elif event.action in ("split_into", "split_from") and (new or "").isdigit():
        # data/tickets/split_merge.py: old_value is the message index.
        n = int(old) if (old or "").isdigit() else 0
        if event.action == "split_into":
            text = _("message {index} split off into #{number}").format(index=n, number=new)
        else:
            text = _("split off from #{number} (its message {index})").format(index=n, number=new)
    elif event.action in ("merged_into", "merged_from") and (new or "").isdigit():
        # data/tickets/split_merge.py: old_value is how many moved and the duplicate's state then.
        state = read_merge_state(old)
        n = state["messages"]
        if event.action == "merged_into":
            text = ngettext("merged into #{number}: {n} message moved there",
                            "merged into #{number}: {n} messages moved there", n).format(n=n, number=new)
        else:
            text = ngettext("#{number} merged into this ticket: {n} message",
                            "#{number} merged into this ticket: {n} messages", n).format(n=n, number=new)
        return Content.assemble(actor, Content(": " + text), literal(_merge_state(state), single_line=True))
    else:
        # Something a newer version records: show it plainly.
        detail = " → ".join(v for v in (old, new) if v)
        text = f"{event.action} {detail}".strip()
        return Content.assemble(actor, Content(": "), literal(text, single_line=True))
    return Content.assemble(actor, Content(": " + text))
