"""Errors the domain raises: a machine code and its parameters, never a sentence.

Each error carries a ``Code`` and the values the text needs (``NotFoundError(Code.TICKET_NOT_FOUND,
number=1001)``); ``helpdesk.tui.errors.describe`` turns it into words in the agent's language.
``where`` names what the problem is about when that is data, not words: a file and a key in it, a
path in a JSON document, a command-line option; it is shown verbatim before the text.
``str(error)`` is a stable line for logs (``ticket.not_found (number=1001)``), never shown to an agent.

Parameters are plain JSON values (str, int, float, bool, None, lists of them) or another error
(the cause, described in turn), so a problem can be stored (``encode_reason``) and read back
(``decode_reason``), as the quarantine does with its reasons.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum


class Code(StrEnum):
    """Every problem the helpdesk can report; the value is what logs and stored reasons hold."""

    # Anything that is not a HelpdeskError (as_error), and the operating system's refusals.
    UNEXPECTED = "unexpected"
    DATABASE_ERROR = "database.error"
    DATABASE_FULL = "database.full"
    DATABASE_LOCKED = "database.locked"
    OS_ERROR = "os.error"
    PATH_MISSING = "os.path_missing"
    PERMISSION_DENIED = "os.permission_denied"
    FILE_EXISTS = "os.file_exists"
    TEXT_NOT_UTF8 = "text.not_utf8"
    TEXT_NOT_UNICODE = "text.not_unicode"
    TOML_SYNTAX = "toml.syntax"
    INSTANT_INVALID = "instant.invalid"
    INSTANT_NO_OFFSET = "instant.no_offset"
    EMAIL_INVALID = "email.invalid"

    DATABASE_CANNOT_OPEN = "database.cannot_open"
    DATABASE_TOO_NEW = "database.too_new"
    DATABASE_DIRECTORY_MISSING = "database.directory_missing"
    DATABASE_DRIVER_MISSING = "database.driver_missing"
    INSTANT_OUT_OF_RANGE = "instant.out_of_range"
    NUMBER_NOT_POSITIVE = "number.not_positive"
    NUMBER_NEGATIVE = "number.negative"
    SEARCH_EMPTY = "search.empty"  # a search with no word, phrase, number or address in it
    RAW_TO_TERMINAL = "output.raw_to_terminal"
    BACKUP_DAMAGED = "backup.damaged"
    DATABASE_IN_USE = "database.in_use"
    DATABASE_USE_UNKNOWN = "database.use_unknown"
    DATABASE_NOT_SQLITE_FILE = "database.not_sqlite_file"
    BACKUP_PG_DUMP_MISSING = "backup.pg_dump_missing"  # a PostgreSQL desk is backed up by pg_dump
    BACKUP_PG_DUMP_FAILED = "backup.pg_dump_failed"
    RESTORE_PG_RESTORE_MISSING = "restore.pg_restore_missing"  # ... and restored by pg_restore
    RESTORE_PG_RESTORE_FAILED = "restore.pg_restore_failed"
    INIT_SHARED_REQUIRED = "init.shared_required"  # init on a SQLite file names the agents' group
    # A database this process can only read (a 0444 file, a read-only mount), and a shared one.
    DATABASE_READ_ONLY = "database.read_only"
    DATABASE_WRITE_REFUSED = "database.write_refused"  # SQLite refused a write: no target known
    DATABASE_NEEDS_UPGRADE = "database.needs_upgrade"
    DATABASE_NOT_HELPDESK = "database.not_helpdesk"
    DATABASE_WORLD_READABLE = "database.world_readable"  # a warning
    DATABASE_DIRECTORY_NOT_SHARED = "database.directory_not_shared"
    GROUP_UNKNOWN = "os.group_unknown"
    # helpdesk migrate-db (data/store/transfer.py)
    MIGRATE_TARGET_NOT_EMPTY = "migrate.target_not_empty"
    MIGRATE_OTHER_SOURCE = "migrate.other_source"  # the target holds an unfinished copy of another desk
    MIGRATE_SOURCE_NOT_HELPDESK = "migrate.source_not_helpdesk"
    MIGRATE_SOURCE_OLD = "migrate.source_old"
    MIGRATE_SAME_DATABASE = "migrate.same_database"

    # Settings files (the regulation, config.toml): ``where`` is "file: key".
    SETTING_MISSING = "setting.missing"
    SETTING_MISSING_TABLE = "setting.missing_table"
    SETTING_NOT_TABLE = "setting.not_table"
    SETTING_NOT_STRING = "setting.not_string"
    SETTING_NOT_STRING_LIST = "setting.not_string_list"
    SETTING_NOT_BOOLEAN = "setting.not_boolean"
    SETTING_NOT_DATE = "setting.not_date"
    SETTING_NOT_ONE_OF = "setting.not_one_of"
    SETTING_NOT_POSITIVE_INTEGER = "setting.not_positive_integer"
    SETTING_NOT_POSITIVE_HOURS = "setting.not_positive_hours"
    SETTING_NOT_POSITIVE_SECONDS = "setting.not_positive_seconds"
    SETTING_NOT_POSITIVE_DAYS = "setting.not_positive_days"
    SETTING_NOT_PORT = "setting.not_port"
    SETTING_NOT_ADDRESS = "setting.not_address"
    SETTING_NEEDS_ENTRY = "setting.needs_entry"
    SETTING_TIMEZONE_UNKNOWN = "setting.timezone_unknown"
    SETTING_SECRET_IN_FILE = "setting.secret_in_file"
    REGULATION_PRODUCTS_NOT_UNIQUE = "regulation.products_not_unique"
    CONFIG_MAIL_FROM_MISSING = "config.mail_from_missing"
    CONFIG_SMTP_MISSING = "config.smtp_missing"
    CONFIG_SMTP_PASSWORD_MISSING = "config.smtp_password_missing"

    # The working calendar of the regulation (data/rules/working_hours.py).
    HOURS_WHOLE_MINUTES = "hours.whole_minutes"
    HOURS_NOT_TIME = "hours.not_time"
    HOURS_NOT_SPAN = "hours.not_span"
    HOURS_END_NOT_AFTER_START = "hours.end_not_after_start"
    HOURS_UNKNOWN_DAY = "hours.unknown_day"
    HOURS_NO_WORKING_DAY = "hours.no_working_day"
    CALENDAR_NOT_DATE = "calendar.not_date"
    CALENDAR_NOT_DATE_LIST = "calendar.not_date_list"
    CALENDAR_DATE_NOT_IN_YEAR = "calendar.date_not_in_year"
    CALENDAR_NOT_COUNTRY = "calendar.not_country"
    CALENDAR_NO_HOLIDAY_DATA = "calendar.no_holiday_data"
    CALENDAR_NOT_MINUTES = "calendar.not_minutes"
    CALENDAR_SHORTENING_TOO_LONG = "calendar.shortening_too_long"
    CALENDAR_HOURS_BY_DATE_NOT_TABLE = "calendar.hours_by_date_not_table"
    CALENDAR_YEAR_OUT_OF_RANGE = "calendar.year_out_of_range"
    CALENDAR_UNKNOWN_KEY = "calendar.unknown_key"
    CALENDAR_UNKNOWN_YEAR_KEY = "calendar.unknown_year_key"
    CALENDAR_NOT_MONTH_DAY_LIST = "calendar.not_month_day_list"
    CALENDAR_NOT_MONTH_DAY = "calendar.not_month_day"
    CALENDAR_ALSO_DAY_OFF = "calendar.also_day_off"
    CALENDAR_NOT_WORKING_DAY = "calendar.not_working_day"

    # Tickets and their workflow.
    TICKET_NOT_FOUND = "ticket.not_found"
    TICKET_CHANGED = "ticket.changed"
    TICKET_SUBJECT_REQUIRED = "ticket.subject_required"
    TICKET_DESCRIPTION_EMPTY = "ticket.description_empty"
    TICKET_CONTACT_REQUIRED = "ticket.contact_required"
    TICKET_NAME_REQUIRED = "ticket.name_required"
    PHONE_INVALID = "phone.invalid"
    PRODUCT_UNKNOWN = "product.unknown"
    CHANNEL_UNKNOWN = "channel.unknown"
    PRIORITY_UNKNOWN = "priority.unknown"
    SCOPE_UNKNOWN = "scope.unknown"
    SCOPE_IN_SCOPE = "scope.in_scope"
    STATUS_UNKNOWN = "status.unknown"
    STATUS_ALREADY = "status.already"
    STATUS_NOT_ALLOWED = "status.not_allowed"
    REPLY_EMPTY = "reply.empty"
    SPLIT_NO_SUCH_MESSAGE = "split.no_such_message"
    SPLIT_NOT_CUSTOMER_MESSAGE = "split.not_customer_message"
    MERGE_INTO_ITSELF = "merge.into_itself"
    MERGE_ALREADY_MERGED = "merge.already_merged"
    MERGE_TARGET_MERGED = "merge.target_merged"
    MERGE_OTHER_CUSTOMER = "merge.other_customer"  # two customers' tickets, not confirmed
    # Undoing an agent's last change (data/tickets/undo.py).
    UNDO_NOTHING = "undo.nothing"
    UNDO_TOO_LATE = "undo.too_late"
    UNDO_CHANGED_SINCE = "undo.changed_since"
    UNDO_MERGE = "undo.merge"
    UNDO_NOT_UNDOABLE = "undo.not_undoable"
    UNDO_ALREADY = "undo.already"
    UNDO_REPLY_SENT = "undo.reply_sent"

    # Prepared replies and their placeholders.
    PREPARED_REPLY_NOT_FOUND = "prepared_reply.not_found"
    PREPARED_REPLY_BUILTIN_NOT_FOUND = "prepared_reply.builtin_not_found"
    PREPARED_REPLY_EXISTS = "prepared_reply.exists"
    PREPARED_REPLY_CHANGED = "prepared_reply.changed"
    PREPARED_REPLY_KEY_INVALID = "prepared_reply.key_invalid"
    PREPARED_REPLY_TITLE_REQUIRED = "prepared_reply.title_required"
    PREPARED_REPLY_TEXT_REQUIRED = "prepared_reply.text_required"
    PREPARED_REPLY_BUILTIN_DELETE = "prepared_reply.builtin_delete"  # the regulation's own: never deleted
    PREPARED_REPLY_BUILTIN_KEY = "prepared_reply.builtin_key"  # ... nor renamed
    PREPARED_REPLY_NOT_BUILTIN = "prepared_reply.not_builtin"  # only a built-in one is reset
    REPLIES_DUPLICATE_KEY = "replies.duplicate_key"  # in the built-in replies' data file
    PLACEHOLDER_UNKNOWN = "placeholder.unknown"
    PLACEHOLDER_NEEDS_TICKET = "placeholder.needs_ticket"
    PLACEHOLDER_NO_PRODUCT = "placeholder.no_product"
    PLACEHOLDER_NO_SUPPORT_END = "placeholder.no_support_end"
    PLACEHOLDER_NO_SCOPE = "placeholder.no_scope"

    REPORT_NOT_A_DATE = "report.not_a_date"
    REPORT_PERIOD_REVERSED = "report.period_reversed"
    REPORT_PERIOD_TOO_LONG = "report.period_too_long"

    # Files an agent names (data/read/attachments.py: FileProblem).
    ATTACHMENT_PATH_EMPTY = "attachment.path_empty"
    ATTACHMENT_MISSING = "attachment.missing"
    ATTACHMENT_IS_DIRECTORY = "attachment.is_directory"
    ATTACHMENT_NOT_REGULAR = "attachment.not_regular"
    ATTACHMENT_UNREADABLE = "attachment.unreadable"
    ATTACHMENT_TOO_LARGE = "attachment.too_large"
    # A request over a limit of the settings ([limits]; data/core/values.py Limits).
    LIMIT_SUBJECT = "limit.subject"
    LIMIT_BODY = "limit.body"
    LIMIT_ATTACHMENT = "limit.attachment"
    LIMIT_ATTACHMENTS = "limit.attachments"
    LIMIT_REQUEST = "limit.request"
    DIRECTORY_PATH_EMPTY = "directory.path_empty"
    DIRECTORY_MISSING = "directory.missing"
    DIRECTORY_NOT_DIRECTORY = "directory.not_directory"
    DIRECTORY_UNWRITABLE = "directory.unwritable"
    DIRECTORY_NAME_EXHAUSTED = "directory.name_exhausted"

    # Portal documents (data/channels/portal.py): ``where`` is the path in the document.
    DOCUMENT_NOT_JSON = "document.not_json"
    DOCUMENT_NUMBER_TOO_LONG = "document.number_too_long"
    DOCUMENT_NESTED_TOO_DEEPLY = "document.nested_too_deeply"
    DOCUMENT_NOT_REQUEST = "document.not_request"
    DOCUMENT_EMPTY_LIST = "document.empty_list"
    DOCUMENT_TOO_MANY_REQUESTS = "document.too_many_requests"
    DOCUMENT_NOT_OBJECT = "document.not_object"
    DOCUMENT_FIELD_REQUIRED = "document.field_required"
    DOCUMENT_NOT_STRING = "document.not_string"
    DOCUMENT_EMPTY_STRING = "document.empty_string"
    DOCUMENT_UNKNOWN_FIELD = "document.unknown_field"
    DOCUMENT_TOO_LONG = "document.too_long"
    DOCUMENT_CUSTOMER_REQUIRED = "document.customer_required"
    DOCUMENT_NOT_LIST = "document.not_list"
    DOCUMENT_ATTACHMENT_NOT_OBJECT = "document.attachment_not_object"
    DOCUMENT_NOT_BASE64 = "document.not_base64"
    DOCUMENT_NOT_MIME_TYPE = "document.not_mime_type"
    DOCUMENT_BODY_EMPTY = "document.body_empty"
    PORTAL_OTHER_CUSTOMER = "portal.other_customer"

    # Mail: IMAP, reading a message, storing it.
    IMAP_URL_MISSING = "imap.url_missing"
    IMAP_URL_INVALID = "imap.url_invalid"
    IMAP_URL_NO_HOST = "imap.url_no_host"
    IMAP_URL_NO_USER = "imap.url_no_user"
    IMAP_URL_HAS_PASSWORD = "imap.url_has_password"
    IMAP_URL_BAD_PORT = "imap.url_bad_port"
    IMAP_NO_PASSWORD = "imap.no_password"
    IMAP_COMMAND_FAILED = "imap.command_failed"
    IMAP_REFUSED = "imap.refused"
    IMAP_CANNOT_CONNECT = "imap.cannot_connect"
    IMAP_CONNECTION_BROKEN = "imap.connection_broken"
    MAIL_EMPTY = "mail.empty"
    MAIL_UNREADABLE_MIME = "mail.unreadable_mime"
    MAIL_NOT_MAIL = "mail.not_mail"
    MAIL_NO_SENDER_HEADER = "mail.no_sender_header"
    MAIL_NO_SENDER = "mail.no_sender"
    MAIL_NESTED_TOO_DEEPLY = "mail.nested_too_deeply"
    MAIL_CANNOT_PARSE = "mail.cannot_parse"
    INTAKE_CANNOT_STORE = "intake.cannot_store"

    # Telegram.
    TELEGRAM_NO_TOKEN = "telegram.no_token"
    TELEGRAM_TOKEN_ENV_MISSING = "telegram.token_env_missing"
    TELEGRAM_TOKEN_NOT_SET = "telegram.token_not_set"
    TELEGRAM_TOKEN_INVALID = "telegram.token_invalid"
    TELEGRAM_REFUSED = "telegram.refused"
    TELEGRAM_HTTP_ERROR = "telegram.http_error"
    TELEGRAM_UNREACHABLE = "telegram.unreachable"
    TELEGRAM_NOT_JSON = "telegram.not_json"
    TELEGRAM_NO_FILE_PATH = "telegram.no_file_path"
    TELEGRAM_NOT_A_MESSAGE = "telegram.not_a_message"  # an update skipped: nothing to store
    TELEGRAM_SERVICE_MESSAGE = "telegram.service_message"

    # The outbox and the quarantine.
    OUTBOX_NOT_FOUND = "outbox.not_found"
    OUTBOX_NOT_RETRYABLE = "outbox.not_retryable"
    OUTBOX_NOTHING_CONFIGURED = "outbox.nothing_configured"
    QUARANTINE_NOT_FOUND = "quarantine.not_found"
    QUARANTINE_DISCARDED = "quarantine.discarded"  # retried or made a ticket of after a discard
    QUARANTINE_STORED = "quarantine.stored"  # already stored in a ticket
    QUARANTINE_REASON_REQUIRED = "quarantine.reason_required"

    # Agents and who may do what (data/store/agents.py): ``admins`` names those who can help.
    ACCESS_NOT_AGENT = "access.not_agent"
    ACCESS_DISABLED = "access.disabled"
    ACCESS_READ_ONLY = "access.read_only"
    ACCESS_ADMIN_ONLY = "access.admin_only"
    ACCESS_ACT_AS_ADMIN_ONLY = "access.act_as_admin_only"
    ACCESS_LAST_ADMIN = "access.last_admin"
    ACCESS_READ_ONLY_ASKED = "access.read_only_asked"  # --read-only (helpdesk serve without --write)
    AGENT_UNKNOWN = "agent.unknown"
    AGENT_DISABLED = "agent.disabled"
    AGENT_EXISTS = "agent.exists"
    AGENT_LOGIN_INVALID = "agent.login_invalid"
    AGENT_NO_OS_USER = "agent.no_os_user"  # a warning
    TICKET_TAKEN = "ticket.taken"

    DEMO_TICKETS_INVALID = "demo.tickets_invalid"
    # helpdesk serve (tui/cli/serve.py)
    SERVE_NOT_LOOPBACK = "serve.not_loopback"
    SERVE_PORT_INVALID = "serve.port_invalid"

    # An agent's saved queue views (data/team/saved_views.py).
    VIEW_NOT_FOUND = "view.not_found"
    VIEW_EXISTS = "view.exists"
    VIEW_NAME_REQUIRED = "view.name_required"


class HelpdeskError(Exception):
    """Base class: anything the CLI prints as one line and the TUI shows as a notice.

    ``HelpdeskError(Code.X, where=None, **params)``. Anything but a Code (an English sentence, say)
    is refused: words are tui/errors.py's alone.
    """

    def __init__(self, code: Code, /, *, where: str | None = None, **params: object):
        if not isinstance(code, Code):
            raise TypeError(f"{type(self).__name__} takes a Code, not {code!r}")
        super().__init__(code, params)
        self.code = code
        self.params = params
        self.where = where

    def __str__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        detail = f"{self.code} ({values})" if values else str(self.code)
        return f"{self.where}: {detail}" if self.where else detail


class NotFoundError(HelpdeskError):
    """A ticket, product, customer or other record does not exist."""


class ValidationError(HelpdeskError):
    """Input that cannot be accepted; ``field`` names what was wrong (the forms mark that field)."""

    def __init__(self, field: str, code: Code, /, *, where: str | None = None, **params: object):
        super().__init__(code, where=where, **params)
        self.field = field


class LimitError(ValidationError):
    """A request over a limit of the settings: refused whole on every channel (mail: quarantined)."""


class ConflictError(HelpdeskError):
    """A write based on a stale read: someone else changed the record first."""


class AccessError(HelpdeskError):
    """Not allowed here: the OS user is not an agent of the desk, may only read it, is not an
    admin; or the database itself can only be read."""


class TransitionError(HelpdeskError):
    """A status change the workflow does not allow."""


class SettingsError(HelpdeskError):
    """A bad settings file: ``where`` is the file and the key (``key`` None: the file as a whole)."""

    def __init__(self, source: str, key: str | None, code: Code, /, **params: object):
        super().__init__(code, where=f"{source}: {key}" if key else source, **params)
        self.source = source
        self.key = key


class RegulationError(SettingsError):
    """A bad regulation file."""


def os_code(exc: OSError) -> Code:
    """The code of an operating system's refusal; ``detail=exc.strerror`` goes with OS_ERROR."""
    if isinstance(exc, FileNotFoundError):
        return Code.PATH_MISSING
    if isinstance(exc, PermissionError):
        return Code.PERMISSION_DENIED
    if isinstance(exc, FileExistsError):
        return Code.FILE_EXISTS
    return Code.OS_ERROR


def from_os_error(exc: OSError, where: str | None = None) -> HelpdeskError:
    """The operating system's refusal as a coded error; ``where`` defaults to the file it names."""
    where = where or (str(exc.filename) if exc.filename is not None else None)
    return HelpdeskError(os_code(exc), where=where, detail=exc.strerror or str(exc))


# SQLite's refusals of a write that an agent can act on, by SQLite's primary result code. A
# SQLITE_READONLY is a store this desk may only read (a read-only file or mount, or a desk that
# may not write: its connection is query_only): an AccessError, said the same way everywhere.
_SQLITE_REFUSALS = {
    "SQLITE_FULL": Code.DATABASE_FULL,
    "SQLITE_BUSY": Code.DATABASE_LOCKED,  # still locked when the busy timeout ran out
    "SQLITE_LOCKED": Code.DATABASE_LOCKED,
}


def _sqlite_result(exc: BaseException) -> str:
    """SQLite's primary result code behind ``exc`` ("SQLITE_FULL"), or "": peewee raises its own
    error while handling sqlite3's, so the latter is the context (extended codes like
    SQLITE_READONLY_DBMOVED are cut to the primary one)."""
    seen: BaseException | None = exc
    for _ in range(10):  # a chain of contexts is short; never follow a cycle
        if seen is None or _sqlite_error(seen):
            break
        seen = seen.__cause__ or seen.__context__
    name = getattr(seen, "sqlite_errorname", None) or ""
    return "_".join(name.split("_")[:2])


# PostgreSQL's refusals of the same kinds, by SQLSTATE (psycopg's errors carry it as ``sqlstate``).
_POSTGRES_REFUSALS = {
    "55P03": Code.DATABASE_LOCKED,  # lock_not_available: the turn to write did not come (data/store/database.py)
    "53100": Code.DATABASE_FULL,  # disk_full
}
POSTGRES_READ_ONLY = "25006"  # read_only_sql_transaction: a database or role that may only read


def _sqlstate(exc: BaseException) -> str:
    """PostgreSQL's SQLSTATE behind ``exc`` (peewee raises its own error from psycopg's), or ""."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return ""
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str):
            return state
        seen = seen.__cause__ or seen.__context__
    return ""


def _sqlite_error(exc: BaseException) -> bool:
    """Whether ``exc`` is sqlite3's; the database's errors exist only once its modules are
    imported, which a command that opens no store (``helpdesk hours``) never does."""
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.Error)


def _peewee_error(exc: BaseException) -> bool:
    """Whether ``exc`` is peewee's (as ``_sqlite_error``: peewee costs ~50 ms to import)."""
    peewee = sys.modules.get("peewee")
    return peewee is not None and isinstance(exc, peewee.PeeweeException)


def as_error(exc: BaseException) -> HelpdeskError:
    """Any exception as a HelpdeskError: itself, or a generic code that keeps the detail."""
    if isinstance(exc, HelpdeskError):
        return exc
    if isinstance(exc, OSError):
        return from_os_error(exc)
    if _sqlite_error(exc) or _peewee_error(exc):
        result, state = _sqlite_result(exc), _sqlstate(exc)
        if result == "SQLITE_READONLY" or state == POSTGRES_READ_ONLY:
            return AccessError(Code.DATABASE_WRITE_REFUSED)
        if result in _SQLITE_REFUSALS:
            return HelpdeskError(_SQLITE_REFUSALS[result], detail=str(exc))
        if state in _POSTGRES_REFUSALS:
            return HelpdeskError(_POSTGRES_REFUSALS[state], detail=str(exc))
        return HelpdeskError(Code.DATABASE_ERROR, kind=type(exc).__name__, detail=str(exc))
    return HelpdeskError(Code.UNEXPECTED, kind=type(exc).__name__, detail=str(exc))


# A stored reason (the quarantine's, an outbox row's last error) is kept to this many characters,
# and never by cutting its JSON (that would make it unreadable): its texts and lists are cut
# instead, to the first of TEXT_CUTS that makes the whole fit.
MAX_STORED_REASON = 2000
TEXT_CUTS = (300, 100, 20, 0)


def _stored(value: object, cut: int) -> object:
    if isinstance(value, BaseException):
        return _encoded(as_error(value), cut)
    if isinstance(value, str):
        return value[:cut]
    if isinstance(value, (list, tuple)):
        return [_stored(item, cut) for item in value[:cut]]
    return value


def _encoded(error: HelpdeskError, cut: int) -> dict:
    encoded: dict = {"code": error.code.value, "params": {name: _stored(value, cut) for name, value in error.params.items()}}
    if error.where:
        encoded["where"] = error.where[:cut]
    return encoded


def encode_reason(exc: BaseException) -> str:
    """A problem as text to store (JSON: code, params, where); ``decode_reason`` reads it back.

    At most MAX_STORED_REASON characters, short of absurdly many causes nested in one another:
    at the last of TEXT_CUTS only the codes and the numbers are left."""
    error = as_error(exc)
    for cut in TEXT_CUTS:
        text = json.dumps(_encoded(error, cut), ensure_ascii=False)
        if len(text) <= MAX_STORED_REASON:
            break
    return text


def _decoded(data: object) -> HelpdeskError | None:
    if not isinstance(data, dict) or not isinstance(data.get("params"), dict):
        return None
    try:
        code = Code(data.get("code"))
    except ValueError:  # not ours, or a code this version does not know
        return None
    params = {}
    for name, value in data["params"].items():
        if isinstance(value, dict):
            value = _decoded(value)
            if value is None:
                return None
        params[name] = value
    where = data.get("where")
    return HelpdeskError(code, where=where if isinstance(where, str) else None, **params)


def decode_reason(text: str | None) -> HelpdeskError | None:
    """The problem ``encode_reason`` stored; None for anything else (a reason from before codes)."""
    try:
        return _decoded(json.loads(text or ""))
    except ValueError:
        return None
