"""Workflow commands: scope, split, merge, replies, report, priority.

They call the same data/ operations as the TUI (data.triage, data.split_merge,
data.prepared_replies, data.reports, data.tickets).
"""

from __future__ import annotations

import sys

from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.data.read import reports
from helpdesk.data.tickets import split_merge
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import triage
from helpdesk.data.read import views
from helpdesk.data.rules.regulation import PRIORITIES
from helpdesk.tui.cli.tickets import read_text_file, text_argument
from helpdesk.tui.i18n import _
from helpdesk.tui.report_format import breakdown_sections, shorten, summary_rows
from helpdesk.tui.cli.output import emit, emit_json


def register(commands) -> None:
    p = commands.add_parser(
        "scope",
        help="set a ticket's scope category; an out-of-scope one replies with the rule and rejects",
    )
    p.add_argument("number", type=int)
    p.add_argument("category", metavar="CATEGORY_KEY", help="a scope key from the regulation (an unknown one lists them)")
    p.add_argument("--no-reply", action="store_true", help="out of scope: reject without replying")
    p.add_argument("--reply-file", metavar="PATH", help="out of scope: send this text instead of the default one")
    p.set_defaults(func=run_scope)

    p = commands.add_parser("split", help="make a new ticket of one message (1-based, as `show` lists them)")
    p.add_argument("number", type=int)
    p.add_argument("message_index", type=int, metavar="MESSAGE_INDEX")
    p.add_argument("--subject", help="the new ticket's subject (default: the original's)")
    p.add_argument("--json", action="store_true", help="print the new ticket as `show --json` does")
    p.set_defaults(func=run_split)

    p = commands.add_parser("merge", help="merge duplicate ticket FROM into ticket INTO (cannot be undone)")
    p.add_argument("from_number", type=int, metavar="FROM")
    p.add_argument("into_number", type=int, metavar="INTO")
    p.add_argument("--different-customers", action="store_true",
                   help="merge even though the two tickets are different customers' (asked for, never assumed)")
    p.set_defaults(func=run_merge)

    p = commands.add_parser("priority", help="set a ticket's priority (its working-time targets follow)")
    p.add_argument("number", type=int)
    p.add_argument("priority", choices=PRIORITIES)
    p.set_defaults(func=run_priority)

    p = commands.add_parser("report", help="tickets received and closed, response times, targets, for a period")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="first day, e.g. 2026-01-01")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE", help="last day (included)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV on standard output")
    fmt.add_argument("--json", action="store_true", help="a JSON object")
    p.set_defaults(func=run_report, writes=False)

    replies = commands.add_parser("replies", help="prepared replies: list, show, add, edit, delete, reset")
    sub = replies.add_subparsers(dest="replies_command", metavar="ACTION", required=True, parser_class=type(replies))
    r = sub.add_parser("list", help="list prepared replies")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=run_replies_list, writes=False)

    r = sub.add_parser("show", help="show one; with --ticket, filled in for that ticket")
    r.add_argument("key")
    r.add_argument("--ticket", type=int, metavar="NUMBER", help="fill in the placeholders for this ticket")
    r.add_argument("--lang", dest="text_lang", choices=["ru", "en"], help="which text (default: the customer language)")
    r.set_defaults(func=run_replies_show, writes=False)

    r = sub.add_parser("add", help="add a prepared reply")
    r.add_argument("key")
    r.add_argument("--title", required=True)
    _text_arguments(r)
    r.set_defaults(func=run_replies_add)

    r = sub.add_parser("edit", help="change a prepared reply")
    r.add_argument("key")
    r.add_argument("--key", dest="new_key", metavar="NEW_KEY", help="rename it")
    r.add_argument("--title")
    _text_arguments(r)
    r.set_defaults(func=run_replies_edit)

    r = sub.add_parser("delete", help="delete a prepared reply (not one of the regulation's own)")
    r.add_argument("key")
    r.set_defaults(func=run_replies_delete)

    r = sub.add_parser("reset", help="put the regulation's own text back into a built-in reply")
    r.add_argument("key")
    r.set_defaults(func=run_replies_reset)


def _text_arguments(parser) -> None:
    ru = parser.add_mutually_exclusive_group()
    ru.add_argument("--ru", metavar="TEXT", help="the Russian text")
    ru.add_argument("--ru-file", metavar="PATH", help="read the Russian text from a file (- for standard input)")
    en = parser.add_mutually_exclusive_group()
    en.add_argument("--en", metavar="TEXT", help="the English text")
    en.add_argument("--en-file", metavar="PATH", help="read the English text from a file (- for standard input)")


def _read_text(text: str | None, path: str | None, option: str) -> str | None:
    """The text of ``option`` (``--ru``), or of the file its ``-file`` twin names."""
    if text is not None:
        return text_argument(text, option)
    if path is None:
        return None
    return read_text_file(path, f"{option}-file")


# --- ticket workflow ----------------------------------------------------------------------


def run_scope(args, desk) -> int:
    reply_text = _read_text(None, args.reply_file, "--reply")
    triage.triage(desk, args.number, args.category, reply=not args.no_reply, reply_text=reply_text)
    return 0


def run_split(args, desk) -> int:
    subject = text_argument(args.subject, "--subject")
    new = split_merge.split_ticket(desk, args.number, args.message_index, subject=subject)
    if args.json:
        emit_json(views.thread_json(views.get_thread(new.number, desk), desk))
    else:
        emit(new.number)
    return 0


def run_merge(args, desk) -> int:
    split_merge.merge_tickets(desk, args.from_number, args.into_number, different_customers=args.different_customers)
    return 0


def run_priority(args, desk) -> int:
    tickets.set_priority(desk, args.number, args.priority)
    return 0


# --- reports ------------------------------------------------------------------------------


def run_report(args, desk) -> int:
    report = reports.build_report(
        desk, reports.parse_day(args.date_from, "--from"), reports.parse_day(args.date_to, "--to")
    )
    if args.csv:
        sys.stdout.write(reports.report_csv(report))
    elif args.json:
        emit_json(reports.report_json(report))
    else:
        emit(report_text(report, desk))
    return 0


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells).rstrip())
    return lines


def report_text(report: reports.Report, desk) -> str:
    """The readable table ``helpdesk report`` prints."""
    lines = [
        _("Report {start} - {end}").format(start=report.date_from.isoformat(), end=report.date_to.isoformat()),
        "",
    ]
    lines += _table(summary_rows(report))
    for title, rows in breakdown_sections(report, desk.regulation):
        lines += ["", title]
        if rows:
            header = ("", _("received"), _("closed"))
            lines += _table([header] + [(shorten(label, 48), str(r.received), str(r.closed)) for label, r in rows])
        else:
            lines.append(_("  nothing in this period"))
    lines += ["", _("By day")]
    lines += _table(
        [("", _("received"), _("closed"))]
        + [(d.day.isoformat(), str(d.received), str(d.closed)) for d in report.daily]
    )
    return "\n".join(lines)


# --- prepared replies ---------------------------------------------------------------------


def run_replies_list(args, desk) -> int:
    replies = pr.list_replies()
    if args.json:
        emit_json(
            [
                {"key": r.key, "title": r.title, "builtin": r.builtin, "body_ru": r.body_ru, "body_en": r.body_en}
                for r in replies
            ]
        )
    else:
        for r in replies:
            emit(f"{r.key}\t{_(r.title) if r.builtin else r.title}")
    return 0


def run_replies_show(args, desk) -> int:
    if args.ticket is not None:
        emit(pr.render_reply(desk, args.key, args.ticket, language=args.text_lang))
        return 0
    reply = pr.get_reply(args.key)
    language = args.text_lang or desk.regulation.customer_language
    emit(reply.body(language))
    return 0


def run_replies_add(args, desk) -> int:
    pr.create_reply(
        desk,
        args.key,
        text_argument(args.title, "--title"),
        _read_text(args.ru, args.ru_file, "--ru") or "",
        _read_text(args.en, args.en_file, "--en") or "",
    )
    return 0


def run_replies_edit(args, desk) -> int:
    pr.update_reply(
        desk,
        args.key,
        new_key=args.new_key,
        title=text_argument(args.title, "--title"),
        body_ru=_read_text(args.ru, args.ru_file, "--ru"),
        body_en=_read_text(args.en, args.en_file, "--en"),
    )
    return 0


def run_replies_delete(args, desk) -> int:
    pr.delete_reply(args.key)
    return 0


def run_replies_reset(args, desk) -> int:
    reply = pr.reset_reply(desk, args.key)
    emit(_("{key}: the regulation's text is back").format(key=reply.key))
    return 0
