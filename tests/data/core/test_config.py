"""data/core/config.py: the channel settings file."""

from __future__ import annotations

import pytest

from helpdesk.data.core.config import ConfigError, config_path, load_config, parse_config
from helpdesk.data.core.errors import Code
from helpdesk.data.core.values import Limits


def test_missing_file_means_nothing_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    config = load_config()
    assert config.smtp is None and config.mail_from is None and config.imap_url is None
    assert config.mail_domain == "helpdesk.invalid"
    assert config.tui.bell is True
    assert config_path() == tmp_path / "absent.toml"


def test_a_full_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(
        '[mail]\nfrom = "Техподдержка <support@fenix.example>"\n'
        '[smtp]\nhost = "smtp.fenix.example"\nsecurity = "tls"\nuser = "support"\n'
        '[imap]\nurl = "imaps://support@imap.fenix.example/INBOX"\n'
        '[telegram]\ntoken_env = "BOT_TOKEN"\n'
        "[outbox]\nmax_attempts = 4\n"
        "[tui]\nbell = false\n",
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
    assert config.tui.bell is False


@pytest.mark.parametrize(
    "raw, key, code, params",
    [({"smtp": {"host": "h", "password": "x"}}, "smtp.password", Code.SETTING_SECRET_IN_FILE, {}),
     ({"telegram": {"token": "x"}}, "telegram.token", Code.SETTING_SECRET_IN_FILE, {}),
     ({"smtp": {"port": 25}}, "smtp.host", Code.SETTING_MISSING, {}),
     ({"smtp": {"host": "h", "security": "ssl"}}, "smtp.security", Code.SETTING_NOT_ONE_OF, {"choices": ["starttls", "tls", "none"]}),
     ({"smtp": {"host": "h", "port": 70000}}, "smtp.port", Code.SETTING_NOT_PORT, {}),
     ({"smtp": {"host": "h", "timeout": 0}}, "smtp.timeout", Code.SETTING_NOT_POSITIVE_SECONDS, {}),
     ({"smtp": {"host": " "}}, "smtp.host", Code.SETTING_NOT_STRING, {}),
     ({"mail": {"from": "nobody"}}, "mail.from", Code.SETTING_NOT_ADDRESS, {"value": "nobody"}),
     ({"outbox": {"max_attempts": 0}}, "outbox.max_attempts", Code.SETTING_NOT_POSITIVE_INTEGER, {}),
     ({"tui": {"bell": "no"}}, "tui.bell", Code.SETTING_NOT_BOOLEAN, {}),
     ({"tui": True}, "tui", Code.SETTING_NOT_TABLE, {}),
     ({"smtp": "h"}, "smtp", Code.SETTING_NOT_TABLE, {}),
     ({"limits": {"body_bytes": 0}}, "limits.body_bytes", Code.SETTING_NOT_POSITIVE_INTEGER, {}),
     ({"limits": {"attachments": "20"}}, "limits.attachments", Code.SETTING_NOT_POSITIVE_INTEGER, {}),
     ({"limits": 5}, "limits", Code.SETTING_NOT_TABLE, {})],
)  # fmt: skip
def test_bad_settings_name_the_key(raw, key, code, params):
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "cfg.toml")
    assert (info.value.key, info.value.code, info.value.params) == (key, code, params)
    assert info.value.where == f"cfg.toml: {key}"


def test_syntax_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[smtp\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert (info.value.where, info.value.key, info.value.code) == (str(path), None, Code.TOML_SYNTAX)
    assert info.value.params["detail"]


def test_limits_have_defaults_and_each_can_be_set():
    assert parse_config({}).limits == Limits(subject_characters=250, body_bytes=1024 * 1024, attachment_bytes=25 * 1024 * 1024,
                                             attachments=20, request_bytes=50 * 1024 * 1024)  # fmt: skip
    assert parse_config({"limits": {"subject_characters": 80, "request_bytes": 1000}}).limits == Limits(
        subject_characters=80, request_bytes=1000)
