"""data/tickets/bulk.py: one change to many tickets, an outcome per ticket, stale reads refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpdesk.data.core.errors import Code
from helpdesk.data.read.history import ReadPoint, read_point
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import bulk
from helpdesk.data.tickets import operations as ops
from helpdesk.data.tickets.links import merged_into
from tests.conftest import WORKING_NOW
from tests.factories import actions, new_ticket, register_agents

ROOT = Path(__file__).resolve().parents[3]


def reads(*numbers: int) -> list[ReadPoint]:
    return [read_point(n) for n in numbers]


def codes(result: bulk.BulkResult) -> dict[int, str]:
    return {o.number: o.code for o in result.outcomes}


def other_process(db_path: str, *argv: str) -> None:
    """A command run by another agent's process (its own connection to the store)."""
    code = ("import sys; sys.path.insert(0, %r)\nfrom helpdesk.tui.cli.main import main\nsys.exit(main(%r))\n"
            % (str(ROOT), ["--db", db_path, "--now", WORKING_NOW, "--as", "sidorov", *argv]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_assign_many_each_its_own_event_and_a_ticket_already_so_unchanged(desk):
    register_agents("sidorov")
    numbers = [new_ticket(desk) for _ in range(3)]
    ops.assign_ticket(desk, numbers[2], "sidorov")
    result = bulk.apply_to_many(desk, reads(*numbers), bulk.Change(bulk.ASSIGN, "sidorov"))
    assert codes(result) == {numbers[0]: "changed", numbers[1]: "changed", numbers[2]: "unchanged"}
    assert result.changed == tuple(numbers[:2]) and result.not_changed == ()
    for number in numbers:
        assert ops.get_ticket(number).assignee.login == "sidorov"
        assert [a for a in actions(number) if a[0] == "assignee"] == [("assignee", None, "sidorov")]


def test_stale_reads_are_refused_per_ticket_naming_who_changed_it(desk, db_path):
    register_agents("sidorov")
    numbers = [new_ticket(desk) for _ in range(3)]
    seen = reads(*numbers)  # what the agent's queue showed
    other_process(db_path, "status", str(numbers[1]), "waiting")  # a colleague, on another connection
    result = bulk.apply_to_many(desk, seen, bulk.Change(bulk.PRIORITY, "high"))
    assert codes(result) == {numbers[0]: "changed", numbers[1]: "stale", numbers[2]: "changed"}
    (stale,) = result.not_changed
    assert stale.by == ("sidorov",)
    assert ops.get_ticket(numbers[1]).priority == "normal"  # nothing written on the stale read
    assert ops.get_ticket(numbers[1]).status == "waiting"
    assert [ops.get_ticket(n).priority for n in (numbers[0], numbers[2])] == ["high", "high"]


def test_a_status_the_regulation_forbids_is_refused_with_its_reason(desk):
    numbers = [new_ticket(desk) for _ in range(3)]
    ops.set_status(desk, numbers[0], st.RESOLVED)
    ops.set_status(desk, numbers[1], st.REJECTED)  # rejected may only reopen
    result = bulk.apply_to_many(desk, reads(*numbers), bulk.Change(bulk.STATUS, st.CLOSED))
    assert codes(result) == {numbers[0]: "changed", numbers[1]: "refused", numbers[2]: "changed"}
    refused = next(o for o in result.outcomes if o.code == "refused")
    assert refused.error.code == Code.STATUS_NOT_ALLOWED
    assert ops.get_ticket(numbers[1]).status == st.REJECTED


def test_assign_takes_no_colleagues_ticket_without_force(desk):
    register_agents("sidorov", "kuznetsova")
    numbers = [new_ticket(desk) for _ in range(2)]
    ops.assign_ticket(desk, numbers[1], "kuznetsova")
    result = bulk.apply_to_many(desk, reads(*numbers), bulk.Change(bulk.ASSIGN, "sidorov"))
    assert codes(result) == {numbers[0]: "changed", numbers[1]: "refused"}
    assert result.not_changed[0].error.code == Code.TICKET_TAKEN
    forced = bulk.apply_to_many(desk, reads(numbers[1]), bulk.Change(bulk.ASSIGN, None, force=True))
    assert codes(forced) == {numbers[1]: "changed"} and ops.get_ticket(numbers[1]).assignee is None


def test_scope_in_scope_records_out_of_scope_rejects(desk):
    numbers = [new_ticket(desk) for _ in range(2)]
    result = bulk.apply_to_many(desk, reads(*numbers), bulk.Change(bulk.SCOPE, "installation"))
    assert result.changed == tuple(numbers)
    rejected = bulk.apply_to_many(desk, reads(numbers[0]), bulk.Change(bulk.SCOPE, "project_fixes", reply=False))
    assert rejected.changed == (numbers[0],)
    ticket = ops.get_ticket(numbers[0])
    assert (ticket.scope, ticket.status) == ("project_fixes", st.REJECTED)
    again = bulk.apply_to_many(desk, reads(numbers[0]), bulk.Change(bulk.SCOPE, "project_fixes"))
    assert codes(again) == {numbers[0]: "unchanged"}


def test_merge_into_one_of_them(desk):
    numbers = [new_ticket(desk) for _ in range(4)]
    ops.set_status(desk, numbers[3], st.CLOSED)
    ops.set_status(desk, numbers[3], st.OPEN)
    seen = reads(*numbers)
    result = bulk.apply_to_many(desk, seen, bulk.Change(bulk.MERGE, numbers[1]))
    assert codes(result) == {numbers[1]: "target", numbers[0]: "changed", numbers[2]: "changed", numbers[3]: "changed"}
    assert result.outcomes[0].number == numbers[1]
    assert [merged_into(n) for n in (numbers[0], numbers[2], numbers[3])] == [numbers[1]] * 3
    assert ops.get_ticket(numbers[1]).messages.count() == 4


def test_merge_refused_whole_when_the_target_changed_since_the_read(desk, db_path):
    register_agents("sidorov")
    numbers = [new_ticket(desk) for _ in range(3)]
    seen = reads(*numbers)
    other_process(db_path, "priority", str(numbers[0]), "high")
    result = bulk.apply_to_many(desk, seen, bulk.Change(bulk.MERGE, numbers[0]))
    assert codes(result) == {numbers[0]: "stale", numbers[1]: "skipped", numbers[2]: "skipped"}
    assert result.outcomes[0].by == ("sidorov",)
    assert merged_into(numbers[1]) is None


def test_a_missing_ticket_is_refused_and_each_number_counts_once(desk):
    number = new_ticket(desk)
    result = bulk.apply_to_many(desk, [*reads(number, number), ReadPoint(9999, 1, 0)], bulk.Change(bulk.PRIORITY, "low"))
    assert codes(result) == {number: "changed", 9999: "refused"}
    assert result.not_changed[0].error.code == Code.TICKET_NOT_FOUND
