"""The new-ticket screen: an agent registers a request by hand (a phone call, a visit, a forwarded letter).

Fields: customer (e-mail and name, with suggestions of known customers by e-mail or name, and a
phone number; a call or a visit needs the name and an e-mail or a phone number),
product (one past its support end asks first and the ticket is flagged), channel, subject,
description, attachments (paths checked as they are added), optional scope category and
priority. Validation is inline and never clears what was typed; Escape with text asks first.
ctrl+s creates the ticket, says when support takes it up, and opens its thread.

The screen composes the form and acts on it; its reusable pieces live in tui/: the customer
suggestions (widgets/customer_suggestions.py), the attachments field (widgets/attachment_field.py),
the inline error lines (widgets/field_error.py) and the product and taken-up texts (support_text.py).
"""

from __future__ import annotations

from dataclasses import replace

from babel.dates import format_date
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea

from helpdesk.data.read.attachments import FileProblem, load_attachment_file
from helpdesk.data.read.customers import CustomerMatch
from helpdesk.data.core.errors import Code, NotFoundError, ValidationError
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.core.values import EMAIL_RE, NewTicket, validate_phone
from helpdesk.data.tickets.operations import create_ticket
from helpdesk.screens.choose_option import Choice, ChooseOptionModal, scope_choices, target_hint
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.reject_out_of_scope import RejectOutOfScopeModal
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _, current_language, ngettext
from helpdesk.tui.keys import NAVIGATION
from helpdesk.tui.labels import channel_label, priority_label, scope_label
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import BaseScreen
from helpdesk.tui.support_text import product_label, taken_up_text
from helpdesk.tui.safe_text import clean
from helpdesk.tui.text import literal
from helpdesk.tui.widgets.attachment_field import AttachmentField, PendingAttachment
from helpdesk.tui.widgets.customer_suggestions import CustomerInput, CustomerSuggestions, customer_state
from helpdesk.tui.widgets.field_error import FieldError
from helpdesk.tui.stylesheets import stylesheet

# An agent types a request in by hand mostly while on the phone with the customer; mail,
# portal and Telegram requests arrive by themselves.
DEFAULT_CHANNEL = "phone"

# Said by the form's own checks and, for the same fields, when the store refuses the ticket.
NO_EMAIL = N_("Required: the customer's e-mail or phone (or choose a known customer).")
BAD_EMAIL = N_("Not an e-mail address: it should look like name@example.ru.")
BAD_PHONE = N_("Not a phone number: 5-20 digits, with spaces, +, - and parentheses.")
NO_NAME = N_("Required: the customer's name (a call or a visit).")
NO_SUBJECT = N_("Required: the problem in a few words.")
NO_DESCRIPTION = N_("Required: describe the problem.")


class NewTicketScreen(BaseScreen):
    """Register a request by hand."""

    HELP_TITLE = N_("New ticket")

    CSS_PATH = stylesheet("new_ticket.tcss")

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Create"), tooltip=N_("Create the ticket"), id="new_ticket.save"),
        Binding("escape", "leave", N_("Back"), tooltip=N_("Back to the queue (asks if you typed something)"),
                id="new_ticket.leave", group=NAVIGATION),
    ]

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
        self.customer: CustomerMatch | None = None  # chosen from the suggestions
        self.scope: str | None = None
        self._product: str | None = None  # the product as confirmed
        self._saving = False

    # --- layout ---------------------------------------------------------------------------

    def _row(self, label: str, widget, *, field: str, gap: bool = False) -> ComposeResult:
        with Horizontal(classes="field-row -gap" if gap else "field-row"):
            yield Label(Content(label), classes="field-label", markup=False)
            yield widget
        yield FieldError(id=f"error-{field}")

    def compose_body(self) -> ComposeResult:
        regulation: Regulation = self.app.desk.regulation
        yield Label(Content(_("New ticket")), id="new-ticket-title", markup=False)
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
            yield CustomerSuggestions(id="customer-suggestions")
            yield Label(id="customer-state", markup=False)
            yield from self._row(
                _("Phone"), Input(placeholder=_("to call back, e.g. +7 912 345-67-89"), id="customer-phone", compact=True,
                                  select_on_focus=False), field="phone",
            )  # fmt: skip
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
            yield FieldError(id="error-description", classes="-below")
            yield AttachmentField(self.app.desk.limits.attachment_bytes)
            with Horizontal(classes="field-row -gap"):
                yield Label(Content(_("Scope")), classes="field-label", markup=False)
                yield Button(Content(_("Not decided")), id="scope", compact=True)
            yield FieldError(id="error-scope")
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
        self.sub_title = _("New ticket")
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
            self.query_one(CustomerSuggestions).search(event.value)

    @on(CustomerSuggestions.Found)
    def _customers_found(self, message: CustomerSuggestions.Found) -> None:
        focused = self.focused
        typed = focused.value if isinstance(focused, CustomerInput) else None
        if typed != message.text:
            return  # stale: the agent typed on, or left the field
        self.query_one(CustomerSuggestions).show([m for m in message.matches if not self._is_current(m)])
        exact = next((m for m in message.matches if m.email and m.email == message.text.strip().lower()), None)
        if exact is not None and self.customer is None:
            self._show_customer_state(exact)

    def _is_current(self, match: CustomerMatch) -> bool:
        return self.customer is not None and self.customer.id == match.id

    @on(Input.Submitted, "#customer-email, #customer-name")
    def _customer_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        chosen = self.query_one(CustomerSuggestions).highlighted_match
        if chosen is not None:
            self._choose_customer(chosen)
        else:
            self._hide_suggestions()
            self.focus_next()

    @on(OptionList.OptionSelected, "#customer-suggestions")
    def _suggestion_clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose_customer(self.query_one(CustomerSuggestions).matches[event.option_index])

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
        self.query_one(CustomerSuggestions).hide()

    @on(Input.Blurred, "#customer-email, #customer-name")
    def _customer_left(self, event: Input.Blurred) -> None:
        if not isinstance(self.focused, CustomerInput):
            self._hide_suggestions()

    def _show_customer_state(self, known: CustomerMatch | None = None) -> None:
        state = customer_state(self.customer or known, self._value("#customer-email"))
        self.query_one("#customer-state", Label).update(state)

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
                _("The regulation (section 1.1) no longer covers this product. Register the ticket anyway? "
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

    @property
    def attachments(self) -> list[PendingAttachment]:
        """The files checked and listed so far (the field checks each path as it is added)."""
        return self.query_one(AttachmentField).files

    # --- errors ---------------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def _set_error(self, field: str, text: str) -> None:
        self.query_one(f"#error-{field}", FieldError).show(text)

    def _clear_error(self, field: str) -> None:
        found = self.query(f"#error-{field}")
        if found:
            found.first(FieldError).clear()

    @on(Input.Changed, "#subject")
    def _subject_typed(self) -> None:
        self._clear_error("subject")

    @on(Input.Changed, "#customer-phone")
    def _phone_typed(self) -> None:
        self._clear_error("phone")
        self._clear_error("email")  # a phone number is a contact too

    @on(TextArea.Changed, "#description")
    def _description_typed(self) -> None:
        self._clear_error("description")

    def validate(self) -> list[tuple[str, str]]:
        """Problems as (field, text), in the order of the form; nothing is changed."""
        problems: list[tuple[str, str]] = []
        email = self._value("#customer-email").strip()
        phone = self._value("#customer-phone").strip()
        telegram_only = self.customer is not None and not self.customer.email and self.customer.telegram
        if not email and not phone and not telegram_only:
            problems.append(("email", _(NO_EMAIL)))
        elif email and not EMAIL_RE.match(email):
            problems.append(("email", _(BAD_EMAIL)))
        by_agent = self.query_one("#channel", Select).value in self.app.desk.regulation.by_agent
        if by_agent and self.customer is None and not self._value("#customer-name").strip():
            problems.append(("name", _(NO_NAME)))
        if phone:
            try:
                validate_phone(phone)
            except ValidationError:
                problems.append(("phone", _(BAD_PHONE)))
        if self._product is None:
            problems.append(("product", _("Required: choose the product.")))
        if not self._value("#subject").strip():
            problems.append(("subject", _(NO_SUBJECT)))
        if not self.query_one("#description", TextArea).text.strip():
            problems.append(("description", _(NO_DESCRIPTION)))
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
        for error in self.query(FieldError):
            error.clear()
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
            customer_phone=self._value("#customer-phone").strip() or None,
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
            files = [load_attachment_file(path, desk.limits.attachment_bytes) for path in paths]
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
        self.app.switch_screen(ThreadScreen(message.number))
        category = self.app.desk.regulation.scope_category(self.scope) if self.scope else None
        if category is not None and not category.in_scope:
            # Regulation 1.4 (workflow): offer the reply quoting the rule and the rejection.
            app, number = self.app, message.number
            app.push_screen(
                RejectOutOfScopeModal(number, self.scope, None),
                lambda outcome: app.post_message(TicketsChanged((number,))) if outcome else None,
            )

    def _focus_field(self, field: str) -> None:
        target = {
            "email": "#customer-email",
            "name": "#customer-name",
            "phone": "#customer-phone",
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
        texts = [self._value(s) for s in ("#customer-email", "#customer-name", "#customer-phone", "#subject", "#attachment-path")]
        texts.append(self.query_one("#description", TextArea).text)
        return any(t.strip() for t in texts) or bool(self.attachments)

    def action_leave(self) -> None:
        if self.query_one(CustomerSuggestions).display:
            self._hide_suggestions()
            return
        if not self.has_input():
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDiscardModal(_("The new ticket has not been created. What you typed will be lost.")), answered)


# The store's refusals the form also checks itself, in the form's words; any other (a limit of
# the settings, say) is described as it is.
FORM_TEXTS = {Code.EMAIL_INVALID: BAD_EMAIL, Code.TICKET_SUBJECT_REQUIRED: NO_SUBJECT,
              Code.TICKET_DESCRIPTION_EMPTY: NO_DESCRIPTION, Code.TICKET_CONTACT_REQUIRED: NO_EMAIL,
              Code.PHONE_INVALID: BAD_PHONE, Code.TICKET_NAME_REQUIRED: NO_NAME}  # fmt: skip


def _validation_text(error: ValidationError, regulation: Regulation) -> str:
    text = FORM_TEXTS.get(error.code)
    return _(text) if text else describe(error, regulation, located=False)
