"""The channel settings: SMTP, IMAP, Telegram and the outbox (and the app's bell), from a TOML file.

The file is ``config.toml`` in the user config directory (``platformdirs``), or the path in
``HELPDESK_CONFIG``. It holds no secrets: passwords and tokens come from the environment only
(``HELPDESK_SMTP_PASSWORD``, ``HELPDESK_IMAP_PASSWORD`` or ``~/.netrc``, and the variable named
by ``telegram.token_env``); a ``password`` or ``token`` key in the file is refused. A missing
file means "nothing configured": intake from files works, mail is queued but not sent.

Example::

    [mail]
    from = "Техподдержка Fenix <support@fenix.example>"   # From: of replies and notices

    [smtp]
    host = "smtp.fenix.example"
    port = 587
    security = "starttls"      # starttls | tls | none
    user = "support@fenix.example"   # password: HELPDESK_SMTP_PASSWORD

    [imap]
    url = "imaps://support@imap.fenix.example/INBOX"   # password: HELPDESK_IMAP_PASSWORD

    [telegram]
    token_env = "HELPDESK_TELEGRAM_TOKEN"
    api_url = "https://api.telegram.org"

    [outbox]
    max_attempts = 10          # then the delivery is marked failed
    first_retry_seconds = 60   # doubled after every failure ...
    max_retry_seconds = 21600  # ... up to six hours
    send_from_app = false      # true: a running app also sends (else: helpdesk outbox send --watch)

    [tui]
    bell = true                # ring the terminal bell with a notice meant for you (new ticket, answer)

    [limits]                   # what one request may bring, on every channel (these are the defaults)
    subject_characters = 250
    body_bytes = 1_048_576         # 1 MB of text
    attachment_bytes = 26_214_400  # 25 MB a file
    attachments = 20
    request_bytes = 52_428_800     # 50 MB of text and files together
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import unquote, urlsplit

from platformdirs import user_config_dir

from helpdesk.data.core.errors import Code, HelpdeskError, SettingsError, ValidationError, os_code
from helpdesk.data.core.values import Limits

SMTP_PASSWORD_ENV = "HELPDESK_SMTP_PASSWORD"
IMAP_PASSWORD_ENV = "HELPDESK_IMAP_PASSWORD"
SECURITY_MODES = ("starttls", "tls", "none")


class ConfigError(SettingsError):
    """A bad settings file, or settings that cannot do what was asked (send mail without [smtp])."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    timeout: float = 30.0

    def password(self) -> str | None:
        return os.environ.get(SMTP_PASSWORD_ENV) or None


@dataclass(frozen=True)
class TelegramSettings:
    token_env: str | None = None
    api_url: str = "https://api.telegram.org"

    def token(self) -> str | None:
        return os.environ.get(self.token_env) if self.token_env else None


@dataclass(frozen=True)
class OutboxSettings:
    max_attempts: int = 10
    first_retry_seconds: int = 60
    max_retry_seconds: int = 6 * 3600
    send_from_app: bool = False


@dataclass(frozen=True)
class TuiSettings:
    bell: bool = True


@dataclass(frozen=True)
class Config:
    source: str = "(defaults)"
    mail_from: str | None = None  # "Name <address>"
    smtp: SmtpSettings | None = None
    imap_url: str | None = None
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    outbox: OutboxSettings = field(default_factory=OutboxSettings)
    tui: TuiSettings = field(default_factory=TuiSettings)
    limits: Limits = field(default_factory=Limits)

    @property
    def from_address(self) -> str | None:
        if not self.mail_from:
            return None
        return mail_address(self.mail_from) or None

    @property
    def mail_domain(self) -> str:
        """The right-hand side of the Message-IDs the helpdesk makes."""
        address = self.from_address
        if address and "@" in address:
            return address.rsplit("@", 1)[1].lower()
        return "helpdesk.invalid"


def config_path() -> Path:
    chosen = os.environ.get("HELPDESK_CONFIG")
    return Path(chosen) if chosen else Path(user_config_dir("helpdesk", appauthor=False)) / "config.toml"


def load_config(path: str | Path | None = None) -> Config:
    """The settings; a missing file gives the defaults. Read once, by the composition root."""
    path = Path(path) if path else config_path()
    source = str(path)
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        return Config(source=f"{source} (absent)")
    except OSError as exc:
        raise ConfigError(source, None, os_code(exc), detail=exc.strerror or str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, None, Code.TOML_SYNTAX, detail=str(exc)) from None
    return parse_config(raw, source)


def parse_config(raw: dict, source: str = "(config)") -> Config:
    def table(key: str) -> dict:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise ConfigError(source, key, Code.SETTING_NOT_TABLE)
        for secret in ("password", "token", "secret"):
            if secret in value:
                raise ConfigError(source, f"{key}.{secret}", Code.SETTING_SECRET_IN_FILE)
        return value

    def string(tbl: dict, key: str, name: str, default=None) -> str | None:
        value = tbl.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(source, name, Code.SETTING_NOT_STRING)
        return value

    def positive_int(tbl: dict, key: str, name: str, default: int) -> int:
        value = tbl.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(source, name, Code.SETTING_NOT_POSITIVE_INTEGER)
        return value

    def boolean(tbl: dict, key: str, name: str, default: bool) -> bool:
        value = tbl.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(source, name, Code.SETTING_NOT_BOOLEAN)
        return value

    mail = table("mail")
    mail_from = string(mail, "from", "mail.from")
    if mail_from and "@" not in mail_address(mail_from):
        raise ConfigError(source, "mail.from", Code.SETTING_NOT_ADDRESS, value=mail_from)

    smtp_raw = table("smtp")
    smtp = None
    if smtp_raw:
        host = string(smtp_raw, "host", "smtp.host")
        if not host:
            raise ConfigError(source, "smtp.host", Code.SETTING_MISSING)
        security = string(smtp_raw, "security", "smtp.security", "starttls")
        if security not in SECURITY_MODES:
            raise ConfigError(source, "smtp.security", Code.SETTING_NOT_ONE_OF, choices=list(SECURITY_MODES))
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        port = positive_int(smtp_raw, "port", "smtp.port", default_port)
        if port > 65535:
            raise ConfigError(source, "smtp.port", Code.SETTING_NOT_PORT)
        timeout = smtp_raw.get("timeout", 30)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ConfigError(source, "smtp.timeout", Code.SETTING_NOT_POSITIVE_SECONDS)
        smtp = SmtpSettings(host=host, port=port, security=security, user=string(smtp_raw, "user", "smtp.user"),
                            timeout=float(timeout))

    imap = table("imap")
    imap_url = string(imap, "url", "imap.url")

    tg = table("telegram")
    telegram = TelegramSettings(
        token_env=string(tg, "token_env", "telegram.token_env"),
        api_url=string(tg, "api_url", "telegram.api_url", "https://api.telegram.org"),
    )

    ob = table("outbox")
    outbox = OutboxSettings(
        max_attempts=positive_int(ob, "max_attempts", "outbox.max_attempts", 10),
        first_retry_seconds=positive_int(ob, "first_retry_seconds", "outbox.first_retry_seconds", 60),
        max_retry_seconds=positive_int(ob, "max_retry_seconds", "outbox.max_retry_seconds", 6 * 3600),
        send_from_app=boolean(ob, "send_from_app", "outbox.send_from_app", False),
    )
    tui = TuiSettings(bell=boolean(table("tui"), "bell", "tui.bell", True))
    lim = table("limits")
    limits = Limits(**{f.name: positive_int(lim, f.name, f"limits.{f.name}", f.default) for f in fields(Limits)})
    return Config(source=source, mail_from=mail_from, smtp=smtp, imap_url=imap_url, telegram=telegram, outbox=outbox,
                  tui=tui, limits=limits)


# --- the IMAP folder of [imap] url, and the desk's own addresses -------------------------------


@dataclass(frozen=True)
class ImapTarget:
    tls: bool
    user: str
    host: str
    port: int
    folder: str

    @property
    def key(self) -> str:
        return f"imap:{self.user}@{self.host}:{self.port}/{self.folder}"

    def __str__(self) -> str:
        return f"{'imaps' if self.tls else 'imap'}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_imap_url(url: str) -> ImapTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValidationError("--imap", Code.IMAP_URL_INVALID, url=url)
    if not parts.hostname:
        raise ValidationError("--imap", Code.IMAP_URL_NO_HOST, url=url)
    if not parts.username:
        raise ValidationError("--imap", Code.IMAP_URL_NO_USER, url=url)
    if parts.password:
        # The URL is not repeated: it holds the password.
        raise ValidationError("--imap", Code.IMAP_URL_HAS_PASSWORD, variable=IMAP_PASSWORD_ENV)
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError:
        raise ValidationError("--imap", Code.IMAP_URL_BAD_PORT, url=url) from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapTarget(parts.scheme == "imaps", unquote(parts.username), parts.hostname, port, folder)


def own_addresses(config: Config) -> frozenset[str]:
    """The desk's own addresses: the From of its mail, the SMTP and IMAP users when they are
    addresses. Mail from any of them is never answered automatically."""
    found = [config.from_address or ""]
    if config.smtp is not None and config.smtp.user:
        found.append(config.smtp.user)
    if config.imap_url:
        try:
            found.append(parse_imap_url(config.imap_url).user)
        except HelpdeskError:
            pass  # a bad URL is reported by the command that reads IMAP, not by every command
    addresses = (mail_address(text).strip().lower() for text in found)
    return frozenset(a for a in addresses if "@" in a)


def mail_address(text: str) -> str:
    """The address part of ``text`` (``"Name <a@b>"`` gives ``a@b``), as ``email.utils.parseaddr``
    reads it. email.utils (~2 ms, with calendar and the MIME charsets) is imported only when a
    setting names an address, not by every start of the app."""
    if not text:
        return ""
    from email.utils import parseaddr

    return parseaddr(text)[1]
