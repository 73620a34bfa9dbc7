"""data/store/backup.py: a consistent copy while another process writes; a restore that refuses
while the database is open elsewhere and keeps what it replaces."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timezone

import pytest

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.store import backup
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from tests.factories import ticket_input

pytestmark = pytest.mark.sqlite_only  # SQLite's online backup of a file (PostgreSQL: pg_dump, tests/tui/cli/test_postgres.py)

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)
WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("CREATE TABLE IF NOT EXISTS load (n INTEGER, pad TEXT)")
print("ready", flush=True)
for n in range(4000):
    with db:
        db.execute("INSERT INTO load VALUES (?, ?)", (n, "x" * 500))
"""


def count(path, table="ticket") -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_backup_is_one_consistent_file_while_another_process_writes(desk, db_path, tmp_path):
    tickets.create_ticket(desk, ticket_input())
    writer = subprocess.Popen([sys.executable, "-c", WRITER, db_path], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    target = tmp_path / "copy.db"
    size = backup.backup(db_path, target)
    writer.wait(timeout=120)
    assert size == target.stat().st_size and target.stat().st_mode & 0o777 == 0o600
    assert backup.integrity_of(target) == "ok" and count(target) == 1
    assert 0 <= count(target, "load") <= count(db_path, "load") == 4000  # some moment of the writes
    assert not (tmp_path / "copy.db-wal").exists()


def test_a_backup_never_overwrites_a_file(db_path, desk, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    with pytest.raises(HelpdeskError) as refused:
        backup.backup(db_path, target)
    assert refused.value.code == Code.FILE_EXISTS and target.read_text() == "keep me"


def test_restore_keeps_the_replaced_file_and_brings_the_copy_back(desk, db_path, tmp_path):
    tickets.create_ticket(desk, ticket_input())
    copy = tmp_path / "copy.db"
    backup.backup(db_path, copy)
    tickets.create_ticket(desk, ticket_input(subject="после копии"))
    m.database_proxy.close()
    kept = backup.restore(copy, db_path, NOW)
    assert kept.name == "helpdesk.db.replaced-20261125-070000"
    assert count(db_path) == 1 and count(kept) == 2


def test_restore_refuses_while_another_process_has_the_database_open(desk, db_path, tmp_path):
    copy = tmp_path / "copy.db"
    backup.backup(db_path, copy)
    m.database_proxy.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('SELECT 1');"
         " print('open', flush=True); sys.stdin.read()", db_path],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        assert backup.users_of(db_path) == [holder.pid]
        with pytest.raises(HelpdeskError) as refused:
            backup.restore(copy, db_path, NOW)
        assert refused.value.code == Code.DATABASE_IN_USE and refused.value.params["processes"] == [holder.pid]
    finally:
        holder.communicate("", timeout=30)
    assert not list(tmp_path.glob("*.replaced-*"))


def test_a_damaged_backup_is_not_restored(desk, db_path, tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    m.database_proxy.close()
    with pytest.raises(HelpdeskError) as refused:
        backup.restore(damaged, db_path, NOW)
    assert refused.value.code == Code.BACKUP_DAMAGED and count(db_path) == 0
