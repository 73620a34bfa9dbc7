"""tui/widgets/customer_suggestions.py: the suggestion lines, the state line, moving the highlight from the field."""

from __future__ import annotations

from textual.app import App

from helpdesk.data.read.customers import CustomerMatch
from helpdesk.tui.widgets.customer_suggestions import (
    CustomerInput,
    CustomerSuggestions,
    customer_state,
    match_prompt,
)
from tests.pilot import sync

IVAN = CustomerMatch(id=1, name="Иван Петров", email="ivan@example.ru", telegram=None, organisation="Завод", ticket_count=3)
OLGA = CustomerMatch(id=2, name="Ольга", email=None, telegram="@olga", organisation=None, ticket_count=1)


def test_match_prompt():
    assert str(match_prompt(IVAN)) == "Иван Петров <ivan@example.ru> · Завод · 3 requests"
    assert str(match_prompt(OLGA)) == "Ольга Telegram @olga · 1 request"


def test_customer_state():
    assert str(customer_state(IVAN, "")) == "Known customer: Иван Петров · 3 requests"
    assert str(customer_state(None, "new@example.ru")).startswith("New customer")
    assert str(customer_state(None, "new@")).startswith("Find a known customer")


class _Host(App):
    def compose(self):
        yield CustomerInput(id="customer-email")
        yield CustomerSuggestions(id="customer-suggestions")


@sync
async def test_up_and_down_in_the_field_move_the_highlight():
    app = _Host()
    async with app.run_test(size=(60, 12)) as pilot:
        suggestions = app.query_one(CustomerSuggestions)
        assert not suggestions.display and suggestions.highlighted_match is None
        await pilot.press("down")  # nothing shown: nothing happens
        suggestions.show([IVAN, OLGA])
        await pilot.pause()
        assert suggestions.display and suggestions.highlighted_match is None
        assert app.focused is app.query_one(CustomerInput)
        await pilot.press("down")
        assert suggestions.highlighted_match == IVAN
        await pilot.press("up")  # wraps around
        assert suggestions.highlighted_match == OLGA
        await pilot.press("down")
        assert suggestions.highlighted_match == IVAN
        suggestions.hide()
        await pilot.pause()
        assert not suggestions.display and suggestions.matches == [] and suggestions.highlighted_match is None
