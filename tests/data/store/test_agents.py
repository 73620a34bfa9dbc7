"""data/store/agents.py: who the desk's agents are, and what the operating-system user may do."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpdesk.data.core.errors import AccessError, Code, NotFoundError, ValidationError
from helpdesk.data.rules.desk import ADMIN, AGENT, READ_ONLY, os_login
from helpdesk.data.store import agents
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.store.seed import seed_first_admin
from tests.data.store.test_migrations import build_v1
from tests.factories import SEEDED_AT, SEEDED_BY, register_agents


def roles() -> dict[str, tuple[str, bool]]:
    return {a.login: (a.role, a.active) for a in agents.list_agents()}


def test_whoever_creates_the_database_is_its_first_admin_and_the_only_one(desk):
    assert roles() == {os_login(): (ADMIN, True), "petrova": (AGENT, True)}  # petrova: make_desk's agent
    seed_first_admin("sidorov")  # a second process creating it at the same moment
    assert "sidorov" not in roles()


@pytest.mark.sqlite_only  # the upgrade of a SQLite desk of schema 1
def test_a_database_upgraded_to_roles_gets_the_upgrading_user_as_admin(db_path, regulation):
    build_v1(db_path)
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert roles()[os_login()] == (ADMIN, True)
    assert roles()["petrova"] == (AGENT, True)  # an agent of before stays one


def test_an_admin_adds_agents_and_nobody_else_may(desk):
    agents.add_agent(desk, "sidorov", name=" Пётр Сидоров ", role=READ_ONLY)
    assert m.Agent.get(m.Agent.login == "sidorov").display_name == "Пётр Сидоров"
    assert roles()["sidorov"] == (READ_ONLY, True)
    with pytest.raises(ValidationError) as exists:
        agents.add_agent(desk, "sidorov")
    assert (exists.value.code, exists.value.params) == (Code.AGENT_EXISTS, {"login": "sidorov"})
    with pytest.raises(ValidationError) as invalid:
        agents.add_agent(desk, "anna petrova")
    assert invalid.value.code == Code.AGENT_LOGIN_INVALID
    with pytest.raises(AccessError) as refused:
        agents.add_agent(replace(desk, role=AGENT), "kuznetsova")
    assert (refused.value.code, refused.value.params) == (Code.ACCESS_ADMIN_ONLY, {"admins": [os_login()]})
    assert "kuznetsova" not in roles()


def test_a_desk_that_may_not_write_is_told_why_before_it_is_told_it_is_no_admin(desk):
    refusal = AccessError(Code.ACCESS_NOT_AGENT, user="ivanov", admins=[os_login()])
    with pytest.raises(AccessError) as refused:
        agents.add_agent(replace(desk, role=READ_ONLY, write_refusal=refusal), "ivanov")
    assert refused.value.code == Code.ACCESS_NOT_AGENT and refused.value is not refusal


def test_agents_are_disabled_and_enabled_but_the_last_admin_stays(desk):
    agents.set_active(desk, "petrova", False)
    assert roles()["petrova"] == (AGENT, False)
    with pytest.raises(AccessError) as disabled:
        agents.active_agent("petrova")
    assert (disabled.value.code, disabled.value.params) == (Code.AGENT_DISABLED, {"login": "petrova"})
    agents.set_active(desk, "petrova", True)
    assert agents.active_agent("petrova").login == "petrova"
    with pytest.raises(AccessError) as last:
        agents.set_active(desk, os_login(), False)
    assert (last.value.code, last.value.params) == (Code.ACCESS_LAST_ADMIN, {"login": os_login()})
    register_agents("sidorov", role=ADMIN)
    agents.set_active(desk, os_login(), False)  # another admin is left
    assert agents.admins() == ["sidorov"]
    with pytest.raises(NotFoundError) as unknown:
        agents.set_active(desk, "nobody", True)
    assert unknown.value.code == Code.AGENT_UNKNOWN


def test_an_unknown_login_is_refused_naming_the_active_agents(desk):
    register_agents("sidorov")
    agents.set_active(desk, "sidorov", False)
    with pytest.raises(NotFoundError) as unknown:
        agents.active_agent("petrva")
    assert unknown.value.params == {"login": "petrva", "agents": sorted([os_login(), "petrova"])}


def test_an_agent_is_admitted_as_themselves(desk):
    admitted = agents.admit(replace(desk, user="petrova", agent="petrova"), None)
    assert (admitted.agent, admitted.user, admitted.role, admitted.write_refusal) == ("petrova", "petrova", AGENT, None)


def test_a_stranger_may_not_even_read_unless_the_desk_is_open_to_anyone(desk):
    stranger = replace(desk, user="ivanov", agent="ivanov")
    with pytest.raises(AccessError) as refused:
        agents.admit(stranger, None)
    assert (refused.value.code, refused.value.params) == (Code.ACCESS_NOT_AGENT, {"user": "ivanov", "admins": [os_login()]})
    assert agents.readers() == agents.AGENTS_READ
    agents.set_readers(desk, agents.ANYONE_READS)
    reader = agents.admit(stranger, None)
    assert reader.role == READ_ONLY and reader.write_refusal.code == Code.ACCESS_NOT_AGENT
    with pytest.raises(AccessError) as as_someone:
        agents.admit(stranger, "petrova")  # reading open to anyone is not acting as anyone
    assert as_someone.value.code == Code.ACCESS_NOT_AGENT


def test_a_disabled_agent_is_refused_like_a_stranger(desk):
    agents.set_active(desk, "petrova", False)
    with pytest.raises(AccessError) as refused:
        agents.admit(replace(desk, user="petrova", agent="petrova"), None)
    assert (refused.value.code, refused.value.params) == (Code.ACCESS_DISABLED, {"user": "petrova", "admins": [os_login()]})


def test_a_read_only_agent_reads_and_is_told_why_they_cannot_write(desk):
    register_agents("sidorov", role=READ_ONLY)
    admitted = agents.admit(replace(desk, user="sidorov", agent="sidorov"), None)
    assert admitted.role == READ_ONLY
    with pytest.raises(AccessError) as refused:
        admitted.check_write()
    assert (refused.value.code, refused.value.params) == (Code.ACCESS_READ_ONLY, {"agent": "sidorov", "admins": [os_login()]})


def test_only_an_admin_acts_as_someone_else_and_only_as_an_active_agent(desk):
    admin = replace(desk, user=os_login(), agent=os_login())
    acting = agents.admit(admin, "petrova")
    assert (acting.agent, acting.user, acting.role, acting.write_refusal) == ("petrova", os_login(), AGENT, None)
    with pytest.raises(NotFoundError) as unknown:
        agents.admit(admin, "petrva")
    assert unknown.value.code == Code.AGENT_UNKNOWN
    with pytest.raises(AccessError) as refused:
        agents.admit(replace(desk, user="petrova", agent="petrova"), os_login())
    assert (refused.value.code, refused.value.params) == (Code.ACCESS_ACT_AS_ADMIN_ONLY, {"admins": [os_login()]})
    assert agents.admit(replace(desk, user="petrova", agent="petrova"), "petrova").agent == "petrova"  # oneself
