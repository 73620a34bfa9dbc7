"""Finding what operations act on: a ticket by number, a product by name, a customer (agents:
data/store/agents.py, which never registers one on the fly).

The customer look-up lives here only: every channel (the CLI and the TUI by e-mail, mail intake
with or without a usable address, the portal, Telegram by user id) finds or creates its customer
through :func:`find_or_create_customer` or :func:`find_or_create_unaddressed`.
"""

from __future__ import annotations

from datetime import datetime

from helpdesk.data.core.errors import Code, NotFoundError, ValidationError
from helpdesk.data.core.text import one_line
from helpdesk.data.core.values import validate_email, validate_phone
from helpdesk.data.store import models as m


def get_ticket(number: int) -> m.Ticket:
    ticket = m.Ticket.get_or_none(m.Ticket.number == number)
    if ticket is None:
        raise NotFoundError(Code.TICKET_NOT_FOUND, number=number)
    return ticket


def find_product(name: str) -> m.Product:
    folded = name.strip().casefold()
    for product in m.Product.select().order_by(m.Product.id):
        if product.name.casefold() == folded:
            return product
    raise NotFoundError(Code.PRODUCT_UNKNOWN, product=name, products=product_names())


def product_names() -> list[str]:
    return [p.name for p in m.Product.select(m.Product.name).order_by(m.Product.id)]


def find_or_create_customer(
    now: datetime,
    email: str | None,
    name: str = "",
    telegram: str | None = None,
    organisation: str | None = None,
    *,
    rename: bool = False,
    phone: str | None = None,
) -> m.Customer:
    """The customer with this e-mail (or Telegram id, or phone number as typed), created if new.

    A known customer keeps their name unless it is empty, or ``rename`` says the channel's name
    is the current one (Telegram users rename themselves; an e-mail display name is not that
    reliable); one without a phone number gets the one given.
    """
    phone = validate_phone(phone) if phone else None
    if email:
        email = validate_email(email)
        customer = m.Customer.get_or_none(m.Customer.email == email)
    elif telegram:
        customer = m.Customer.get_or_none(m.Customer.telegram == telegram)
    elif phone:
        customer = m.Customer.get_or_none(m.Customer.phone == phone)
    else:
        raise ValidationError("customer", Code.TICKET_CONTACT_REQUIRED)
    name = one_line(name).strip()
    if customer is None:
        customer = m.Customer.create(
            name=name or (email.split("@")[0] if email else telegram or phone),
            email=email,
            telegram=telegram,
            phone=phone,
            organisation=organisation,
            created_at=now,
        )
        return customer
    if name and (not customer.name or (rename and customer.name != name)):
        customer.name = name
        customer.save()
    if phone and not customer.phone:
        customer.phone = phone
        customer.save()
    return customer


UNKNOWN_SENDER = "(unknown sender)"  # the name of a customer a mail named neither by address nor by name


def known_name(customer: m.Customer) -> str | None:
    """The customer's name, or None when only an address is known.

    A customer registered without a name is named after their address (the local part of the
    e-mail, the Telegram handle, the phone number: ``find_or_create_customer``): that is no name
    to greet them by."""
    name = (customer.name or "").strip()
    if not name or name == UNKNOWN_SENDER:
        return None
    made_up = {value.strip().casefold() for value in (customer.email, customer.telegram, customer.phone) if value}
    if customer.email:
        made_up.add(customer.email.split("@")[0].casefold())
    if customer.telegram:
        made_up.add(customer.telegram.lstrip("@").casefold())
    return None if name.casefold() in made_up or name.lstrip("@").casefold() in made_up else name


def find_or_create_unaddressed(now: datetime, address: str | None, name: str) -> m.Customer:
    """A mail sender with no usable address: kept by the address as the mail wrote it (MAILER-DAEMON,
    someone@intranet), else by name; one customer each. Nothing is sent to such an address
    (outbox.route_for)."""
    name = one_line(name).strip()
    address = one_line(address).strip().lower()
    if address:
        customer = m.Customer.get_or_none(m.Customer.email == address)
        return customer or m.Customer.create(name=name or address, email=address, created_at=now)
    shown = name or UNKNOWN_SENDER
    customer = m.Customer.get_or_none(
        (m.Customer.email.is_null()) & (m.Customer.telegram.is_null()) & (m.Customer.name == shown)
    )
    if customer is None:
        customer = m.Customer.create(name=shown, created_at=now)
    return customer
