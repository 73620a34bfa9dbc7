"""tui/screen_base.py with the App's Escape: the same on every screen, one step at a time.

An open drop-down closes first; then a field gives the focus back to the screen's main widget
(the queue's table, the report, a list); then a dialog closes; then the screen goes back.
"""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select, TextArea

from helpdesk.screens.queue import QueueScreen
from helpdesk.tui.widgets.filter_pick import FilterPick
from tests.pilot import paste, sync
from tests.screens.keys_helpers import go, quarantine_one


def focused_id(app) -> str | None:
    return app.focused.id if app.focused is not None else None


@sync
async def test_queue_search_and_filters_give_the_focus_back_to_the_table(demo_desk, app_factory):
    app = app_factory(demo_desk, "ru")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.screen
        await go(pilot, ["slash"])
        assert focused_id(app) == "queue-search"
        await go(pilot, ["escape"])
        assert app.screen is queue and focused_id(app) == "queue-table"
        await go(pilot, ["escape"])  # on the table: nothing else to close, the queue stays
        assert app.screen is queue and focused_id(app) == "queue-table"

        await go(pilot, ["tab", "tab", "tab"])  # tabbed through to the product filter
        assert focused_id(app) == "filter-product"
        await go(pilot, ["escape"])
        assert focused_id(app) == "queue-table"

        await go(pilot, ["p"])  # the drop-down opens
        select = queue.query_one("#filter-product", FilterPick)
        assert select.expanded
        await go(pilot, ["escape"])  # closes only the drop-down
        assert not select.expanded and focused_id(app) == "filter-product" and app.screen is queue
        await go(pilot, ["escape"])
        assert focused_id(app) == "queue-table"

        await go(pilot, ["c", "enter"])  # the same value chosen again: still back to the table
        assert focused_id(app) == "queue-table"
        await go(pilot, ["c", "down", "enter"])  # another channel
        assert queue.filter.channel is not None and focused_id(app) == "queue-table"
        await go(pilot, ["tab", "tab", "tab", "tab", "enter", "down", "enter"])  # Tab to a filter, choose
        assert focused_id(app) == "queue-table"
        await go(pilot, ["enter"])  # Enter now opens the ticket, not a filter
        assert type(app.screen).__name__ == "ThreadScreen"


@sync
async def test_reports_date_field_escape_leaves_the_field_then_the_screen(demo_desk, app_factory):
    app = app_factory(demo_desk, "ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, ["f3", "f"])
        reports = app.screen
        assert focused_id(app) == "report-from"
        await go(pilot, ["escape"])
        assert app.screen is reports and focused_id(app) == "report-body"
        await go(pilot, ["f", "tab"])  # the second date
        assert focused_id(app) == "report-to"
        await go(pilot, ["escape"])
        assert app.screen is reports and focused_id(app) == "report-body"
        await pilot.click("#report-to")  # a click into the field, then Escape
        await go(pilot, ["escape"])
        assert app.screen is reports and focused_id(app) == "report-body"
        await go(pilot, ["escape"])
        assert isinstance(app.screen, QueueScreen)


@sync
async def test_quarantine_and_prepared_replies_come_back_to_their_list(demo_desk, app_factory):
    quarantine_one(demo_desk)
    app = app_factory(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, ["f4", "enter"])
        screen = app.screen
        assert focused_id(app) == "quarantine-detail-box"
        await go(pilot, ["escape"])
        assert app.screen is screen and focused_id(app) == "quarantine-list"
        await go(pilot, ["escape"])
        assert isinstance(app.screen, QueueScreen)

        await go(pilot, ["f2", "tab"])
        screen = app.screen
        assert app.focused is not screen.table
        await go(pilot, ["escape"])
        assert app.screen is screen and focused_id(app) == "replies-table"
        await go(pilot, ["escape"])
        assert isinstance(app.screen, QueueScreen)


@sync
async def test_thread_composer_closes_then_the_thread_goes_back(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, ["enter", "r"])
        thread = app.screen
        assert isinstance(app.focused, TextArea)
        await go(pilot, ["escape"])  # the composer is the innermost: it closes (nothing typed, no question)
        assert app.screen is thread and not thread.composer.is_open and focused_id(app) == "conversation"
        await go(pilot, ["escape"])
        assert isinstance(app.screen, QueueScreen)


@sync
async def test_new_ticket_form_drop_down_then_the_form(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await go(pilot, ["n"])
        form = app.screen
        product = form.query_one("#product", Select)
        product.focus()
        await go(pilot, ["enter"])
        assert product.expanded
        await go(pilot, ["escape"])  # the drop-down only
        assert app.screen is form and not product.expanded and app.focused is product
        await go(pilot, ["escape"])  # a form has no list to go back to: Escape leaves it (nothing typed)
        assert isinstance(app.screen, QueueScreen)


@sync
async def test_dialogs_close_with_escape_from_their_fields_and_nothing_more(demo_desk, app_factory):
    app = app_factory(demo_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = app.screen
        await go(pilot, ["A"])  # assign: its filter field has the focus
        assert type(app.screen).__name__ == "AssignAgentModal" and isinstance(app.focused, Input)
        await go(pilot, ["escape"])
        assert app.screen is queue

        await go(pilot, ["enter"])
        thread = app.screen
        await go(pilot, ["m"])  # merge: the number field
        assert type(app.screen).__name__ == "MergeTicketModal" and isinstance(app.focused, Input)
        await paste(pilot, "1001")
        await go(pilot, ["escape"])
        assert app.screen is thread

        await go(pilot, ["x"])  # split: the list of messages, then the subject field
        assert type(app.screen).__name__ == "SplitTicketModal" and isinstance(app.focused, OptionList)
        await go(pilot, ["tab"])
        assert isinstance(app.focused, Input)
        await go(pilot, ["escape"])
        assert app.screen is thread

        await go(pilot, ["escape", "f2", "n"])  # a new prepared reply: nothing typed, Escape closes the form
        assert type(app.screen).__name__ == "PreparedReplyFormModal" and isinstance(app.focused, Input)
        await go(pilot, ["escape"])
        assert type(app.screen).__name__ == "PreparedRepliesScreen"
