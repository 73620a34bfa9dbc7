"""Translations: gettext catalogs in tui/locale, chosen once before the app starts.

The language comes from ``--lang``, else the locale variables (LANGUAGE, LC_ALL, LC_MESSAGES,
LANG), else English. Strings in class bodies (bindings) are marked with ``N_`` and translated
when shown, so one process can switch languages (the tests do).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "helpdesk"
LANGUAGES = ("en", "ru")

_translations: dict[str, gettext.NullTranslations] = {}  # read when first used: a command may show no text
_language = "en"


def _catalog() -> gettext.NullTranslations:
    catalog = _translations.get(_language)
    if catalog is None:
        catalog = _translations[_language] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)
    return catalog


def language_from_environment() -> str:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        for part in value.split(":"):
            code = part.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                break
    return "en"


def set_language(language: str | None = None) -> str:
    """Install the catalog for ``language`` (or the environment's); returns the code used."""
    global _language
    language = language or language_from_environment()
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}: use one of {', '.join(LANGUAGES)}")
    _translations.pop(language, None)  # read afresh (tui/locale/update.py writes new catalogs)
    _language = language
    return language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it yet."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for the catalog; translate later with ``ngettext(*marked, n)``."""
    return (singular, plural)


def pgettext(context: str, message: str) -> str:
    """A string whose translation depends on where it is used ("New" tab vs "New" status)."""
    return _catalog().pgettext(context, message)


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a string with a context for the catalog; translate later with ``pgettext(*marked)``."""
    return (context, message)
