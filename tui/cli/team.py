"""A team on one host: ``init --shared GROUP`` makes a database the group's agents share, and
``agent`` lists the agents and lets an admin add, disable and enable them, and say who may read.

Who may do what is data/store/agents.py's; these commands only call it.
"""

from __future__ import annotations

import pwd
import sys

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.rules.desk import ADMIN, AGENT, READ_ONLY, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import agents
from helpdesk.data.store import models as m
from helpdesk.data.store.database import masked, open_store, postgres_url, sqlite_file
from helpdesk.data.store.files import create_shared
from helpdesk.tui.cli.clock import clock_from
from helpdesk.tui.cli.context import target_of
from helpdesk.tui.cli.output import emit, emit_json
from helpdesk.tui.cli.usage import UsageError
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import _


def register(commands) -> None:
    p = commands.add_parser("init", help="create a database the agents of an OS group share, or a desk on a"
                                         " PostgreSQL server (you become its admin)")
    p.add_argument("--shared", metavar="GROUP", help="the operating-system group of the agents (a database file)")
    p.set_defaults(func=run_init, needs_store=False)

    agent = commands.add_parser("agent", help="the desk's agents: list; add, disable, enable (admins)")
    sub = agent.add_subparsers(dest="agent_command", metavar="ACTION", required=True, parser_class=type(agent))
    a = sub.add_parser("add", help="register an operating-system user as an agent")
    a.add_argument("login", metavar="LOGIN", help="their operating-system login")
    a.add_argument("--name", default="", help="the name shown on their replies (default: the login)")
    role = a.add_mutually_exclusive_group()
    role.add_argument("--admin", dest="role", action="store_const", const=ADMIN, help="may also manage agents")
    role.add_argument("--read-only", dest="role", action="store_const", const=READ_ONLY, help="may only read")
    a.set_defaults(func=run_add, role=AGENT)

    a = sub.add_parser("list", help="list the agents")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=run_list, writes=False)

    for name, active, text in (("disable", False, "stop an agent working (their history stays)"),
                               ("enable", True, "let a disabled agent work again")):  # fmt: skip
        a = sub.add_parser(name, help=text)
        a.add_argument("login", metavar="LOGIN")
        a.set_defaults(func=run_set_active, active=active)

    a = sub.add_parser("readers", help="who may read the desk: its agents (the default) or anyone who can open the file")
    a.add_argument("who", nargs="?", choices=agents.READERS, help="set it (admins); without it: show it")
    a.set_defaults(func=run_readers, writes=False)  # showing reads; setting is checked as an admin's write


def run_init(args) -> int:
    target = target_of(args)
    if postgres_url(target):  # the server keeps the data: no file, no group
        open_store(target, load_regulation(args.regulation), clock_from(args).now(), creator=os_login())
        admins = agents.admins()
        m.database_proxy.close()
        emit(_("{target}: a desk on PostgreSQL; admin: {admins}").format(target=masked(target), admins=", ".join(admins)))
        return 0
    path = sqlite_file(target)
    if path is None:
        raise HelpdeskError(Code.DATABASE_NOT_SQLITE_FILE, target=masked(target))
    if not args.shared:
        raise UsageError(Code.INIT_SHARED_REQUIRED, where="--shared")
    create_shared(path, args.shared)
    open_store(path, load_regulation(args.regulation), clock_from(args).now(), creator=os_login())
    admins = agents.admins()
    m.database_proxy.close()
    emit(_("{path}: a new desk shared by the group {group}; admin: {admins}").format(
        path=path, group=args.shared, admins=", ".join(admins)))  # fmt: skip
    return 0


def run_add(args, desk) -> int:
    agents.add_agent(desk, args.login, name=args.name, role=args.role)
    try:
        pwd.getpwnam(args.login)
    except KeyError:  # added all the same: the account may come later, or be the demo's
        emit(f"helpdesk: {describe(HelpdeskError(Code.AGENT_NO_OS_USER, login=args.login))}", file=sys.stderr)
    return 0


def run_list(args, desk) -> int:
    rows = [
        {"login": a.login, "name": a.display_name, "role": a.role, "active": a.active} for a in agents.list_agents()
    ]
    if args.json:
        emit_json(rows)
    else:
        for row in rows:
            emit(f"{row['login']}\t{row['role']}\t{'active' if row['active'] else 'disabled'}\t{row['name']}")
    return 0


def run_set_active(args, desk) -> int:
    agents.set_active(desk, args.login, args.active)
    return 0


def run_readers(args, desk) -> int:
    if args.who is None:
        emit(agents.readers())
    else:
        agents.set_readers(desk, args.who)
    return 0
