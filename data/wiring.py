"""Composition: what the settings file makes of the desk, built once by the composition root.

The CLI (``helpdesk ...``) reads the settings file once and passes what it gives along: the
desk's mail identity (the domain of the Message-IDs it makes, the addresses that are its own)
goes into the Desk, the senders into ``outbox send`` or the app. Nothing below this module reads
the settings file or the environment for itself.
"""

from __future__ import annotations

from helpdesk.data.channels.mail.outbound import SmtpSender
from helpdesk.data.channels.telegram import BotApi, TelegramSender
from helpdesk.data.core.config import Config, own_addresses  # noqa: F401 (the desk's identity: read by the CLI from config)
from helpdesk.data.delivery.outbox import EMAIL, TELEGRAM, Sender


def configured_senders(config: Config) -> dict[str, Sender]:
    """The senders the settings allow: SMTP when [smtp] is configured, Telegram when its token
    is in the environment. Raises ConfigError for settings that are there but broken (a missing
    password). Close them after use (:func:`close_senders`)."""
    senders: dict[str, Sender] = {}
    if config.smtp is not None:
        senders[EMAIL] = SmtpSender(config)
    token = config.telegram.token()
    if token:
        senders[TELEGRAM] = TelegramSender(BotApi(token, config.telegram.api_url))
    return senders


def close_senders(senders: dict[str, Sender]) -> None:
    for sender in senders.values():
        close = getattr(sender, "close", None)
        if close is not None:
            close()
