"""Channel commands: ingest (mail files, IMAP, portal JSON), quarantine, telegram, outbox.

They call the same data/ operations as the TUI (data.mail, data.portal, data.telegram,
data.quarantine, data.outbox). Untrusted text (subjects, senders, reasons quoting mail) is
printed with control characters made visible, never raw to the terminal.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime

from helpdesk.data.channels import portal, quarantine, quarantine_ticket
from helpdesk.data.core.errors import Code, HelpdeskError, from_os_error
from helpdesk.data.channels.mail import ingest as mail_ingest
from helpdesk.data.channels.mail.imap import imap_password, parse_imap_url, poll_imap
from helpdesk.data.channels.retry import retry_quarantined
from helpdesk.data.channels.telegram import BotApi, BotApiError, TelegramSender, poll_once
from helpdesk.data.delivery import outbox
from helpdesk.data.wiring import close_senders, configured_senders
from helpdesk.tui.errors import describe, describe_reason
from helpdesk.tui.i18n import _, ngettext
from helpdesk.tui.safe_text import visible
from helpdesk.tui.cli.output import emit, emit_json
from helpdesk.tui.cli.tickets import read_text_file, text_argument
from helpdesk.tui.cli.usage import UsageError


def register(commands) -> None:
    p = commands.add_parser(
        "ingest",
        help="import mail: .eml files, mbox files, Maildir folders, an IMAP folder, or portal JSON",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help=".eml file, mbox file, Maildir or a folder of messages")
    p.add_argument("--imap", nargs="?", const="", metavar="URL",
                   help="imaps://USER@HOST[:PORT]/FOLDER (default: imap.url of the config); "
                        "password from HELPDESK_IMAP_PASSWORD or ~/.netrc")  # fmt: skip
    p.add_argument("--watch", type=float, metavar="SECONDS", help="with --imap: keep polling every SECONDS")
    p.add_argument("--json", dest="json_file", metavar="FILE|-", help="portal requests as JSON (see README), - for stdin")
    p.set_defaults(func=run_ingest)

    q = commands.add_parser(
        "quarantine", help="mail that could not be read or stored: list, show, retry, ticket, discard, purge"
    )
    sub = q.add_subparsers(dest="quarantine_command", metavar="ACTION", required=True, parser_class=type(q))
    r = sub.add_parser("list", help="list quarantined mail, newest first")
    r.add_argument("--json", action="store_true")
    shown = r.add_mutually_exclusive_group()
    shown.add_argument("--open", action="store_true", help="only what waits: neither stored nor discarded")
    shown.add_argument("--all", action="store_true", help="discarded messages too")
    r.set_defaults(func=run_quarantine_list, writes=False)
    r = sub.add_parser("show", help="show one quarantined message")
    r.add_argument("id", type=int)
    r.add_argument("--raw", action="store_true", help="write the raw bytes to standard output")
    r.set_defaults(func=run_quarantine_show, writes=False)
    r = sub.add_parser("retry", help="run the intake again on a quarantined message")
    r.add_argument("id", type=int)
    r.set_defaults(func=run_quarantine_retry)
    r = sub.add_parser("ticket", help="make a ticket of a quarantined message by hand (what is not given: as read)")
    r.add_argument("id", type=int)
    r.add_argument("--email", help="the customer's e-mail (default: the sender as read)")
    r.add_argument("--name", help="the customer's name (default: as read)")
    r.add_argument("--subject", help="the subject (default: as read)")
    body = r.add_mutually_exclusive_group()
    body.add_argument("--body", help="the text (default: as read)")
    body.add_argument("--body-file", metavar="PATH", help="read the text from a file, or - for standard input")
    r.add_argument("--product", help="the product (default: none, left for triage)")
    r.set_defaults(func=run_quarantine_ticket)
    r = sub.add_parser("discard", help="discard a quarantined message, saying why (kept 30 days, then purged)")
    r.add_argument("id", type=int)
    r.add_argument("--reason", required=True, help="why it is discarded")
    r.set_defaults(func=run_quarantine_discard)
    r = sub.add_parser("purge", help="delete what was discarded more than 30 days ago (ingest does it too)")
    r.set_defaults(func=run_quarantine_purge)

    t = commands.add_parser("telegram", help="poll the Telegram Bot API for requests and send replies")
    t.add_argument("--token-env", metavar="NAME", help="the environment variable holding the bot token "
                   "(default: telegram.token_env of the config)")  # fmt: skip
    t.add_argument("--api-url", metavar="URL", help="the Bot API base URL (default: https://api.telegram.org)")
    t.add_argument("--once", action="store_true", help="one round of polling and sending, then exit")
    t.set_defaults(func=run_telegram)

    o = commands.add_parser("outbox", help="replies on their way to customers: list, send, retry")
    sub = o.add_subparsers(dest="outbox_command", metavar="ACTION", required=True, parser_class=type(o))
    r = sub.add_parser("list", help="list deliveries, newest first")
    r.add_argument("--state", choices=outbox.STATES)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=run_outbox_list, writes=False)
    r = sub.add_parser("send", help="send what is due now (mail by SMTP, Telegram by the Bot API)")
    r.add_argument("--watch", type=float, metavar="SECONDS", help="keep sending what falls due, every SECONDS")
    r.set_defaults(func=run_outbox_send)
    r = sub.add_parser("retry", help="queue a failed delivery again")
    r.add_argument("id", type=int)
    r.set_defaults(func=run_outbox_retry)


# --- helpers -----------------------------------------------------------------------------


def _one_line(text: str | None, limit: int = 120) -> str:
    text = visible(text, single_line=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _stamp(desk) -> str:
    return desk.now().astimezone(desk.regulation.timezone).strftime("%Y-%m-%d %H:%M:%S")


def _iso(desk, value: datetime | None) -> str | None:
    return value.astimezone(desk.regulation.timezone).isoformat() if value else None


def describe_mail(result: mail_ingest.IngestResult) -> str:
    sender, subject = _one_line(result.sender, 60), _one_line(result.subject)
    if result.outcome == mail_ingest.CREATED:
        return _("#{number} new ticket from {sender}: {subject}").format(number=result.ticket_number, sender=sender, subject=subject)
    if result.outcome == mail_ingest.JOINED:
        return _("#{number} reply from {sender}: {subject}").format(number=result.ticket_number, sender=sender, subject=subject)
    if result.outcome == mail_ingest.DUPLICATE:
        return _("#{number} already stored, skipped: {subject}").format(number=result.ticket_number, subject=subject)
    return _("quarantined (id {id}): {reason} [{source}]").format(
        id=result.quarantine_id, reason=_one_line(describe_reason(result.reason), 200), source=_one_line(result.source, 200)
    )


class _Tally:
    def __init__(self, desk):
        self.desk = desk
        self.counts = {"created": 0, "joined": 0, "duplicate": 0, "quarantined": 0}

    def __call__(self, result) -> None:
        self.counts[result.outcome] = self.counts.get(result.outcome, 0) + 1
        emit(f"{_stamp(self.desk)} {describe_mail(result)}", flush=True)

    def summary(self) -> str:
        c = self.counts
        return ", ".join(
            [
                ngettext("{n} new ticket", "{n} new tickets", c["created"]).format(n=c["created"]),
                ngettext("{n} reply", "{n} replies", c["joined"]).format(n=c["joined"]),
                ngettext("{n} duplicate", "{n} duplicates", c["duplicate"]).format(n=c["duplicate"]),
                ngettext("{n} quarantined", "{n} quarantined", c["quarantined"]).format(n=c["quarantined"]),
            ]
        )


# --- ingest ------------------------------------------------------------------------------


def run_ingest(args, desk) -> int:
    sources = sum(bool(x) for x in (args.paths, args.imap is not None, args.json_file))
    if sources != 1:
        emit(_("helpdesk ingest: give PATH..., --imap URL or --json FILE (one of them)"), file=sys.stderr)
        return 2
    if args.watch is not None and args.imap is None:
        emit(_("helpdesk ingest: --watch works with --imap"), file=sys.stderr)
        return 2
    if args.json_file:
        return _ingest_portal(args, desk)
    tally = _Tally(desk)
    if args.imap is not None:
        return _ingest_imap(args, desk, tally)
    for path in args.paths:
        mail_ingest.ingest_path(desk, path, log=tally)
    emit(tally.summary())
    return 0


def _ingest_portal(args, desk) -> int:
    if args.json_file == "-":
        text = sys.stdin.buffer.read()
    else:
        try:
            with open(args.json_file, "rb") as handle:
                text = handle.read()
        except OSError as exc:
            raise from_os_error(exc, f"--json {args.json_file}") from None
    results = portal.ingest_portal(desk, portal.load_document(text))
    words = {portal.CREATED: _("new ticket"), portal.REPLIED: _("follow-up added"), portal.UNCHANGED: _("unchanged")}
    for r in results:
        emit(_("#{number} {what} (portal request {id})").format(number=r.ticket_number, what=words[r.outcome], id=_one_line(r.request_id)))
    return 0


def _ingest_imap(args, desk, tally: _Tally) -> int:
    url = args.imap or args.config.imap_url
    if not url:
        raise HelpdeskError(Code.IMAP_URL_MISSING, where="--imap")
    target = parse_imap_url(url)
    password = imap_password(target)
    if args.watch is None:
        poll_imap(desk, target, password, log=tally)
        emit(tally.summary())
        return 0
    wait = max(1.0, args.watch)
    emit(_("{time} watching {target} every {seconds} s (Ctrl+C stops)").format(
        time=_stamp(desk), target=target, seconds=f"{wait:g}"), flush=True)  # fmt: skip
    while True:
        try:
            poll_imap(desk, target, password, log=tally)
        except HelpdeskError as exc:
            emit(f"{_stamp(desk)} {_one_line(describe(exc), 300)}", file=sys.stderr, flush=True)
        time.sleep(wait)


# --- quarantine --------------------------------------------------------------------------


def _quarantine_json(item: quarantine.QuarantineItem, desk) -> dict:
    return {
        "id": item.id,
        "received_at": _iso(desk, item.received_at),
        "source": item.source,
        "reason": describe_reason(item.reason),
        "size": item.size,
        "from": item.sender,
        "subject": item.subject,
        "retried_at": _iso(desk, item.retried_at),
        "ticket_number": item.ticket_number,
        "discarded_at": _iso(desk, item.discarded_at),
        "discard_reason": item.discard_reason,
        "handled_by": item.handled_by,
    }


def run_quarantine_list(args, desk) -> int:
    items = quarantine.list_quarantine(include_resolved=not args.open, include_discarded=args.all)
    if args.json:
        emit_json([_quarantine_json(i, desk) for i in items])
        return 0
    for i in items:
        if i.ticket_number:
            state = _("stored in #{number}").format(number=i.ticket_number)
        elif i.discarded_at:
            state = _("discarded")
        else:
            state = _("quarantined")
        when = i.received_at.astimezone(desk.regulation.timezone).strftime("%Y-%m-%d %H:%M")
        emit(f"{i.id}\t{when}\t{state}\t{_one_line(describe_reason(i.reason), 80)}\t{_one_line(i.sender, 40)}\t{_one_line(i.subject, 60)}")
    return 0


def run_quarantine_show(args, desk) -> int:
    if args.raw:
        if sys.stdout.isatty():  # the bytes as they came may hold terminal escapes: never to a screen
            raise UsageError(Code.RAW_TO_TERMINAL, where="--raw")
        sys.stdout.buffer.write(quarantine.get_raw(args.id))
        sys.stdout.flush()
        return 0
    detail = quarantine.show_quarantined(args.id)
    item = detail.item
    emit(_("Quarantined message {id}").format(id=item.id))
    emit(_("Received: {when}").format(when=_iso(desk, item.received_at)))
    emit(_("Source: {source}").format(source=_one_line(item.source, 300)))
    emit(_("Reason: {reason}").format(reason=_one_line(describe_reason(item.reason), 500)))
    emit(ngettext("Size: {size} byte", "Size: {size} bytes", item.size).format(size=item.size))
    if item.ticket_number:
        emit(_("Stored in #{number}").format(number=item.ticket_number))
    if item.discarded_at:
        emit(_("Discarded: {when} by {agent}: {reason}").format(
            when=_iso(desk, item.discarded_at), agent=_one_line(item.handled_by, 60),
            reason=_one_line(item.discard_reason, 500)))  # fmt: skip
        emit(_("Deleted for good after: {when}").format(when=_iso(desk, item.purge_at)))
    emit()
    emit(visible(detail.text))
    if detail.truncated:
        emit(_("[… cut: see --raw for the whole message]"))
    return 0


def run_quarantine_retry(args, desk) -> int:
    result = retry_quarantined(desk, args.id)
    if result.ticket_number is not None:
        emit(_("stored: #{number} ({outcome})").format(number=result.ticket_number, outcome=result.outcome))
        return 0
    emit(_("still quarantined: {reason}").format(reason=_one_line(describe_reason(result.reason), 300)), file=sys.stderr)
    return 1


def run_quarantine_ticket(args, desk) -> int:
    draft = quarantine_ticket.draft_from_quarantine(args.id)
    if args.body is not None:
        body = text_argument(args.body, "--body")
    elif args.body_file is not None:
        body = read_text_file(args.body_file, "--body-file")
    else:
        body = draft.body
    made = quarantine_ticket.ticket_from_quarantine(
        desk,
        args.id,
        email=text_argument(args.email, "--email") if args.email is not None else draft.email,
        name=text_argument(args.name, "--name") if args.name is not None else draft.name,
        subject=text_argument(args.subject, "--subject") if args.subject is not None else draft.subject,
        body=body,
        product=args.product,
    )
    emit(made.number)
    if made.left_out:
        emit(ngettext("{n} attachment over the limits was left out: it stays in the quarantined mail",
                      "{n} attachments over the limits were left out: they stay in the quarantined mail",
                      made.left_out).format(n=made.left_out), file=sys.stderr)  # fmt: skip
    return 0


def run_quarantine_discard(args, desk) -> int:
    item = quarantine.discard(args.id, text_argument(args.reason, "--reason"), agent=desk.agent, now=desk.now())
    emit(_("{id}: discarded; deleted for good after {when}").format(id=item.id, when=_iso(desk, item.purge_at)))
    return 0


def run_quarantine_purge(args, desk) -> int:
    purged = quarantine.purge_discarded(desk.now())
    emit(ngettext("{n} discarded message deleted", "{n} discarded messages deleted", purged).format(n=purged))
    return 0


# --- telegram ----------------------------------------------------------------------------


def _telegram_api(args) -> BotApi:
    settings = args.config.telegram
    env = args.token_env or settings.token_env
    if not env:
        raise HelpdeskError(Code.TELEGRAM_TOKEN_ENV_MISSING)
    token = os.environ.get(env)
    if not token:
        raise HelpdeskError(Code.TELEGRAM_TOKEN_NOT_SET, variable=env)
    return BotApi(token, args.api_url or settings.api_url)


def describe_telegram(result) -> str:
    sender = _one_line(result.sender, 60)
    if result.outcome == "created":
        return _("#{number} new ticket from Telegram {sender}").format(number=result.ticket_number, sender=sender)
    if result.outcome == "joined":
        return _("#{number} message from Telegram {sender}").format(number=result.ticket_number, sender=sender)
    if result.outcome == "duplicate":
        return _("#{number} already stored, skipped").format(number=result.ticket_number)
    reason = _one_line(describe_reason(result.detail), 300)
    if result.outcome == "quarantined":
        return _("update {id} quarantined (id {quarantine_id}): {reason}").format(
            id=result.update_id, quarantine_id=result.quarantine_id, reason=reason)  # fmt: skip
    return _("update {id} skipped: {reason}").format(id=result.update_id, reason=reason)


def run_telegram(args, desk) -> int:
    api = _telegram_api(args)
    sender = TelegramSender(api)

    def log(result) -> None:
        emit(f"{_stamp(desk)} {describe_telegram(result)}", flush=True)

    def delivered(result) -> None:
        emit(f"{_stamp(desk)} {describe_delivery(result)}", flush=True)

    failures = 0
    while True:
        try:
            poll_once(desk, api, timeout=0 if args.once else 25, log=log)
            outbox.send_due(desk, {outbox.TELEGRAM: sender}, args.config.outbox, on_result=delivered)
            failures = 0
        except BotApiError as exc:
            if args.once:
                raise
            failures += 1
            emit(f"{_stamp(desk)} {_one_line(describe(exc), 300)}", file=sys.stderr, flush=True)
            time.sleep(min(300, 5 * 2 ** min(failures, 6)))
        if args.once:
            return 0


# --- outbox ------------------------------------------------------------------------------


def describe_delivery(result: outbox.DeliveryResult) -> str:
    to = _one_line(result.recipient, 60)
    if result.outcome == "sent":
        return _("#{number} sent to {to} ({channel})").format(number=result.ticket_number, to=to, channel=result.channel)
    if result.outcome == "retry":
        return _("#{number} not sent to {to}, will retry: {error}").format(
            number=result.ticket_number, to=to, error=_one_line(describe_reason(result.detail), 300))  # fmt: skip
    return _("#{number} failed for {to}: {error}").format(
        number=result.ticket_number, to=to, error=_one_line(describe_reason(result.detail), 300))  # fmt: skip


def run_outbox_list(args, desk) -> int:
    items = outbox.list_outbox(state=args.state)
    if args.json:
        emit_json(
            [
                {
                    "id": i.id, "ticket_number": i.ticket_number, "message": i.message_id, "channel": i.channel,
                    "recipient": i.recipient, "state": i.state, "attempts": i.attempts,
                    "next_attempt_at": _iso(desk, i.next_attempt_at),
                    "last_error": i.last_error and describe_reason(i.last_error),
                    "sent_at": _iso(desk, i.sent_at), "created_at": _iso(desk, i.created_at),
                }  # fmt: skip
                for i in items
            ]
        )
        return 0
    for i in items:
        when = (i.sent_at or i.next_attempt_at).astimezone(desk.regulation.timezone).strftime("%Y-%m-%d %H:%M")
        emit(f"{i.id}\t#{i.ticket_number}\t{i.channel}\t{_one_line(i.recipient, 50)}\t{i.state}\t{i.attempts}\t{when}\t{_one_line(i.last_error and describe_reason(i.last_error), 100)}")
    return 0


def run_outbox_send(args, desk) -> int:
    """Send what is due, once or (``--watch SECONDS``) on and on: the one owner of sending."""
    senders = configured_senders(args.config)
    if not senders:
        raise HelpdeskError(Code.OUTBOX_NOTHING_CONFIGURED, path=args.config.source)

    def report(result) -> None:
        emit(f"{_stamp(desk)} {describe_delivery(result)}", flush=True)

    try:
        while True:
            results = outbox.send_due(desk, senders, args.config.outbox, on_result=report)
            if args.watch is None:
                break
            time.sleep(max(0.1, args.watch))
    finally:
        close_senders(senders)
    sent = sum(1 for r in results if r.outcome == "sent")
    failed = sum(1 for r in results if r.outcome == "failed")
    emit(ngettext("{n} sent", "{n} sent", sent).format(n=sent) + ", "
         + ngettext("{n} to retry", "{n} to retry", len(results) - sent - failed).format(n=len(results) - sent - failed)
         + ", " + ngettext("{n} failed", "{n} failed", failed).format(n=failed))  # fmt: skip
    # For cron and monitoring: a delivery that failed for good, or a round that sent nothing it
    # tried, is a failure.
    return 1 if failed or (results and not sent) else 0


def run_outbox_retry(args, desk) -> int:
    item = outbox.retry(args.id, desk.now())
    emit(_("#{number}: delivery {id} queued again").format(number=item.ticket_number, id=item.id))
    return 0
