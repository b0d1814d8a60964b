"""Reference texts in any UI language: the names of languages and trainings, the titles and
texts of declarations.

Each is one JSON column holding a text per locale, e.g. `{"de": "Arabisch", "en": "Arabic"}`,
so a new UI language (Arabic, Farsi, Turkish, Ukrainian) needs no schema change: its texts are
one more key. German, the centre's language, is always there and is what a locale without a
text of its own shows.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import get_locale
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

#: The text every entry has, and what a locale without a text of its own shows.
FALLBACK = "de"
#: The locales the coordinators' forms ask a text for (`name_de`, `name_en`, ...).
FORM_LOCALES = ("de", "en")

Texts = Mapping[str, str]


def _keys(locale: object) -> list[str]:
    """The keys to try, most specific first: "fa_AF", then "fa", then German."""
    wanted = str(locale or FALLBACK)
    keys = [wanted]
    language = wanted.replace("-", "_").split("_")[0]
    if language != wanted:
        keys.append(language)
    if FALLBACK not in keys:
        keys.append(FALLBACK)
    return keys


def localized(texts: Texts | None, locale: object = None) -> str:
    """The text for `locale` (the current one if not given), else the German one."""
    if locale is None:
        locale = get_locale()
    texts = texts or {}
    for key in _keys(locale):
        if texts.get(key):
            return texts[key]
    return next((text for text in texts.values() if text), "")


def in_sql(column, locale: object) -> ColumnElement[str]:
    """`localized` as an SQL expression over a JSON column (for ORDER BY), on SQLite and
    PostgreSQL alike: the first of the locale's keys that holds a non-empty text."""
    texts = [func.nullif(column[key].as_string(), "") for key in _keys(locale)]
    return func.coalesce(*texts) if len(texts) > 1 else texts[0]


def cleaned(texts: Mapping[str, str | None]) -> dict[str, str]:
    """Texts as stored: whitespace trimmed, empty ones left out (they fall back to German)."""
    return {locale: text.strip() for locale, text in texts.items() if text and text.strip()}


def from_fields(form, prefix: str) -> dict[str, str]:
    """A form's `<prefix>_de`, `<prefix>_en` ... fields as texts (what the user typed, unchanged)."""
    return {locale: getattr(form, f"{prefix}_{locale}").data or "" for locale in FORM_LOCALES}


def as_fields(prefix: str, texts: Texts | None) -> dict[str, str]:
    """Texts as the data of a form's `<prefix>_de`, `<prefix>_en` ... fields."""
    return {f"{prefix}_{locale}": (texts or {}).get(locale, "") for locale in FORM_LOCALES}


def field_of(prefix: str, locale: str) -> str:
    """The form field a text belongs to, for an error put back next to it."""
    return f"{prefix}_{locale}"


__all__ = ["FALLBACK", "FORM_LOCALES", "as_fields", "cleaned", "field_of", "from_fields", "in_sql", "localized"]
