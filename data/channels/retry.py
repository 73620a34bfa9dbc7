"""Retrying quarantined input: the same intake again, mail or Telegram, by where it came from
(a discarded one is refused: an agent gave up on it)."""

from __future__ import annotations

from helpdesk.data.channels import quarantine
from helpdesk.data.channels.mail.ingest import IngestResult, ingest_bytes
from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.channels.telegram import TelegramResult, retry_quarantined_update
from helpdesk.data.rules.desk import Desk


def retry_quarantined(desk: Desk, qid: int) -> IngestResult | TelegramResult:
    """Run the intake again on a quarantined item; returns the intake's result."""
    row = quarantine.get_row(qid)
    if row.discarded_at is not None:
        raise ValidationError("id", Code.QUARANTINE_DISCARDED, id=qid)
    raw = bytes(row.raw)
    if row.source.startswith(quarantine.TELEGRAM_SOURCE):
        result = retry_quarantined_update(desk, raw, row.source, qid)
    else:
        result = ingest_bytes(desk, raw, row.source, quarantine_id=qid)
    if result.ticket_number is not None:
        quarantine.record_stored(qid, result.ticket_number, desk.now())
    return result
