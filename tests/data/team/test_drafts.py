"""data/team/drafts.py: one draft per agent and ticket; sending removes it with the reply stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from helpdesk.data.core.errors import ConflictError, NotFoundError
from helpdesk.data.store import models as m
from helpdesk.data.team import drafts
from helpdesk.data.tickets import operations as tk
from tests.factories import new_ticket


def test_a_draft_is_saved_replaced_and_loaded(desk):
    number = new_ticket(desk)
    assert drafts.load(desk, number) is None
    drafts.save(desk, number, drafts.REPLY, "Здравствуйте")
    desk.clock.advance(timedelta(seconds=5))
    drafts.save(desk, number, drafts.NOTE, "Здравствуйте, Иван!")
    draft = drafts.load(desk, number)
    assert (draft.kind, draft.body, draft.saved_at) == (drafts.NOTE, "Здравствуйте, Иван!", desk.now())
    assert m.Draft.select().count() == 1


def test_drafts_are_per_agent(desk):
    number = new_ticket(desk)
    alice = replace(desk, agent="alice")
    drafts.save(desk, number, drafts.REPLY, "мой")
    drafts.save(alice, number, drafts.REPLY, "её")
    assert drafts.load(desk, number).body == "мой" and drafts.load(alice, number).body == "её"
    assert drafts.numbers("petrova") == {number} and drafts.numbers("bob") == frozenset()


def test_blank_text_and_discarding_remove_the_draft(desk):
    number = new_ticket(desk)
    drafts.save(desk, number, drafts.REPLY, "текст")
    drafts.save(desk, number, drafts.REPLY, "  \n")
    assert drafts.load(desk, number) is None
    drafts.save(desk, number, drafts.REPLY, "текст")
    drafts.discard(desk, number)
    assert drafts.numbers("petrova") == frozenset()
    drafts.discard(desk, number)  # nothing left: nothing to do


def test_sending_stores_the_reply_and_removes_the_draft_together(desk):
    number = new_ticket(desk)
    drafts.save(desk, number, drafts.REPLY, "Ответ")
    message = drafts.send(desk, number, "Ответ", expected_version=1)
    assert message.body == "Ответ" and drafts.load(desk, number) is None


def test_a_refused_send_keeps_the_draft(desk):
    number = new_ticket(desk)
    drafts.save(desk, number, drafts.NOTE, "Заметка")
    tk.set_priority(replace(desk, agent="alice"), number, "high")
    with pytest.raises(ConflictError):
        drafts.send(desk, number, "Заметка", note=True, expected_version=1)
    assert drafts.load(desk, number).body == "Заметка"
    assert tk.get_ticket(number).messages.count() == 1


def test_an_unknown_ticket_is_not_found(desk):
    with pytest.raises(NotFoundError):
        drafts.save(desk, 4242, drafts.REPLY, "текст")
