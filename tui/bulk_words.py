"""A bulk change's result in words (data/tickets/bulk.py): the queue's summary and ``helpdesk bulk``."""

from __future__ import annotations

from helpdesk.data.tickets import bulk
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import _, ngettext

LISTED = 8  # tickets named in a confirmation; the rest are counted


def numbers_text(numbers: list[int]) -> str:
    """"#1001, #1002, #1003 and 4 more"."""
    shown = ", ".join(f"#{n}" for n in numbers[:LISTED])
    rest = len(numbers) - LISTED
    if rest > 0:
        return ngettext("{numbers} and {n} more", "{numbers} and {n} more", rest).format(numbers=shown, n=rest)
    return shown


def outcome_line(outcome: bulk.Outcome, regulation) -> str:
    """Why one ticket was not changed, in a line."""
    if outcome.code == bulk.STALE:
        if outcome.by:
            return _("#{number}: changed by {agents} since you read it").format(
                number=outcome.number, agents=", ".join(outcome.by))
        return _("#{number}: changed since you read it").format(number=outcome.number)
    if outcome.code == bulk.SKIPPED:
        return _("#{number}: not tried, the ticket to merge into had changed").format(number=outcome.number)
    return f"#{outcome.number}: " + describe(outcome.error, regulation)


def summary_title(result: bulk.BulkResult) -> str:
    changed, refused = len(result.changed), len(result.not_changed)
    same = len(result.numbers(bulk.UNCHANGED))
    parts = [ngettext("{n} changed", "{n} changed", changed).format(n=changed)]
    if same:
        parts.append(ngettext("{n} already so", "{n} already so", same).format(n=same))
    if refused:
        parts.append(ngettext("{n} refused", "{n} refused", refused).format(n=refused))
    return ", ".join(parts)
