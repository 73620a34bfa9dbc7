"""A team on one database: several agents' apps at once (Pilot, one process) or in processes of
their own. Stale changes are refused and explained, presence comes and goes, drafts outlive a
killed app, other processes' new tickets and colleagues' assignments raise notices."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static, Tabs

from helpdesk.data.core.errors import AccessError, Code
from helpdesk.data.read.views import get_thread
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.store.database import refuse_writes
from helpdesk.data.team import drafts, presence
from helpdesk.data.tickets import operations as tk
from helpdesk.screens.assign_agent import AssignAgentModal
from helpdesk.screens.choose_option import ChooseOptionModal
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.conflict import ConflictModal
from helpdesk.screens.queue import QueueScreen
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.widgets.composer import Composer
from helpdesk.tui.widgets.ticket_table import TicketTable
from tests.factories import new_ticket, register_agents, retire_the_test_runner
from tests.pilot import BOUND, acting, paste, settle, sync, until

ROOT = Path(__file__).resolve().parents[2]


def notices(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def open_thread(pilot, number: int) -> ThreadScreen:
    pilot.app.open_ticket(number)
    await settle(pilot, 3)
    screen = pilot.app.screen
    assert isinstance(screen, ThreadScreen) and screen.number == number
    return screen


def presence_text(screen: ThreadScreen) -> str:
    label = screen.query_one("#presence", Static)
    return str(label.render()) if label.display else ""


async def choose(pilot, value) -> None:
    """In the open ChooseOptionModal, pick the choice with ``value``."""
    modal = pilot.app.screen
    assert isinstance(modal, ChooseOptionModal)
    modal.query_one(OptionList).highlighted = [c.value for c in modal.choices].index(value)
    await pilot.press("enter")
    await settle(pilot, 2)


# --- no silent overwrites -------------------------------------------------------------------


@sync
async def test_a_stale_status_change_names_the_other_change_and_apply_mine_works(desk, app_factory):
    number = new_ticket(desk)
    alice = replace(desk, agent="alice")
    mine, theirs = app_factory(desk), app_factory(alice)
    async with mine.run_test(size=(100, 30)) as me, theirs.run_test(size=(100, 30)) as other:
        with acting(mine):
            await open_thread(me, number)
        with acting(theirs):
            await open_thread(other, number)
        with acting(mine):
            await me.press("s")  # petrova's dialog opens on what she read: status New
            await settle(me)
        with acting(theirs):
            await other.press("s")  # meanwhile alice sets "waiting for the customer" in her app
            await settle(other)
            await choose(other, st.WAITING)
        assert tk.get_ticket(number).status == st.WAITING

        with acting(mine):
            await choose(me, st.RESOLVED)
            conflict = mine.screen
            assert isinstance(conflict, ConflictModal)
            assert [str(w.render()) for w in conflict.query(".conflict-change")] == [
                "alice: status: New → Waiting for customer, 10:00 MSK"
            ]
            assert str(conflict.query_one("#conflict-mine").render()) == "Yours: status → Resolved"
            assert tk.get_ticket(number).status == st.WAITING  # refused: nothing written
            await me.click("#conflict-apply")
            await settle(me, 2)
        assert tk.get_ticket(number).status == st.RESOLVED
        assert [(e.actor, e.new_value) for e in get_thread(number).events if e.action == "status"] == [
            ("alice", st.WAITING), ("petrova", st.RESOLVED)
        ]
        assert "Resolved" in str(mine.screen.query_one("#facts-state", Static).render())


@sync
async def test_keeping_theirs_writes_nothing_and_shows_their_change(desk, app_factory):
    number = new_ticket(desk)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("p")
        await settle(pilot)
        tk.set_priority(replace(desk, agent="alice"), number, "low")  # another agent, through the operations
        await choose(pilot, "high")
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("escape")  # keep theirs
        await settle(pilot, 2)
        assert app.screen is screen and tk.get_ticket(number).priority == "low"
        assert screen.thread.ticket.priority == "low"  # reloaded: the agent sees what stays


# --- taking and assigning -------------------------------------------------------------------


@sync
async def test_taking_someone_elses_ticket_asks_and_tells_them(desk, app_factory):
    number = new_ticket(desk)
    register_agents("sidorov")
    tk.assign_ticket(desk, number, "sidorov")
    sidorov = replace(desk, agent="sidorov")
    mine, theirs = app_factory(desk), app_factory(sidorov, watch_changes=True)
    async with mine.run_test(size=(100, 30)) as me, theirs.run_test(size=(100, 30), notifications=True) as other:
        await settle(other)
        theirs.watcher.poll()  # the baseline, before petrova's write
        with acting(mine):
            await open_thread(me, number)
            await me.press("a")
            await settle(me)
            question = mine.screen
            assert isinstance(question, ConfirmModal)
            assert str(question.query_one("#confirm-message").render()).startswith(f"#{number} is assigned to sidorov.")
            await me.press("escape")  # no: nothing changes
            await settle(me)
            assert tk.get_ticket(number).assignee.login == "sidorov"
            await me.press("a")
            await settle(me)
            await me.click("#confirm-yes")
            await settle(me, 2)
        assert tk.get_ticket(number).assignee.login == "petrova"
        await until(other, lambda: any("petrova took" in text for text in notices(theirs)), "sidorov is told")
        assert f"Your ticket was taken: petrova took #{number}: Вопрос" in notices(theirs)
        assert not any("took" in text for text in notices(mine))  # her own action


@sync
async def test_the_picker_filters_assigns_reassigns_and_unassigns(desk, app_factory):
    number = new_ticket(desk)
    retire_the_test_runner()
    for login, name in (("sidorov", "Пётр Сидоров"), ("kuznetsova", "Анна Кузнецова"), ("bob", "bob"), ("auditor", "")):
        m.Agent.create(login=login, display_name=name, role="read_only" if login == "auditor" else "agent")
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_thread(pilot, number)
        await pilot.press("A")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AssignAgentModal)
        assert [c.value for c in picker.choices] == ["petrova", "bob", "kuznetsova", "sidorov"]  # you first; no read-only
        assert [c.label.plain for c in picker.choices] == ["petrova  (you)", "bob", "kuznetsova  Анна Кузнецова",
                                                           "sidorov  Пётр Сидоров"]  # fmt: skip
        await pilot.press("с", "и", "д")  # type to filter: by name too
        assert [c.value for c in picker.choices] == ["sidorov"]
        await pilot.press("enter")
        await settle(pilot, 2)
        assert tk.get_ticket(number).assignee.login == "sidorov"

        await pilot.press("A")
        await settle(pilot)
        picker = app.screen
        assert picker.choices[0].value is None  # "Nobody" now that it has an assignee
        await pilot.press("down", "enter")  # petrova: taking it from sidorov asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot, 2)
        assert tk.get_ticket(number).assignee.login == "petrova"

        await pilot.press("A")
        await settle(pilot)
        await pilot.press("enter")  # Nobody
        await settle(pilot, 2)
        assert tk.get_ticket(number).assignee is None


@sync
async def test_assign_from_the_queue_row_on_what_the_row_showed(desk, app_factory):
    number = new_ticket(desk)
    m.Agent.create(login="sidorov")
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 3)
        table = app.screen.query_one(TicketTable)
        assert table.cursor_ticket.number == number
        await pilot.press("A")
        await settle(pilot)
        tk.set_priority(replace(desk, agent="alice"), number, "high")  # after the row was read
        await pilot.press("s", "i", "d", "enter")
        await settle(pilot, 2)
        conflict = app.screen
        assert isinstance(conflict, ConflictModal)
        assert [str(w.render()) for w in conflict.query(".conflict-change")] == [
            "alice: priority: Normal → High, 10:00 MSK"
        ]
        await pilot.click("#conflict-apply")
        await settle(pilot, 3)
        assert tk.get_ticket(number).assignee.login == "sidorov"
        assert table.cursor_ticket.assignee == "sidorov"


# --- notices --------------------------------------------------------------------------------


@sync
async def test_a_new_ticket_from_another_process_raises_a_notice_with_the_bell(desk, app_factory, db_path):
    app = app_factory(desk, watch_changes=True)
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, 3)
        app.watcher.poll()  # the baseline, before the other process commits
        code = (
            "import sys; sys.path.insert(0, %r)\n"
            "from helpdesk.tui.cli.main import main\n"
            "sys.exit(main(['--db', %r, 'new', '--product', 'Fenix+ 3', '--subject', 'Пришло из другого процесса',"
            " '--from', 'other@agent.ru', '--body', 'Текст']))\n"
        ) % (str(ROOT), db_path)
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: notices(app), "a notice")
        number = m.Ticket.select(m.Ticket.number).where(m.Ticket.subject == "Пришло из другого процесса").scalar()
        assert notices(app) == [f"New ticket: #{number} Пришло из другого процесса"]
        assert bells == [1]


@sync
async def test_answers_and_assignments_by_others_notify_own_actions_do_not(desk, app_factory):
    number = new_ticket(desk)
    app = app_factory(desk, watch_changes=True, bell=False)
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, 3)
        app.watcher.poll()
        tk.assign_ticket(desk, number, "petrova")  # her own: no notice
        tk.add_customer_message(desk, number, "Спасибо, но не помогло")
        await until(pilot, lambda: notices(app), "the answer is told")
        tk.assign_ticket(replace(desk, agent="bob"), new_ticket(desk, subject="Другое"), "petrova")
        await until(pilot, lambda: len(notices(app)) >= 3, "the new ticket and the assignment are told")
        assert notices(app)[0] == f"The customer answered: #{number} Вопрос"
        assert notices(app)[1:] == [f"New ticket: #{number + 1} Другое",
                                    f"Assigned to you: bob assigned #{number + 1} to you: Другое"]  # fmt: skip
        assert bells == []  # [tui] bell = false


@sync
@pytest.mark.parametrize("db_kind", ["postgresql"], indirect=True)  # a desk on PostgreSQL
async def test_on_postgresql_a_colleagues_work_reaches_the_other_app_by_notification(desk, app_factory):
    """The other app polls once an hour: only the server's notifications can bring petrova's
    presence and her change to sidorov's queue (LISTEN/NOTIFY, data/store/changes.py)."""
    number = new_ticket(desk)
    register_agents("sidorov")
    mine = app_factory(desk)
    theirs = app_factory(replace(desk, agent="sidorov"), watch_changes=True, tick_seconds=3600, presence_seconds=3600)
    async with theirs.run_test(size=(100, 30)) as other, mine.run_test(size=(100, 30)) as me:
        await settle(other, 3)
        assert theirs.watcher.listening
        queue = theirs.screen
        table = queue.query_one(TicketTable)
        assert table.unread == frozenset() and table.viewed == frozenset()
        with acting(mine):
            await open_thread(me, number)  # her app beats: the ticket is open there
        await until(other, lambda: number in table.viewed, "sidorov's queue marks the ticket open elsewhere")
        assert "◉" in table.row_text(0)
        with acting(mine):
            await me.press("s")
            await settle(me)
            await choose(me, st.WAITING)
        assert tk.get_ticket(number).status == st.WAITING
        waiting = queue.query_one("#tab-waiting")
        await until(other, lambda: waiting.label.plain == "Waiting 1 ●1", "his queue counts it there, unread to him")
        assert table.total == 0  # gone from his "New" tab


# --- presence -------------------------------------------------------------------------------


@sync
async def test_a_desk_that_may_only_read_opens_tickets_without_a_write(desk, app_factory):
    """A read-only desk (a read-only agent, --read-only, helpdesk serve without --write) takes no
    unread baseline, marks nothing seen and beats no presence: each would be refused by its store
    and shown as an error."""
    number = new_ticket(desk)
    refuse_writes(m.database_proxy.obj)
    reader = replace(desk, write_refusal=AccessError(Code.ACCESS_READ_ONLY_ASKED))
    app = app_factory(reader, presence_seconds=0.05)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, 2)
        await open_thread(pilot, number)
        await settle(pilot, 2)
        await pilot.press("escape")
        await settle(pilot, 2)
        assert notices(app) == []
    assert m.TicketSeen.select().count() == 0 and m.Presence.select().count() == 0


@sync
async def test_presence_appears_in_the_other_app_and_expires_when_it_stops_beating(desk, app_factory):
    number = new_ticket(desk)
    alice = replace(desk, agent="alice")  # the same FixedClock: the test drives time for both
    mine = app_factory(desk, watch_changes=True, presence_seconds=0.05)
    theirs = app_factory(alice, beat_seconds=3600)  # beats only when something changes here
    async with mine.run_test(size=(100, 30)) as me:
        await settle(me, 3)
        mine.watcher.poll()
        async with theirs.run_test(size=(100, 30)) as other:
            await open_thread(other, number)
            table = mine.screen.query_one(TicketTable)
            await until(me, lambda: number in table.viewed, "the queue marks the ticket open elsewhere")
            assert "◉" in table.row_text(0)
            with acting(mine):
                screen = await open_thread(me, number)
            assert presence_text(screen) == "Also here: alice"

            await other.press("r")
            await paste(other, "Здравствуйте")
            await until(me, lambda: presence_text(screen) == "Also here: alice writing a reply", "alice writes")

            desk.clock.advance(presence.GONE_AFTER)  # no beat from alice for that long: gone
            await until(me, lambda: presence_text(screen) == "", "alice's row expires")
            theirs.beat()  # her app beats again
            await until(me, lambda: presence_text(screen) != "", "alice is back")
            await other.press("escape")  # close the composer (it asks: the text is discarded)
            await settle(other)
            await other.click("#confirm-yes")
            await settle(other, 2)
            await until(me, lambda: presence_text(screen) == "Also here: alice", "alice stopped writing")
        # Her app exited cleanly: its row is gone, and so is she, with no clock moving.
        await until(me, lambda: presence_text(screen) == "", "alice left")
    assert m.Presence.select().count() == 0


@sync
async def test_a_killed_app_leaves_its_draft_and_its_presence_fades(desk, app_factory, db_path):
    number = new_ticket(desk)
    agent = subprocess.Popen(
        [sys.executable, "-m", "tests.screens.agent_process", db_path, "alice", str(number), "Черновик ответа"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = await asyncio.wait_for(asyncio.to_thread(agent.stdout.readline), BOUND)
        assert line == "ready\n", agent.stderr.read() if agent.poll() is not None else line
    finally:
        agent.kill()  # no clean exit: its presence row and its draft stay behind
        agent.wait()
    assert drafts.load(replace(desk, agent="alice"), number).body == "Черновик ответа"

    watching = app_factory(desk, presence_seconds=0.05)
    async with watching.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        await until(pilot, lambda: presence_text(screen) != "", "the dead app's last beat is seen")
        assert presence_text(screen) == "Also here: alice writing a reply"
        desk.clock.advance(presence.GONE_AFTER)
        await until(pilot, lambda: presence_text(screen) == "", "the row of the dead app expires")

    alice = replace(desk, agent="alice")
    back = app_factory(alice)
    async with back.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_thread(pilot, number)
        composer = screen.query_one(Composer)
        assert composer.is_open and composer.mode == "reply" and composer.text == "Черновик ответа"
        assert any("Your unsent text from 10:00 MSK is back." in text for text in notices(back))


# --- drafts ---------------------------------------------------------------------------------


@sync
async def test_a_draft_is_saved_as_typed_marked_in_the_queue_and_removed_when_sent(desk, app_factory):
    number = new_ticket(desk)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 3)
        queue = app.screen
        screen = await open_thread(pilot, number)
        await pilot.press("i")
        await paste(pilot, "заметка")
        await until(pilot, lambda: drafts.load(desk, number) is not None, "the draft is saved")
        assert (drafts.load(desk, number).kind, drafts.load(desk, number).body) == ("note", "заметка")
        await settle(pilot, 3)
        assert number in queue.query_one(TicketTable).drafts
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert drafts.load(desk, number) is None and get_thread(number).messages[-1].body == "заметка"
        assert number not in queue.query_one(TicketTable).drafts
        assert not screen.query_one(Composer).is_open


@sync
async def test_quitting_or_switching_tickets_with_unsent_text_asks_first(desk, app_factory):
    number, other = new_ticket(desk), new_ticket(desk)
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("r")
        await paste(pilot, "не отправлено")
        await until(pilot, lambda: drafts.load(desk, number) is not None, "the draft is saved")
        app.open_ticket(other)  # e.g. from the palette
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDiscardModal)
        await pilot.press("enter")  # "Keep editing" has the focus
        await settle(pilot)
        assert app.screen is screen and screen.query_one(Composer).text == "не отправлено"

        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDiscardModal) and app.is_running
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.click("#confirm-yes")  # discard: the draft goes, the app quits
        await settle(pilot)
        assert not app.is_running
    assert drafts.load(desk, number) is None


# --- the queue's marks ----------------------------------------------------------------------


@sync
async def test_the_queue_marks_tickets_changed_by_others_until_opened(desk, app_factory):
    first, second = new_ticket(desk, subject="Первая"), new_ticket(desk, subject="Вторая")
    app = app_factory(desk, watch_changes=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 3)  # the app's first run: the trail so far counts as read
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        table = queue.query_one(TicketTable)
        assert table.unread == frozenset() and "●" not in queue.query_one(Tabs).query_one("#tab-new").label.plain
        app.watcher.poll()
        tk.add_customer_message(desk, first, "Ещё вопрос")  # the customer, not petrova
        await until(pilot, lambda: table.unread == {first}, "the row is unread")
        assert queue.query_one("#tab-new").label.plain == "New 2 ●1"
        rows = {table.row_at(i).number: table.row_text(i) for i in range(table.total)}
        assert "●" in rows[first] and "●" not in rows[second]
        tk.add_reply(desk, second, "Мой ответ")  # her own change (it opens the ticket): still read
        await until(pilot, lambda: queue.query_one("#tab-open").label.plain == "Open 1", "the reload")
        assert table.unread == {first} and queue.query_one("#tab-new").label.plain == "New 1 ●1"

        await open_thread(pilot, first)
        await pilot.press("escape")
        await settle(pilot, 3)
        assert app.screen is queue and table.unread == frozenset()
        assert queue.query_one("#tab-new").label.plain == "New 1"


# --- snapshots ------------------------------------------------------------------------------


def _thread_snapshot(snap_compare, desk, app_factory, lang, press=(), prepare=None, ready=None, **app_kwargs):
    """The thread view of a new ticket at 80x24 (two colleagues registered), after ``press``."""
    number = new_ticket(desk, subject="Не открывается проект")
    retire_the_test_runner()
    for login, name in (("sidorov", "Пётр Сидоров"), ("kuznetsova", "Анна Кузнецова")):
        m.Agent.create(login=login, display_name=name)
    if prepare is not None:
        prepare(number)
    app = app_factory(desk, lang, **app_kwargs)

    async def run_before(pilot):
        await open_thread(pilot, number)
        await pilot.press(*press)
        await settle(pilot, 3)
        if ready is not None:
            await until(pilot, lambda: ready(pilot.app), "the screen to show")
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_conflict(snap_compare, desk, app_factory, lang):
    number = new_ticket(desk, subject="Не открывается проект")
    register_agents("sidorov")
    sidorov = replace(desk, agent="sidorov")
    app = app_factory(desk, lang)

    async def run_before(pilot):
        await open_thread(pilot, number)
        await pilot.press("p")  # the dialog opens on what petrova read ...
        await settle(pilot)
        tk.set_status(sidorov, number, st.WAITING)  # ... then sidorov changes the ticket twice
        tk.add_reply(sidorov, number, "Уточните версию")
        await choose(pilot, "high")
        assert isinstance(pilot.app.screen, ConflictModal)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_assign_picker(snap_compare, desk, app_factory, lang):
    _thread_snapshot(snap_compare, desk, app_factory, lang, ("A",))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_take_from_a_colleague(snap_compare, desk, app_factory, lang):
    _thread_snapshot(snap_compare, desk, app_factory, lang, ("a",),
                     prepare=lambda number: tk.assign_ticket(desk, number, "sidorov"))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_snapshot_thread_with_a_colleague_writing(snap_compare, desk, app_factory, lang):
    _thread_snapshot(
        snap_compare, desk, app_factory, lang,
        prepare=lambda number: presence.beat(replace(desk, agent="sidorov"), "sidorov-app", number, "reply"),
        ready=lambda app: app.here, presence_seconds=0.05,
    )
