"""Update the translation catalogs: extract, merge pending translations, fill English, compile.

Run from the repository root (see tui/locale/README):

    .venv/bin/python tui/locale/update.py          # update helpdesk.pot, ru and en .po, compile .mo
    .venv/bin/python tui/locale/update.py --check  # also fail (exit 1) if a msgid has no Russian text

Steps:
1. extract every ``_()``, ``N_()``, ``ngettext()`` and ``NN_()`` string of ``tui/`` and ``screens/``
   (babel.cfg, the same as ``pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -k NN_:1,2``) into
   ``tui/locale/helpdesk.pot``;
2. update ``ru`` and ``en`` ``helpdesk.po`` from it (obsolete entries are dropped);
3. take Russian texts from ``tui/locale/ru_pending/*.po`` (each area's strings; a pending file
   wins over the catalog, so fix a translation in the pending file that holds it; strings in no
   pending file are edited in ``ru/LC_MESSAGES/helpdesk.po`` directly);
4. fill the English catalog with the msgids themselves (a complete catalog);
5. compile both ``.mo`` files.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "tui" / "locale"
DOMAIN = "helpdesk"
# As ``pybabel extract -k N_ -k ngettext:1,2 -k NN_:1,2 -k pgettext:1c,2 -k NP_:1c,2``.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "NN_": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
SOURCES = ("tui", "screens")
LANGUAGES = ("ru", "en")


# Fixed header dates, so an update that changes no string changes no file.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def extract() -> Catalog:
    """The template: every marked string of the interface, with where it is used."""
    template = Catalog(project="helpdesk", version="0.1.0", charset="utf-8", fuzzy=False,
                       creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    method_map = [("**.py", "python")]
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            template.add(message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def load(language: str) -> Catalog:
    path = po_path(language)
    if path.exists():
        with open(path, "rb") as handle:
            return read_po(handle, locale=language, domain=DOMAIN)
    return Catalog(locale=language, domain=DOMAIN, project="helpdesk", version="0.1.0", fuzzy=False,
                   creation_date=FIXED_DATE, revision_date=FIXED_DATE, last_translator="helpdesk team",
                   language_team="helpdesk team")


def pending() -> dict:
    """(context, msgid) -> Russian text (a string, or a tuple of plural forms) from ru_pending/*.po."""
    found = {}
    for path in sorted((LOCALE / "ru_pending").glob("*.po")):
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale="ru")
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            if isinstance(message.string, (tuple, list)) and not all(message.string):
                continue
            msgkey = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            found[(message.context, msgkey)] = message.string
    return found


def compiled(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def missing(catalog: Catalog) -> list:
    result = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy or not all(strings):
            result.append(message.id)
    return result


def write(catalog: Catalog, language: str) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False, include_previous=False,
                 no_location=True)
    mo_path(language).write_bytes(compiled(catalog))


def update(check: bool = False) -> int:
    template = extract()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with open(LOCALE / f"{DOMAIN}.pot", "wb") as handle:
        write_po(handle, template, width=100, sort_output=True, no_location=True)
    extra = pending()
    for language in LANGUAGES:
        catalog = load(language)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        for message in catalog:
            if not message.id:
                continue
            key = message.id
            if language == "en":
                message.string = (key[0], key[1]) if isinstance(key, (tuple, list)) else key
                message.flags.discard("fuzzy")
                continue
            msgkey = key[0] if isinstance(key, (tuple, list)) else key
            if (message.context, msgkey) in extra:
                message.string = extra[(message.context, msgkey)]
                message.flags.discard("fuzzy")
        write(catalog, language)
        if language == "ru":
            left = missing(catalog)
            if left:
                print(f"{len(left)} msgid(s) without a Russian translation:", file=sys.stderr)
                for msgid in left:
                    print(f"  {msgid!r}", file=sys.stderr)
                if check:
                    return 1
    print(f"catalogs updated: {len(template)} messages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if any msgid lacks a Russian translation")
    sys.exit(update(parser.parse_args().check))
