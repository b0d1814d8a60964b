"""Locale choice, text direction and language names for templates and mails.

The languages offered are the default, the source language of the texts (English) and every
catalogue found under the translation directories: adding Arabic or Farsi needs only a
catalogue (`pybabel init -l ar`), and the layout then turns right-to-left by itself.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape


def discover_locales(app: Flask) -> tuple[str, ...]:
    default, source = app.config["BABEL_DEFAULT_LOCALE"], app.config["SOURCE_LOCALE"]
    found = set()
    for directory in str(app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";"):
        for catalogue in Path(directory).glob("*/LC_MESSAGES/messages.po"):
            found.add(catalogue.parent.parent.name)
    others = sorted(found - {default, source})
    return (default, source, *others)


def supported_locales() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def normalise_locale(value: str | None) -> str | None:
    if value and value in supported_locales():
        return value
    return None


def select_locale() -> str:
    """Signed-in users: their saved choice. Visitors: their switch, else Accept-Language."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user and current_user.is_authenticated:
        return normalise_locale(current_user.locale) or default
    chosen = normalise_locale(session.get("locale"))
    if chosen:
        return chosen
    return request.accept_languages.best_match(supported_locales()) or default


def escape_lazy_strings() -> None:
    """Flask-Babel's lazy strings declare themselves safe HTML (`__html__` returns the text as
    it is), so a lazy message formatted with a user's input would reach a page unescaped.
    Lazy strings are text here: they are escaped like any other string."""
    LazyString.__html__ = lambda self: str(escape(str(self)))  # type: ignore[method-assign]


def text_direction(locale: str) -> str:
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def language_name(locale: str) -> str:
    """A language's own name for itself, e.g. "Deutsch", "English"."""
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]
