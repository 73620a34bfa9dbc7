"""A team on one host, from the command line: agents and access, a shared database, a read-only
one, and two agents taking one ticket at once.

The tests that need other operating-system users (an unregistered one, a read-only one) create
throw-away users and a group, which takes root (CI runs as root), and skip elsewhere. They run the
CLI as that user in a child process that imports the program first and then becomes the user,
before anything of the desk is read: the interpreter may live where another user cannot even
read it (pyenv under /root), so starting it as that user (``subprocess.run(user=...)``) would
test the machine's setup instead.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import peewee as pw
import pytest

from helpdesk.data.core.errors import Code, as_error
from helpdesk.data.rules.desk import os_login
from helpdesk.data.store import models as m
from helpdesk.tui.cli import compose
from helpdesk.tui.cli.main import main
from tests.racing import CommandLineTaker, race

NOW = "2026-11-25T10:00:00+03:00"
NEW = ["new", "--product", "Fenix+ 3", "--subject", "Не открывается проект", "--from", "ivan@example.ru", "--body", "Т"]


@pytest.fixture
def cli(db_path, team, capsys, monkeypatch, tmp_path):
    """cli(*args, lang="en") -> (exit code, stdout, stderr), as the OS user running the tests
    (the admin: they created the store); petrova and sidorov are agents (the team fixture)."""
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))

    def run(*args, lang="en"):
        code = main(["--db", db_path, "--lang", lang, "--now", NOW, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_an_admin_adds_lists_disables_and_enables_agents(cli):
    assert cli("agent", "add", "kuznetsova", "--name", "Ольга Кузнецова", "--read-only")[0] == 0
    code, out, _ = cli("agent", "list", "--json")
    assert code == 0 and json.loads(out) == sorted([
        {"login": "kuznetsova", "name": "Ольга Кузнецова", "role": "read_only", "active": True},
        {"login": os_login(), "name": os_login(), "role": "admin", "active": True},
        {"login": "petrova", "name": "petrova", "role": "agent", "active": True},
        {"login": "sidorov", "name": "sidorov", "role": "agent", "active": True},
    ], key=lambda agent: agent["login"])  # fmt: skip
    assert cli("agent", "disable", "petrova")[0] == 0
    assert "petrova\tagent\tdisabled\tpetrova\n" in cli("agent", "list")[1]
    assert cli("--as", "petrova", "list") == (1, "", "helpdesk: The agent “petrova” is disabled\n")
    assert cli("agent", "enable", "petrova")[0] == 0
    assert cli("--as", "petrova", "list")[0] == 0
    assert cli("agent", "add", "petrova") == (1, "", "helpdesk: The agent “petrova” already exists\n")
    assert cli("agent", "disable", os_login(), lang="ru") == (
        1, "", f"helpdesk: {os_login()} — последний администратор этой службы поддержки: сначала добавьте другого\n")


def test_adding_a_login_this_machine_does_not_know_warns_and_adds(cli):
    login = f"no-such-user-{uuid.uuid4().hex[:8]}"
    code, _, err = cli("agent", "add", login)
    assert code == 0
    assert err == f"helpdesk: warning: there is no user “{login}” on this machine: they can work once the account exists\n"
    existing = next(a.pw_name for a in pwd.getpwall() if a.pw_name != os_login())
    assert cli("agent", "add", existing) == (0, "", "")


def test_only_admins_manage_agents_and_act_as_others(cli):
    assert cli("--as", "petrova", "agent", "add", "kuznetsova") == (
        1, "", f"helpdesk: Only an admin of this desk may do this ({os_login()})\n")
    assert cli("--as", "petrova", "agent", "list")[0] == 0  # listing is for every agent
    agents = ", ".join(sorted(["petrova", os_login(), "sidorov"]))
    assert cli("--as", "petrva", "list") == (1, "", f"helpdesk: No agent “petrva” on this desk; agents: {agents}\n")


def test_a_read_only_agent_reads_and_every_write_says_why_not(cli):
    assert cli(*NEW)[0] == 0
    assert cli("agent", "add", "kuznetsova", "--read-only")[0] == 0
    refusal = f"helpdesk: kuznetsova may only read this desk: ask an admin ({os_login()})\n"
    for write in (["reply", "1001", "--body", "Ответ"], ["assign", "1001"], ["status", "1001", "open"], NEW,
                  ["replies", "delete", "out_of_hours"], ["agent", "readers", "anyone"]):  # fmt: skip
        assert cli("--as", "kuznetsova", *write) == (1, "", refusal), write
    assert cli("--as", "kuznetsova", "show", "1001")[1].startswith("#1001 [new] Не открывается проект")
    assert cli("--as", "kuznetsova", "list", "--json")[0] == 0
    assert cli("--as", "kuznetsova", "replies", "show", "out_of_hours")[0] == 0


def test_an_admin_acting_as_an_agent_is_recorded_as_the_real_user(cli, db_path):
    assert cli("--as", "petrova", *NEW)[0] == 0
    assert cli("--as", "petrova", "reply", "1001", "--body", "Ответ")[0] == 0
    assert cli("status", "1001", "waiting")[0] == 0  # as themselves
    with closing(sqlite3.connect(db_path)) as raw:
        events = raw.execute("SELECT actor, action, real_user FROM event ORDER BY id").fetchall()
    assert events == [("email", "created", os_login()), ("petrova", "reply", os_login()),
                      ("petrova", "status", os_login()), (os_login(), "status", None)]  # fmt: skip


def test_assign_takes_a_free_ticket_and_takes_anothers_only_with_force(cli):
    assert cli(*NEW)[0] == 0
    assert cli("--as", "petrova", "assign", "1001") == (0, "", "")
    assert cli("--as", "sidorov", "assign", "1001") == (1, "", "helpdesk: Ticket #1001 is already assigned to petrova\n")
    assert cli("--as", "sidorov", "assign", "1001", lang="ru") == (
        1, "", "helpdesk: Заявка №1001 уже назначена агенту petrova\n")
    assert cli("--as", "sidorov", "assign", "1001", "--force") == (0, "", "")
    code, _, err = cli("assign", "1001", "petrva", "--force")
    assert code == 1 and err.startswith("helpdesk: No agent “petrva” on this desk; agents: ")
    assert json.loads(cli("show", "1001", "--json")[1])["assignee"] == "sidorov"


@pytest.mark.both_databases  # several processes at once: on PostgreSQL too
def test_two_agents_taking_one_ticket_at_once_through_the_cli(cli, db_path):
    for _ in range(20):
        assert cli(*NEW)[0] == 0
    m.database_proxy.close()
    numbers = list(range(1001, 1021))
    outcomes = race([CommandLineTaker(db_path, "petrova"), CommandLineTaker(db_path, "sidorov")], numbers)
    for number in numbers:
        winners = [o.agent for o in outcomes[number] if o.won]
        assert len(winners) == 1, (number, outcomes[number])
        [loser] = [o.said for o in outcomes[number] if not o.won]
        assert loser == f"helpdesk: Ticket #{number} is already assigned to {winners[0]}\n"
        assert json.loads(cli("show", str(number), "--json")[1])["assignee"] == winners[0]


def test_a_world_readable_database_is_warned_about_once(cli, public_folder):
    db = str(public_folder / "helpdesk.db")
    assert cli("--db", db, "list") == (0, "", "")  # created owner-only
    os.chmod(db, 0o644)
    assert cli("--db", db, "list") == (0, "", (
        f"helpdesk: warning: every user of this machine can read {db} (it holds customers' mail): chmod o-rwx {db}\n"))
    public_folder.chmod(0o750)  # others cannot reach it: nothing to warn about
    assert cli("--db", db, "list") == (0, "", "")


def test_a_read_only_file_serves_list_and_show_and_refuses_writes(cli, db_path):
    assert cli(*NEW)[0] == 0
    m.database_proxy.close()
    os.chmod(db_path, 0o440)  # nobody may write it (and not world-readable: no warning here)
    before = hashlib.sha256(Path(db_path).read_bytes()).hexdigest()
    code, out, err = cli("list")
    assert (code, err) == (0, "") and out.startswith("#1001\tnew\tFenix+ 3\tivan@example.ru\tНе открывается проект")
    assert cli("show", "1001")[1].startswith("#1001 [new] Не открывается проект")
    assert cli("--as", "petrova", "reply", "1001", "--body", "Ответ") == (1, "", (
        f"helpdesk: The database {db_path} can only be read here (a read-only file or mount): nothing was changed\n"))
    assert cli("--lang", "ru", "status", "1001", "open")[2].startswith(f"helpdesk: Базу данных {db_path} здесь можно только читать")
    m.database_proxy.close()
    assert hashlib.sha256(Path(db_path).read_bytes()).hexdigest() == before


class FakeApp:
    """Stands in for HelpdeskApp: what the composition root gives the app, without running it."""

    made: list[FakeApp] = []
    return_code = 0

    def __init__(self, desk, **kwargs):
        self.desk, self.kwargs = desk, kwargs
        FakeApp.made.append(self)

    def run(self):
        pass


def test_the_app_starts_saying_why_it_may_not_write_and_that_the_file_is_readable(cli, public_folder, monkeypatch):
    monkeypatch.setattr(compose, "HelpdeskApp", FakeApp)
    monkeypatch.setattr(FakeApp, "made", [])
    db_path = str(public_folder / "helpdesk.db")
    assert cli("--db", db_path, "agent", "add", "kuznetsova", "--read-only")[0] == 0
    os.chmod(db_path, 0o644)
    assert cli("--db", db_path, "--as", "kuznetsova")[0] == 0
    [app] = FakeApp.made
    assert (app.desk.agent, app.desk.user) == ("kuznetsova", os_login())
    assert app.kwargs["startup_notice"].splitlines() == [
        f"warning: every user of this machine can read {db_path} (it holds customers' mail): chmod o-rwx {db_path}",
        f"kuznetsova may only read this desk: ask an admin ({os_login()})",
    ]
    assert app.kwargs["outbox_job"] is None
    with pytest.raises(pw.OperationalError) as refused:  # the store itself refuses, whatever screen tries
        m.Product.update(name="x").execute()
    assert as_error(refused.value).code == Code.DATABASE_WRITE_REFUSED


def test_the_demo_keeps_its_own_agents_and_acts_as_one(monkeypatch):
    monkeypatch.setattr(compose, "HelpdeskApp", FakeApp)
    monkeypatch.setattr(FakeApp, "made", [])
    assert main(["--now", NOW, "--as", "sidorov", "demo", "--tickets", "5"]) == 0
    [app] = FakeApp.made
    assert (app.desk.agent, app.desk.role, app.desk.write_refusal) == ("sidorov", "agent", None)


# --- a shared database, and other users of the machine ------------------------------------


@dataclass
class Accounts:
    """Throw-away users and groups, deleted afterwards."""

    suffix: str
    users: list[str]
    groups: list[str]

    def group(self) -> str:
        name = f"hdt{self.suffix}g{len(self.groups)}"
        subprocess.run(["groupadd", name], check=True)
        self.groups.append(name)
        return name

    def user(self, *groups: str) -> str:
        name = f"hdt{self.suffix}u{len(self.users)}"
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", *(["--groups", ",".join(groups)] if groups else []), name], check=True)
        self.users.append(name)
        return name


def sbin(tool: str) -> str | None:
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")


@pytest.fixture
def accounts(monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("needs root to create throw-away users and groups (CI runs as root)")
    if not all(sbin(tool) for tool in ("useradd", "userdel", "groupadd", "groupdel")):
        pytest.skip("no useradd/groupadd on this machine")
    monkeypatch.setenv("PATH", os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    made = Accounts(uuid.uuid4().hex[:6], [], [])
    try:
        yield made
    finally:
        for user in made.users:
            subprocess.run(["userdel", user], check=False)
        for group in made.groups:
            subprocess.run(["groupdel", group], check=False)


@pytest.fixture
def public_folder():
    """A folder other users can reach (pytest's own are private to the user running the tests)."""
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-team-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# The child: the program is imported first (as root), then the process becomes the user.
# The CLI imports a command's modules when it runs (tui/cli/main.py), and the interpreter may be
# one the user cannot read (CI's lives under /root): everything a command may load on demand
# is imported before dropping to the user.
AS_USER = """
import os, pwd, sys
import babel.dates, locale
from helpdesk.tui.cli import main as cli
from helpdesk.tui.cli.main import main
cli.build_parser([], every=True)
for module in (cli.DESK, cli.ERRORS, cli.CONFIG):
    cli.load(module)
account = pwd.getpwnam(sys.argv[1])
os.setgroups(os.getgrouplist(account.pw_name, account.pw_gid))
os.setgid(account.pw_gid)
os.setuid(account.pw_uid)
sys.exit(main(sys.argv[2:]))
"""


def run_as(user: str, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "HELPDESK_CONFIG": "/nonexistent/config.toml", "HOME": "/nonexistent"}
    env.pop("HELPDESK_NOW", None)
    done = subprocess.run([sys.executable, "-c", AS_USER, user, "--lang", "en", "--now", NOW, *args],
                          capture_output=True, text=True, env=env, cwd="/", timeout=120)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def as_admin(db: str, *args: str, lang: str = "en") -> int:
    code = main(["--db", db, "--lang", lang, "--now", NOW, *args])
    m.database_proxy.close()
    return code


def test_init_shared_makes_a_group_folder_and_files_and_its_creator_admin(request, public_folder, capsys):
    # Root makes a throw-away group; anyone else shares with their own primary group.
    group = request.getfixturevalue("accounts").group() if os.geteuid() == 0 else grp.getgrgid(os.getgid()).gr_name
    gid = grp.getgrnam(group).gr_gid
    db = str(public_folder / "desk" / "helpdesk.db")
    assert as_admin(db, "init", "--shared", group) == 0
    assert capsys.readouterr().out == f"{db}: a new desk shared by the group {group}; admin: {os_login()}\n"
    folder = public_folder / "desk"
    assert (stat.S_IMODE(folder.stat().st_mode), folder.stat().st_gid) == (0o2770, gid)
    assert (stat.S_IMODE(os.stat(db).st_mode), os.stat(db).st_gid) == (0o660, gid)
    with closing(sqlite3.connect(db)) as raw:  # an agent working on it: SQLite makes -wal and -shm
        raw.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
        raw.commit()
        for side in ("-wal", "-shm"):
            info = os.stat(db + side)
            assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o660, gid), side
    assert as_admin(db, "init", "--shared", group) == 1
    assert capsys.readouterr().err == f"helpdesk: {db}: already exists: give a new file name\n"
    plain = public_folder / "plain"
    plain.mkdir()
    assert as_admin(str(plain / "helpdesk.db"), "init", "--shared", group) == 1
    assert f"The folder {plain} is not the group {group}'s with set-group-id" in capsys.readouterr().err
    assert as_admin(str(public_folder / "x" / "h.db"), "init", "--shared", "no-such-group-hd") == 1
    assert capsys.readouterr().err == (
        "helpdesk: No group “no-such-group-hd” on this machine: create it first (groupadd no-such-group-hd)\n")


def test_an_unregistered_user_is_refused_naming_the_admins_until_an_admin_lets_them(accounts, public_folder, capsys):
    group = accounts.group()
    stranger, colleague = accounts.user(group), accounts.user(group)
    db = str(public_folder / "desk" / "helpdesk.db")
    assert as_admin(db, "init", "--shared", group) == 0
    assert as_admin(db, *NEW) == 0
    assert as_admin(db, "agent", "add", colleague) == 0
    capsys.readouterr()
    refused = f"helpdesk: {stranger} is not an agent of this desk: ask an admin ({os_login()}) to run helpdesk agent add {stranger}\n"
    for args in (NEW, ["reply", "1001", "--body", "Ответ"], ["assign", "1001"], ["list"], ["show", "1001"],
                 ["--as", colleague, "list"]):  # fmt: skip
        assert run_as(stranger, "--db", db, *args) == (1, "", refused), args

    assert as_admin(db, "agent", "readers", "anyone") == 0
    code, out, _ = run_as(stranger, "--db", db, "list")
    assert code == 0 and out.startswith("#1001\tnew")
    assert run_as(stranger, "--db", db, "reply", "1001", "--body", "Ответ") == (1, "", refused)

    assert as_admin(db, "agent", "add", stranger, "--read-only") == 0
    assert run_as(stranger, "--db", db, "show", "1001")[1].startswith("#1001 [new]")
    assert run_as(stranger, "--db", db, "assign", "1001") == (
        1, "", f"helpdesk: {stranger} may only read this desk: ask an admin ({os_login()})\n")
    assert run_as(colleague, "--db", db, "--as", stranger, "list") == (
        1, "", f"helpdesk: Only an admin may act as another agent with --as ({os_login()})\n")
    # A colleague of the group works on the shared file, its -wal and -shm included.
    assert run_as(colleague, "--db", db, "assign", "1001") == (0, "", "")
    assert run_as(colleague, "--db", db, "reply", "1001", "--body", "Ответ") == (0, "", "")
    assert json.loads(run_as(stranger, "--db", db, "show", "1001", "--json")[1])["assignee"] == colleague


def test_a_frozen_file_in_a_folder_the_reader_cannot_write_is_read(accounts, public_folder):
    reader = accounts.user()
    db = str(public_folder / "helpdesk.db")  # the folder is root's, 0755: no -shm can be made in it
    assert as_admin(db, *NEW) == 0
    assert as_admin(db, "agent", "add", reader, "--read-only") == 0
    os.chmod(db, 0o444)
    assert not os.path.exists(db + "-shm")
    code, out, err = run_as(reader, "--db", db, "list")
    assert (code, err) == (0, f"helpdesk: warning: every user of this machine can read {db} (it holds customers' mail): chmod o-rwx {db}\n")
    assert out.startswith("#1001\tnew\tFenix+ 3")
    assert run_as(reader, "--db", db, "show", "1001")[1].startswith("#1001 [new] Не открывается проект")
