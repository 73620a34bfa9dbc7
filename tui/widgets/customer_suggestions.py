"""Known customers suggested while the agent types a customer's e-mail or name.

:class:`CustomerSuggestions` is the list under the customer fields. It searches the store in a
worker and reports what it found (:class:`CustomerSuggestions.Found`); the form decides what to
show. It never takes the focus, so typing goes on in the field: Up/Down in a
:class:`CustomerInput` move its highlight, and the form chooses on Enter or a click.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from helpdesk.data.core.values import EMAIL_RE
from helpdesk.data.read.customers import CustomerMatch, search_customers
from helpdesk.tui.i18n import N_, _, ngettext
from helpdesk.tui.text import literal

SUGGESTIONS = 6


def match_prompt(match: CustomerMatch) -> Content:
    """"Name <e-mail> · organisation · 3 requests" (Telegram instead of a missing e-mail)."""
    parts = [literal(match.name or "—", single_line=True, style="bold")]
    if match.email:
        parts += [Content(" <"), literal(match.email, single_line=True), Content(">")]
    elif match.telegram:
        parts += [Content(" Telegram "), literal(match.telegram, single_line=True)]
    if match.organisation:
        parts += [Content.styled(" · ", "dim"), literal(match.organisation, single_line=True, style="dim")]
    count = ngettext("{n} request", "{n} requests", match.ticket_count).format(n=match.ticket_count)
    parts.append(Content.styled(f" · {count}", "dim"))
    return Content.assemble(*parts)


def customer_state(known: CustomerMatch | None, typed_email: str) -> Content:
    """The line under the customer fields: a known customer, a new one, or how to find one."""
    if known is not None:
        count = ngettext("{n} request", "{n} requests", known.ticket_count).format(n=known.ticket_count)
        return Content.assemble(
            Content.styled(_("Known customer") + ": ", "$text-success"),
            literal(known.name or known.email or "", single_line=True),
            Content.styled(f" · {count}", "dim"),
        )
    if EMAIL_RE.match(typed_email):
        return Content.styled(_("New customer: will be created with this e-mail and name."), "dim")
    return Content.styled(_("Find a known customer by e-mail or name, or type a new e-mail."), "dim")


class CustomerSuggestions(OptionList):
    """The suggested customers; hidden while there are none."""

    # A click on a suggestion must leave the focus in the field the agent is typing in.
    can_focus = False

    class Found(Message):
        """The customers matching ``text`` (what a field held when the search started)."""

        def __init__(self, text: str, matches: list[CustomerMatch]) -> None:
            super().__init__()
            self.text = text
            self.matches = matches

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.matches: list[CustomerMatch] = []
        self.display = False

    @work(thread=True, exclusive=True, group="customer-suggestions", exit_on_error=False)
    def search(self, text: str) -> None:
        try:
            matches = search_customers(text, SUGGESTIONS) if len(text.strip()) >= 2 else []
        except Exception:  # noqa: BLE001 - suggestions are a help: without them the form still works
            matches = []
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(text, matches))

    def show(self, matches: list[CustomerMatch]) -> None:
        self.matches = matches
        self.clear_options()
        for match in matches:
            self.add_option(Option(match_prompt(match)))
        self.display = bool(matches)
        self.highlighted = None

    def hide(self) -> None:
        self.display = False
        self.clear_options()
        self.matches = []

    @property
    def highlighted_match(self) -> CustomerMatch | None:
        """The highlighted suggestion while the list is shown."""
        if not self.display or self.highlighted is None:
            return None
        return self.matches[self.highlighted]

    def step(self, step: int) -> None:
        """Move the highlight by ``step``, wrapping around; nothing while no suggestion is shown."""
        if not self.display or not self.option_count:
            return
        current = self.highlighted
        if current is None:
            self.highlighted = 0 if step > 0 else self.option_count - 1
        else:
            self.highlighted = (current + step) % self.option_count


class CustomerInput(Input):
    """An Input whose Up/Down move through the customer suggestions while they are shown."""

    BINDINGS = [
        Binding("down", "suggestion(1)", N_("Next suggestion"), show=False,
                tooltip=N_("Highlight the next known customer"), id="new_ticket.suggestion_down"),
        Binding("up", "suggestion(-1)", N_("Previous suggestion"), show=False,
                tooltip=N_("Highlight the previous known customer"), id="new_ticket.suggestion_up"),
    ]

    def action_suggestion(self, step: int) -> None:
        # Without suggestions the key does nothing (rather than scroll the form away).
        found = self.screen.query(CustomerSuggestions)
        if found:
            found.first().step(step)
