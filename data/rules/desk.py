"""The context every operation runs in: the regulation, the clock and the acting agent."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk.data.core.clock import Clock
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

    @property
    def calendar(self) -> WorkingCalendar:
        return self.regulation.calendar

    def now(self) -> datetime:
        return self.clock.now()
