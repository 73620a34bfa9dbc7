"""An agent's saved queue views: a tab, filters, a search and an order under a name.

Each agent has their own (``SavedView`` rows keyed by login and name). The view is stored as the
queue's ``QueueFilter`` (data/read/queue.py) in JSON, every field but the agent, who is whoever
recalls it ("mine" means the agent using it). A stored value this program no longer knows (a
tab or an order renamed in a later version) falls back to the default of that field, so an old
view still opens. Like drafts, these rows are an agent's working state: no Event is written.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime

import peewee as pw

from helpdesk.data.core.errors import Code, HelpdeskError, NotFoundError, ValidationError
from helpdesk.data.core.text import check_text, one_line
from helpdesk.data.read.queue import QueueFilter
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m

V = m.SavedView
NAME_LENGTH = 60
STORED = tuple(f.name for f in fields(QueueFilter) if f.name != "agent")


@dataclass(frozen=True)
class SavedView:
    name: str
    filter: QueueFilter
    saved_at: datetime


def filter_json(f: QueueFilter) -> str:
    values = asdict(f)
    return json.dumps({name: values[name] for name in STORED}, ensure_ascii=False, sort_keys=True)


def filter_from_json(text: str, agent: str) -> QueueFilter:
    """The stored filter for ``agent``; an unknown or broken field takes its default."""
    try:
        stored = json.loads(text)
    except ValueError:
        stored = {}
    f = QueueFilter(agent=agent)
    for name in STORED:
        if isinstance(stored, dict) and name in stored:
            try:
                f = f.with_(**{name: stored[name]})
            except (ValueError, TypeError):
                pass
    return f


def clean_name(name: str) -> str:
    """The name as kept: one line, spaces collapsed; refused when empty."""
    name = " ".join(one_line(check_text(name, "name")).split())[:NAME_LENGTH]
    if not name:
        raise ValidationError("name", Code.VIEW_NAME_REQUIRED)
    return name


def list_views(agent: str) -> list[SavedView]:
    """The agent's views, by name (case-insensitively)."""
    rows = V.select(V.name, V.query, V.saved_at).where(V.agent == agent).tuples()
    views = [SavedView(name, filter_from_json(query, agent), V.saved_at.python_value(at)) for name, query, at in rows]
    return sorted(views, key=lambda v: (v.name.casefold(), v.name))


def get_view(agent: str, name: str) -> SavedView:
    row = V.get_or_none((V.agent == agent) & (V.name == name))
    if row is None:
        raise NotFoundError(Code.VIEW_NOT_FOUND, name=name, views=[v.name for v in list_views(agent)] or ["—"])
    return SavedView(row.name, filter_from_json(row.query, agent), row.saved_at)


def save_view(desk: Desk, name: str, f: QueueFilter, *, replace: bool = False) -> SavedView:
    """Save ``f`` as the agent's view ``name``; an existing one is replaced only with ``replace``."""
    name = clean_name(name)
    now = desk.now()
    with m.database_proxy.atomic():
        exists = V.select().where((V.agent == desk.agent) & (V.name == name)).exists()
        if exists and not replace:
            raise HelpdeskError(Code.VIEW_EXISTS, name=name)
        query = filter_json(f)
        if exists:
            V.update(query=query, saved_at=now).where((V.agent == desk.agent) & (V.name == name)).execute()
        else:
            V.create(agent=desk.agent, name=name, query=query, saved_at=now)
    return SavedView(name, filter_from_json(query, desk.agent), now)


def rename_view(desk: Desk, name: str, new_name: str) -> None:
    new_name = clean_name(new_name)
    with m.database_proxy.atomic():
        get_view(desk.agent, name)
        if new_name == name:
            return
        if V.select().where((V.agent == desk.agent) & (V.name == new_name)).exists():
            raise HelpdeskError(Code.VIEW_EXISTS, name=new_name)
        try:
            V.update(name=new_name).where((V.agent == desk.agent) & (V.name == name)).execute()
        except pw.IntegrityError:  # saved by the agent's other app in between
            raise HelpdeskError(Code.VIEW_EXISTS, name=new_name) from None


def delete_view(desk: Desk, name: str) -> None:
    with m.database_proxy.atomic():
        get_view(desk.agent, name)
        V.delete().where((V.agent == desk.agent) & (V.name == name)).execute()
