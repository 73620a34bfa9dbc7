"""Eight agents' processes writing at once for 30 s through the real operations: every write the
store acknowledged is there, nothing failed on a lock, and the audit trail matches the data.
(On SQLite and on PostgreSQL, like every test of tests/data: conftest.py.)"""

from __future__ import annotations

from contextlib import closing

import peewee as pw

from helpdesk.data.store import models as m
from helpdesk.data.store.database import connect
from tests.data.tickets.writers import run_writers
from tests.factories import new_ticket, register_agents

AGENTS = [f"agent{n}" for n in range(8)]
SECONDS = 30


def last_values(db_path: str, action: str) -> dict[int, str | None]:
    """Each ticket's newest value of ``action`` by the audit trail (events in the order written)."""
    with closing(connect(db_path)) as db:
        rows = db.execute_sql(
            "SELECT t.number, e.new_value FROM event e JOIN ticket t ON t.id = e.ticket_id "
            f"WHERE e.action = {db.param} ORDER BY e.id", (action,)
        ).fetchall()  # fmt: skip
    return dict(rows)


def test_eight_writers_lose_nothing_and_the_audit_trail_matches(desk, db_path):
    register_agents(*AGENTS)
    numbers = [new_ticket(desk, subject=f"Общая заявка {n}") for n in range(12)]
    m.database_proxy.close()

    reports = run_writers(db_path, AGENTS, numbers, SECONDS)

    assert [f for r in reports for f in r.failures] == []  # no "database is locked", nothing else
    assert sum(r.operations for r in reports) > 8 * 50  # they really wrote, all of them at once
    with closing(connect(db_path)) as db:
        if isinstance(db, pw.SqliteDatabase):
            assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored_tickets = {n for (n,) in db.execute_sql("SELECT number FROM ticket")}
        stored_messages = {i for (i,) in db.execute_sql("SELECT id FROM message")}
        rows = {n: (status, priority, login) for n, status, priority, login in db.execute_sql(
            "SELECT t.number, t.status, t.priority, a.login FROM ticket t LEFT JOIN agent a ON a.id = t.assignee_id"
        )}  # fmt: skip
    for report in reports:
        assert set(report.tickets) <= stored_tickets and set(report.messages) <= stored_messages
    statuses, priorities, assignees = last_values(db_path, "status"), last_values(db_path, "priority"), last_values(
        db_path, "assignee")  # fmt: skip
    for number, (status, priority, login) in rows.items():
        assert status == statuses.get(number, "new"), number
        assert priority == priorities.get(number, "normal"), number
        assert login == assignees.get(number), number
