"""The context every operation runs in: the regulation, the clock, the acting agent, and who
the desk is on the mail (the composition root, the CLI, fills it from the settings file)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk.data.core.clock import Clock
from helpdesk.data.core.values import Limits
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.rules.working_hours import WorkingCalendar


def os_login() -> str:
    """The operating-system user: the agent, unless ``--as`` says otherwise."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "agent"


@dataclass
class Desk:
    regulation: Regulation
    clock: Clock = field(default_factory=Clock)
    agent: str = field(default_factory=os_login)
    # The right-hand side of the Message-IDs the desk makes, and the desk's own addresses: mail
    # "from" one of them is never answered (that would loop).
    mail_domain: str = "helpdesk.invalid"
    own_addresses: frozenset[str] = frozenset()
    # What one request may bring, on every channel (the settings' [limits]).
    limits: Limits = field(default_factory=Limits)

    @property
    def calendar(self) -> WorkingCalendar:
        return self.regulation.calendar

    def now(self) -> datetime:
        return self.clock.now()
