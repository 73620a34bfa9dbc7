"""``helpdesk hours``: is support open, and when does that change."""

from __future__ import annotations


from helpdesk.data.core.clock import parse_instant
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.tui.cli.clock import clock_from
from helpdesk.tui.timefmt import support_state
from helpdesk.tui.cli.output import emit, emit_json


def register(commands) -> None:
    p = commands.add_parser("hours", help="support's working hours now or at an instant")
    p.add_argument("--at", metavar="ISO-8601", help="the instant to ask about (default: now)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=run, needs_store=False)


def hours_json(calendar, at) -> dict:
    tz = calendar.tz
    window = calendar.current_window(at)
    change = calendar.changes_at(at)
    return {
        "open": window is not None,
        "at": at.astimezone(tz).isoformat(),
        "window_start": window.start.isoformat() if window else None,
        "window_end": window.end.isoformat() if window else None,
        "next_open": calendar.next_window(at).start.isoformat(),
        "changes_at": change.isoformat(),
        "countdown_seconds": int((change - at).total_seconds()),
        "timezone": str(tz),
    }


def run(args) -> int:
    calendar = load_regulation(args.regulation).calendar
    if args.at:
        at = parse_instant(args.at, "--at")
    else:
        at = clock_from(args).now()
    if args.json:
        emit_json(hours_json(calendar, at))
    else:
        emit(support_state(calendar, at))
    return 0
