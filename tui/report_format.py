"""The words around a data.reports.Report, shared by ``helpdesk report`` and the reports screen.

No Textual here: the CLI imports it too.
"""

from __future__ import annotations

from datetime import timedelta

from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.read.reports import BreakdownRow, Report
from helpdesk.tui.i18n import _, current_language
from helpdesk.tui.labels import channel_label
from helpdesk.tui.timefmt import duration


def duration_or_dash(delta: timedelta | None) -> str:
    return "-" if delta is None else duration(delta)


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """(label, value) pairs: the report's figures in the current language."""
    fr, res = report.first_response, report.resolution
    return [
        (_("Received"), str(report.received)),
        (_("  of them out of hours"), str(report.out_of_hours)),
        (_("Closed in the period"), str(report.closed)),
        (_("Answered"), str(report.responded)),
        (_("First response, median (working time)"), duration_or_dash(report.first_response_median)),
        (_("First response, 90th percentile"), duration_or_dash(report.first_response_p90)),
        (_("First-response target: met / missed / pending"), f"{fr.met} / {fr.missed} / {fr.pending}"),
        (_("Resolution target: met / missed / pending"), f"{res.met} / {res.missed} / {res.pending}"),
    ]


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def breakdown_sections(report: Report, regulation: Regulation) -> list[tuple[str, list[tuple[str, BreakdownRow]]]]:
    """[(title, [(row label, row), ...]), ...] for products, channels and scope categories."""
    language = current_language()
    none = _("(not set)")

    def scope_label(key: str | None) -> str:
        category = regulation.scope_category(key) if key else None
        return category.label(language) if category else (key or none)

    return [
        (_("By product"), [(row.key or none, row) for row in report.by_product]),
        (_("By channel"), [(channel_label(row.key) if row.key else none, row) for row in report.by_channel]),
        (_("By scope category"), [(scope_label(row.key), row) for row in report.by_scope]),
    ]
