"""data/tickets/split_merge.py: one problem per request (regulation 1.2): split and merge."""

import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.core.errors import Code, ConflictError, ValidationError
from helpdesk.data.tickets.links import merged_into
from helpdesk.data.tickets.split_merge import merge_tickets, read_merge_state, split_ticket
from helpdesk.data.rules.targets import compute_due_at
from helpdesk.data.read import listing
from helpdesk.data.read.views import get_thread, thread_json
from tests.factories import actions, register_agents, ticket_input

MSK = ZoneInfo("Europe/Moscow")


new = functools.partial(ticket_input, subject="Не открывается проект", body="Проект не открывается.")


@pytest.fixture
def two_problems(desk):
    """#1001: customer 10:00, agent 10:30, customer 11:00 with a second problem and a file."""
    tickets.create_ticket(desk, new())
    desk.clock.advance(timedelta(minutes=30))
    tickets.add_reply(desk, 1001, "Пришлите файл проекта.")
    desk.clock.advance(timedelta(minutes=30))
    tickets.add_customer_message(
        desk, 1001, "Файл прилагаю. И ещё: не печатается отчёт.",
        attachments=[values.AttachmentInput("проект.fpp", b"PK\x03\x04project")], message_id="m3@example.ru",
    )  # fmt: skip
    desk.clock.advance(timedelta(minutes=30))  # 11:30
    return desk


def test_split_copies_the_message_with_its_attachments_into_a_linked_ticket(two_problems):
    desk = two_problems
    new_ticket = split_ticket(desk, 1001, 3, subject="Не печатается отчёт")
    assert new_ticket.number == 1002
    original, split = get_thread(1001), get_thread(1002)
    assert len(original.messages) == 3  # the original thread is untouched
    [copy] = split.messages
    source = original.messages[2]
    assert (copy.kind, copy.body, copy.created_at) == ("customer", source.body, source.created_at)
    assert [(a.filename, a.sha256) for a in copy.attachments] == [(a.filename, a.sha256) for a in source.attachments]
    assert copy.message_id is None and source.message_id == "m3@example.ru"  # mail keeps threading to #1001
    assert m.Blob.select().count() == 1  # bytes stored once
    t = split.ticket
    assert (t.customer_email, t.product, t.channel, t.status, t.subject) == (
        "ivan@example.ru", "Fenix+ 3", "email", st.NEW, "Не печатается отчёт",
    )  # fmt: skip
    # It counts from when the customer wrote (11:00): first response due 8 working hours later.
    assert t.created_at == datetime(2026, 11, 25, 11, 0, tzinfo=MSK)
    assert t.due_at == datetime(2026, 11, 26, 10, 0, tzinfo=MSK)
    assert [(link.kind, link.number) for link in original.links] == [("split_into", 1002)]
    assert [(link.kind, link.number) for link in split.links] == [("split_from", 1001)]
    assert "split" in original.ticket.flags and "split" in split.ticket.flags
    assert actions(1001)[-1] == ("split_into", "3", "1002")
    assert actions(1002) == [("created", None, "1002"), ("split_from", "3", "1001")]
    assert thread_json(split, desk)["links"] == [{"kind": "split_from", "number": 1001}]


def test_split_default_subject_and_no_notice(make_desk):
    desk = make_desk("2026-11-28T12:00:00+03:00")  # Saturday: #1001 got a notice
    tickets.create_ticket(desk, new())
    desk.clock.advance(timedelta(days=2))  # Monday 12:00
    split_ticket(desk, 1001, 1)
    split = get_thread(1002)
    assert split.ticket.subject == "Не открывается проект"
    assert "out_of_hours" in split.ticket.flags  # the message came in on Saturday
    assert [msg.kind for msg in split.messages] == ["customer"]  # no second notice


@pytest.mark.parametrize(
    "index, code, params",
    [
        (0, Code.SPLIT_NO_SUCH_MESSAGE, {"number": 1001, "count": 3}),
        (4, Code.SPLIT_NO_SUCH_MESSAGE, {"number": 1001, "count": 3}),
        (2, Code.SPLIT_NOT_CUSTOMER_MESSAGE, {}),
    ],
)
def test_split_refuses_a_bad_message(two_problems, index, code, params):
    with pytest.raises(ValidationError) as refused:
        split_ticket(two_problems, 1001, index)
    assert (refused.value.field, refused.value.code, refused.value.params) == ("message", code, params)
    assert m.Ticket.select().count() == 1 and m.TicketLink.select().count() == 0


def test_split_checks_the_version(two_problems):
    stale = tickets.get_ticket(1001).version - 1
    with pytest.raises(ConflictError) as changed:
        split_ticket(two_problems, 1001, 3, expected_version=stale)
    assert (changed.value.code, changed.value.params) == (Code.TICKET_CHANGED, {"number": 1001})
    assert m.Ticket.select().count() == 1


@pytest.fixture
def duplicates(desk):
    """#1001 at 10:00 and its duplicate #1002 at 10:05 (high, with a file and a Message-ID);
    the agent answers #1001 at 10:10, the customer writes to #1002 at 10:15."""
    tickets.create_ticket(desk, new(message_id="a@example.ru"))
    desk.clock.advance(timedelta(minutes=5))
    tickets.create_ticket(
        desk,
        new(body="Повторно: проект не открывается", priority="high", message_id="b@example.ru",
            attachments=[values.AttachmentInput("журнал.txt", b"log")]),
    )  # fmt: skip
    desk.clock.advance(timedelta(minutes=5))
    tickets.add_reply(desk, 1001, "Смотрим.")
    desk.clock.advance(timedelta(minutes=5))
    tickets.add_customer_message(desk, 1002, "Есть новости?")
    desk.clock.advance(timedelta(minutes=5))  # 10:20
    return desk


def test_merge_moves_the_messages_in_time_order_and_closes_the_duplicate(duplicates):
    desk = duplicates
    total = m.Message.select().count()
    merge_tickets(desk, 1002, 1001)
    target, duplicate = get_thread(1001), get_thread(1002)
    assert [msg.body for msg in target.messages] == [
        "Проект не открывается.",  # 10:00 #1001
        "Повторно: проект не открывается",  # 10:05 #1002
        "Смотрим.",  # 10:10 #1001
        "Есть новости?",  # 10:15 #1002
    ]
    assert m.Message.select().count() == total  # nothing lost, nothing copied
    assert target.messages[1].attachments[0].filename == "журнал.txt"
    assert target.messages[1].message_id == "b@example.ru"
    assert duplicate.messages == ()
    assert duplicate.ticket.status == st.CLOSED and duplicate.ticket.due_at is None
    assert "merged" in duplicate.ticket.flags and "merged" not in target.ticket.flags
    assert [(link.kind, link.number) for link in duplicate.links] == [("merged_into", 1001)]
    assert [(link.kind, link.number) for link in target.links] == [("merged_from", 1002)]
    # Both merge events record how many messages moved and the duplicate's own state.
    state = '{"messages": 2, "status": "new", "assignee": null, "priority": "high"}'
    assert ("merged_into", state, "1001") in actions(1002) and ("status", "new", "closed") in actions(1002)
    assert ("merged_from", state, "1002") in actions(1001)
    assert read_merge_state(state) == {"messages": 2, "status": "new", "assignee": None, "priority": "high"}
    # The target takes the higher priority (the event says from what); its due time is recomputed.
    ticket = tickets.get_ticket(1001)
    assert ticket.priority == "high" and ("priority", "normal", "high") in actions(1001)
    assert ticket.due_at == compute_due_at(desk, ticket)
    assert merged_into(1002) == 1001 and merged_into(1001) is None


def test_follow_ups_to_a_merged_duplicate_reach_the_target(duplicates):
    merge_tickets(duplicates, 1002, 1001)
    message = tickets.add_customer_message(duplicates, 1002, "Ещё один вопрос по тому же")
    assert message.ticket.number == 1001
    assert get_thread(1002).messages == ()


def test_merge_refusals(duplicates):
    desk = duplicates
    tickets.create_ticket(desk, new())  # 1003
    merge_tickets(desk, 1002, 1001)
    refusals = [
        ((1001, 1001), "into", Code.MERGE_INTO_ITSELF, {}),
        ((1002, 1003), "from", Code.MERGE_ALREADY_MERGED, {"number": 1002, "into": 1001}),
        ((1003, 1002), "into", Code.MERGE_TARGET_MERGED, {"number": 1002, "into": 1001}),
    ]
    for (from_number, into_number), field, code, params in refusals:
        with pytest.raises(ValidationError) as refused:
            merge_tickets(desk, from_number, into_number)
        assert (refused.value.field, refused.value.code, refused.value.params) == (field, code, params)
    with pytest.raises(ConflictError):
        merge_tickets(desk, 1003, 1001, into_version=1)
    assert tickets.get_ticket(1003).status == st.NEW


def test_merging_an_active_duplicate_reopens_a_resolved_target(duplicates):
    desk = duplicates
    tickets.set_status(desk, 1001, st.RESOLVED)
    merge_tickets(desk, 1002, 1001)
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.OPEN and ticket.resolved_at is None and ticket.due_at is not None
    assert ("status", "resolved", "open") in actions(1001)


def test_list_shows_merge_and_split_flags(duplicates):
    merge_tickets(duplicates, 1002, 1001)
    flags = {s.number: s.flags for s in listing.rows()}
    assert "merged" in flags[1002] and "merged" not in flags[1001]


def test_older_merge_events_held_only_the_number_of_messages():
    assert read_merge_state("3") == {"messages": 3}
    assert read_merge_state("junk") == read_merge_state(None) == read_merge_state("[1]") == {"messages": 0}


def test_two_customers_tickets_are_merged_only_when_confirmed(desk):
    tickets.create_ticket(desk, new())  # 1001: Иван Петров
    tickets.create_ticket(desk, new(customer_email="olga@zavod.ru", customer_name="Ольга Смирнова"))  # 1002
    with pytest.raises(ValidationError) as refused:
        merge_tickets(desk, 1002, 1001)
    assert (refused.value.field, refused.value.code, refused.value.params) == ("into", Code.MERGE_OTHER_CUSTOMER, {
        "number": 1002, "into": 1001, "customer": "Ольга Смирнова <olga@zavod.ru>",
        "other": "Иван Петров <ivan@example.ru>"})
    assert tickets.get_ticket(1002).status == st.NEW and merged_into(1002) is None
    merge_tickets(desk, 1002, 1001, different_customers=True)
    assert merged_into(1002) == 1001


def test_an_agent_reply_moved_into_a_new_target_makes_it_open(desk):
    """The issue: the target still read "New" though it held an agent's reply."""
    tickets.create_ticket(desk, new())  # 1001, new
    tickets.create_ticket(desk, new())  # 1002
    desk.clock.advance(timedelta(minutes=5))
    tickets.add_reply(desk, 1002, "Смотрим.")  # 1002 open, answered
    desk.clock.advance(timedelta(minutes=5))
    merge_tickets(desk, 1002, 1001)
    ticket = tickets.get_ticket(1001)
    assert ticket.status == st.OPEN and ticket.first_response_at == datetime(2026, 11, 25, 10, 5, tzinfo=MSK)
    assert actions(1001)[-1] == ("status", "new", "open")


def test_a_duplicate_waiting_for_the_customer_makes_a_new_target_wait(desk):
    """The issue: the duplicate's "Waiting" state was lost."""
    register_agents("sidorov")
    tickets.create_ticket(desk, new())  # 1001
    tickets.create_ticket(desk, new())  # 1002
    tickets.assign_ticket(desk, 1002, "sidorov")
    tickets.add_reply(desk, 1002, "Пришлите файл проекта.")
    tickets.set_status(desk, 1002, st.WAITING)
    desk.clock.advance(timedelta(hours=1))
    merge_tickets(desk, 1002, 1001)
    target, duplicate = tickets.get_ticket(1001), tickets.get_ticket(1002)
    assert target.status == st.WAITING and target.waiting_since == desk.now()
    assert target.assignee.login == "sidorov"  # the agent who asked keeps the ticket
    assert duplicate.paused_seconds == 3600 and duplicate.waiting_since is None
    state = read_merge_state(next(old for action, old, _ in actions(1002) if action == "merged_into"))
    assert state == {"messages": 2, "status": "waiting", "assignee": "sidorov", "priority": "normal"}
    assert ("assignee", None, "sidorov") in actions(1001) and actions(1001)[-1] == ("status", "new", "waiting")


def test_a_waiting_target_opens_for_a_duplicate_support_has_to_answer(desk):
    tickets.create_ticket(desk, new())  # 1001
    tickets.add_reply(desk, 1001, "Пришлите файл.")
    tickets.set_status(desk, 1001, st.WAITING)
    tickets.create_ticket(desk, new())  # 1002: the customer wrote again, as a new request
    desk.clock.advance(timedelta(minutes=30))
    merge_tickets(desk, 1002, 1001)
    target = tickets.get_ticket(1001)
    assert target.status == st.OPEN and target.waiting_since is None and target.paused_seconds == 1800


@pytest.mark.parametrize(
    "target, duplicate, answered, expected",
    [
        (st.NEW, st.NEW, False, st.NEW), (st.NEW, st.NEW, True, st.OPEN), (st.NEW, st.OPEN, False, st.OPEN),
        (st.NEW, st.WAITING, True, st.WAITING), (st.NEW, st.RESOLVED, False, st.NEW),
        (st.NEW, st.CLOSED, True, st.OPEN),
        (st.OPEN, st.NEW, True, st.OPEN), (st.OPEN, st.WAITING, True, st.OPEN), (st.OPEN, st.REJECTED, True, st.OPEN),
        (st.WAITING, st.NEW, True, st.OPEN), (st.WAITING, st.OPEN, True, st.OPEN),
        (st.WAITING, st.WAITING, True, st.WAITING), (st.WAITING, st.CLOSED, True, st.WAITING),
        (st.RESOLVED, st.NEW, True, st.OPEN), (st.CLOSED, st.OPEN, True, st.OPEN),
        (st.RESOLVED, st.WAITING, True, st.WAITING), (st.CLOSED, st.WAITING, False, st.WAITING),
        (st.RESOLVED, st.CLOSED, True, st.RESOLVED), (st.CLOSED, st.RESOLVED, False, st.CLOSED),
        (st.REJECTED, st.NEW, False, st.REJECTED), (st.REJECTED, st.WAITING, True, st.REJECTED),
    ],
)  # fmt: skip
def test_the_merged_status_table(target, duplicate, answered, expected):
    assert st.merged_status(target, duplicate, answered) == expected


def test_merged_status_always_gives_a_status():
    for target in st.STATUSES:
        for duplicate in st.STATUSES:
            for answered in (False, True):
                assert st.merged_status(target, duplicate, answered) in st.STATUSES
