"""tui/widgets/empty_queue.py: why the queue shows no rows, and what to do, in both languages."""

from __future__ import annotations

import pytest

from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.empty_queue import FILTERED, STORE, TAB, EmptyQueueState, empty_queue_text
from tests.pilot import HOSTILE


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def plain(state: EmptyQueueState) -> str:
    return empty_queue_text(state).plain


def test_an_empty_store_shows_the_way_in():
    text = plain(EmptyQueueState(STORE))
    assert text.startswith("No tickets yet.")
    for key, what in (("n", "register a ticket"), ("helpdesk demo", "demo tickets"),
                      ("helpdesk ingest PATH…", "import mail")):
        line = next(line for line in text.splitlines() if line.strip().startswith(key + " "))
        assert what in line
    set_language("ru")
    text = plain(EmptyQueueState(STORE))
    assert text.startswith("Заявок пока нет.")
    assert "helpdesk ingest ПУТЬ…" in text and "зарегистрировать заявку" in text and "helpdesk demo" in text


def test_an_empty_tab_names_the_tabs_that_hold_tickets():
    state = EmptyQueueState(TAB, "Waiting", elsewhere=(("1", "New", 3), ("5", "All", 3)))
    assert plain(state) == "No tickets in the tab “Waiting”.\n\nOther tabs: 1 New 3 · 5 All 3"
    set_language("ru")
    state = EmptyQueueState(TAB, "Ждут клиента", elsewhere=(("1", "Новые", 3),))
    assert plain(state) == "Во вкладке «Ждут клиента» заявок нет.\n\nДругие вкладки: 1 Новые 3"


def test_a_search_that_finds_nothing_says_how_to_clear_it():
    state = EmptyQueueState(FILTERED, "New", search=" лиценз ", filters=("Fenix+ 3",), elsewhere=(("4", "Finished", 2),))
    lines = plain(state).splitlines()
    assert lines[0] == "Nothing in the tab “New” matches: “лиценз” · Fenix+ 3"
    assert [line.split()[0] for line in lines[2:5]] == ["Esc", "x", "/"]
    assert "clear the search and the filters" in lines[3]
    assert lines[-1] == "Found in other tabs: 4 Finished 2"
    set_language("ru")
    assert plain(state).splitlines()[0] == "Во вкладке «New» ничего не найдено: «лиценз» · Fenix+ 3"


def test_filters_without_a_search_offer_only_to_clear_them():
    lines = plain(EmptyQueueState(FILTERED, "Open", filters=("Telegram",))).splitlines()
    assert lines == ["Nothing in the tab “Open” matches: Telegram", "", "  x   clear the filters"]


def test_the_search_is_shown_as_typed():
    for payload in HOSTILE.values():
        content = empty_queue_text(EmptyQueueState(FILTERED, "New", search=payload, filters=(payload,)))
        assert "\x1b" not in content.plain
        assert payload.replace("\x1b", "␛").replace("\x07", "␇") in content.plain
        assert not any(span.style and "click" in str(span.style) for span in content.spans)
