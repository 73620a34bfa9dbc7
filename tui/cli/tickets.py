"""Ticket commands: new, reply, status, assign, list, show. They call the same operations as the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

from helpdesk.data.core.values import NewTicket
from helpdesk.data.read.attachments import load_attachment_file
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import undo
from helpdesk.data.read import views
from helpdesk.data.read.customer_history import get_customer_history, history_json
from helpdesk.data.team import seen
from helpdesk.data.core.errors import Code, HelpdeskError, ValidationError, from_os_error
from helpdesk.tui.cli.output import emit, emit_json
from helpdesk.tui.i18n import _
from helpdesk.tui.labels import priority_label, status_label
from helpdesk.tui.safe_text import visible
from helpdesk.tui.cli.usage import positive
from helpdesk.tui.i18n import _

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

    p = commands.add_parser("list", help="list tickets, newest first")
    p.add_argument("--status", choices=st.STATUSES)
    p.add_argument("--product")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")
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


def run_list(args, desk) -> int:
    rows = views.list_tickets(status=args.status, product=args.product, limit=positive(args.limit, "--limit"))
    if args.json:
        unread = seen.unread(desk.agent, [r.number for r in rows])
        emit_json([views.list_item_json(r, desk, unread=r.number in unread) for r in rows])
    else:
        for r in rows:
            emit(f"#{r.number}\t{r.status}\t{r.product or '-'}\t{r.customer_email or r.customer_name}\t{r.subject}")
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


