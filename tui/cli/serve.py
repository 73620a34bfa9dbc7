"""``helpdesk serve``: the desk in a web browser, for demos on a laptop and colleagues without SSH.

textual-serve runs the app once per browser session, as a child process whose screen it relays
over a WebSocket. That child is the ordinary app started by its command line (``app_command``):
``helpdesk --db TARGET --lang LANG --as LOGIN [--read-only]``, so a browser session is exactly the
terminal app of the agent named when the server starts, with the same access checks (made here
once, before anything is served: an unknown agent, or ``--agent`` by a user who is no admin, is
refused at start), and read-only (the store refuses writes, context.py) unless ``--write``.

Who may connect. By default the server listens on 127.0.0.1 only, and ``DeskServer`` also refuses
(403) what a web page elsewhere could make the agent's own browser send it: a WebSocket opened
from another origin (cross-site WebSocket hijacking) and a request for a host name that is not a
loopback one (DNS rebinding). Any other address needs ``--public``, prints a warning, and every
request must carry the access token (``?token=``, generated at start): the page's answer sets it
as a cookie, which the page's own WebSocket and files then send.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import secrets
import shlex
import socket
import sys

from aiohttp import web
from textual_serve.server import Server

from helpdesk.data.core.errors import Code
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.tui.cli.context import command_desk, target_of
from helpdesk.tui.cli.output import emit
from helpdesk.tui.cli.usage import UsageError
from helpdesk.tui.i18n import _, current_language

TOKEN_PARAMETER = "token"
TOKEN_COOKIE = "helpdesk_token"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def register(commands) -> None:
    p = commands.add_parser("serve", help="serve the desk to web browsers (read-only unless --write)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default: %(default)s)")
    p.add_argument("--agent", dest="serve_agent", metavar="LOGIN",
                   help="every browser session acts as this agent (another than yourself: admins only; default: you, or --as)")
    p.add_argument("--write", action="store_true", help="let browser sessions change the desk (default: read-only)")
    p.add_argument("--public", action="store_true",
                   help="allow an address other machines can reach; an access token is then required in the URL")
    p.set_defaults(func=run, needs_store=False)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is this machine's loopback: only a literal loopback
    address or ``localhost`` counts (another name may resolve elsewhere tomorrow)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_command(args: argparse.Namespace, agent: str, *, write: bool) -> list[str]:
    """The command line of one browser session: the app, on this desk, as ``agent``."""
    target = target_of(args)
    if "://" not in target:  # a file: absolute, whatever directory the child starts in
        target = os.path.abspath(target)
    argv = [sys.executable, "-m", "helpdesk.tui.cli.main", "--db", target, "--lang", current_language(), "--as", agent]
    if args.regulation:
        argv += ["--regulation", os.path.abspath(args.regulation)]
    if args.now:
        argv += ["--now", args.now]
    if not write:
        argv.append("--read-only")
    return argv


def page_url(host: str, port: int, token: str | None) -> str:
    """Where a browser opens the desk: an unspecified address (0.0.0.0, ::) named by this
    machine's name, since a browser cannot go there."""
    shown = host
    try:
        if ipaddress.ip_address(host.strip("[]")).is_unspecified:
            shown = socket.gethostname()
    except ValueError:
        pass
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?{TOKEN_PARAMETER}={token}" if token else "")


def check_free(host: str, port: int) -> None:
    """Raise the operating system's OSError if ``host:port`` cannot be listened on now (taken, or
    no such address here): the server says where it listens before it binds (its start-up hook
    runs first), so it must not say so for a port it will not get."""
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        probe.bind((host, port))


class DeskServer(Server):
    """textual-serve's Server, with the guard described above, our own start-up lines, and no
    access log (it would print the token of every request)."""

    def __init__(self, command: list[str], host: str, port: int, *, token: str | None, announce: list[str]):
        super().__init__(shlex.join(command), host=host, port=port, title="helpdesk")
        self.token = token
        self.announce = announce

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.WARNING, format="%(message)s")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    def refusal(self, request: web.Request) -> str | None:
        """Why ``request`` is refused (403), or None."""
        if self.token is not None:
            given = request.query.get(TOKEN_PARAMETER) or request.cookies.get(TOKEN_COOKIE) or ""
            if not secrets.compare_digest(given.encode(), self.token.encode()):
                return _("Forbidden: open the address with its access token, as helpdesk serve printed it")
        elif not is_loopback(request.url.host or ""):
            return _("Forbidden: this desk is served to this machine only (open it at 127.0.0.1)")
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin is not None and origin != f"{request.scheme}://{request.host}":
            return _("Forbidden: a page of another site may not open the desk")
        return None

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        refusal = self.refusal(request)
        if refusal is not None:
            raise web.HTTPForbidden(text=refusal + "\n")
        response = await handler(request)
        if self.token is not None and request.query.get(TOKEN_PARAMETER) and not response.prepared:
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict", path="/")
        return response

    async def handle_index(self, request: web.Request):
        # The page's WebSocket address is built from public_url: the host the browser asked for
        # (checked by the guard), not the address listened on (0.0.0.0 is nowhere to a browser).
        # No await comes between this and the page reading it.
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def on_startup(self, app: web.Application) -> None:
        for line in self.announce:
            emit(line, flush=True)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise UsageError(Code.SERVE_PORT_INVALID, where="--port", value=args.port)
    if not (is_loopback(args.host) or args.public):
        raise UsageError(Code.SERVE_NOT_LOOPBACK, where="--host", host=args.host)
    args.agent = args.serve_agent or args.agent
    args.writes = args.write  # command_desk refuses --write at once when this agent may not write
    desk: Desk = command_desk(args)
    check_free(args.host, args.port)
    m.database_proxy.close()  # the checks are made: each browser session's app opens the store itself
    token = secrets.token_urlsafe(24) if args.public else None
    url = page_url(args.host, args.port, token)
    announce = []
    if args.public:
        announce.append(_("warning: the desk is served to other machines: anyone with this address and its token "
                          "acts as {agent}; the connection is not encrypted").format(agent=desk.agent))
    if args.write:
        line = _("Serving the desk as {agent} at {url} (Ctrl+C stops)")
    else:
        line = _("Serving the desk as {agent}, read-only, at {url} (Ctrl+C stops)")
    announce.append(line.format(agent=desk.agent, url=url))
    command = app_command(args, desk.agent, write=args.write)
    DeskServer(command, args.host, args.port, token=token, announce=announce).serve()
    return 0
