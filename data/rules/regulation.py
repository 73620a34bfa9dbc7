"""The deployment's support regulation, read from a TOML file.

The shipped default (``data/regulation.toml``) encodes the vendor's regulation; another vendor
points ``--regulation PATH`` or ``HELPDESK_REGULATION`` at its own. Every problem in the file is
reported with the file, the key and what is wrong.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpdesk.data.core.errors import Code, RegulationError
from helpdesk.data.core.toml_file import read_toml
from helpdesk.data.rules.working_hours import WorkingCalendar

DEFAULT_PATH = Path(__file__).with_name("regulation.toml")
PRIORITIES = ("low", "normal", "high")


class ProductSpec(NamedTuple):
    """A product the regulation covers, and the day its support ends (None: supported)."""

    name: str
    support_ends: date | None = None

    def supported_on(self, day: date) -> bool:
        return self.support_ends is None or day <= self.support_ends


class ScopeCategory(NamedTuple):
    """A scope category (regulation 1.4): in scope or not, and its label in Russian and English."""

    key: str
    in_scope: bool
    ru: str
    en: str

    def label(self, language: str) -> str:
        return self.ru if language == "ru" else self.en


class Target(NamedTuple):
    """The working-time targets of one priority, in working hours."""

    first_response_hours: float
    resolution_hours: float


class Regulation(NamedTuple):
    """The regulation file as read: products, scope, targets, channels, the working calendar.

    These values are NamedTuples, not dataclasses (see data/rules/working_hours.py ``Window``):
    ``regulation._replace(customer_language="en")`` makes a changed copy."""

    source: str
    timezone: ZoneInfo
    customer_language: str
    channels: tuple[str, ...]
    products: tuple[ProductSpec, ...]
    scope: tuple[ScopeCategory, ...]
    targets: dict[str, Target]
    default_priority: str
    waiting_stale_days: int
    calendar: WorkingCalendar
    by_agent: tuple[str, ...] = ()  # the channels an agent types requests in by hand (a call, a visit)

    def scope_category(self, key: str) -> ScopeCategory | None:
        return next((c for c in self.scope if c.key == key), None)

    def product(self, name: str) -> ProductSpec | None:
        folded = name.strip().casefold()
        return next((p for p in self.products if p.name.casefold() == folded), None)


def regulation_path(explicit: str | None = None) -> Path:
    """The file to read: ``--regulation``, else ``HELPDESK_REGULATION``, else the shipped one."""
    chosen = explicit or os.environ.get("HELPDESK_REGULATION")
    return Path(chosen) if chosen else DEFAULT_PATH


def load_regulation(path: str | Path | None = None) -> Regulation:
    path = regulation_path(str(path) if path else None)
    source = str(path)
    raw = read_toml(path)
    return parse_regulation(raw, source)


def parse_regulation(raw: dict, source: str) -> Regulation:
    reader = _Reader(source)
    support = reader.table(raw, "support")
    tz_name = reader.string(support, "support.timezone")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RegulationError(source, "support.timezone", Code.SETTING_TIMEZONE_UNKNOWN, timezone=tz_name) from None
    language = support.get("customer_language", "ru")
    if language not in ("ru", "en"):
        raise RegulationError(source, "support.customer_language", Code.SETTING_NOT_ONE_OF, choices=["ru", "en"])
    channels = tuple(reader.string_list(support, "support.channels"))
    by_agent = tuple(reader.string_list(support, "support.by_agent")) if "by_agent" in support else ()
    if any(channel not in channels for channel in by_agent):
        raise RegulationError(source, "support.by_agent", Code.SETTING_NOT_ONE_OF, choices=list(channels))

    products = []
    for i, item in enumerate(reader.array_of_tables(raw, "products")):
        key = f"products[{i}]"
        name = reader.string(item, f"{key}.name")
        ends = item.get("support_ends")
        if ends is not None and not isinstance(ends, date):
            raise RegulationError(source, f"{key}.support_ends", Code.SETTING_NOT_DATE)
        products.append(ProductSpec(name, ends))
    if len({p.name.casefold() for p in products}) != len(products):
        raise RegulationError(source, "products", Code.REGULATION_PRODUCTS_NOT_UNIQUE)

    scope = []
    for i, item in enumerate(reader.array_of_tables(raw, "scope")):
        key = f"scope[{i}]"
        in_scope = item.get("in_scope")
        if not isinstance(in_scope, bool):
            raise RegulationError(source, f"{key}.in_scope", Code.SETTING_NOT_BOOLEAN)
        scope.append(
            ScopeCategory(
                key=reader.string(item, f"{key}.key"),
                in_scope=in_scope,
                ru=reader.string(item, f"{key}.ru"),
                en=reader.string(item, f"{key}.en"),
            )
        )

    targets_raw = reader.table(raw, "targets")
    targets = {}
    for priority in PRIORITIES:
        table = reader.table(targets_raw, priority, prefix="targets.")
        targets[priority] = Target(
            first_response_hours=reader.positive(table, f"targets.{priority}.first_response_hours"),
            resolution_hours=reader.positive(table, f"targets.{priority}.resolution_hours"),
        )
    default_priority = targets_raw.get("default_priority", "normal")
    if default_priority not in PRIORITIES:
        raise RegulationError(source, "targets.default_priority", Code.SETTING_NOT_ONE_OF, choices=list(PRIORITIES))
    stale = targets_raw.get("waiting_stale_days", 5)
    if not isinstance(stale, int) or isinstance(stale, bool) or stale < 1:
        raise RegulationError(source, "targets.waiting_stale_days", Code.SETTING_NOT_POSITIVE_DAYS)

    calendar = WorkingCalendar.from_config(
        tz_name, reader.table(raw, "hours"), reader.table(raw, "calendar"), source=source
    )
    return Regulation(
        source=source,
        timezone=tz,
        customer_language=language,
        channels=channels,
        products=tuple(products),
        scope=tuple(scope),
        targets=targets,
        default_priority=default_priority,
        waiting_stale_days=stale,
        calendar=calendar,
        by_agent=by_agent,
    )


class _Reader:
    """Typed look-ups in the parsed TOML that fail with the file and the dotted key."""

    def __init__(self, source: str):
        self.source = source

    def _leaf(self, key: str) -> str:
        return key.rsplit(".", 1)[-1]

    def table(self, parent: dict, key: str, prefix: str = "") -> dict:
        value = parent.get(key)
        if not isinstance(value, dict):
            raise RegulationError(
                self.source, prefix + key, Code.SETTING_MISSING_TABLE if value is None else Code.SETTING_NOT_TABLE
            )
        return value

    def array_of_tables(self, parent: dict, key: str) -> list[dict]:
        value = parent.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise RegulationError(self.source, key, Code.SETTING_NEEDS_ENTRY, table=key)
        return value

    def string(self, parent: dict, key: str) -> str:
        value = parent.get(self._leaf(key))
        if not isinstance(value, str) or not value.strip():
            raise RegulationError(self.source, key, Code.SETTING_MISSING if value is None else Code.SETTING_NOT_STRING)
        return value

    def string_list(self, parent: dict, key: str) -> list[str]:
        value = parent.get(self._leaf(key))
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise RegulationError(self.source, key, Code.SETTING_NOT_STRING_LIST)
        return value

    def positive(self, parent: dict, key: str) -> float:
        value = parent.get(self._leaf(key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise RegulationError(self.source, key, Code.SETTING_NOT_POSITIVE_HOURS)
        return float(value)
