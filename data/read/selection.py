"""The tickets an agent marked in the queue, for a change to all of them (data/tickets/bulk.py).

``Picked`` is what the queue keeps of a marked row: its read point (what the agent saw, which the
change carries) and what the confirmation and the merge chooser show. ``picked_in_view`` is
"select all": every ticket the queue shows under a filter, read in one statement each chunk, so
a view of thousands costs a few queries, not a page each.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from helpdesk.data.read import queue as dq
from helpdesk.data.read.history import ReadPoint, newest_event_id
from helpdesk.data.store import models as m

T = m.Ticket
CHUNK = 5000


@dataclass(frozen=True)
class Picked:
    read: ReadPoint
    subject: str
    status: str
    assignee: str | None

    @property
    def number(self) -> int:
        return self.read.number


def picked_row(row: dq.QueueRow) -> Picked:
    return Picked(row.read, row.subject, row.status, row.assignee)


def picked_in_view(f: dq.QueueFilter) -> list[Picked]:
    """Every ticket of the queue under ``f`` (its tab, filters and search), in queue order."""
    total = dq.count_queue(f)
    ids: list[int] = []
    for offset in range(0, total, CHUNK):
        ids += dq.page_ids(f, offset, CHUNK)
    found: dict[int, Picked] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start: start + 500]
        query = (
            T.select(T.id, T.number, T.version, newest_event_id().alias("event_id"), T.subject, T.status,
                     m.Agent.login)
            .join(m.Agent, pw.JOIN.LEFT_OUTER, on=(T.assignee == m.Agent.id))
            .where(T.id.in_(chunk))
            .tuples()
        )
        for tid, number, version, event_id, subject, status, login in query:
            found[tid] = Picked(ReadPoint(number, version, event_id or 0), subject, status, login)
    return [found[i] for i in ids if i in found]
