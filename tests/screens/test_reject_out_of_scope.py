"""screens/reject_out_of_scope.py: offering the rule's reply when a category is out of scope."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Label, TextArea

from helpdesk.data.read.history import read_point
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as t
from helpdesk.data.read.views import get_thread
from helpdesk.screens.conflict import ConflictModal
from helpdesk.screens.reject_out_of_scope import RECORDED, REJECTED, RejectOutOfScopeModal
from tests.factories import new_ticket, register_agents
from tests.pilot import settle, sync
from tests.screens.workflow_helpers import WorkflowApp, push


@sync
async def test_offers_the_rule_then_rejects_with_the_edited_reply(desk):
    number = new_ticket(desk)
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, RejectOutOfScopeModal(number, "project_fixes", read_point(number)), results)
        title = str(modal.query_one("#reject-title", Label).render())
        assert f"#{number} is out of scope: Revising and fixing users' projects" in title
        area = modal.query_one("#reject-text", TextArea)
        assert "«Доработка и исправление проектов пользователей»" in area.text  # customer language: Russian
        area.text = area.text + "\nP.S. Проект можно доработать у партнёров."
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert results == [REJECTED]
    ticket = t.get_ticket(number)
    assert (ticket.status, ticket.scope) == (st.REJECTED, "project_fixes")
    assert get_thread(number).messages[-1].body.endswith("P.S. Проект можно доработать у партнёров.")


@sync
async def test_reject_silently_only_record_and_cancel(desk):
    first, second, third = new_ticket(desk), new_ticket(desk), new_ticket(desk)
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(pilot, RejectOutOfScopeModal(first, "regulations", None), results)
        await pilot.click("#reject-silent")
        await settle(pilot)
        await push(pilot, RejectOutOfScopeModal(second, "regulations", None), results)
        await pilot.click("#reject-record")
        await settle(pilot)
        await push(pilot, RejectOutOfScopeModal(third, "regulations", None), results)
        await pilot.press("escape")
    assert results == [REJECTED, RECORDED, None]
    assert t.get_ticket(first).status == st.REJECTED and len(get_thread(first).messages) == 1
    assert (t.get_ticket(second).status, t.get_ticket(second).scope) == (st.NEW, "regulations")
    assert (t.get_ticket(third).status, t.get_ticket(third).scope) == (st.NEW, None)


@sync
async def test_an_empty_reply_is_refused_and_the_dialog_stays(desk):
    number = new_ticket(desk)
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, RejectOutOfScopeModal(number, "expert_review", read_point(number)))
        modal.query_one("#reject-text", TextArea).text = "   "
        await pilot.press("ctrl+s")
        assert app.screen is modal
        assert "The reply is empty" in str(modal.query_one("#reject-error", Label).render())
    assert t.get_ticket(number).status == st.NEW


@sync
async def test_a_stale_read_shows_the_change_then_applies_mine_or_keeps_theirs(desk):
    number, other = new_ticket(desk), new_ticket(desk)
    sidorov = replace(desk, agent="sidorov")
    results: list = []
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        modal = await push(pilot, RejectOutOfScopeModal(number, "expert_review", read_point(number)), results)
        register_agents("sidorov")
        t.assign_ticket(sidorov, number, "sidorov")  # someone else, meanwhile
        modal.query_one("#reject-text", TextArea).text = "Мой текст"
        await pilot.press("ctrl+s")
        await settle(pilot, 2)
        conflict = app.screen
        assert isinstance(conflict, ConflictModal) and results == []
        assert [str(w.render()) for w in conflict.query(".conflict-change")] == ["sidorov: assignee → sidorov, 10:00 MSK"]
        assert str(conflict.query_one("#conflict-mine").render()) == "Yours: reject as out of scope"
        assert t.get_ticket(number).status == st.NEW  # nothing written yet
        await pilot.click("#conflict-apply")  # mine, on the ticket as it is now
        await settle(pilot, 2)
        assert results == [REJECTED]

        await push(pilot, RejectOutOfScopeModal(other, "regulations", read_point(other)), results)
        t.set_priority(sidorov, other, "high")
        await pilot.click("#reject-silent")
        await settle(pilot, 2)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("escape")  # keep theirs: the dialog closes, nothing is written
        await settle(pilot)
    assert results == [REJECTED, None]
    ticket = t.get_ticket(number)
    assert (ticket.status, ticket.assignee.login) == (st.REJECTED, "sidorov")
    assert get_thread(number).messages[-1].body == "Мой текст"
    assert (t.get_ticket(other).status, t.get_ticket(other).priority) == (st.NEW, "high")


@sync
async def test_an_unexpected_failure_is_reported_not_swallowed(desk, monkeypatch):
    number = new_ticket(desk)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("helpdesk.data.tickets.triage.reject_out_of_scope", broken)
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        modal = await push(pilot, RejectOutOfScopeModal(number, "regulations", None))
        await pilot.click("#reject-silent")
        await settle(pilot)
        assert app.screen is modal and modal._busy is False
        assert any("disk on fire" in str(n.message) for n in app._notifications)


@sync
async def test_choosing_an_out_of_scope_category_in_the_thread_offers_the_rejection(desk):
    from textual.widgets import OptionList

    from helpdesk.screens.choose_option import ChooseOptionModal
    from helpdesk.screens.thread import ThreadScreen

    number = new_ticket(desk)
    app = WorkflowApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ThreadScreen(number)
        app.push_screen(screen)
        await settle(pilot)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        chooser = app.screen
        assert isinstance(chooser, ChooseOptionModal)
        chooser.query_one(OptionList).highlighted = [c.value for c in chooser.choices].index("expert_review")
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RejectOutOfScopeModal)
        assert "«Консультации по устранению замечаний экспертизы" in modal.query_one("#reject-text", TextArea).text
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        assert screen.thread.ticket.status == st.REJECTED  # reloaded
        assert screen.thread.messages[-1].kind == "agent"


@sync
async def test_a_new_ticket_created_out_of_scope_is_offered_the_rejection(desk):
    from textual.widgets import Input, Select

    from helpdesk.screens.new_ticket import NewTicketScreen
    from helpdesk.screens.thread import ThreadScreen

    app = WorkflowApp(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        form = NewTicketScreen()
        app.push_screen(form)
        await settle(pilot)
        form.query_one("#customer-email", Input).value = "ivan@example.ru"
        form.query_one("#customer-name", Input).value = "Иван Петров"
        form.query_one("#product", Select).value = "Fenix+ 3"
        form.query_one("#subject", Input).value = "Поправьте проект по замечаниям экспертизы"
        form.query_one("#description", TextArea).text = "Замечания во вложении"
        form.scope = "expert_review"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RejectOutOfScopeModal)
        await pilot.click("#reject-record")  # keep it: only the category, already recorded
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        number = app.screen.number
    ticket = t.get_ticket(number)
    assert (ticket.scope, ticket.status) == ("expert_review", st.NEW)
    assert [a for a, *_ in [(e.action,) for e in ticket.events]] == ["created"]  # no second "scope" event
