"""data/wiring.py: what the settings file makes of the desk (its own addresses, its senders)."""

from __future__ import annotations

import pytest

from helpdesk.data.channels.mail.outbound import SmtpSender
from helpdesk.data.channels.telegram import TelegramSender
from helpdesk.data.core.config import ConfigError, parse_config
from helpdesk.data.wiring import close_senders, configured_senders, own_addresses


def test_own_addresses_are_the_from_and_the_smtp_and_imap_users():
    config = parse_config({
        "mail": {"from": "Поддержка <Support@Fenix.example>"},
        "smtp": {"host": "smtp.fenix.example", "user": "robot@fenix.example"},
        "imap": {"url": "imaps://inbox%40fenix.example@imap.fenix.example/INBOX"},
    })  # fmt: skip
    assert own_addresses(config) == {"support@fenix.example", "robot@fenix.example", "inbox@fenix.example"}


def test_without_a_from_the_smtp_and_imap_users_are_still_own_addresses():
    config = parse_config({"smtp": {"host": "smtp.fenix.example", "user": "Robot@Fenix.example"},
                           "imap": {"url": "imaps://inbox%40fenix.example@imap.fenix.example/INBOX"}})  # fmt: skip
    assert config.from_address is None
    assert own_addresses(config) == {"robot@fenix.example", "inbox@fenix.example"}


def test_no_settings_no_own_addresses_and_no_senders():
    config = parse_config({})
    assert own_addresses(config) == frozenset()
    assert configured_senders(config) == {}


def test_a_login_that_is_not_an_address_is_not_an_own_address():
    config = parse_config({"smtp": {"host": "smtp.example", "user": "robot"}, "imap": {"url": "imaps://support@imap.example/"}})
    assert own_addresses(config) == frozenset()


def test_senders_for_smtp_and_telegram(monkeypatch):
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "secret")
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    config = parse_config({
        "mail": {"from": "support@fenix.example"},
        "smtp": {"host": "127.0.0.1", "user": "support@fenix.example"},
        "telegram": {"token_env": "BOT_TOKEN"},
    })  # fmt: skip
    senders = configured_senders(config)
    assert isinstance(senders["email"], SmtpSender) and isinstance(senders["telegram"], TelegramSender)
    close_senders(senders)  # nothing was connected: closing is a no-op, not an error


def test_broken_sender_settings_are_a_config_error(monkeypatch):
    monkeypatch.delenv("HELPDESK_SMTP_PASSWORD", raising=False)
    config = parse_config({"mail": {"from": "support@fenix.example"}, "smtp": {"host": "h", "user": "support@fenix.example"}})
    with pytest.raises(ConfigError):
        configured_senders(config)
