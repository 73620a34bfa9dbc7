"""data/store/seed.py: the built-in prepared replies an earlier release seeded take the current
wording when nobody edited them; an edited one is left as the agents wrote it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpdesk.data.rules.builtin_replies import builtin_replies
from helpdesk.data.store import models as m
from helpdesk.data.store.seed import refresh_builtin_replies
from helpdesk.data.tickets import prepared_replies as pr

# data/rules/prepared_replies.toml as it was before docs/glossary.md (the texts a store holds now).
BEFORE = tomllib.loads((Path(__file__).parent / "fixtures" / "prepared_replies_before_glossary.toml").read_text())


def test_unedited_builtin_replies_take_the_current_text_edited_ones_stay(desk):
    old = {reply["key"]: reply for reply in BEFORE["reply"]}
    for key, reply in old.items():
        m.PreparedReply.update(body_ru=reply["body_ru"], body_en=reply["body_en"]).where(m.PreparedReply.key == key).execute()
    edited = "Добрый день, {customer}! Мы ответим {next_open}."
    pr.update_reply(desk, "out_of_hours", body_ru=edited)  # an agent's own Russian text
    pr.create_reply(desk, "mine", "Своё", old["one_problem"]["body_ru"])  # not built-in: never touched
    assert "Ваша заявка будет принята в работу" in old["out_of_hours"]["body_ru"]

    assert refresh_builtin_replies(desk.now()) == 6
    current = {reply.key: reply for reply in builtin_replies()}
    for key in ("out_of_scope", "support_ended", "reply_in_thread", "one_problem", "more_details"):
        stored = pr.get_reply(key)
        assert (stored.body_ru, stored.body_en) == (current[key].body_ru, current[key].body_en)
    notice = pr.get_reply("out_of_hours")
    assert notice.body_ru == edited and notice.body_en == current["out_of_hours"].body_en
    assert pr.get_reply("mine").body_ru == old["one_problem"]["body_ru"]
    assert refresh_builtin_replies(desk.now()) == 0  # nothing left to do: no write at all
