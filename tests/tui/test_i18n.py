"""The translation catalogs: every msgid of the source has Russian text, English is complete, the .mo files are current."""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from helpdesk.tui import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "tui" / "locale"
sys.path.insert(0, str(LOCALE))
import update as catalogs  # noqa: E402  (tui/locale/update.py, the catalog tool)


@pytest.fixture(scope="module")
def template():
    return catalogs.extract()


def load(language):
    with open(catalogs.po_path(language), "rb") as handle:
        return read_po(handle, locale=language, domain=catalogs.DOMAIN)


def key(message):
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return (message.context, msgid)


def test_every_msgid_in_the_source_has_a_russian_translation(template):
    ru = {key(msg): msg for msg in load("ru") if msg.id}
    missing, fuzzy, wrong_plurals = [], [], []
    for message in template:
        if not message.id:
            continue
        found = ru.get(key(message))
        strings = () if found is None else (found.string if isinstance(found.string, (tuple, list)) else (found.string,))
        if found is None or not all(strings):
            missing.append(key(message))
        elif found.fuzzy:
            fuzzy.append(key(message))
        elif isinstance(message.id, (tuple, list)) and len(strings) != 3:
            wrong_plurals.append(key(message))
    assert missing == [], f"run tui/locale/update.py; no Russian text for: {missing}"
    assert fuzzy == [] and wrong_plurals == []


def test_english_catalog_is_complete(template):
    en = {key(msg): msg for msg in load("en") if msg.id}
    assert {key(m) for m in template if m.id} <= set(en)
    assert all(msg.string for msg in en.values())


def messages_of(catalog) -> dict:
    """{(context, msgid): translation} of a catalog, the header left out: what gettext looks up."""
    return {
        key(msg): tuple(msg.string) if isinstance(msg.string, (tuple, list)) else msg.string
        for msg in catalog
        if msg.id and not msg.fuzzy
    }


def test_compiled_catalogs_are_current():
    """The .mo files hold exactly the .po's translations (compared as parsed catalogs, not as
    bytes: the bytes embed the version of the Babel that compiled them)."""
    for language in catalogs.LANGUAGES:
        with open(catalogs.mo_path(language), "rb") as handle:
            compiled = read_mo(handle)
        assert messages_of(compiled) == messages_of(load(language)), (
            f"{language}: helpdesk.mo differs from helpdesk.po; run tui/locale/update.py"
        )


def test_the_catalog_comparison_would_notice_a_stale_translation():
    """A check that cannot fail is a defect: one changed translation must make the maps differ."""
    catalog = load("ru")
    before = messages_of(catalog)
    msg = next(m for m in catalog if m.id and isinstance(m.string, str) and m.string)
    msg.string += " (old)"
    assert messages_of(catalog) != before


def test_the_extraction_finds_strings_of_every_kind(template):
    ids = {key(m) for m in template if m.id}
    assert (None, "Sort") in ids  # N_() in a Binding
    assert (None, "{n} ticket") in ids  # ngettext
    assert ("queue tab", "New") in ids and ("status", "New") in ids  # pgettext / NP_ contexts
    assert (None, "Open - closes {countdown}, {when}") in ids  # _() in tui/timefmt.py


def test_russian_plurals_have_three_forms():
    i18n.set_language("ru")
    try:
        words = [i18n.ngettext("{n} ticket", "{n} tickets", n).format(n=n) for n in (1, 2, 5, 11, 21, 22, 25, 111)]
        assert words == ["1 заявка", "2 заявки", "5 заявок", "11 заявок", "21 заявка", "22 заявки", "25 заявок",
                         "111 заявок"]
        assert i18n.pgettext("queue tab", "New") == "Новые" and i18n.pgettext("status", "New") == "Новая"
    finally:
        i18n.set_language("en")
    assert i18n.ngettext("{n} ticket", "{n} tickets", 1) == "{n} ticket"


def test_no_text_counts_with_a_parenthesised_plural(template):
    """ "has 4 message(s)": a count takes the language's plural forms (ngettext), never "(s)"."""
    singular_only = [message.id for message in template if message.id and not isinstance(message.id, (tuple, list))]
    assert [msgid for msgid in singular_only if "(s)" in msgid or "(es)" in msgid] == []


@pytest.mark.parametrize("n, ru, en", [
    (1, "В заявке №7 1 сообщение: укажите номер от 1 до 1", "Ticket #7 has 1 message: give a number from 1 to 1"),
    (4, "В заявке №7 4 сообщения: укажите номер от 1 до 4", "Ticket #7 has 4 messages: give a number from 1 to 4"),
    (5, "В заявке №7 5 сообщений: укажите номер от 1 до 5", "Ticket #7 has 5 messages: give a number from 1 to 5"),
    (21, "В заявке №7 21 сообщение: укажите номер от 1 до 21", "Ticket #7 has 21 messages: give a number from 1 to 21"),
])
def test_counts_in_the_command_line_take_plural_forms(n, ru, en):
    from helpdesk.data.core.errors import Code, ValidationError
    from helpdesk.tui.errors import describe

    error = ValidationError("message_index", Code.SPLIT_NO_SUCH_MESSAGE, number=7, count=n)
    nb = "\u00a0"
    sizes = {1: f"Размер: 1{nb}байт", 4: f"Размер: 4{nb}байта", 5: f"Размер: 5{nb}байт", 21: f"Размер: 21{nb}байт"}
    assert describe(error, located=False) == en
    assert i18n.ngettext("Size: {size} byte", "Size: {size} bytes", n).format(size=n) == (
        f"Size: {n} byte" if n == 1 else f"Size: {n} bytes")
    i18n.set_language("ru")
    try:
        assert describe(error, located=False) == ru
        assert i18n.ngettext("Size: {size} byte", "Size: {size} bytes", n).format(size=n) == sizes[n]
        written = i18n.ngettext("{n} demo ticket written to {path} in {seconds} s",
                                "{n} demo tickets written to {path} in {seconds} s", n)
        assert written.format(n=n, path="x.db", seconds="1,5").startswith(
            {1: "1 демо-заявка записана", 4: "4 демо-заявки записаны", 5: "5 демо-заявок записано",
             21: "21 демо-заявка записана"}[n])
    finally:
        i18n.set_language("en")


def test_the_language_follows_the_locale_and_the_option(monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert i18n.language_from_environment() == "ru"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.language_from_environment() == "en"
    try:
        assert i18n.set_language("ru") == "ru" and i18n._("Sort") == "Сортировка"
    finally:
        i18n.set_language("en")
    translation = gettext.translation(i18n.DOMAIN, LOCALE, languages=["ru"])
    assert translation.gettext("Quit") == "Выход"
