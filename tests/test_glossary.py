"""docs/glossary.md: one word for each thing. The compiled catalogs and the texts sent to customers
use no word the glossary marks as replaced, and Russian typography holds (quotes, units)."""

from __future__ import annotations

import gettext
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
LOCALE = ROOT / "tui" / "locale"
NBSP = "\u00a0"


# --- the glossary, as data ----------------------------------------------------------------------


@cache
def glossary_rows() -> tuple[dict[str, str], ...]:
    """The rows of the table under "## Terms": concept, ru, en, replaced, where."""
    text = GLOSSARY.read_text(encoding="utf-8")
    table = text.split("## Terms", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        if not line.startswith("|") or line.startswith("| ---") or line.startswith("| Concept"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 5, f"a glossary row needs five cells: {line}"
        rows.append(dict(zip(("concept", "ru", "en", "replaced", "where"), cells)))
    return tuple(rows)


def term(cell: str) -> str:
    """The term of a Русский/English cell: what comes before a note in parentheses."""
    return cell.split(" (", 1)[0].strip()


@cache
def word_pattern(word: str) -> re.Pattern:
    """A replaced word: whole words, case-insensitively, ``*`` for any ending."""
    body = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
    return re.compile(r"(?<!\w)" + body + (r"\w*" if word.endswith("*") else r"(?!\w)"), re.IGNORECASE)


def term_pattern(words: str) -> re.Pattern:
    """An allowed term in any of its forms: each word by its stem ("шаблон ответа" matches
    "шаблоны ответов")."""
    stems = [w.rstrip("аеёиоуыэюяйьaeiouy") if len(w) > 4 else w for w in words.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(s) + r"\w*" for s in stems), re.IGNORECASE)


def language_of(word: str) -> tuple[str, str]:
    """(language, word) of a replaced word: "ru:" or "en:" says it; else Cyrillic is Russian."""
    if re.match(r"^(ru|en):", word):
        return word[:2], word[3:]
    return ("ru" if re.search("[а-яё]", word, re.IGNORECASE) else "en"), word


@cache
def replaced_words(language: str) -> dict[str, str]:
    """Each replaced word of ``language`` -> the term that replaced it."""
    found = {}
    for row in glossary_rows():
        for marked in re.findall(r"`([^`]+)`", row["replaced"]):
            in_language, word = language_of(marked)
            if in_language == language:
                found[word] = term(row[language])
    return found


@cache
def allowed_guards(language: str) -> tuple[re.Pattern, ...]:
    """The allowed terms of ``language`` that hold a replaced word ("шаблон ответа" holds
    "шаблон"): masked before the search."""
    replaced = replaced_words(language)
    guards = []
    for row in glossary_rows():
        allowed = term(row[language])
        if any(word_pattern(word).search(allowed) for word in replaced):
            guards.append(term_pattern(allowed))
    return tuple(guards)


def offences(text: str, language: str = "ru") -> list[str]:
    """The replaced words of ``language`` that ``text`` uses (placeholders and allowed terms left out)."""
    text = re.sub(r"\{\w*\}", " ", text)
    for guard in allowed_guards(language):
        text = guard.sub(" ", text)
    return [f"{match.group(0)!r} (use {instead!r})" for word, instead in replaced_words(language).items()
            for match in word_pattern(word).finditer(text)]


# --- what is checked ------------------------------------------------------------------------------


def catalog_texts(language: str) -> list[str]:
    """Every translated text of the compiled catalog of ``language``."""
    with open(LOCALE / language / "LC_MESSAGES" / "helpdesk.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    texts = []
    for key, value in catalog._catalog.items():  # noqa: SLF001 - the .mo's own table, every form
        if key == "" or (isinstance(key, tuple) and key[0] == ""):
            continue
        texts.append(value)
    return texts


def customer_texts(language: str) -> list[str]:
    """What customers read in ``language``: the regulation's prepared replies and its scope categories."""
    replies = tomllib.loads((ROOT / "data" / "rules" / "prepared_replies.toml").read_text(encoding="utf-8"))["reply"]
    regulation = tomllib.loads((ROOT / "data" / "rules" / "regulation.toml").read_text(encoding="utf-8"))
    return [reply[f"body_{language}"] for reply in replies] + [category[language] for category in regulation["scope"]]


def test_the_glossary_has_every_concept_once_with_one_term_each():
    rows = glossary_rows()
    assert len(rows) >= 40
    concepts = [row["concept"].split(":")[0] for row in rows]
    assert len(concepts) == len(set(concepts)), "a concept is listed twice"
    for needed in ("ticket", "request", "customer", "agent", "status open", "status waiting", "tab Finished",
                   "scope category", "product", "channel", "priority", "internal note", "reply", "prepared reply",
                   "quarantine", "outbox", "working hours", "target", "overdue", "out of hours", "support ended",
                   "merge", "split", "assign"):
        assert needed in concepts, needed
    for row in rows:
        assert term(row["ru"]) and term(row["en"]) and row["where"], row
    assert len(replaced_words("ru")) >= 20 and len(replaced_words("en")) >= 3


def test_the_check_finds_what_it_should():
    # The test of the test: the words the agents met before the glossary are caught.
    assert offences("Категория обращения №{number}")
    assert offences("Вкладка «В работе»") and offences("Ожидает") and offences("ждём клиента 2 ч")
    assert offences("Область") and offences("Вне объёма поддержки (п. 1.4)")
    assert offences("Register a new ticket (phone, walk-in)", "en") and offences("Template", "en")
    assert offences("Выделить следующий шаблон") and offences("Обязательно: e-mail или телефон клиента")
    assert not offences("E-mail", "en")  # a word replaced in Russian only
    # ... and what the glossary allows is not.
    assert not offences("Шаблоны ответов: список, создание, правка, удаление")
    assert not offences("Вставить шаблон ответа в №{number}")
    assert not offences("Заявка будет принята в работу в понедельник")
    assert not offences("{scope_rule} {obrashchenie}")  # placeholders are not words


@pytest.mark.parametrize("language", ["ru", "en"])
def test_no_catalog_text_uses_a_replaced_word(language):
    found = {text: offences(text, language) for text in catalog_texts(language)}
    assert {text: words for text, words in found.items() if words} == {}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_no_text_sent_to_customers_uses_a_replaced_word(language):
    found = {text[:60]: offences(text, language) for text in customer_texts(language)}
    assert {text: words for text, words in found.items() if words} == {}


# --- Russian typography ------------------------------------------------------------------------

UNIT = r"(?:дн\.|ч|мин|Б|КБ|МБ|ГБ|байт\w*|рабоч\w+ час\w*)(?!\w)"


def test_russian_quotes_and_units():
    texts = catalog_texts("ru") + customer_texts("ru")
    assert [t for t in texts if "“" in t or "”" in t] == []  # «ёлочки» in Russian
    # A number (or the placeholder of one) and its unit: a non-breaking space between them.
    loose = [t for t in texts if re.search(r"(?:\d|\})[ \t]" + UNIT, t) or re.search(r"\{seconds\}[ \t]с(?!\w)", t)]
    assert loose == []
    held = [t for t in texts if re.search(r"(?:\d|\})" + NBSP + UNIT, t)]
    assert len(held) >= 8  # the units are there, held
    assert "{n}" + NBSP + "дн." in texts  # days are «дн.», not «д»
