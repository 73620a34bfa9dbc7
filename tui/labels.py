"""Words for the store's codes (statuses, channels, priorities, scope, flags) in the current language.

``data/`` keeps short English codes (``open``, ``telegram``, ``high``); people read these.
Scope category names come from the regulation file in both languages (ScopeCategory.label).
"""

from __future__ import annotations

from helpdesk.data.rules.regulation import Regulation
from helpdesk.tui.i18n import N_, NP_, _, current_language, pgettext

# With a context: a ticket's status is "Открыта" in Russian, other "Open"s are not.
STATUS_LABELS = {
    "new": NP_("ticket status", "New"),
    "open": NP_("ticket status", "Open"),
    "waiting": NP_("ticket status", "Waiting for customer"),
    "resolved": NP_("ticket status", "Resolved"),
    "closed": NP_("ticket status", "Closed"),
    "rejected": NP_("ticket status", "Rejected"),
}

CHANNEL_LABELS = {
    "email": N_("E-mail"),
    "portal": N_("Portal"),
    "telegram": N_("Telegram"),
    "phone": N_("Phone"),
    "visit": N_("Visit"),
}

PRIORITY_LABELS = {
    "low": NP_("priority", "Low"),
    "normal": NP_("priority", "Normal"),
    "high": NP_("priority", "High"),
}

# Who made a change, when it is not an agent's login (data/tickets/operations.py): the customer,
# the helpdesk itself, or the channel a request came in by (its "created" event).
ACTOR_LABELS = {
    "customer": N_("customer"),
    "system": N_("helpdesk"),
}

# A change as a noun: what an undo refused to undo (data/tickets/undo.py).
CHANGE_LABELS = {
    "reply": N_("a reply to the customer"),
    "note": N_("an internal note"),
    "split": N_("a split"),
    "created": N_("creating the ticket"),
}

FLAG_LABELS = {
    "support_ended": N_("support ended"),
    "out_of_hours": N_("received out of hours"),
    "waiting_stale": N_("waiting too long"),
    "merged": N_("merged"),
    "split": N_("split"),
}


def _label(table: dict, code: str | None) -> str:
    if code is None:
        return ""
    if code not in table:
        return code
    entry = table[code]
    return pgettext(*entry) if isinstance(entry, tuple) else _(entry)


def status_label(code: str | None) -> str:
    return _label(STATUS_LABELS, code)


def channel_label(code: str | None) -> str:
    return _label(CHANNEL_LABELS, code)


def priority_label(code: str | None) -> str:
    return _label(PRIORITY_LABELS, code)


def actor_label(code: str | None) -> str:
    """An event's actor: a login as it is; the customer, the helpdesk and a channel in words."""
    if code in CHANNEL_LABELS:
        return channel_label(code)
    return _label(ACTOR_LABELS, code)


def change_label(code: str | None) -> str:
    return _label(CHANGE_LABELS, code)


def flag_label(code: str) -> str:
    return _label(FLAG_LABELS, code)


def scope_label(regulation: Regulation, key: str | None) -> str:
    """The category's name in the agent's language; an unknown key as it is."""
    if key is None:
        return ""
    category = regulation.scope_category(key)
    return category.label(current_language()) if category else key
