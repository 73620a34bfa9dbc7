"""data/team/saved_views.py: an agent's named queue views."""

from __future__ import annotations

import pytest

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.read.queue import QueueFilter
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.team import saved_views as sv


def as_agent(desk: Desk, login: str) -> Desk:
    return Desk(desk.regulation, desk.clock, login)


def test_save_list_get_rename_delete_per_agent(desk):
    mine = QueueFilter(tab="open", agent="petrova", assignee="mine", product="Fenix+ 3", search="лицензия",
                       sort="age", reverse=True)
    sv.save_view(desk, "  Мои  открытые ", mine)
    sv.save_view(desk, "all", QueueFilter(tab="all"))
    sidorov = as_agent(desk, "sidorov")
    sv.save_view(sidorov, "all", QueueFilter(tab="waiting", agent="sidorov"))

    assert [v.name for v in sv.list_views("petrova")] == ["all", "Мои открытые"]
    assert sv.get_view("petrova", "Мои открытые").filter == mine
    assert sv.get_view("sidorov", "all").filter == QueueFilter(tab="waiting", agent="sidorov")
    # "mine" is whoever recalls it: the agent is not stored.
    assert sv.get_view("petrova", "all").filter.agent == "petrova"

    with pytest.raises(HelpdeskError) as exists:
        sv.save_view(desk, "all", QueueFilter(tab="new"))
    assert exists.value.code == Code.VIEW_EXISTS
    sv.save_view(desk, "all", QueueFilter(tab="new"), replace=True)
    assert sv.get_view("petrova", "all").filter.tab == "new"

    sv.rename_view(desk, "all", "новые")
    with pytest.raises(HelpdeskError) as taken:
        sv.rename_view(desk, "новые", "Мои открытые")
    assert taken.value.code == Code.VIEW_EXISTS
    sv.delete_view(desk, "новые")
    assert [v.name for v in sv.list_views("petrova")] == ["Мои открытые"]
    assert [v.name for v in sv.list_views("sidorov")] == ["all"]  # another agent's are their own

    with pytest.raises(HelpdeskError) as missing:
        sv.delete_view(desk, "новые")
    assert (missing.value.code, missing.value.params["views"]) == (Code.VIEW_NOT_FOUND, ["Мои открытые"])
    with pytest.raises(HelpdeskError) as blank:
        sv.save_view(desk, "  \n ", mine)
    assert blank.value.code == Code.VIEW_NAME_REQUIRED


def test_a_stored_value_no_longer_known_falls_back_to_its_default(desk):
    sv.save_view(desk, "old", QueueFilter(tab="open", sort="age"))
    m.SavedView.update(query='{"tab": "archived", "sort": "age", "colour": "red"}').execute()
    assert sv.get_view("petrova", "old").filter == QueueFilter(tab="new", sort="age", agent="petrova")
