"""data/channels/mail/imap.py against a real IMAP server on 127.0.0.1: Debian's dovecot, started here.

CI installs dovecot-imapd (.ci/run); where it is missing these tests skip with the reason.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from helpdesk.data.store import models as m
from helpdesk.data.core.errors import Code, HelpdeskError, ValidationError
from helpdesk.data.channels.mail.imap import encode_folder, imap_password, parse_imap_url, poll_imap
from helpdesk.data.channels.mail.ingest import CREATED, DUPLICATE, QUARANTINED

USER, PASSWORD = "support", "imap-s3cret"
SBIN = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/local/sbin"])
DOVECOT = shutil.which("dovecot", path=SBIN)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dovecot():
    if DOVECOT is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it in CI)")
    root = Path(tempfile.mkdtemp(prefix="hd-dovecot-"))
    root.chmod(0o755)
    mail = root / "mail"
    mail.mkdir()
    port = free_port()
    if os.geteuid() == 0:
        uid = gid = 65534  # nobody: dovecot refuses to keep mail as root
        os.chown(mail, uid, gid)
        users = ""
    else:
        uid, gid = os.getuid(), os.getgid()
        import pwd

        me = pwd.getpwuid(uid).pw_name
        users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = hd-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused login is answered at once (dovecot waits 2 s by default).
auth_failure_delay = 0
mail_location = maildir:{mail}/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 1
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
                out = process.stdout.read().decode(errors="replace")
                shutil.rmtree(root, ignore_errors=True)
                pytest.skip(f"dovecot did not start: {out[-500:]} {log[-500:]}")
            time.sleep(0.1)
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(root, ignore_errors=True)


def client(port: int) -> imaplib.IMAP4:
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    return conn


def append(port: int, raw: bytes, folder: str = "INBOX") -> None:
    conn = client(port)
    typ, data = conn.append(encode_folder(folder), None, None, raw)
    assert typ == "OK", data
    conn.logout()


def unseen(port: int, folder: str = "INBOX") -> list[bytes]:
    conn = client(port)
    conn.select(encode_folder(folder))
    typ, data = conn.uid("SEARCH", None, "UNSEEN")
    conn.logout()
    return data[0].split()


def mail(n: int, message_id: bool = True) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Клиент {n} <client{n}@example.ru>"
    msg["Subject"] = f"Заявка {n}"
    if message_id:
        msg["Message-ID"] = f"<imap-{n}@example.ru>"
    msg.set_content(f"Текст заявки {n}.")
    return msg.as_bytes()


def test_imap_url_and_password(monkeypatch, tmp_path):
    target = parse_imap_url("imaps://support%40fenix@imap.example.ru/%D0%92%D1%85%D0%BE%D0%B4%D1%8F%D1%89%D0%B8%D0%B5")
    assert (target.tls, target.user, target.host, target.port, target.folder) == (True, "support@fenix", "imap.example.ru", 993, "Входящие")
    assert parse_imap_url("imap://u@h:1143").folder == "INBOX" and parse_imap_url("imap://u@h:1143").port == 1143
    for bad, code, params in [
        ("pop3://u@h/INBOX", Code.IMAP_URL_INVALID, {"url": "pop3://u@h/INBOX"}),
        ("imaps://u@/INBOX", Code.IMAP_URL_NO_HOST, {"url": "imaps://u@/INBOX"}),
        ("imaps://h/INBOX", Code.IMAP_URL_NO_USER, {"url": "imaps://h/INBOX"}),
        ("imaps://u:pw@h/INBOX", Code.IMAP_URL_HAS_PASSWORD, {"variable": "HELPDESK_IMAP_PASSWORD"}),
        ("imaps://u@h:99999/INBOX", Code.IMAP_URL_BAD_PORT, {"url": "imaps://u@h:99999/INBOX"}),
    ]:
        with pytest.raises(ValidationError) as refused:
            parse_imap_url(bad)
        assert (refused.value.field, refused.value.code, refused.value.params) == ("--imap", code, params)
    monkeypatch.setenv("HELPDESK_IMAP_PASSWORD", "from-env")
    assert imap_password(target) == "from-env"
    monkeypatch.delenv("HELPDESK_IMAP_PASSWORD")
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine imap.example.ru login support@fenix password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert imap_password(target) == "from-netrc"
    with pytest.raises(HelpdeskError) as refused:
        imap_password(parse_imap_url("imaps://u@other.example.ru/INBOX"))
    assert (refused.value.code, refused.value.params) == (
        Code.IMAP_NO_PASSWORD, {"variable": "HELPDESK_IMAP_PASSWORD", "host": "other.example.ru"})


def test_modified_utf7_folder_names():
    assert encode_folder("INBOX") == '"INBOX"'
    assert encode_folder("Входящие") == '"&BBIERQQ+BDQETwRJBDgENQ-"'
    assert encode_folder("A&B") == '"A&-B"'


def test_imported_once_marked_seen_and_never_twice(desk, dovecot):
    append(dovecot, mail(1))
    append(dovecot, mail(2, message_id=False))
    append(dovecot, b"\x00\x01 this is no mail")
    target = parse_imap_url(f"imap://{USER}@127.0.0.1:{dovecot}/INBOX")
    results = poll_imap(desk, target, PASSWORD)
    assert sorted(r.outcome for r in results) == [CREATED, CREATED, QUARANTINED]
    assert unseen(dovecot) == []
    assert m.Quarantine.select().count() == 1 and "UID" in m.Quarantine.get().source
    assert poll_imap(desk, target, PASSWORD) == []  # a second poll: nothing new

    # A restarted watcher whose \Seen flag got lost: it knows the UID and stores nothing again.
    conn = client(dovecot)
    conn.select("INBOX")
    conn.uid("STORE", "1:*", "-FLAGS", r"(\Seen)")
    conn.logout()
    assert poll_imap(desk, target, PASSWORD) == []
    assert unseen(dovecot) == []
    # Even without that memory (a new database of the same mail), Message-ID and hash dedup hold.
    m.Meta.delete().where(m.Meta.key == target.key).execute()
    conn = client(dovecot)
    conn.select("INBOX")
    conn.uid("STORE", "1:*", "-FLAGS", r"(\Seen)")
    conn.logout()
    counts = (m.Ticket.select().count(), m.Message.select().count(), m.Quarantine.select().count())
    again = poll_imap(desk, target, PASSWORD)
    assert sorted(r.outcome for r in again) == [DUPLICATE, DUPLICATE, QUARANTINED]
    assert counts == (m.Ticket.select().count(), m.Message.select().count(), m.Quarantine.select().count())


def test_cyrillic_folder(desk, dovecot):
    conn = client(dovecot)
    assert conn.create(encode_folder("Заявки"))[0] == "OK"
    conn.logout()
    append(dovecot, mail(7), folder="Заявки")
    target = parse_imap_url(f"imap://{USER}@127.0.0.1:{dovecot}/%D0%97%D0%B0%D1%8F%D0%B2%D0%BA%D0%B8")
    assert [r.outcome for r in poll_imap(desk, target, PASSWORD)] == [CREATED]
    assert unseen(dovecot, "Заявки") == []


def test_wrong_password_and_missing_folder_are_one_line_errors(desk, dovecot):
    with pytest.raises(HelpdeskError) as refused:
        poll_imap(desk, parse_imap_url(f"imap://{USER}@127.0.0.1:{dovecot}/NoSuchFolder"), PASSWORD)
    assert (refused.value.code, refused.value.params["command"]) == (Code.IMAP_COMMAND_FAILED, "SELECT NoSuchFolder")
    target = parse_imap_url(f"imap://{USER}@127.0.0.1:{dovecot}/INBOX")
    with pytest.raises(HelpdeskError) as refused:
        poll_imap(desk, target, "wrong")  # last: a refused login slows the next one from this address
    assert (refused.value.code, refused.value.where) == (Code.IMAP_REFUSED, str(target))
    assert refused.value.params["detail"]


def test_watch_logs_each_message_and_a_restart_imports_nothing_twice(db_path, dovecot, tmp_path):
    env = dict(os.environ, HELPDESK_IMAP_PASSWORD=PASSWORD, HELPDESK_CONFIG=str(tmp_path / "none.toml"), PYTHONUNBUFFERED="1")
    url = f"imap://{USER}@127.0.0.1:{dovecot}/INBOX"
    command = [sys.executable, "-m", "helpdesk.tui.cli.main", "--db", db_path, "--lang", "en", "ingest", "--imap", url, "--watch", "0.2"]
    repo = Path(__file__).resolve().parents[4]
    append(dovecot, mail(11))

    def run_until(lines_wanted: int, then=None) -> list[str]:
        proc = subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        try:
            deadline = time.monotonic() + 60
            while len(lines) < lines_wanted and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
                if then and len(lines) == 2:
                    then()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        return lines

    # the "watching" line, then one line per message: #1001 now, #1002 appended while it runs
    lines = run_until(3, then=lambda: append(dovecot, mail(12)))
    assert "watching" in lines[0]
    assert "#1001 new ticket from client11@example.ru: Заявка 11" in lines[1]
    assert "#1002 new ticket from client12@example.ru: Заявка 12" in lines[2]
    # A restart: only the watching line, nothing imported twice.
    proc = subprocess.run(command[:-2], cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "0 new tickets, 0 replies, 0 duplicates, 0 quarantined"
