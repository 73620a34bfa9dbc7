"""Assign a ticket: ``AssignAgentModal(number, current)`` -> Choice (login, or None: nobody) | None.

The agents come from the Agent table (data/team/roster.py: the active ones who may work tickets),
the acting agent first, then by login; typing filters them by login or name. "Nobody" unassigns
a ticket that has an assignee. Up and down move through the list while the agent types, Enter
chooses, Escape cancels (None). The current assignee is marked.

``assignment`` is the change itself (on what the agent read), ``confirm_take`` the question
before taking a ticket someone else has: the thread view and the queue share both.
"""

from __future__ import annotations

from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from helpdesk.data.read.history import ReadPoint
from helpdesk.data.team import roster
from helpdesk.data.team.roster import AgentView
from helpdesk.data.tickets import operations as ops
from helpdesk.screens.choose_option import Choice
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.conflict import TicketChange
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.text import literal


def assignment(read: ReadPoint, login: str | None, me: str) -> TicketChange:
    """Assign ticket ``read.number`` to ``login`` (None: nobody), on what the agent read."""
    number = read.number
    if login == me:
        done = _("#{number} is assigned to you.").format(number=number)
    elif login is None:
        done = _("#{number} is assigned to nobody now.").format(number=number)
    else:
        done = _("#{number} is assigned to {login}.").format(number=number, login=literal(login, single_line=True).plain)
    who = literal(login, single_line=True) if login else Content(_("nobody"))
    # force: the agent chose on what they read (and confirmed a take, see confirm_take); the read
    # version still refuses the change if anyone touched the ticket since.
    assign = partial(ops.assign_ticket, force=True)
    return TicketChange("assignee", read, assign, (number, login), Content(_("assignee") + " → ") + who, done)


def confirm_take(app, number: int, assignee: str, then) -> None:
    """Ask before taking ticket ``number`` from ``assignee``; ``then()`` if the agent confirms."""
    message = Content.assemble(
        Content(_("#{number} is assigned to ").format(number=number)),
        literal(assignee, single_line=True, style="bold"),
        Content(". " + _("They will be told that you took it.")),
    )
    title = _("Take #{number}?").format(number=number)
    app.push_screen(ConfirmModal(title, message, confirm=_("Take it"), cancel=_("Cancel")),
                    lambda take: then() if take else None)


class AssignAgentModal(Dialog["Choice | None"]):
    """A filter box over the list of agents; dismisses with the chosen Choice (value: login or None)."""

    DEFAULT_CSS = """
    AssignAgentModal > #assign-box {
        width: 60;
        max-width: 95%;
        height: auto;
        max-height: 90%;
    }
    AssignAgentModal #assign-title {
        width: 1fr;
        text-style: bold;
    }
    AssignAgentModal #assign-filter {
        margin: 1 0 0 0;
    }
    AssignAgentModal OptionList {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
    }
    AssignAgentModal #assign-hint {
        width: 1fr;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without changing anything"), id="assign.cancel"),
        Binding("down", "move(1)", N_("Next agent"), show=False, tooltip=N_("Highlight the next agent"), id="assign.down"),
        Binding("up", "move(-1)", N_("Previous agent"), show=False, tooltip=N_("Highlight the previous agent"),
                id="assign.up"),
    ]

    class Roster(Message):
        def __init__(self, agents: tuple[AgentView, ...]) -> None:
            super().__init__()
            self.agents = agents

    def __init__(self, number: int, current: str | None, *, id: str | None = "assign-agent") -> None:
        super().__init__(id=id)
        self.number = number
        self.current = current
        self.agents: tuple[AgentView, ...] = ()
        self.choices: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-box", classes="dialog-box"):
            yield Label(Content(_("Assign #{number} to").format(number=self.number)), id="assign-title", markup=False)
            yield Input(placeholder=_("Type to filter…"), id="assign-filter", compact=True)
            yield OptionList(id="assign-options", markup=False)
            yield Label(Content(_("↑↓ choose · Enter assign · Esc cancel")), id="assign-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#assign-filter", Input).focus()
        self.load_roster()

    @work(thread=True, exclusive=True, group="assign-roster", exit_on_error=False, description="list the agents")
    def load_roster(self) -> None:
        self.post_message(self.Roster(roster.assignable()))

    def on_assign_agent_modal_roster(self, message: Roster) -> None:
        me = self.app.desk.agent
        others = [a for a in message.agents if a.login != me]
        mine = next((a for a in message.agents if a.login == me), AgentView(me, ""))
        self.agents = (mine, *others)  # the acting agent may not be registered yet: still offered
        self._show(self.query_one("#assign-filter", Input).value)

    def _label(self, agent: AgentView) -> Content:
        parts = [literal(agent.login, single_line=True)]
        if agent.display_name and agent.display_name != agent.login:
            parts.append(Content("  ") + literal(agent.display_name, single_line=True, style="dim"))
        if agent.login == self.app.desk.agent:
            parts.append(Content.styled("  (" + _("you") + ")", "dim"))
        return Content.assemble(*parts)

    def _show(self, text: str) -> None:
        wanted = text.strip().casefold()
        choices = []
        if self.current is not None and (not wanted or wanted in _("Nobody").casefold()):
            choices.append(Choice(None, Content(_("Nobody (unassign)"))))
        for agent in self.agents:
            if not wanted or wanted in agent.login.casefold() or wanted in agent.display_name.casefold():
                choices.append(Choice(agent.login, self._label(agent)))
        self.choices = choices
        options = self.query_one(OptionList)
        options.clear_options()
        for i, choice in enumerate(choices):
            current = choice.value == self.current and choice.value is not None
            mark = Content.styled("● ", "bold") if current else Content("  ")
            tail = Content.styled("  (" + _("current") + ")", "dim") if current else Content("")
            options.add_option(Option(Content.assemble(mark, choice.label, tail), id=str(i)))
        if not choices:
            options.add_option(Option(Content.styled(_("No agent matches."), "italic"), disabled=True))
        options.highlighted = 0 if choices else None

    @on(Input.Changed, "#assign-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#assign-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and self.choices:
            self.dismiss(self.choices[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.dismiss(self.choices[int(event.option_id)])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.choices:
            options.highlighted = ((options.highlighted or 0) + step) % len(self.choices)

    def action_cancel(self) -> None:
        self.dismiss(None)
