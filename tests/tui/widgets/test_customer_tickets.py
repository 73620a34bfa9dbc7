"""tui/widgets/customer_tickets.py: the summary line and the list's lines, in words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk.data.read.customer_history import CustomerHistory, TicketBrief, TicketList
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.customer_tickets import column_widths, summary_line, ticket_line

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)


def brief(number, status="open", subject="Вопрос", when=datetime(2026, 1, 12, 11, 0, tzinfo=MSK)) -> TicketBrief:
    return TicketBrief(number, subject, status, when)


def history(own=0, theirs=0, organisation="ООО «Вега»") -> CustomerHistory:
    return CustomerHistory(
        1, TicketList(tuple(brief(100 + i) for i in range(min(own, 2))), own),
        organisation if theirs else None, TicketList(tuple(brief(200 + i) for i in range(min(theirs, 2))), theirs),
    )


def test_the_summary_names_what_is_there():
    assert summary_line(history(own=3, theirs=12), False).plain == \
        "▸ Other tickets of this customer (3) · of ООО «Вега» (12)"
    assert summary_line(history(own=3), True).plain == "▾ Other tickets of this customer (3)"
    assert summary_line(history(theirs=2), False).plain == "▸ Other tickets of ООО «Вега» (2)"
    set_language("ru")
    assert summary_line(history(own=3, theirs=12), False).plain == \
        "▸ Другие заявки клиента (3) · из ООО «Вега» (12)"
    assert summary_line(history(theirs=2), False).plain == "▸ Другие заявки из ООО «Вега» (2)"


def test_an_organisation_with_markup_is_shown_as_typed():
    line = summary_line(history(theirs=1, organisation="[b]Org[/b] {count}"), False)
    assert line.plain == "▸ Other tickets of [b]Org[/b] {count} (1)"


def test_lines_align_number_status_and_date():
    tickets = [brief(7, "waiting", "Долго", datetime(2025, 12, 30, tzinfo=MSK)),
               brief(1234, "new", "Новый\nвторая строка")]
    widths = column_widths(tickets, MSK, NOW)
    lines = [ticket_line(t, widths, MSK, NOW).plain for t in tickets]
    assert lines == ["   #7 Waiting 30 Dec 2025 Долго",
                     "#1234 New     12 Jan      Новый вторая строка"]
    set_language("ru")
    widths = column_widths(tickets, MSK, NOW)
    assert ticket_line(tickets[1], widths, MSK, NOW).plain.startswith("#1234 Новая    12 янв      Новый")
