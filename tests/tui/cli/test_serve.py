"""tui/cli/serve.py: ``helpdesk serve``, the desk in a web browser.

The unit tests check the command's refusals, the served command line and the guard in front of
textual-serve (through aiohttp's test client, in this process). The end-to-end test starts the
real server on a demo database and drives the page in headless Chromium (Debian's ``chromium``,
installed by .ci/run) with Playwright for Python.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer

from helpdesk.data.core.config import load_config
from helpdesk.data.core.errors import Code
from helpdesk.data.store import models as m
from helpdesk.tui.cli import serve
from helpdesk.tui.cli.context import admit_desk, open_desk
from helpdesk.tui.cli.main import main, parse

NOW = "2026-11-25T10:00:00+03:00"  # a Wednesday morning: support is open


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch, tmp_path):
    """cli(*args) -> (exit code, stdout, stderr) of ``helpdesk --db DB --lang en --now NOW ARGS``."""
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))

    def run(*args):
        code = main(["--db", db_path, "--lang", "en", "--now", NOW, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- the command's refusals -------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7", "::", "example.org"])
def test_an_address_other_machines_reach_needs_public(cli, host, monkeypatch):
    monkeypatch.setattr(serve.DeskServer, "serve", lambda self: pytest.fail("served without --public"))
    code, out, err = cli("serve", "--host", host)
    assert code == 2 and out == ""
    assert err == (f"helpdesk: --host: {host} is not this machine's loopback address: other machines could reach "
                   "the desk; add --public to serve it there (with an access token in the URL)\n")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses_are_this_machine(host):
    assert serve.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1", "::", "evil.example", "127.0.0.1.evil.example", ""])
def test_other_addresses_are_not(host):
    assert not serve.is_loopback(host)


def test_a_port_out_of_range_is_wrong_usage(cli):
    assert cli("serve", "--port", "70000")[0:2] == (2, "")


def test_a_port_taken_is_said_before_anything_claims_to_listen(cli, monkeypatch):
    monkeypatch.setattr(serve.DeskServer, "serve", lambda self: pytest.fail("served on a taken port"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, out, err = cli("serve", "--port", str(taken.getsockname()[1]))
    assert code == 1 and out == "" and err == "helpdesk: system error: Address already in use\n"


def test_the_agent_must_exist_as_for_as(cli, monkeypatch):
    monkeypatch.setattr(serve.DeskServer, "serve", lambda self: pytest.fail("served an unknown agent"))
    code, _, err = cli("serve", "--agent", "nobody")
    assert code == 1 and "No agent “nobody” on this desk" in err


def test_write_is_refused_at_start_for_an_agent_who_may_only_read(cli, monkeypatch):
    monkeypatch.setattr(serve.DeskServer, "serve", lambda self: pytest.fail("served writes to a reader"))
    assert cli("agent", "add", "kuznetsova", "--read-only")[0] == 0
    code, _, err = cli("serve", "--agent", "kuznetsova", "--write")
    assert code == 1 and "kuznetsova may only read this desk" in err


def test_the_server_says_where_it_listens_and_serves_the_agents_app(cli, db_path, monkeypatch):
    started = {}

    def fake_serve(self):
        started.update(command=self.command, host=self.host, port=self.port, token=self.token, announce=self.announce)

    monkeypatch.setattr(serve.DeskServer, "serve", fake_serve)
    port = free_port()
    assert cli("serve", "--agent", "petrova", "--port", str(port))[0] == 0
    assert (started["host"], started["port"], started["token"]) == ("127.0.0.1", port, None)
    assert started["announce"] == [f"Serving the desk as petrova, read-only, at http://127.0.0.1:{port}/ (Ctrl+C stops)"]
    assert started["command"].split()[1:] == [
        "-m", "helpdesk.tui.cli.main", "--db", os.path.abspath(db_path), "--lang", "en", "--as", "petrova", "--now", NOW,
        "--read-only",
    ]
    assert m.database_proxy.is_closed()  # each browser session's app opens the store itself


def test_public_warns_and_prints_the_address_with_its_token(cli, monkeypatch):
    started = {}
    monkeypatch.setattr(serve.DeskServer, "serve", lambda self: started.update(token=self.token, announce=self.announce))
    port = free_port()
    assert cli("serve", "--host", "0.0.0.0", "--public", "--write", "--port", str(port))[0] == 0
    token = started["token"]
    assert len(token) >= 32
    warning, where = started["announce"]
    assert warning.startswith("warning: the desk is served to other machines")
    assert where.endswith(f":{port}/?token={token} (Ctrl+C stops)") and "read-only" not in where
    assert "0.0.0.0" not in where  # a browser cannot go there: the machine's name instead


def test_the_served_command_line_is_the_app_read_only_unless_write(db_path, team):
    args = parse(["--db", db_path, "serve"])
    assert serve.app_command(args, "petrova", write=False)[-1] == "--read-only"
    assert "--read-only" not in serve.app_command(args, "petrova", write=True)


def test_a_write_from_the_served_app_is_refused(cli, db_path, team, capsys):
    """The served app's command line, with a write command in place of the app: refused, and the
    store refuses any write that some screen could still try (context.py ``refuse_writes``)."""
    assert cli("new", "--product", "Fenix+ 3", "--subject", "Т", "--from", "ivan@example.ru", "--body", "Т")[0] == 0
    argv = serve.app_command(parse(["--db", db_path, "--now", NOW, "serve"]), "petrova", write=False)[3:]
    assert main([*argv, "status", "1001", "resolved"]) == 1
    served_err = capsys.readouterr().err
    code, out, err = cli("--as", "petrova", "--read-only", "status", "1001", "resolved")
    assert code == 1 and served_err == err == (
        "helpdesk: This desk is open for reading only (--read-only; helpdesk serve opens it so without --write): "
        "nothing can be changed here\n")
    assert '"status": "new"' in cli("show", "1001", "--json")[1]


def test_the_store_of_a_read_only_desk_refuses_writes(db_path, team, monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    args = parse(["--db", db_path, "--as", "petrova", "--read-only"])
    desk = admit_desk(open_desk(args, load_config()), args)
    assert desk.write_refusal.code == Code.ACCESS_READ_ONLY_ASKED
    try:
        with pytest.raises(Exception, match="readonly|read-only|read only"):
            m.Meta.insert(key="serve.test", value="x").execute()
    finally:
        m.database_proxy.close()


# --- the guard in front of textual-serve -------------------------------------------------------


async def _statuses(token: str | None, requests: list[tuple[str, dict]]) -> list[tuple[int, str]]:
    server = serve.DeskServer(["true"], "127.0.0.1", 8000, token=token, announce=[])
    client = TestClient(TestServer(await server._make_app(), host="127.0.0.1"), cookie_jar=DummyCookieJar())
    await client.start_server()
    try:
        found = []
        for path, headers in requests:
            response = await client.get(path, headers=headers, allow_redirects=False)
            found.append((response.status, response.headers.get("Set-Cookie", "")))
        return found
    finally:
        await client.close()


def test_without_the_token_every_request_is_refused_and_with_it_the_page_is_served(capsys):
    token = "s3cret-token_x"
    found = asyncio.run(_statuses(token, [
        ("/", {}),
        ("/?token=wrong", {}),
        ("/static/js/textual.js", {}),
        ("/ws", {}),
        (f"/?token={token}", {}),
        ("/static/js/textual.js", {"Cookie": f"helpdesk_token={token}"}),
        ("/static/js/textual.js", {"Cookie": "helpdesk_token=wrong"}),
    ]))
    assert [status for status, _ in found] == [403, 403, 403, 403, 200, 200, 403]
    cookie = found[4][1]
    assert f"helpdesk_token={token}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_on_loopback_a_foreign_host_name_or_page_is_refused(capsys):
    found = asyncio.run(_statuses(None, [
        ("/", {}),
        ("/", {"Host": "localhost:8000"}),
        ("/", {"Host": "rebound.evil.example:8000"}),  # DNS rebinding: a foreign name for 127.0.0.1
        ("/ws", {"Origin": "http://evil.example", "Connection": "Upgrade", "Upgrade": "websocket",
                 "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}),
    ]))
    assert [status for status, _ in found] == [200, 200, 403, 403]


# --- end to end: the real server, the page in headless Chromium --------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

# textual-serve's page keeps its xterm.js Terminal to itself: this script, run before the page's
# own, catches it as the page's terminal object stores its fit add-on (``this.fitAddon = ...``,
# right after ``this.terminal = new Terminal(...)``), so the test can read the screen's text from
# xterm's buffer (its public API) instead of the pixels of a canvas.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal) window.__helpdeskTerminal = this.terminal;
  },
});
window.__screenText = () => {
  const terminal = window.__helpdeskTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active, lines = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
};
"""


def chromium() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_line(process: subprocess.Popen, seconds: float) -> str:
    """The first line ``process`` prints, waiting ``seconds`` at the most ("" if none)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.2)[0]:
            return process.stdout.readline()
    return ""


@pytest.fixture
def served_demo(tmp_path):
    """``helpdesk serve`` on a demo database, as its creator (an admin) acting as petrova: its URL."""
    env = {**os.environ, "HELPDESK_CONFIG": str(tmp_path / "absent.toml")}
    env.pop("HELPDESK_DB", None)
    db = tmp_path / "demo.db"
    helpdesk = [sys.executable, "-m", "helpdesk.tui.cli.main"]
    subprocess.run([*helpdesk, "--now", NOW, "demo", "--save", str(db), "--tickets", "40"], env=env, check=True,
                   capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*helpdesk, "--db", str(db), "--now", NOW, "--lang", "en", "serve", "--port", str(port), "--agent", "petrova"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = first_line(process, 30)
        assert line == f"Serving the desk as petrova, read-only, at http://127.0.0.1:{port}/ (Ctrl+C stops)\n", (
            line, process.poll(), process.stderr.read() if process.poll() is not None else "")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def save_artifact(page, tmp_path: Path, name: str) -> Path:
    """A screenshot in the test's directory, and in $HELPDESK_ARTIFACTS when that is set."""
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    artifacts = os.environ.get("HELPDESK_ARTIFACTS")
    if artifacts:
        os.makedirs(artifacts, exist_ok=True)
        shutil.copy(shot, os.path.join(artifacts, name))
    return shot


def test_the_desk_in_headless_chromium(served_demo, tmp_path):
    executable = chromium()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")

    def text_with(page, pattern: str, seconds: float = 60) -> str:
        """The page's screen text once ``pattern`` is in it."""
        page.wait_for_function("p => new RegExp(p).test(window.__screenText())", arg=pattern, timeout=seconds * 1000)
        return page.evaluate("window.__screenText()")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=executable, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1200, "height": 800},
        )
        try:
            page = browser.new_page()
            page.add_init_script(CATCH_TERMINAL)
            page.goto(served_demo)
            # Without the page's terminal in hand (textual.js changed how it keeps it) every wait
            # below would time out: say so here instead.
            page.wait_for_function("() => window.__helpdeskTerminal !== undefined", timeout=60_000)

            # The queue, and the header's countdown to the end of the working day.
            queue = text_with(page, r"\d+ tickets? · sorted by")
            countdown = re.search(r"(closes|opens) in (\d+ h(?: \d+ min)?|\d+ min)", queue)
            assert countdown is not None, queue
            assert countdown.group(1) == "closes"  # 10:00 on a Wednesday: open until the evening
            first = re.search(r"^\s*(\d{4,})\b", queue.split("No.", 1)[1].split("\n", 1)[1], re.M)
            assert first is not None, queue
            number = first.group(1)

            # Enter on the first row opens its thread.
            page.focus("textarea.xterm-helper-textarea")
            page.keyboard.press("Enter")
            thread = text_with(page, rf"#{number}\b[\s\S]*Reply")
            assert "sorted by" not in thread

            # Read-only: taking the ticket is refused by the store, and nothing changes.
            assert "Not saved" not in thread and "unassigned" in thread
            page.keyboard.press("a")
            refused = text_with(page, r"Not saved")
            assert "unassigned" in refused and "petrova ·" not in refused
            shot = save_artifact(page, tmp_path, "serve-thread.png")
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
