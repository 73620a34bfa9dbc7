"""``helpdesk bulk``: one change to many tickets; ``helpdesk views``: the agent's saved queue views.

``helpdesk bulk 1001 1002 1003 --status resolved`` (or ``--assign LOGIN``, ``--assign-me``,
``--unassign``, ``--priority P``, ``--scope KEY``, ``--merge-into N``) runs data/tickets/bulk.py
``apply_to_many``, the loop the queue's bulk change runs: each ticket its own change and event,
each refusal its own line. The command reads each ticket when it starts (its read point), so a
ticket someone changes while the command runs is refused, not overwritten. Exit 0 when every
ticket was changed (or already so), 1 when any was refused.

``helpdesk views list [--json] | rename NAME NEW | delete NAME`` manages the views the queue
saves (``V`` in the app); ``helpdesk list --view NAME`` lists a view's tickets (tui/cli/tickets.py).
"""

from __future__ import annotations

import sys

from helpdesk.data.read.history import read_point
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.regulation import PRIORITIES
from helpdesk.data.team import saved_views as sv
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.read.queue import QueueFilter
from helpdesk.data.tickets import bulk
from helpdesk.tui.bulk_words import outcome_line, summary_title
from helpdesk.tui.cli.output import emit, emit_json
from helpdesk.tui.errors import describe


def register(commands) -> None:
    p = commands.add_parser(
        "bulk", help="one change to many tickets: assign, status, priority, scope or merge (an outcome per ticket)")
    p.add_argument("numbers", type=int, nargs="+", metavar="NUMBER")
    change = p.add_mutually_exclusive_group(required=True)
    change.add_argument("--assign", metavar="LOGIN", help="assign them to this agent")
    change.add_argument("--assign-me", action="store_true", help="assign them to yourself")
    change.add_argument("--unassign", action="store_true", help="assign them to nobody")
    change.add_argument("--status", choices=st.STATUSES)
    change.add_argument("--priority", choices=PRIORITIES)
    change.add_argument("--scope", metavar="CATEGORY_KEY", help="an out-of-scope category replies with the rule and rejects")
    change.add_argument("--merge-into", type=int, metavar="N", help="merge the others into ticket N (one of them or not)")
    p.add_argument("--force", action="store_true", help="assign: take tickets other agents have")
    p.add_argument("--no-reply", action="store_true", help="scope: reject out-of-scope tickets without replying")
    p.add_argument("--json", action="store_true", help="the outcome per ticket as JSON")
    p.set_defaults(func=run_bulk)

    views = commands.add_parser("views", help="your saved queue views: list, rename, delete (save them in the app: V)")
    sub = views.add_subparsers(dest="views_command", metavar="ACTION", required=True, parser_class=type(views))
    v = sub.add_parser("list", help="list your views")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=run_views_list, writes=False)
    v = sub.add_parser("rename", help="rename a view")
    v.add_argument("name")
    v.add_argument("new_name", metavar="NEW_NAME")
    v.set_defaults(func=run_views_rename)
    v = sub.add_parser("delete", help="delete a view")
    v.add_argument("name")
    v.set_defaults(func=run_views_delete)


def change_of(args, desk) -> bulk.Change:
    if args.merge_into is not None:
        return bulk.Change(bulk.MERGE, args.merge_into)
    if args.status:
        return bulk.Change(bulk.STATUS, args.status)
    if args.priority:
        return bulk.Change(bulk.PRIORITY, args.priority)
    if args.scope:
        return bulk.Change(bulk.SCOPE, args.scope, reply=not args.no_reply)
    login = desk.agent if args.assign_me else (None if args.unassign else args.assign)
    return bulk.Change(bulk.ASSIGN, login, force=args.force)


def run_bulk(args, desk) -> int:
    change = change_of(args, desk)
    numbers = list(dict.fromkeys(args.numbers))
    if change.kind == bulk.MERGE and change.value not in numbers:
        numbers.insert(0, int(change.value))
    reads = []
    missing = []
    for number in numbers:
        try:
            reads.append(read_point(number))
        except HelpdeskError as error:
            missing.append(bulk.Outcome(number, bulk.REFUSED, error=error))
    result = bulk.apply_to_many(desk, reads, change)
    result = bulk.BulkResult(change, (*result.outcomes, *missing))
    if args.json:
        emit_json([
            {"number": o.number, "outcome": o.code, "by": list(o.by),
             "error": None if o.error is None else {"code": str(o.error.code), "text": describe(o.error, desk.regulation)}}
            for o in result.outcomes
        ])
    else:
        emit(summary_title(result))
        for outcome in result.not_changed:
            emit(outcome_line(outcome, desk.regulation), file=sys.stderr)
    return 1 if result.not_changed else 0


def run_views_list(args, desk) -> int:
    views = sv.list_views(desk.agent)
    if args.json:
        emit_json([{"name": v.name, "filter": {k: getattr(v.filter, k) for k in sv.STORED},
                    "saved_at": v.saved_at.astimezone(desk.regulation.timezone).isoformat()} for v in views])
    else:
        for v in views:
            emit(f"{v.name}\t{sv.filter_json(v.filter)}")
    return 0


def run_views_rename(args, desk) -> int:
    sv.rename_view(desk, args.name, args.new_name)
    return 0


def run_views_delete(args, desk) -> int:
    sv.delete_view(desk, args.name)
    return 0


def view_filter(desk, name: str) -> QueueFilter:
    """The queue filter of the agent's view ``name`` (``helpdesk list --view``)."""
    return sv.get_view(desk.agent, name).filter
