"""The context every operation runs in: the regulation, the clock, the acting agent, and who
the desk is on the mail (the composition root, the CLI, fills it from the settings file).

Who may do what is decided once, when the composition root admits the operating-system user
(data/store/agents.py ``admit``): it sets ``agent``, ``role`` and ``write_refusal`` here. A Desk
built in code (tests, the demo generator, benchmarks) is trusted: an admin that may write.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass, field, replace
from datetime import datetime

from helpdesk.data.core.clock import Clock, FixedClock
from helpdesk.data.core.errors import AccessError
from helpdesk.data.core.values import Limits
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.rules.working_hours import WorkingCalendar

# The roles of data/store/models.py Agent.role.
ADMIN, AGENT, READ_ONLY = "admin", "agent", "read_only"


def os_login() -> str:
    """The operating-system user running this process, by its real user id.

    Never from ``USER`` or ``LOGNAME`` (what getpass reads first): anyone can set those, and
    access to the desk depends on this name."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a user id with no name (a container's arbitrary uid): the number it is
        return str(uid)


@dataclass
class Desk:
    regulation: Regulation
    clock: Clock = field(default_factory=Clock)
    agent: str = field(default_factory=os_login)
    # The right-hand side of the Message-IDs the desk makes, and the desk's own addresses: mail
    # "from" one of them is never answered (that would loop).
    mail_domain: str = "helpdesk.invalid"
    own_addresses: frozenset[str] = frozenset()
    # The operating-system user running the process: every event records it as its real user
    # when it is not the agent (an admin acting as someone else with --as).
    user: str = field(default_factory=os_login)
    role: str = ADMIN
    # Why this desk may not write (not an agent here, a read-only agent, a read-only database);
    # None: it may.
    write_refusal: AccessError | None = None
    # What one request may bring, on every channel (the settings' [limits]).
    limits: Limits = field(default_factory=Limits)

    @property
    def calendar(self) -> WorkingCalendar:
        return self.regulation.calendar

    def now(self) -> datetime:
        return self.clock.now()

    def at_one_instant(self) -> Desk:
        """This desk with its clock stopped now: an operation made of several (a rejection, an undo)
        writes all its events at one instant, which is how the audit trail tells one change
        (data/tickets/undo.py)."""
        return replace(self, clock=FixedClock(self.now()))

    def check_write(self) -> None:
        """Raise ``write_refusal`` (a fresh copy: one error object is raised once) if there is one."""
        refusal = self.write_refusal
        if refusal is not None:
            raise AccessError(refusal.code, where=refusal.where, **refusal.params)
