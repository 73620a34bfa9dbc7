"""Ticket commands: new, reply, status, assign, list, show. They call the same operations as the TUI.

``list`` prints the newest ``LIST_LIMIT`` tickets unless given ``--limit N`` or ``--all`` (and says
so on standard error when there were more), and writes each page as it is read: ``--json`` is
still one JSON document, ``--jsonl`` one object a line."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from babel.numbers import format_decimal

from helpdesk.data.core.values import NewTicket
from helpdesk.data.read.attachments import load_attachment_file
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import undo
from helpdesk.data.read import listing, views
from helpdesk.data.read import queue as dq
from helpdesk.data.read.customer_history import get_customer_history, history_json
from helpdesk.data.team import saved_views, seen
from helpdesk.data.core.errors import Code, HelpdeskError, NotFoundError, ValidationError, from_os_error
from helpdesk.tui.cli.output import emit, emit_json, emit_json_array, emit_json_lines
from helpdesk.tui.cli.usage import UsageError, not_negative, positive
from helpdesk.tui.i18n import _, current_language
from helpdesk.tui.labels import priority_label, status_label
from helpdesk.tui.safe_text import visible

# What ``helpdesk list`` prints unless told otherwise (--limit N, --all): the newest hundred.
LIST_LIMIT = 100
# A name ``list`` was given that the desk does not know: wrong usage of this option.
LIST_OPTIONS = {Code.STATUS_UNKNOWN: "--status", Code.PRODUCT_UNKNOWN: "--product", Code.AGENT_UNKNOWN: "--assignee"}
# How many of the customer's other tickets plain ``show`` names (the rest are counted: "(+3)").
SHOWN_OTHERS = 5


def register(commands) -> None:
    p = commands.add_parser("new", help="create a ticket")
    p.add_argument("--product", required=True, help="product name (see the regulation)")
    p.add_argument("--subject", required=True)
    p.add_argument("--from", dest="email", metavar="EMAIL", help="the customer's e-mail")
    p.add_argument("--phone", help="the customer's phone number (a call, a visit)")
    p.add_argument("--telegram", metavar="HANDLE", help="the customer's Telegram handle")
    p.add_argument("--name", default="", help="the customer's name (required for a call or a visit)")
    p.add_argument("--channel", choices=["email", "portal", "telegram", "phone", "visit"],
                   help="how the request came (default: email, or phone without --from)")
    add_body_arguments(p)
    p.add_argument("--attach", action="append", default=[], metavar="PATH", help="attach a file (repeatable)")
    p.add_argument("--scope", metavar="KEY", help="scope category key")
    p.add_argument("--priority", choices=["low", "normal", "high"])
    p.add_argument("--json", action="store_true", help="print the ticket as `show --json` does")
    p.set_defaults(func=run_new)

    p = commands.add_parser("reply", help="reply to the customer, or add an internal note")
    p.add_argument("number", type=int)
    add_body_arguments(p)
    p.add_argument("--note", action="store_true", help="an internal note, not sent to the customer")
    p.set_defaults(func=run_reply)

    p = commands.add_parser("status", help="change a ticket's status")
    p.add_argument("number", type=int)
    p.add_argument("status", choices=st.STATUSES)
    p.set_defaults(func=run_status)

    p = commands.add_parser("assign", help="assign a ticket to an agent (default: yourself)")
    p.add_argument("number", type=int)
    p.add_argument("login", nargs="?", help="agent login; omit for yourself")
    p.add_argument("--none", action="store_true", help="unassign")
    p.add_argument("--force", action="store_true", help="take the ticket from the agent who has it")
    p.set_defaults(func=run_assign)

    p = commands.add_parser(
        "undo", help="undo your last status, assignment, scope or priority change on a ticket (within a minute)"
    )
    p.add_argument("number", type=int)
    p.set_defaults(func=run_undo)

    p = commands.add_parser("list", help=f"list tickets, newest first (the first {LIST_LIMIT} unless --limit or --all)")
    p.add_argument("--status", action="append", metavar="STATUS[,STATUS]",
                   help=f"only these statuses (repeatable, or a comma list): {', '.join(st.STATUSES)}")
    p.add_argument("--product", help="only this product (a name as the regulation spells it)")
    p.add_argument("--assignee", metavar="LOGIN|me|none", help="only tickets this agent has, yours, or nobody's")
    p.add_argument("--flag", choices=dq.FLAGS, help="only tickets with this flag")
    p.add_argument("--search", metavar="TEXT", help="only tickets the queue's search finds for TEXT")
    p.add_argument("--overdue", action="store_true", help="only tickets past their due time")
    p.add_argument("--view", metavar="NAME",
                   help="only the tickets of your saved view NAME: its tab, filters and search (helpdesk views list)")
    count = p.add_mutually_exclusive_group()
    count.add_argument("--limit", type=int, metavar="N", help=f"at most N tickets (default {LIST_LIMIT})")
    count.add_argument("--all", action="store_true", help="every ticket")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N tickets")
    p.add_argument("--after", type=int, metavar="NUMBER",
                   help="continue after ticket NUMBER (the last one a previous list printed)")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON array, written as the tickets are read")
    form.add_argument("--jsonl", action="store_true", help="JSON Lines: one ticket a line")
    p.set_defaults(func=run_list, writes=False)

    p = commands.add_parser("show", help="show a ticket with its messages")
    p.add_argument("number", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_show, writes=False)


def add_body_arguments(parser) -> None:
    body = parser.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", help="the text")
    body.add_argument("--body-file", metavar="PATH", help="read the text from a file, or - for standard input")


def read_text_file(path: str, option: str) -> str:
    """The UTF-8 text of the file an option names (``-``: standard input)."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise from_os_error(exc, f"{option} {path}") from None
    except UnicodeDecodeError as exc:
        raise HelpdeskError(Code.TEXT_NOT_UTF8, where=f"{option} {path}", byte=exc.start) from None


def text_argument(value: str | None, option: str) -> str | None:
    """A text option as typed. Python hands the bytes of an argument that are not UTF-8 over as
    surrogate escapes, which the store cannot hold: refused, naming the option and the byte."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        byte = len(value[: exc.start].encode("utf-8"))
        raise ValidationError(option, Code.TEXT_NOT_UTF8, where=option, byte=byte) from None
    return value


def read_body(args) -> str:
    if args.body is not None:
        return text_argument(args.body, "--body")
    return read_text_file(args.body_file, "--body-file")


def run_new(args, desk) -> int:
    ticket = tickets.create_ticket(
        desk,
        NewTicket(
            subject=text_argument(args.subject, "--subject"),
            body=read_body(args),
            customer_email=text_argument(args.email, "--from"),
            customer_name=text_argument(args.name, "--name"),
            customer_phone=text_argument(args.phone, "--phone"),
            customer_telegram=text_argument(args.telegram, "--telegram"),
            product=args.product,
            channel=args.channel or ("email" if args.email else "phone"),
            attachments=[load_attachment_file(p, desk.limits.attachment_bytes) for p in args.attach],
            scope=args.scope,
            priority=args.priority,
        ),
    )
    if args.json:
        emit_json(views.thread_json(views.get_thread(ticket.number), desk))
    else:
        emit(ticket.number)
    return 0


def run_reply(args, desk) -> int:
    tickets.add_reply(desk, args.number, read_body(args), note=args.note)
    return 0


def run_status(args, desk) -> int:
    tickets.set_status(desk, args.number, args.status)
    return 0


def run_assign(args, desk) -> int:
    tickets.assign_ticket(desk, args.number, None if args.none else (args.login or desk.agent), force=args.force)
    return 0


def _value(field: str, value: str | None) -> str:
    if value is None:
        return "—"
    return {"status": status_label, "priority": priority_label}.get(field, str)(value)


def run_undo(args, desk) -> int:
    done = undo.undo_last(desk, args.number)
    names = {"status": _("status"), "assignee": _("assignee"), "scope": _("scope"), "priority": _("priority")}
    changes = "; ".join(f"{names[field]}: {_value(field, old)} → {_value(field, new)}" for field, old, new in done.restored)
    emit(_("#{number}: undone: {changes}").format(number=done.number, changes=visible(changes, single_line=True)))
    if done.withdrawn:
        emit(_("#{number}: the rejection's reply was withdrawn before it was sent").format(number=done.number))
    return 0

def list_query(args, desk) -> listing.ListQuery:
    """The list's options as a checked query; a bad value is wrong usage (exit 2), named."""
    limit = positive(args.limit, "--limit")
    statuses = tuple(s.strip() for value in args.status or () for s in value.split(",") if s.strip())
    try:
        return listing.list_query(
            agent=desk.agent,
            statuses=statuses,
            product=args.product,
            assignee=args.assignee,
            flag=args.flag,
            search=text_argument(args.search, "--search") or "",
            overdue_at=desk.now() if args.overdue else None,
            before=positive(args.after, "--after"),
            offset=not_negative(args.offset, "--offset"),
            limit=None if args.all else (limit or LIST_LIMIT),
        )
    except (NotFoundError, ValidationError) as exc:
        if exc.code not in LIST_OPTIONS:
            raise
        raise UsageError(exc.code, where=LIST_OPTIONS[exc.code], **exc.params) from None


def with_view(query: listing.ListQuery, args, desk) -> listing.ListQuery:
    """``--view NAME``: the saved view's tab, filters and search instead of the options' own
    (``--status`` still narrows the tab's statuses; the list stays newest first)."""
    if args.view is None:
        return query
    view = saved_views.get_view(desk.agent, args.view).filter
    tab = dq.TAB_STATUSES[view.tab] or st.STATUSES
    statuses = tuple(s for s in tab if not query.statuses or s in query.statuses) or ("",)  # none: lists nothing
    return replace(query, filter=view.with_(tab="all", sort="number", reverse=False, agent=desk.agent), statuses=statuses)


def run_list(args, desk) -> int:
    """Tickets newest first, written as they are read (a page at a time: data/read/listing.py)."""
    query = with_view(list_query(args, desk), args, desk)
    last: list[int] = []  # the number of the last ticket written

    def rows():
        for page in listing.pages(query):
            last[:] = [page[-1].number]
            yield page

    if args.json or args.jsonl:
        def items():
            for page in rows():
                unread = seen.unread(desk.agent, [r.number for r in page])
                yield from (listing.item_json(r, desk, unread=r.number in unread) for r in page)

        written = (emit_json_array if args.json else emit_json_lines)(items())
    else:
        written = 0
        for page in rows():
            for r in page:
                emit(f"#{r.number}\t{r.status}\t{r.product or '-'}\t{r.customer_email or r.customer_name}\t{r.subject}")
            written += len(page)
    if args.limit is None and not args.all and written == LIST_LIMIT and listing.more_after(query, last[0]):
        sys.stdout.flush()
        shown, total = (format_decimal(n, locale=current_language()) for n in (written, listing.count(query)))
        emit(_("showing {shown} of {total}; --all or --limit N").format(shown=shown, total=total), file=sys.stderr)
    return 0


def run_show(args, desk) -> int:
    thread = views.get_thread(args.number)
    data = views.thread_json(thread, desk)
    history = get_customer_history(args.number)
    data.update(history_json(history))
    if args.json:
        emit_json(data)
        return 0
    emit(f"#{data['number']} [{data['status']}] {data['subject']}")
    customer = data["customer"]
    contact = " ".join(f"<{customer['email']}>" if key == "email" else f"{key} {customer[key]}"
                       for key in ("email", "phone", "telegram") if customer[key])  # fmt: skip
    emit(f"{customer['name']} {contact} - {data['product'] or '-'} - {data['channel']}")
    if history.customer.total:
        numbers = ", ".join(f"#{n}" for n in history.customer.numbers[:SHOWN_OTHERS])
        rest = history.customer.total - min(SHOWN_OTHERS, len(history.customer.tickets))
        if rest:
            numbers += f" (+{rest})"
        emit(_("Other tickets of this customer: {numbers}").format(numbers=numbers))
    for msg in data["messages"]:
        emit(f"\n--- {msg['index']}. {msg['kind']} {msg['author']} {msg['created_at']}")
        emit(msg["body"])
        for a in msg["attachments"]:
            emit(f"  [attachment] {a['filename']} ({a['size']} bytes)")
    return 0


