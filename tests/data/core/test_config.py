"""data/core/config.py: the channel settings file."""

from __future__ import annotations

import pytest

from helpdesk.data.core.config import ConfigError, config_path, load_config, parse_config


def test_missing_file_means_nothing_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    config = load_config()
    assert config.smtp is None and config.mail_from is None and config.imap_url is None
    assert config.mail_domain == "helpdesk.invalid"
    assert config_path() == tmp_path / "absent.toml"


def test_a_full_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(
        '[mail]\nfrom = "Техподдержка <support@fenix.example>"\n'
        '[smtp]\nhost = "smtp.fenix.example"\nsecurity = "tls"\nuser = "support"\n'
        '[imap]\nurl = "imaps://support@imap.fenix.example/INBOX"\n'
        '[telegram]\ntoken_env = "BOT_TOKEN"\n'
        "[outbox]\nmax_attempts = 4\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HELPDESK_CONFIG", str(path))
    monkeypatch.setenv("BOT_TOKEN", "1:abc")
    monkeypatch.setenv("HELPDESK_SMTP_PASSWORD", "pw")
    config = load_config()
    assert (config.smtp.host, config.smtp.port, config.smtp.security) == ("smtp.fenix.example", 465, "tls")
    assert config.smtp.password() == "pw" and config.telegram.token() == "1:abc"
    assert config.from_address == "support@fenix.example" and config.mail_domain == "fenix.example"
    assert config.imap_url.startswith("imaps://") and config.outbox.max_attempts == 4


@pytest.mark.parametrize(
    "raw, key",
    [({"smtp": {"host": "h", "password": "x"}}, "smtp.password"), ({"telegram": {"token": "x"}}, "telegram.token"),
     ({"smtp": {"port": 25}}, "smtp.host"), ({"smtp": {"host": "h", "security": "ssl"}}, "smtp.security"),
     ({"smtp": {"host": "h", "port": 70000}}, "smtp.port"), ({"mail": {"from": "nobody"}}, "mail.from"),
     ({"outbox": {"max_attempts": 0}}, "outbox.max_attempts"), ({"smtp": "h"}, "smtp")],
)  # fmt: skip
def test_bad_settings_name_the_key(raw, key):
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "cfg.toml")
    assert info.value.key == key and str(info.value).startswith("cfg.toml: ")


def test_syntax_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[smtp\n")
    with pytest.raises(ConfigError, match="syntax"):
        load_config(path)
