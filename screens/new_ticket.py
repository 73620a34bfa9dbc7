"""The new-ticket screen: an agent registers a request by hand (a phone call, a forwarded letter).

Fields: customer (e-mail and name, with suggestions of known customers by e-mail or name),
product (one past its support end asks first and the ticket is flagged), channel, subject,
description, attachments (paths checked as they are added), optional scope category and
priority. Validation is inline and never clears what was typed; Escape with text asks first.
ctrl+s creates the ticket, says when support takes it up, and opens its thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from babel.dates import format_date
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from helpdesk.data.read.attachments import FileProblem, load_attachment_file, read_attachment_file
from helpdesk.data.read.customers import CustomerMatch, search_customers
from helpdesk.data.core.errors import NotFoundError, ValidationError
from helpdesk.data.rules.regulation import ProductSpec, Regulation
from helpdesk.data.core.values import EMAIL_RE, NewTicket
from helpdesk.data.tickets.operations import create_ticket
from helpdesk.screens.choose_option import Choice, ChooseOptionModal, scope_choices, target_hint
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.tui.errors import describe
from helpdesk.tui.files import file_size
from helpdesk.tui.i18n import N_, _, current_language, ngettext
from helpdesk.tui.labels import channel_label, priority_label, scope_label
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.text import clean, literal
from helpdesk.tui.timefmt import day_and_time, in_duration, working_duration

# An agent types a request in by hand mostly while on the phone with the customer; mail,
# portal and Telegram requests arrive by themselves.
DEFAULT_CHANNEL = "phone"
SUGGESTIONS = 6


@dataclass(frozen=True)
class PendingAttachment:
    path: str
    name: str
    size: int


def product_label(product: ProductSpec) -> Content:
    """"Fenix+ 3", or "Fenix+ (support ended 31.12.2021)" with the end date stressed."""
    name = literal(product.name, single_line=True)
    if product.support_ends is None:
        return name
    ended = _("support ended {date}").format(date=format_date(product.support_ends, "dd.MM.yyyy", locale=current_language()))
    return Content.assemble(name, Content.styled(f" ({ended})", "$text-warning"))


def taken_up_text(regulation: Regulation, number: int, now: datetime, due_at: datetime | None, agent_tz=None) -> str:
    """What the agent is told after saving: the number, and when support takes the request up."""
    calendar = regulation.calendar
    tz = regulation.timezone

    def at(moment: datetime) -> str:
        text = day_and_time(moment, tz, now)
        if agent_tz is not None and moment.astimezone(agent_tz).utcoffset() != moment.astimezone(tz).utcoffset():
            text += f" / {day_and_time(moment, agent_tz, now)}"
        return text

    created = _("Ticket #{number} created.").format(number=number)
    if calendar.is_open(now):
        state = _("Support is open: the request is taken up now.")
        if due_at is not None:
            left = working_duration(calendar.working_time_between(now, due_at))
            state += " " + _("First response due {when}, in {duration} of working time.").format(when=at(due_at), duration=left)
        return f"{created} {state}"
    start = calendar.upcoming_window(now).start
    state = _("Support is closed now: the request will be taken up {when}, {countdown}.").format(
        when=at(start), countdown=in_duration(start - now))
    return f"{created} {state}"


class CustomerInput(Input):
    """An Input whose Up/Down move through the customer suggestions while they are shown."""

    BINDINGS = [
        Binding("down", "suggestion(1)", N_("Next suggestion"), show=False,
                tooltip=N_("Highlight the next known customer"), id="new_ticket.suggestion_down"),
        Binding("up", "suggestion(-1)", N_("Previous suggestion"), show=False,
                tooltip=N_("Highlight the previous known customer"), id="new_ticket.suggestion_up"),
    ]

    def _suggestions(self) -> OptionList | None:
        found = self.screen.query("#customer-suggestions")
        return found.first(OptionList) if found else None

    def action_suggestion(self, step: int) -> None:
        # Without suggestions the key does nothing (rather than scroll the form away).
        suggestions = self._suggestions()
        if suggestions is None or not suggestions.display or not suggestions.option_count:
            return
        current = suggestions.highlighted
        if current is None:
            suggestions.highlighted = 0 if step > 0 else suggestions.option_count - 1
        else:
            suggestions.highlighted = (current + step) % suggestions.option_count


class AttachmentList(OptionList):
    """The files to attach; Delete removes the highlighted one."""

    BINDINGS = [
        Binding("delete", "remove", N_("Remove file"), tooltip=N_("Remove the highlighted file from the list"),
                id="new_ticket.remove_attachment"),
        Binding("backspace", "remove", N_("Remove file"), show=False,
                tooltip=N_("Remove the highlighted file from the list"), id="new_ticket.remove_attachment_backspace"),
    ]

    class RemoveRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_remove(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.RemoveRequested(self.highlighted))


class NewTicketScreen(BaseScreen):
    """Register a request by hand."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Create"), tooltip=N_("Create the ticket"), id="new_ticket.save"),
        Binding("escape", "leave", N_("Back"), tooltip=N_("Back to the queue (asks if you typed something)"),
                id="new_ticket.leave"),
    ]

    class Suggested(Message):
        def __init__(self, text: str, matches: list[CustomerMatch]) -> None:
            super().__init__()
            self.text = text
            self.matches = matches

    class AttachmentChecked(Message):
        def __init__(self, path: str, attachment: PendingAttachment | None, problem: str | None) -> None:
            super().__init__()
            self.path = path
            self.attachment = attachment
            self.problem = problem

    class Created(Message):
        def __init__(self, number: int, text: str) -> None:
            super().__init__()
            self.number = number
            self.text = text

    class CreateFailed(Message):
        def __init__(self, field: str | None, text: str) -> None:
            super().__init__()
            self.field = field
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.attachments: list[PendingAttachment] = []
        self.customer: CustomerMatch | None = None  # chosen from the suggestions
        self.scope: str | None = None
        self._product: str | None = None  # the product as confirmed
        self._saving = False
        self._matches: list[CustomerMatch] = []

    # --- layout ---------------------------------------------------------------------------

    def _row(self, label: str, widget, *, field: str, gap: bool = False) -> ComposeResult:
        with Horizontal(classes="field-row -gap" if gap else "field-row"):
            yield Label(Content(label), classes="field-label", markup=False)
            yield widget
        yield Label(id=f"error-{field}", classes="field-error", markup=False)

    def compose_body(self) -> ComposeResult:
        regulation: Regulation = self.app.desk.regulation
        yield Label(Content(_("New request")), id="new-ticket-title", markup=False)
        yield Static(
            Content.assemble(
                Content.styled(_("One problem per request"), "bold"),
                Content(" " + _("(regulation 1.2): another problem, another ticket.")),
            ),
            id="one-problem-hint",
            markup=False,
        )
        form = VerticalScroll(id="form")
        form.can_focus = False  # a click on the form (or a suggestion) keeps the field's focus
        with form:
            yield from self._row(
                _("E-mail"),
                CustomerInput(placeholder=_("customer's e-mail, or search by name"), id="customer-email", compact=True, select_on_focus=False),
                field="email",
            )
            yield from self._row(
                _("Name"), CustomerInput(placeholder=_("customer's name"), id="customer-name", compact=True, select_on_focus=False), field="name"
            )
            suggestions = OptionList(id="customer-suggestions", markup=False)
            suggestions.can_focus = False
            yield suggestions
            yield Label(id="customer-state", markup=False)
            products = [(product_label(p), p.name) for p in regulation.products]
            yield from self._row(
                _("Product"),
                Select(products, prompt=_("choose the product"), id="product", compact=True),
                field="product",
                gap=True,
            )
            channels = [(Content(channel_label(c)), c) for c in regulation.channels]
            yield from self._row(
                _("Channel"),
                Select(
                    channels, allow_blank=False,
                    value=DEFAULT_CHANNEL if DEFAULT_CHANNEL in regulation.channels else regulation.channels[0],
                    id="channel", compact=True,
                ),
                field="channel",
            )
            yield from self._row(_("Subject"), Input(placeholder=_("the problem in a few words"), id="subject", compact=True, select_on_focus=False),
                                 field="subject", gap=True)
            yield Label(Content(_("Description")), classes="field-label -above", markup=False)
            yield TextArea(
                id="description", soft_wrap=True, tab_behavior="focus", compact=True,
                placeholder=_("What happens, what was expected, the steps, the version, the error text…"),
            )
            yield Label(id="error-description", classes="field-error -below", markup=False)
            with Horizontal(classes="field-row -gap"):
                yield Label(Content(_("Attach")), classes="field-label", markup=False)
                yield Input(placeholder=_("path of a file, then Enter"), id="attachment-path", compact=True, select_on_focus=False)
                yield Button(Content(_("Add")), id="attachment-add", compact=True)
            yield Label(id="error-attachments", classes="field-error", markup=False)
            yield AttachmentList(id="attachments", markup=False)
            with Horizontal(classes="field-row -gap"):
                yield Label(Content(_("Scope")), classes="field-label", markup=False)
                yield Button(Content(_("Not decided")), id="scope", compact=True)
            yield Label(id="error-scope", classes="field-error", markup=False)
            priorities = [(Content(priority_label(p)), p) for p in regulation.targets]
            yield from self._row(
                _("Priority"),
                Select(priorities, allow_blank=False, value=regulation.default_priority, id="priority", compact=True),
                field="priority",
            )
            yield Label(id="priority-hint", classes="field-hint", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(Content(_("Create ticket")), id="create", variant="primary", compact=True)
                yield Label(Content(_("ctrl+s")), id="create-key", markup=False)

    def on_mount(self) -> None:
        self.sub_title = _("New request")
        self.query_one("#customer-suggestions").display = False
        self.query_one("#attachments").display = False
        for error in self.query(".field-error"):
            error.display = False
        self._show_priority_hint()
        self._show_customer_state()
        self.query_one("#customer-email", Input).focus()

    # --- typed text -----------------------------------------------------------------------

    @on(Input.Changed)
    def _no_raw_controls(self, event: Input.Changed) -> None:
        """Pasted ESC/OSC sequences would reach the terminal raw from an Input: show them instead."""
        cleaned = clean(event.value, single_line=True)
        if cleaned != event.value:
            event.input.value = cleaned

    @on(TextArea.Changed, "#description")
    def _no_raw_controls_in_description(self, event: TextArea.Changed) -> None:
        area = event.text_area
        cleaned = clean(area.text)
        if cleaned != area.text:
            area.load_text(cleaned)
            area.move_cursor(area.document.end)

    # --- customer -------------------------------------------------------------------------

    @on(Input.Changed, "#customer-email, #customer-name")
    def _customer_typed(self, event: Input.Changed) -> None:
        self._clear_error("email" if event.input.id == "customer-email" else "name")
        chosen = self.customer
        if chosen is not None and (
            self._value("#customer-email") != clean(chosen.email or "", single_line=True)
            or self._value("#customer-name") != clean(chosen.name, single_line=True)
        ):
            self.customer = None
        self._show_customer_state()
        if event.input.has_focus:
            self.find_customers(event.value)

    @work(thread=True, exclusive=True, group="new-ticket-customers", exit_on_error=False)
    def find_customers(self, text: str) -> None:
        try:
            matches = search_customers(text, SUGGESTIONS) if len(text.strip()) >= 2 else []
        except Exception:  # noqa: BLE001 - suggestions are a help: without them the form still works
            matches = []
        if not get_current_worker().is_cancelled:
            self.post_message(self.Suggested(text, matches))

    def on_new_ticket_screen_suggested(self, message: Suggested) -> None:
        suggestions = self.query_one("#customer-suggestions", OptionList)
        focused = self.focused
        typed = focused.value if isinstance(focused, CustomerInput) else None
        if typed != message.text:
            return  # stale: the agent typed on, or left the field
        self._matches = [m for m in message.matches if not self._is_current(m)]
        suggestions.clear_options()
        for match in self._matches:
            suggestions.add_option(Option(self._match_prompt(match)))
        suggestions.display = bool(self._matches)
        suggestions.highlighted = None
        exact = next((m for m in message.matches if m.email and m.email == message.text.strip().lower()), None)
        if exact is not None and self.customer is None:
            self._show_customer_state(exact)

    def _is_current(self, match: CustomerMatch) -> bool:
        return self.customer is not None and self.customer.id == match.id

    def _match_prompt(self, match: CustomerMatch) -> Content:
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

    @on(Input.Submitted, "#customer-email, #customer-name")
    def _customer_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        suggestions = self.query_one("#customer-suggestions", OptionList)
        if suggestions.display and suggestions.highlighted is not None:
            self._choose_customer(self._matches[suggestions.highlighted])
        else:
            self._hide_suggestions()
            self.focus_next()

    @on(OptionList.OptionSelected, "#customer-suggestions")
    def _suggestion_clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose_customer(self._matches[event.option_index])

    def _choose_customer(self, match: CustomerMatch) -> None:
        email = self.query_one("#customer-email", Input)
        name = self.query_one("#customer-name", Input)
        with email.prevent(Input.Changed), name.prevent(Input.Changed):
            # Stored names may hold anything; an Input shows its value raw.
            email.value = clean(match.email or "", single_line=True)
            name.value = clean(match.name, single_line=True)
        self.customer = match
        self._hide_suggestions()
        self._clear_error("email")
        self._clear_error("name")
        self._show_customer_state()
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)
        self.query_one("#product", Select).focus()

    def _hide_suggestions(self) -> None:
        suggestions = self.query_one("#customer-suggestions", OptionList)
        suggestions.display = False
        suggestions.clear_options()
        self._matches = []

    @on(Input.Blurred, "#customer-email, #customer-name")
    def _customer_left(self, event: Input.Blurred) -> None:
        if not isinstance(self.focused, CustomerInput):
            self._hide_suggestions()

    def _show_customer_state(self, known: CustomerMatch | None = None) -> None:
        label = self.query_one("#customer-state", Label)
        match = self.customer or known
        if match is not None:
            count = ngettext("{n} request", "{n} requests", match.ticket_count).format(n=match.ticket_count)
            label.update(Content.assemble(
                Content.styled(_("Known customer") + ": ", "$text-success"),
                literal(match.name or match.email or "", single_line=True),
                Content.styled(f" · {count}", "dim"),
            ))
        elif EMAIL_RE.match(self._value("#customer-email")):
            label.update(Content.styled(_("New customer: will be created with this e-mail and name."), "dim"))
        else:
            label.update(Content.styled(_("Find a known customer by e-mail or name, or type a new e-mail."), "dim"))

    # --- product, scope, priority --------------------------------------------------------

    @on(Select.Changed, "#product")
    def _product_changed(self, event: Select.Changed) -> None:
        self._clear_error("product")
        value = event.value
        if event.select.is_blank() or not isinstance(value, str):
            self._product = None
            return
        spec = self.app.desk.regulation.product(value)
        today = self.app.now().astimezone(self.app.desk.regulation.timezone).date()
        if spec is None or spec.supported_on(today):
            self._product = value
            return
        previous = self._product
        ends = format_date(spec.support_ends, "dd.MM.yyyy", locale=current_language())

        def answered(register: bool | None) -> None:
            select = self.query_one("#product", Select)
            if register:
                self._product = value
            else:
                with select.prevent(Select.Changed):
                    if previous is None:
                        select.clear()
                    else:
                        select.value = previous
            select.focus()

        self.app.push_screen(
            ConfirmModal(
                _("Support for {product} ended on {date}").format(product=spec.name, date=ends),
                _("The regulation (section 1.1) no longer covers this product. Register the request anyway? "
                  "The ticket will be flagged “support ended”, and the customer can be told which products are supported now."),
                confirm=_("Register anyway"),
                cancel=_("Choose another product"),
            ),
            answered,
        )

    @on(Button.Pressed, "#scope")
    def _choose_scope(self, event: Button.Pressed) -> None:
        event.stop()
        regulation = self.app.desk.regulation

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self.scope = choice.value
                self._show_scope()
            self.query_one("#scope", Button).focus()

        self.app.push_screen(
            ChooseOptionModal(_("Scope category (regulation 1.4)"), scope_choices(regulation), current=self.scope,
                              id="choose-scope"),
            chosen,
        )

    def _show_scope(self) -> None:
        regulation = self.app.desk.regulation
        button = self.query_one("#scope", Button)
        if self.scope is None:
            button.label = Content(_("Not decided"))
            button.remove_class("-out-of-scope")
            return
        category = regulation.scope_category(self.scope)
        label = literal(scope_label(regulation, self.scope), single_line=True)
        out = category is not None and not category.in_scope
        if out:
            label = Content.assemble(Content(_("Out of scope") + ": "), label)
        button.label = label
        button.set_class(out, "-out-of-scope")

    @on(Select.Changed, "#priority")
    def _show_priority_hint(self, event: Select.Changed | None = None) -> None:
        priority = self.query_one("#priority", Select).value
        hint = self.query_one("#priority-hint", Label)
        if isinstance(priority, str):
            hint.update(Content.styled(target_hint(self.app.desk.regulation, priority), "dim"))

    # --- attachments ----------------------------------------------------------------------

    @on(Input.Submitted, "#attachment-path")
    @on(Button.Pressed, "#attachment-add")
    def _add_attachment(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        path = self._value("#attachment-path")
        if not path.strip():
            self._set_error("attachments", _("Type the path of a file, then press Enter."))
            return
        if any(a.path == path.strip() for a in self.attachments):
            self._set_error("attachments", _("This file is already in the list."))
            return
        self.check_attachment(path)

    @work(thread=True, exclusive=True, group="new-ticket-attachment", exit_on_error=False)
    def check_attachment(self, path: str) -> None:
        try:
            name, size = read_attachment_file(path)
        except FileProblem as problem:
            self.post_message(self.AttachmentChecked(path, None, describe(problem)))
        else:
            self.post_message(self.AttachmentChecked(path, PendingAttachment(path.strip(), name, size), None))

    def on_new_ticket_screen_attachment_checked(self, message: AttachmentChecked) -> None:
        if message.attachment is None:
            self._set_error("attachments", message.problem or "")
            return
        self.attachments.append(message.attachment)
        path_input = self.query_one("#attachment-path", Input)
        if path_input.value == message.path:
            path_input.value = ""
        self._clear_error("attachments")
        self._show_attachments()

    def _show_attachments(self) -> None:
        listing = self.query_one("#attachments", AttachmentList)
        highlighted = listing.highlighted
        listing.clear_options()
        for item in self.attachments:
            listing.add_option(Option(Content.assemble(
                literal(item.name, single_line=True, style="bold"),
                Content.styled(f"  {file_size(item.size)}  ", "dim"),
                literal(item.path, single_line=True, style="dim"),
            )))
        listing.display = bool(self.attachments)
        listing.border_title = ngettext("{n} file · Delete removes", "{n} files · Delete removes", len(self.attachments)).format(
            n=len(self.attachments))
        if self.attachments:
            listing.highlighted = min(highlighted or 0, len(self.attachments) - 1)

    @on(AttachmentList.RemoveRequested)
    def _remove_attachment(self, message: AttachmentList.RemoveRequested) -> None:
        if 0 <= message.index < len(self.attachments):
            del self.attachments[message.index]
        self._show_attachments()
        if not self.attachments:
            self.query_one("#attachment-path", Input).focus()

    # --- errors ---------------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def _set_error(self, field: str, text: str) -> None:
        label = self.query_one(f"#error-{field}", Label)
        label.update(literal(text))
        label.display = True

    def _clear_error(self, field: str) -> None:
        found = self.query(f"#error-{field}")
        if found:
            found.first(Label).display = False

    @on(Input.Changed, "#subject")
    def _subject_typed(self) -> None:
        self._clear_error("subject")

    @on(TextArea.Changed, "#description")
    def _description_typed(self) -> None:
        self._clear_error("description")

    @on(Input.Changed, "#attachment-path")
    def _path_typed(self) -> None:
        self._clear_error("attachments")

    def validate(self) -> list[tuple[str, str]]:
        """Problems as (field, text), in the order of the form; nothing is changed."""
        problems: list[tuple[str, str]] = []
        email = self._value("#customer-email").strip()
        telegram_only = self.customer is not None and not self.customer.email and self.customer.telegram
        if not email and not telegram_only:
            problems.append(("email", _("Required: the customer's e-mail (or choose a known customer).")))
        elif email and not EMAIL_RE.match(email):
            problems.append(("email", _("Not an e-mail address: it should look like name@example.ru.")))
        if self._product is None:
            problems.append(("product", _("Required: choose the product.")))
        if not self._value("#subject").strip():
            problems.append(("subject", _("Required: the problem in a few words.")))
        if not self.query_one("#description", TextArea).text.strip():
            problems.append(("description", _("Required: describe the problem.")))
        if self._value("#attachment-path").strip():
            problems.append(("attachments", _("Press Enter to add this file, or clear the path.")))
        return problems

    # --- saving ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return None if self._saving else True
        return True

    @on(Button.Pressed, "#create")
    def _create_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self._saving:
            return
        for error in self.query(".field-error"):
            error.display = False
        problems = self.validate()
        if problems:
            for field, text in problems:
                self._set_error(field, text)
            self._focus_field(problems[0][0])
            self.notify(
                ngettext("{n} field needs attention.", "{n} fields need attention.", len(problems)).format(n=len(problems)),
                severity="warning",
            )
            return
        customer = self.customer
        if customer is not None:  # as stored (the fields show it cleaned)
            email, name = customer.email, customer.name
        else:
            email, name = self._value("#customer-email").strip() or None, self._value("#customer-name").strip()
        new = NewTicket(
            subject=self._value("#subject"),
            body=self.query_one("#description", TextArea).text,
            customer_email=email,
            customer_name=name,
            customer_telegram=customer.telegram if customer is not None and not email else None,
            product=self._product,
            channel=str(self.query_one("#channel", Select).value),
            scope=self.scope,
            priority=str(self.query_one("#priority", Select).value),
        )
        self._saving = True
        self.refresh_bindings()
        self.query_one("#create", Button).disabled = True
        self.save_ticket(new, [a.path for a in self.attachments])

    @work(thread=True, exclusive=True, group="new-ticket-save", exit_on_error=False)
    def save_ticket(self, new: NewTicket, paths: list[str]) -> None:
        desk = self.app.desk
        try:
            files = [load_attachment_file(path) for path in paths]
            ticket = create_ticket(desk, replace(new, attachments=files))
        except FileProblem as problem:
            self.post_message(self.CreateFailed("attachments", describe(problem)))
            return
        except ValidationError as error:
            self.post_message(self.CreateFailed(error.field, _validation_text(error, desk.regulation)))
            return
        except NotFoundError as error:
            self.post_message(self.CreateFailed("product", describe(error, desk.regulation)))
            return
        except Exception as error:  # noqa: BLE001 - any other refusal, or the database (locked, disk full): keep the form
            self.post_message(self.CreateFailed(None, describe(error, desk.regulation)))
            return
        text = taken_up_text(desk.regulation, ticket.number, desk.now(), ticket.due_at, getattr(self.app, "agent_tz", None))
        self.post_message(self.Created(ticket.number, text))

    def on_new_ticket_screen_create_failed(self, message: CreateFailed) -> None:
        self._saving = False
        self.query_one("#create", Button).disabled = False
        self.refresh_bindings()
        field = {"body": "description", "customer": "email", "attachment": "attachments"}.get(message.field, message.field)
        if field and self.query(f"#error-{field}"):
            self._set_error(field, message.text)
            self._focus_field(field)
        self.notify(message.text, title=_("The ticket was not created"), severity="error", markup=False, timeout=10)

    def on_new_ticket_screen_created(self, message: Created) -> None:
        self._saving = False
        self.notify(message.text, title=_("Created"), markup=False, timeout=12)
        self.app.post_message(TicketsChanged((message.number,)))
        from helpdesk.screens.thread import ThreadScreen

        self.app.switch_screen(ThreadScreen(message.number))
        category = self.app.desk.regulation.scope_category(self.scope) if self.scope else None
        if category is not None and not category.in_scope:
            # Regulation 1.4 (workflow): offer the reply quoting the rule and the rejection.
            from helpdesk.screens.reject_out_of_scope import RejectOutOfScopeModal

            app, number = self.app, message.number
            app.push_screen(
                RejectOutOfScopeModal(number, self.scope, None),
                lambda outcome: app.post_message(TicketsChanged((number,))) if outcome else None,
            )

    def _focus_field(self, field: str) -> None:
        target = {
            "email": "#customer-email",
            "name": "#customer-name",
            "product": "#product",
            "channel": "#channel",
            "subject": "#subject",
            "description": "#description",
            "attachments": "#attachment-path",
            "scope": "#scope",
            "priority": "#priority",
        }.get(field)
        if target:
            widget = self.query_one(target)
            widget.focus()
            self.query_one("#form", VerticalScroll).scroll_to_widget(widget, animate=False)

    # --- leaving --------------------------------------------------------------------------

    def has_input(self) -> bool:
        texts = [self._value(s) for s in ("#customer-email", "#customer-name", "#subject", "#attachment-path")]
        texts.append(self.query_one("#description", TextArea).text)
        return any(t.strip() for t in texts) or bool(self.attachments)

    def action_leave(self) -> None:
        suggestions = self.query_one("#customer-suggestions", OptionList)
        if suggestions.display:
            self._hide_suggestions()
            return
        if not self.has_input():
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDiscardModal(_("The new request has not been created. What you typed will be lost.")), answered)


def _validation_text(error: ValidationError, regulation: Regulation) -> str:
    texts = {
        "email": _("Not an e-mail address: it should look like name@example.ru."),
        "subject": _("Required: the problem in a few words."),
        "body": _("Required: describe the problem."),
        "customer": _("Required: the customer's e-mail (or choose a known customer)."),
    }
    return texts.get(error.field) or describe(error, regulation, located=False)
