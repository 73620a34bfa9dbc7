"""Errors in words: the text of every ``Code`` of data/core/errors.py, in the current language.

``describe(error)`` is the one way the TUI and the CLI show a problem: a HelpdeskError through
its code's text, anything else (the database, the operating system) as a generic line with the
detail. Parameters that name vocabulary (statuses, priorities, channels, scope categories) are
shown through tui/labels.py; file sizes through tui/files.py; a parameter that is itself an
error (the cause) is described in turn. ``where`` (a file and key, a path in a document, an
option) is data and goes before the text as it is.

The result is plain text that may quote untrusted input (file names, subjects, URLs): show it
with ``markup=False`` or in a ``Content``, never as Rich markup.
"""

from __future__ import annotations

from collections.abc import Callable

from helpdesk.data.core.errors import Code, as_error, decode_reason
from helpdesk.data.rules.regulation import Regulation
from helpdesk.tui.files import file_size
from helpdesk.tui.i18n import N_, NN_, _, ngettext
from helpdesk.tui.labels import actor_label, change_label, channel_label, priority_label, scope_label, status_label

# A plural text (NN_) takes its number from the parameter "count".
TEXTS: dict[Code, str | tuple[str, str]] = {
    Code.UNEXPECTED: N_("Unexpected error: {kind}: {detail}"),
    Code.DATABASE_ERROR: N_("Database error: {kind}: {detail}"),
    Code.DATABASE_FULL: N_("Nothing was saved: the disk holding the database is full (SQLite: {detail})"),
    Code.DATABASE_LOCKED: N_(
        "Nothing was saved: another process kept the database locked too long; try again (SQLite: {detail})"
    ),
    Code.OS_ERROR: N_("system error: {detail}"),
    Code.PATH_MISSING: N_("no such file or directory"),
    Code.PERMISSION_DENIED: N_("permission denied"),
    Code.FILE_EXISTS: N_("already exists: give a new file name"),
    Code.TEXT_NOT_UTF8: N_("not UTF-8 text (at byte {byte})"),
    Code.TEXT_NOT_UNICODE: N_("not valid Unicode text: a lone surrogate U+{codepoint} at character {index}"),
    Code.TOML_SYNTAX: N_("TOML syntax error: {detail}"),
    Code.INSTANT_INVALID: N_("Not an ISO-8601 date and time: “{value}”"),
    Code.INSTANT_NO_OFFSET: N_("Give a time zone offset, e.g. 2026-01-09T17:30:00+03:00 or …Z: “{value}”"),
    Code.EMAIL_INVALID: N_("Not an e-mail address: “{value}”"),
    Code.DATABASE_CANNOT_OPEN: N_("Cannot open the database {target}: {detail}"),
    Code.DATABASE_TOO_NEW: N_(
        "The database has schema version {version}, newer than this program's {supported}: upgrade helpdesk"
    ),
    Code.DATABASE_DIRECTORY_MISSING: N_("No such folder for the database: {folder} (create it first, or check --db)"),
    Code.DATABASE_DRIVER_MISSING: N_("The {kind} driver is not installed: pip install {package}"),
    Code.INSTANT_OUT_OF_RANGE: N_("“{value}” is outside the years the calendar covers ({first}-{last})"),
    Code.NUMBER_NOT_POSITIVE: N_("give a whole number of at least 1, not “{value}”"),
    Code.NUMBER_NEGATIVE: N_("give a whole number of at least 0, not “{value}”"),
    Code.SEARCH_EMPTY: N_("nothing to search for: give a word, a phrase in quotes, a ticket number or an e-mail address"),
    Code.RAW_TO_TERMINAL: N_("raw mail is not written to a terminal: redirect it to a file (> message.eml)"),
    Code.BACKUP_DAMAGED: N_("the backup is damaged, nothing was restored: {detail}"),
    Code.DATABASE_IN_USE: N_("the database is in use (processes {processes}): quit every helpdesk on it first"),
    Code.DATABASE_NOT_SQLITE_FILE: N_("{target} is not a SQLite file: back up a database server with its own tools"),
    Code.BACKUP_PG_DUMP_MISSING: N_(
        "pg_dump is not installed: a PostgreSQL desk is backed up with it (apt-get install postgresql-client)"
    ),
    Code.BACKUP_PG_DUMP_FAILED: N_("pg_dump failed (exit status {status}), nothing was kept: {detail}"),
    Code.RESTORE_PG_RESTORE_MISSING: N_(
        "pg_restore is not installed: a PostgreSQL desk is restored with it (apt-get install postgresql-client)"
    ),
    Code.RESTORE_PG_RESTORE_FAILED: N_(
        "pg_restore failed (exit status {status}), the database is as it was; its copy from before is {kept}: {detail}"
    ),
    Code.INIT_SHARED_REQUIRED: N_("a database file needs --shared GROUP: the operating-system group of its agents"),
    Code.DATABASE_USE_UNKNOWN: N_("cannot tell whether the database is in use here: quit every helpdesk on it, then give --force"),
    Code.DATABASE_READ_ONLY: N_("The database {target} can only be read here (a read-only file or mount): nothing was changed"),
    Code.DATABASE_WRITE_REFUSED: N_("This database can only be read here: nothing was changed"),
    Code.DATABASE_NEEDS_UPGRADE: N_(
        "The database {target} has schema version {version}, this program needs {supported}: it can only be read here,"
        " so open it once with write access to upgrade it"
    ),
    Code.MIGRATE_TARGET_NOT_EMPTY: N_(
        "the target database already holds a desk (rows in: {tables}): copy into a new, empty database"
    ),
    Code.MIGRATE_OTHER_SOURCE: N_(
        "the target database holds an unfinished copy of another desk ({source}): finish that one with the same"
        " --from, or copy into a new, empty database"
    ),
    Code.MIGRATE_SAME_DATABASE: N_("--from and --to name the same database: copy into a new, empty one"),
    Code.MIGRATE_SOURCE_NOT_HELPDESK: N_("{source} is not a helpdesk database: there is nothing to copy"),
    Code.MIGRATE_SOURCE_OLD: N_(
        "{source} has schema version {version}, this program copies version {supported}: open it once with this"
        " program (helpdesk --db SOURCE check) to upgrade it, then copy it"
    ),
    Code.DATABASE_NOT_HELPDESK: N_("{target} is not a helpdesk database (and can only be read here)"),
    Code.DATABASE_WORLD_READABLE: N_(
        "warning: every user of this machine can read {path} (it holds customers' mail): chmod o-rwx {path}"
    ),
    Code.DATABASE_DIRECTORY_NOT_SHARED: N_(
        "The folder {folder} is not the group {group}'s with set-group-id: give a new folder,"
        " or run chgrp {group} {folder} && chmod 2770 {folder}"
    ),
    Code.GROUP_UNKNOWN: N_("No group “{group}” on this machine: create it first (groupadd {group})"),
    # Settings: always after "file: key: ".
    Code.SETTING_MISSING: N_("missing"),
    Code.SETTING_MISSING_TABLE: N_("missing table"),
    Code.SETTING_NOT_TABLE: N_("must be a table"),
    Code.SETTING_NOT_STRING: N_("must be a non-empty string"),
    Code.SETTING_NOT_STRING_LIST: N_("must be a non-empty list of strings"),
    Code.SETTING_NOT_BOOLEAN: N_("must be true or false"),
    Code.SETTING_NOT_DATE: N_("must be a date like 2021-12-31"),
    Code.SETTING_NOT_ONE_OF: N_("must be one of: {choices}"),
    Code.SETTING_NOT_POSITIVE_INTEGER: N_("must be a whole number of at least 1"),
    Code.SETTING_NOT_POSITIVE_HOURS: N_("must be a positive number of hours"),
    Code.SETTING_NOT_POSITIVE_SECONDS: N_("must be a positive number of seconds"),
    Code.SETTING_NOT_POSITIVE_DAYS: N_("must be a whole number of days, at least 1"),
    Code.SETTING_NOT_PORT: N_("must be a port number (1-65535)"),
    Code.SETTING_NOT_ADDRESS: N_("not an e-mail address: “{value}”"),
    Code.SETTING_NEEDS_ENTRY: N_("needs at least one [[{table}]] entry"),
    Code.SETTING_TIMEZONE_UNKNOWN: N_("unknown time zone “{timezone}”"),
    Code.SETTING_SECRET_IN_FILE: N_("secrets are never read from the file: set it in the environment"),
    Code.REGULATION_PRODUCTS_NOT_UNIQUE: N_("product names must be unique"),
    Code.CONFIG_MAIL_FROM_MISSING: N_("not set: the From address of the mail the helpdesk sends"),
    Code.CONFIG_SMTP_MISSING: N_("no [smtp] section: mail cannot be sent"),
    Code.CONFIG_SMTP_PASSWORD_MISSING: N_("is set, but {variable} is not in the environment"),
    Code.HOURS_WHOLE_MINUTES: N_("give whole minutes, HH:MM"),
    Code.HOURS_NOT_TIME: N_("not a time: “{value}”; use HH:MM, e.g. \"09:00\""),
    Code.HOURS_NOT_SPAN: N_("must be [start, end], e.g. [\"09:00\", \"18:00\"]"),
    Code.HOURS_END_NOT_AFTER_START: N_("the end {end} is not after the start {start}"),
    Code.HOURS_UNKNOWN_DAY: N_("unknown day: use {days}"),
    Code.HOURS_NO_WORKING_DAY: N_("no day has working hours"),
    Code.CALENDAR_NOT_DATE: N_("not a date: “{value}”; use YYYY-MM-DD"),
    Code.CALENDAR_NOT_DATE_LIST: N_("must be a list of dates"),
    Code.CALENDAR_DATE_NOT_IN_YEAR: N_("{date} is not in {year}"),
    Code.CALENDAR_NOT_COUNTRY: N_("must be a country code like \"RU\""),
    Code.CALENDAR_NO_HOLIDAY_DATA: N_("no holiday data for the country “{country}”"),
    Code.CALENDAR_NOT_MINUTES: N_("must be a whole number of minutes, 0 or more"),
    Code.CALENDAR_SHORTENING_TOO_LONG: N_("{minutes} min would leave nothing of {day} {start}-{end}"),
    Code.CALENDAR_HOURS_BY_DATE_NOT_TABLE: N_("must be a table: \"2024-12-28\" = [\"09:00\", \"17:00\"]"),
    Code.CALENDAR_YEAR_OUT_OF_RANGE: N_("the year is out of range {first}-{last}"),
    Code.CALENDAR_UNKNOWN_KEY: N_("unknown key: expected a year like 2025 or one of: {keys}"),
    Code.CALENDAR_UNKNOWN_YEAR_KEY: N_("unknown key: use {keys}"),
    Code.CALENDAR_NOT_MONTH_DAY_LIST: N_("must be a list of \"MM-DD\""),
    Code.CALENDAR_NOT_MONTH_DAY: N_("not a month and day: “{value}”; use \"MM-DD\""),
    Code.CALENDAR_ALSO_DAY_OFF: N_("{date} is also a day off"),
    Code.CALENDAR_NOT_WORKING_DAY: N_("{date} is not a working day"),
    # Tickets.
    Code.TICKET_NOT_FOUND: N_("No ticket #{number}"),
    Code.TICKET_CHANGED: N_(
        "Ticket #{number} was changed by someone else since you opened it: reload it and try again"
    ),
    Code.TICKET_TAKEN: N_("Ticket #{number} is already assigned to {agent}"),
    Code.TICKET_SUBJECT_REQUIRED: N_("The subject is required"),
    Code.TICKET_DESCRIPTION_EMPTY: N_("Describe the problem: the description is empty"),
    Code.TICKET_CONTACT_REQUIRED: N_("The customer's e-mail address, phone number or Telegram handle is required"),
    Code.TICKET_NAME_REQUIRED: N_("The customer's name is required for a ticket taken by phone or at a visit"),
    Code.PHONE_INVALID: N_("Not a phone number: “{value}” (5-20 digits, with spaces, +, - and parentheses)"),
    Code.PRODUCT_UNKNOWN: N_("Unknown product “{product}”; known products: {products}"),
    Code.CHANNEL_UNKNOWN: N_("Unknown channel “{channel}”; use one of: {channels}"),
    Code.PRIORITY_UNKNOWN: N_("Unknown priority “{priority}”; use one of: {priorities}"),
    Code.SCOPE_UNKNOWN: N_("Unknown scope category “{scope}”; known: {scopes}"),
    Code.SCOPE_IN_SCOPE: N_("“{scope}” is in scope: set the category, do not reject the ticket"),
    Code.STATUS_UNKNOWN: N_("Unknown status “{status}”; use one of: {statuses}"),
    Code.STATUS_ALREADY: N_("The ticket is already “{status}”"),
    Code.STATUS_NOT_ALLOWED: N_("A ticket that is “{status}” cannot become “{new_status}” (allowed: {statuses})"),
    Code.REPLY_EMPTY: N_("The reply is empty"),
    Code.SPLIT_NO_SUCH_MESSAGE: NN_(
        "Ticket #{number} has {count} message: give a number from 1 to {count}",
        "Ticket #{number} has {count} messages: give a number from 1 to {count}",
    ),
    Code.SPLIT_NOT_CUSTOMER_MESSAGE: N_("Only a customer's message can become a new ticket"),
    Code.MERGE_INTO_ITSELF: N_("A ticket cannot be merged into itself"),
    Code.MERGE_ALREADY_MERGED: N_("Ticket #{number} is already merged into #{into}"),
    Code.MERGE_TARGET_MERGED: N_("Ticket #{number} was merged into #{into}: merge into #{into}"),
    Code.MERGE_OTHER_CUSTOMER: N_(
        "#{number} is from {customer} and #{into} from {other}: merging two customers' tickets needs a"
        " second confirmation (helpdesk merge --different-customers)"
    ),
    # Undo (data/tickets/undo.py).
    Code.UNDO_NOTHING: N_("You have made no change on #{number} to undo"),
    Code.UNDO_TOO_LATE: N_(
        "Your last change on #{number} ({at}) is more than a minute old: it can no longer be undone; change it back by hand"
    ),
    Code.UNDO_CHANGED_SINCE: N_("#{number} was changed by {actor} after your last change: nothing was undone"),
    Code.UNDO_MERGE: N_("Your last change on #{number} was a merge: merges cannot be undone"),
    Code.UNDO_NOT_UNDOABLE: N_(
        "Your last change on #{number} was {change}: only a status, assignment, scope or priority change"
        " (or a rejection whose reply is not sent yet) can be undone"
    ),
    Code.UNDO_ALREADY: N_("Your last change on #{number} was an undo: there is nothing more to undo"),
    Code.UNDO_REPLY_SENT: N_(
        "The rejection of #{number} cannot be undone: its reply to the customer has been sent or is being sent,"
        " and a sent reply cannot be taken back; reopen the ticket (status open) and write to the customer"
    ),
    # Prepared replies.
    Code.PREPARED_REPLY_NOT_FOUND: N_("No prepared reply “{key}”"),
    Code.PREPARED_REPLY_BUILTIN_NOT_FOUND: N_("No built-in prepared reply “{key}”"),
    Code.PREPARED_REPLY_EXISTS: N_("A prepared reply “{key}” already exists"),
    Code.PREPARED_REPLY_CHANGED: N_(
        "The prepared reply “{key}” was changed by someone else since you opened it: reload it"
    ),
    Code.PREPARED_REPLY_KEY_INVALID: N_(
        "Use 1-40 letters, digits, '_', '-' or '.', no spaces, e.g. need_project_file"
    ),
    Code.PREPARED_REPLY_TITLE_REQUIRED: N_("The title is required"),
    Code.PREPARED_REPLY_TEXT_REQUIRED: N_("Write the text in Russian, English or both"),
    Code.PREPARED_REPLY_BUILTIN_DELETE: N_(
        "“{key}” is one of the regulation's own replies: it cannot be deleted, only edited or reset to the"
        " regulation's text (helpdesk replies reset {key})"
    ),
    Code.PREPARED_REPLY_BUILTIN_KEY: N_("“{key}” is one of the regulation's own replies: its key cannot change"),
    Code.PREPARED_REPLY_NOT_BUILTIN: N_("“{key}” is not one of the regulation's own replies: there is no text to reset it to"),
    Code.REPLIES_DUPLICATE_KEY: N_("another reply already has the key “{key}”"),
    Code.PLACEHOLDER_UNKNOWN: N_("Unknown placeholder {placeholder} (known: {placeholders})"),
    Code.PLACEHOLDER_NEEDS_TICKET: N_("{placeholder} needs a ticket to fill it in"),
    Code.PLACEHOLDER_NO_PRODUCT: N_("Cannot fill in {placeholder}: ticket #{number} has no product; set it first"),
    Code.PLACEHOLDER_NO_SUPPORT_END: N_("Cannot fill in {placeholder}: “{product}” has no support end date"),
    Code.PLACEHOLDER_NO_SCOPE: N_("Cannot fill in {placeholder}: choose the ticket's scope category first"),
    # Reports.
    Code.REPORT_NOT_A_DATE: N_("Not a date like 2026-01-31: “{value}”"),
    Code.REPORT_PERIOD_REVERSED: N_("The period ends ({end}) before it starts ({start})"),
    Code.REPORT_PERIOD_TOO_LONG: NN_(
        "Choose a period of at most {count} day", "Choose a period of at most {count} days"
    ),
    # Files an agent names.
    Code.ATTACHMENT_PATH_EMPTY: N_("Type a path."),
    Code.ATTACHMENT_MISSING: N_("No such file: {path}"),
    Code.ATTACHMENT_IS_DIRECTORY: N_("This is a directory, not a file: {path}"),
    Code.ATTACHMENT_NOT_REGULAR: N_("Not a regular file: {path}"),
    Code.ATTACHMENT_UNREADABLE: N_("Cannot read {path}: permission denied or unreadable."),
    Code.ATTACHMENT_TOO_LARGE: N_("Too large: {path} (the limit is {max_bytes})."),
    # Limits of the settings ([limits]): the request is refused whole.
    Code.LIMIT_SUBJECT: N_("The subject is longer than the limit of {limit} characters ({length})"),
    Code.LIMIT_BODY: N_("The text is larger than the limit of {max_bytes}"),
    Code.LIMIT_ATTACHMENT: N_("The file “{name}” is larger than the limit of {max_bytes} for one file"),
    Code.LIMIT_ATTACHMENTS: N_("Too many files ({count}): one request may bring at most {limit}"),
    Code.LIMIT_REQUEST: N_("The text and the files together are larger than the limit of {max_bytes} for one request"),
    Code.DIRECTORY_PATH_EMPTY: N_("Type a directory."),
    Code.DIRECTORY_MISSING: N_("No such directory: {path}"),
    Code.DIRECTORY_NOT_DIRECTORY: N_("Not a directory: {path}"),
    Code.DIRECTORY_UNWRITABLE: N_("Cannot write to {path}: permission denied."),
    Code.DIRECTORY_NAME_EXHAUSTED: N_("Too many copies of this name already exist: {path}"),
    # Portal documents: a problem of one field comes after its path.
    Code.DOCUMENT_NOT_JSON: N_("Not valid JSON (line {line}, column {column})"),
    Code.DOCUMENT_NUMBER_TOO_LONG: N_("A number in the document is too long to read (over 4300 digits)"),
    Code.DOCUMENT_NESTED_TOO_DEEPLY: N_("The document is nested too deeply to read"),
    Code.DOCUMENT_NOT_REQUEST: N_("The document must be a request object or a list of them"),
    Code.DOCUMENT_EMPTY_LIST: N_("The list of requests is empty"),
    Code.DOCUMENT_TOO_MANY_REQUESTS: N_("Too many requests in one document: at most {limit}"),
    Code.DOCUMENT_NOT_OBJECT: N_("must be a JSON object"),
    Code.DOCUMENT_FIELD_REQUIRED: N_("is required"),
    Code.DOCUMENT_NOT_STRING: N_("must be a string"),
    Code.DOCUMENT_EMPTY_STRING: N_("must not be empty"),
    Code.DOCUMENT_UNKNOWN_FIELD: N_("unknown field (known: {fields})"),
    Code.DOCUMENT_TOO_LONG: NN_("longer than {count} character", "longer than {count} characters"),
    Code.DOCUMENT_CUSTOMER_REQUIRED: N_("is required: an object with email and name"),
    Code.DOCUMENT_NOT_LIST: N_("must be a list"),
    Code.DOCUMENT_ATTACHMENT_NOT_OBJECT: N_("must be an object with filename and content_base64"),
    Code.DOCUMENT_NOT_BASE64: N_("is not valid base64"),
    Code.DOCUMENT_NOT_MIME_TYPE: N_("not a MIME type: “{value}”"),
    Code.DOCUMENT_BODY_EMPTY: N_("describe the problem: the body is empty and nothing is attached"),
    Code.PORTAL_OTHER_CUSTOMER: N_("the request {request} belongs to another customer"),
    # Mail.
    Code.IMAP_URL_MISSING: N_("give a URL, or set imap.url in the config file"),
    Code.IMAP_URL_INVALID: N_("The IMAP address must look like imaps://USER@HOST[:PORT]/FOLDER, not “{url}”"),
    Code.IMAP_URL_NO_HOST: N_("No host in the IMAP address “{url}”"),
    Code.IMAP_URL_NO_USER: N_("No user in the IMAP address “{url}” (imaps://USER@HOST/FOLDER)"),
    Code.IMAP_URL_HAS_PASSWORD: N_("Put no password in the IMAP address: set {variable} or use ~/.netrc"),
    Code.IMAP_URL_BAD_PORT: N_("Bad port in the IMAP address “{url}”"),
    Code.IMAP_NO_PASSWORD: N_("No IMAP password: set {variable} or add {host} to ~/.netrc"),
    Code.IMAP_COMMAND_FAILED: N_("The IMAP command {command} failed: {detail}"),
    Code.IMAP_REFUSED: N_("the server refused: {detail}"),
    Code.IMAP_CANNOT_CONNECT: N_("cannot connect: {detail}"),
    Code.IMAP_CONNECTION_BROKEN: N_("the connection broke: {kind}: {detail}"),
    Code.MAIL_EMPTY: N_("The message is empty"),
    Code.MAIL_UNREADABLE_MIME: N_("Unreadable MIME structure: {detail}"),
    Code.MAIL_NOT_MAIL: N_("No mail headers found: this is not an e-mail message"),
    Code.MAIL_NO_SENDER_HEADER: N_("No sender: the mail has no From, Reply-To or Sender header"),
    Code.MAIL_NO_SENDER: N_("No sender: From, Reply-To and Sender name no one"),
    Code.MAIL_NESTED_TOO_DEEPLY: N_("The MIME structure is nested too deeply"),
    Code.MAIL_CANNOT_PARSE: N_("Cannot read the message: {error}"),
    Code.INTAKE_CANNOT_STORE: N_("Cannot store: {error}"),
    # Telegram.
    Code.TELEGRAM_NO_TOKEN: N_("No Telegram bot token"),
    Code.TELEGRAM_TOKEN_ENV_MISSING: N_("Give --token-env NAME (the environment variable holding the bot token)"),
    Code.TELEGRAM_TOKEN_NOT_SET: N_("The environment variable {variable} is not set (the bot token)"),
    Code.TELEGRAM_TOKEN_INVALID: N_(
        "The Telegram bot token has a space, a line break or a character outside ASCII: copy it again"
    ),
    Code.TELEGRAM_REFUSED: N_("Telegram {method} refused: {description}"),
    Code.TELEGRAM_HTTP_ERROR: N_("Telegram {method}: HTTP error {http_status}"),
    Code.TELEGRAM_UNREACHABLE: N_("Telegram {method}: cannot reach the Bot API: {detail}"),
    Code.TELEGRAM_NOT_JSON: N_("Telegram {method}: the answer is not JSON"),
    Code.TELEGRAM_NO_FILE_PATH: N_("Telegram {method}: no file path in the answer"),
    Code.TELEGRAM_NOT_A_MESSAGE: N_("not a message: nothing to store"),
    Code.TELEGRAM_SERVICE_MESSAGE: N_("a service message: nothing to store"),
    # The outbox, the quarantine, the demo.
    Code.OUTBOX_NOT_FOUND: N_("No delivery {id} in the outbox"),
    Code.OUTBOX_NOT_RETRYABLE: N_("Delivery {id} neither failed nor was skipped: only those are queued again"),
    Code.OUTBOX_NOTHING_CONFIGURED: N_(
        "Nothing can be sent: configure [smtp] (and [mail] from) or telegram.token_env in {path}"
    ),
    Code.QUARANTINE_NOT_FOUND: N_("Nothing in quarantine with id {id}"),
    Code.QUARANTINE_DISCARDED: N_("Quarantined message {id} was discarded: nothing was done"),
    Code.QUARANTINE_STORED: N_("Quarantined message {id} is already stored in ticket #{number}"),
    Code.QUARANTINE_REASON_REQUIRED: N_("Say why the message is discarded"),
    # Agents and access.
    Code.ACCESS_NOT_AGENT: N_("{user} is not an agent of this desk: ask an admin ({admins}) to run helpdesk agent add {user}"),
    Code.ACCESS_DISABLED: N_("The agent {user} is disabled on this desk: ask an admin ({admins})"),
    Code.ACCESS_READ_ONLY: N_("{agent} may only read this desk: ask an admin ({admins})"),
    Code.ACCESS_ADMIN_ONLY: N_("Only an admin of this desk may do this ({admins})"),
    Code.ACCESS_ACT_AS_ADMIN_ONLY: N_("Only an admin may act as another agent with --as ({admins})"),
    Code.ACCESS_LAST_ADMIN: N_("{login} is the last admin of this desk: add another admin first"),
    Code.ACCESS_READ_ONLY_ASKED: N_("This desk is open for reading only (--read-only; helpdesk serve opens it so without --write): nothing can be changed here"),
    Code.AGENT_UNKNOWN: N_("No agent “{login}” on this desk; agents: {agents}"),
    Code.AGENT_DISABLED: N_("The agent “{login}” is disabled"),
    Code.AGENT_EXISTS: N_("The agent “{login}” already exists"),
    Code.AGENT_LOGIN_INVALID: N_("Not an operating-system login: “{login}”"),
    Code.AGENT_NO_OS_USER: N_("warning: there is no user “{login}” on this machine: they can work once the account exists"),
    Code.DEMO_TICKETS_INVALID: N_("give a number of tickets, at least 1"),
    Code.VIEW_NOT_FOUND: N_("No saved view “{name}”; yours: {views}"),
    Code.VIEW_EXISTS: N_("You already have a view named “{name}”"),
    Code.VIEW_NAME_REQUIRED: N_("Give the view a name"),

    Code.SERVE_NOT_LOOPBACK: N_(
        "{host} is not this machine's loopback address: other machines could reach the desk; "
        "add --public to serve it there (with an access token in the URL)"
    ),
    Code.SERVE_PORT_INVALID: N_("give a TCP port from 1 to 65535, not {value}"),
}


def _braced(name: str) -> str:
    return "{" + name + "}"


# Parameters shown in words rather than as stored (a list: each item so, joined by commas).
SHOWN: dict[str, Callable[[object], str]] = {
    "status": status_label,
    "new_status": status_label,
    "statuses": status_label,
    "priority": priority_label,
    "priorities": priority_label,
    "channel": channel_label,
    "channels": channel_label,
    "max_bytes": file_size,
    "placeholder": _braced,
    "placeholders": _braced,
    "actor": actor_label,
    "change": change_label,
}
SCOPE_PARAMS = ("scope", "scopes")


def _shown(name: str, value: object, regulation: Regulation | None) -> str:
    if isinstance(value, BaseException):
        return describe(value, regulation)
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(name, item, regulation) for item in value)
    if name in SCOPE_PARAMS and regulation is not None:
        return scope_label(regulation, value)
    show = SHOWN.get(name)
    return show(value) if show else str(value)


def describe(error: BaseException, regulation: Regulation | None = None, *, located: bool = True) -> str:
    """One line about ``error`` in the current language.

    ``regulation`` names the scope categories in a text; without it their keys are shown (what
    the CLI takes as arguments). ``located=False`` leaves ``where`` out, for a text shown next to
    the field it is about."""
    coded = as_error(error)
    template = TEXTS[coded.code]
    template = ngettext(*template, coded.params["count"]) if isinstance(template, tuple) else _(template)
    text = template.format(**{name: _shown(name, value, regulation) for name, value in coded.params.items()})
    line = f"{coded.where}: {text}" if coded.where and located else text
    return " ".join(line.splitlines())  # one line, whatever line breaks a quoted value holds


def describe_reason(reason: str, regulation: Regulation | None = None) -> str:
    """A stored reason (data/core/errors.py encode_reason) in words; an older plain one as it is."""
    problem = decode_reason(reason)
    if problem is None:
        return reason
    try:
        return describe(problem, regulation)
    except (KeyError, IndexError):  # stored by a version whose text took other parameters
        return reason
