"""Peewee models: the store's tables.

Models are bound to ``database_proxy``; ``data.store.open_store`` binds the real database.
Instants are stored in UTC (``UTCDateTimeField``) and come back as aware datetimes.
"""

from __future__ import annotations

from datetime import datetime, timezone

import peewee as pw


class StoreProxy(pw.DatabaseProxy):
    """The models' database; its savepoints are the bound database's own (peewee's proxy makes
    plain ones), so that data/store/database.py SqliteStore decides how they roll back."""

    def savepoint(self):
        return self.obj.savepoint()


database_proxy = StoreProxy()

# Bump when a column is added; data/migrations.py holds the step from each older version.
# 4: the full-text index (data/store/fulltext.py: its own tables, no model); 5: discarding
# quarantined mail; 6: the stored working times of the reports (Ticket.first_response_work_us,
# resolution_work_us) and resolved_at indexed; 7: saved queue views (SavedView); 8: the search's
# substring index (data/store/fulltext.py, its own table again).
SCHEMA_VERSION = 8


class Char(pw.CharField):
    """A short text with no length limit on any database: SQLite never enforced ``max_length``,
    and PostgreSQL would refuse a longer value (a customer's name is whatever the mail said), so
    the column is a plain ``VARCHAR`` there (unlimited on PostgreSQL)."""

    def get_modifiers(self):
        return None


class UTCDateTimeField(pw.CharField):
    """An aware instant stored as fixed-width UTC text, so text order is time order."""

    FORMAT = "%Y-%m-%d %H:%M:%S.%f"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 26)
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store: instants must be aware")
        return value.astimezone(timezone.utc).strftime(self.FORMAT)

    def python_value(self, value):
        if value is None or isinstance(value, datetime):
            return value
        # fromisoformat reads FORMAT's output ~20x faster than strptime (lists read 100,000s), and
        # given the offset it parses the zone too: 5x faster than parsing, then replacing it.
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # a value written with its own offset
            parsed = datetime.fromisoformat(value)
            return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the store itself (schema version, intake cursors)."""

    key = Char(primary_key=True)
    value = pw.TextField()


class Product(BaseModel):
    name = Char(unique=True)
    support_ends = pw.DateField(null=True)


class Customer(BaseModel):
    name = Char(default="")
    email = Char(null=True, unique=True)  # stored lower-case
    telegram = Char(null=True, unique=True)  # Telegram user id or @handle
    organisation = Char(null=True)
    created_at = UTCDateTimeField()
    # Since schema 3: a caller registered by phone may have no other contact.
    phone = Char(null=True)


class Agent(BaseModel):
    """An agent is an operating-system user registered on the desk."""

    login = Char(unique=True)
    display_name = Char(default="")
    # Since schema 3:
    role = Char(default="agent")  # admin / agent / read_only
    active = pw.BooleanField(default=True)  # a disabled agent keeps their history, may not work


class Ticket(BaseModel):
    number = pw.IntegerField(unique=True)
    subject = pw.TextField()
    product = pw.ForeignKeyField(Product, null=True, backref="tickets", on_delete="RESTRICT")
    customer = pw.ForeignKeyField(Customer, backref="tickets", on_delete="RESTRICT")
    channel = Char(index=True)
    status = Char(index=True)
    scope = Char(null=True, index=True)
    assignee = pw.ForeignKeyField(Agent, null=True, backref="tickets", on_delete="SET NULL")
    created_at = UTCDateTimeField(index=True)
    first_response_at = UTCDateTimeField(null=True)
    updated_at = UTCDateTimeField(index=True)
    version = pw.IntegerField(default=1)
    # Since schema 2:
    priority = Char(default="normal")
    due_at = UTCDateTimeField(null=True, index=True)
    support_ended = pw.BooleanField(default=False)
    out_of_hours = pw.BooleanField(default=False)
    waiting_since = UTCDateTimeField(null=True)
    resolved_at = UTCDateTimeField(null=True, index=True)  # indexed since schema 6 (reports)
    # Working time spent waiting for the customer, which the targets do not count.
    paused_seconds = pw.IntegerField(default=0)
    portal_id = Char(null=True, unique=True)  # the support portal's own request id
    telegram_chat = Char(null=True, index=True)  # the Telegram chat the request came from
    # Since schema 6: the working time (microseconds, on the working calendar) from creation to
    # ``first_response_at`` and to ``resolved_at``; None while that instant is. Written with
    # them by data/tickets/writes.py (``bump``), so reports count and rank them in SQL.
    first_response_work_us = pw.BigIntegerField(null=True)
    resolution_work_us = pw.BigIntegerField(null=True)


class Message(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="messages", on_delete="CASCADE")
    author_kind = Char()  # customer / agent / system
    author = Char(default="")
    body = pw.TextField(default="")
    is_note = pw.BooleanField(default=False)
    created_at = UTCDateTimeField(index=True)
    message_id = Char(null=True, unique=True)  # e-mail Message-ID, without <>
    in_reply_to = Char(null=True)
    # Since schema 2:
    references = pw.TextField(null=True)
    content_hash = Char(null=True, index=True)


class Blob(BaseModel):
    """Attachment content, stored once per sha256 however often it is sent."""

    sha256 = Char(primary_key=True)
    data = pw.BlobField()


class Attachment(BaseModel):
    message = pw.ForeignKeyField(Message, backref="attachments", on_delete="CASCADE")
    filename = pw.TextField()  # as sent: may hold anything, shown only through tui.text.literal
    size = pw.IntegerField()
    sha256 = Char(index=True)
    content_type = Char(default="application/octet-stream")


class Event(BaseModel):
    """The audit trail: who changed what on a ticket, when, from what to what."""

    ticket = pw.ForeignKeyField(Ticket, backref="events", on_delete="CASCADE")
    actor = Char()
    action = Char()
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)
    created_at = UTCDateTimeField(index=True)
    # Since schema 3: the operating-system user behind the change when an admin acted as
    # someone else (``--as``); None when the actor is who ran it.
    real_user = Char(null=True)


class TicketLink(BaseModel):
    """Split and merge partners: ``kind`` says what ``ticket`` is to ``other``."""

    ticket = pw.ForeignKeyField(Ticket, backref="links", on_delete="CASCADE")
    other = pw.ForeignKeyField(Ticket, backref="linked_from", on_delete="CASCADE")
    kind = Char()  # split_from / split_into / merged_into / merged_from
    created_at = UTCDateTimeField()


class PreparedReply(BaseModel):
    """A reply text agents insert into the composer, in Russian and English."""

    key = Char(unique=True)
    title = Char()
    body_ru = pw.TextField(default="")
    body_en = pw.TextField(default="")
    builtin = pw.BooleanField(default=False)  # shipped with the regulation's own wording
    updated_at = UTCDateTimeField()


class Outbox(BaseModel):
    """A reply or notice to deliver (mail, Telegram), retried with back-off until sent."""

    message = pw.ForeignKeyField(Message, backref="deliveries", on_delete="CASCADE")
    channel = Char()  # email / telegram
    recipient = Char()
    state = Char(default="queued", index=True)  # queued / sent / failed
    attempts = pw.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(index=True)
    last_error = pw.TextField(null=True)
    sent_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()


class Quarantine(BaseModel):
    """Incoming mail that could not be read or stored, kept whole with the reason."""

    received_at = UTCDateTimeField(index=True)
    source = pw.TextField()  # where it came from: a file, a mailbox, IMAP UID
    reason = pw.TextField()
    raw = pw.BlobField()
    retried_at = UTCDateTimeField(null=True)
    ticket_number = pw.IntegerField(null=True)  # set once a retry stored it, or an agent made a ticket of it
    # Since schema 4 (data/channels/quarantine.py): an agent discarded it, saying why; the row and
    # its raw mail are kept DISCARD_KEEP_DAYS, then purged. ``handled_by``: the agent who discarded
    # it or made a ticket of it by hand.
    discarded_at = UTCDateTimeField(null=True, index=True)
    discard_reason = pw.TextField(null=True)
    handled_by = Char(null=True)


# --- a team on one database: what each agent's app is doing (data/team/) ---------------------
# New tables only (no column of an older table changes): the store creates them on open, with no
# schema step. Rows here are an agent's working state, not the helpdesk's record: no Event is
# written for them, and the change watcher does not count them as ticket changes.


class TicketSeen(BaseModel):
    """How far an agent has read a ticket's audit trail (``last_event_id``), set when they open it.

    The row with no ticket is the agent's baseline: every ticket's trail up to it counts as read
    (written when the agent first runs the app, so a new agent does not start with the whole
    archive unread)."""

    agent = Char()  # login
    ticket = pw.ForeignKeyField(Ticket, null=True, backref="seen_by", on_delete="CASCADE")
    last_event_id = pw.IntegerField()
    seen_at = UTCDateTimeField()

    class Meta:
        indexes = ((("agent", "ticket"), True),)


class Draft(BaseModel):
    """An agent's unsent reply or note on a ticket, saved as it is typed."""

    agent = Char()  # login
    ticket = pw.ForeignKeyField(Ticket, backref="drafts", on_delete="CASCADE")
    kind = Char()  # reply / note
    body = pw.TextField()
    saved_at = UTCDateTimeField()

    class Meta:
        indexes = ((("agent", "ticket"), True),)


class Presence(BaseModel):
    """A running app's heartbeat while it shows a ticket; a row that stopped beating is gone."""

    app_id = Char(primary_key=True)  # a uuid per running app
    agent = Char()  # login
    ticket = pw.ForeignKeyField(Ticket, backref="presence", on_delete="CASCADE")
    composing = Char(null=True)  # reply / note while the composer holds text
    beat_at = UTCDateTimeField(index=True)


class SavedView(BaseModel):
    """An agent's queue view under a name (data/team/saved_views.py): tab, filters, search, order.

    Since schema 5 (data/store/migrations.py ``_to_v5``)."""

    agent = pw.CharField()  # login
    name = pw.CharField()
    query = pw.TextField()  # the queue filter as JSON (its fields but the agent)
    saved_at = UTCDateTimeField()

    class Meta:
        indexes = ((("agent", "name"), True),)


ALL_MODELS = [
    Meta, Product, Customer, Agent, Ticket, Message, Blob, Attachment, Event,
    TicketLink, PreparedReply, Outbox, Quarantine, TicketSeen, Draft, Presence, SavedView,
]


def put_meta(key: str, value: str) -> None:
    """Set a ``Meta`` fact (an upsert both SQLite and PostgreSQL take: PostgreSQL has no REPLACE)."""
    Meta.insert(key=key, value=value).on_conflict(conflict_target=[Meta.key], update={Meta.value: value}).execute()
