"""The desk's agents, and who may do what: the one place access is decided.

An agent is an operating-system user registered on the desk (models.Agent): an admin, an agent
or a read-only agent, active or disabled. The user who creates the database is its first admin
(seed.py); admins add the others. Nobody else is ever registered on the fly: assigning a ticket
to a login nobody registered is refused, naming the agents there are (no phantom agent from a
typo). Only the desk itself registers agents without an admin: its first admin, and the demo's.

Where the check lives, and why. The composition root (the CLI, which also composes the app)
calls ``admit`` once, when it builds the Desk: from the agents table it decides who acts (the
operating-system user, or whom an admin names with ``--as``), with which role, whether reading
is allowed at all, and why writing is not (``Desk.write_refusal``). Then:

* the CLI refuses a write command before it starts, with that one line (naming the admins), so
  nothing is half done (a mailbox read, a file moved aside);
* the store of a desk that may not write is made query-only (database.refuse_writes): whatever
  code path tries to write (any screen, a job, a command added later) SQLite refuses it, and the
  app says why when it starts. A check in each operation instead would have to be repeated in
  every one, and in every one added later, and still leave the writes outside the ticket
  operations (prepared replies, the outbox, the quarantine) open;
* the admins' own operations here check the role themselves: they alone depend on it.

Operations trust the Desk they are given: tests, the demo generator and benchmarks build Desks
directly, with every right. The role is the desk's rule, not a lock: whoever may write the file
(its group) can change it with other tools, so the file's group is who may be an agent at all.
"""

from __future__ import annotations

import re
from dataclasses import replace

from helpdesk.data.core.errors import AccessError, Code, NotFoundError, ValidationError
from helpdesk.data.rules.desk import ADMIN, AGENT, READ_ONLY, Desk
from helpdesk.data.store import models as m

# Who may read a desk: its agents (the default), or any operating-system user who can open the
# database file. A desk's own setting (in its Meta table), so only its admins can open it: a
# setting in the reader's own config file would let anyone open it for themselves.
READERS_KEY = "access.readers"
AGENTS_READ, ANYONE_READS = "agents", "anyone"
READERS = (AGENTS_READ, ANYONE_READS)

# A POSIX login (portable characters, an optional trailing $), or a directory's user@domain.
LOGIN = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,63}\$?")


def admins() -> list[str]:
    """The logins of the active admins: whom a refused user can ask."""
    query = m.Agent.select(m.Agent.login).where((m.Agent.role == ADMIN) & m.Agent.active)
    return [a.login for a in query.order_by(m.Agent.login)]


def list_agents() -> list[m.Agent]:
    return list(m.Agent.select().order_by(m.Agent.login))


def active_agent(login: str) -> m.Agent:
    """The registered, active agent ``login``; refused naming the active agents if there is none."""
    agent = m.Agent.get_or_none(m.Agent.login == login)
    if agent is None:
        active = m.Agent.select(m.Agent.login).where(m.Agent.active).order_by(m.Agent.login)
        raise NotFoundError(Code.AGENT_UNKNOWN, login=login, agents=[a.login for a in active])
    if not agent.active:
        raise AccessError(Code.AGENT_DISABLED, login=login)
    return agent


def register(login: str, *, name: str = "", role: str = AGENT) -> m.Agent:
    """The agent ``login``, registered if new (an existing one is kept as it is): for the desk's
    own agents (the demo's). People are added by an admin, ``add_agent``."""
    agent, _ = m.Agent.get_or_create(login=login, defaults={"display_name": name or login, "role": role})
    return agent


def _check_admin(desk: Desk) -> None:
    desk.check_write()  # first: a user who is no agent here is told that, not that they are no admin
    if desk.role != ADMIN:
        raise AccessError(Code.ACCESS_ADMIN_ONLY, admins=admins())


def add_agent(desk: Desk, login: str, *, name: str = "", role: str = AGENT) -> m.Agent:
    """An admin registers the operating-system user ``login`` as an agent with ``role``."""
    _check_admin(desk)
    if not LOGIN.fullmatch(login):
        raise ValidationError("login", Code.AGENT_LOGIN_INVALID, login=login)
    with m.database_proxy.atomic():
        if m.Agent.get_or_none(m.Agent.login == login) is not None:
            raise ValidationError("login", Code.AGENT_EXISTS, login=login)
        return m.Agent.create(login=login, display_name=name.strip() or login, role=role)


def set_active(desk: Desk, login: str, active: bool) -> m.Agent:
    """An admin disables an agent (who keeps their history but may no longer work) or enables
    them again. The last active admin cannot be disabled: nobody could add anyone any more."""
    _check_admin(desk)
    with m.database_proxy.atomic():
        agent = m.Agent.get_or_none(m.Agent.login == login)
        if agent is None:
            raise NotFoundError(Code.AGENT_UNKNOWN, login=login, agents=[a.login for a in list_agents()])
        if not active and agent.role == ADMIN and admins() == [login]:
            raise AccessError(Code.ACCESS_LAST_ADMIN, login=login)
        agent.active = active
        agent.save()
    return agent


def readers() -> str:
    """Who may read the desk: AGENTS_READ (the default) or ANYONE_READS."""
    row = m.Meta.get_or_none(m.Meta.key == READERS_KEY)
    return row.value if row is not None and row.value in READERS else AGENTS_READ


def set_readers(desk: Desk, who: str) -> None:
    _check_admin(desk)
    m.put_meta(READERS_KEY, who)


def admit(desk: Desk, acting_as: str | None) -> Desk:
    """The desk of ``desk.user``, the operating-system user, acting as ``acting_as`` (or as
    themselves): who acts, with which role, and why writing is refused, if it is.

    Raises AccessError when even reading is refused: the user is no active agent here and the
    desk is not open to anyone for reading, or a non-admin asks to act as someone else. The
    store's own read-only state is the caller's to add (it knows the target)."""
    me = m.Agent.get_or_none(m.Agent.login == desk.user)
    other = acting_as is not None and acting_as != desk.user
    if me is None or not me.active:
        code = Code.ACCESS_NOT_AGENT if me is None else Code.ACCESS_DISABLED
        refusal = AccessError(code, user=desk.user, admins=admins())
        if other or readers() != ANYONE_READS:
            raise refusal
        return replace(desk, agent=desk.user, role=READ_ONLY, write_refusal=refusal)
    agent = me
    if other:
        if me.role != ADMIN:
            raise AccessError(Code.ACCESS_ACT_AS_ADMIN_ONLY, admins=admins())
        agent = active_agent(acting_as)
    refusal = None
    if agent.role == READ_ONLY:
        refusal = AccessError(Code.ACCESS_READ_ONLY, agent=agent.login, admins=admins())
    return replace(desk, agent=agent.login, role=agent.role, write_refusal=refusal)
