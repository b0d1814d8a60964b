"""Reference texts per locale (volunteers/texts.py): the locale's own text, else German."""

from __future__ import annotations

from types import SimpleNamespace

from volunteers.texts import as_fields, cleaned, from_fields, localized

ARABIC = {"de": "Arabisch", "en": "Arabic", "ar": "العربية"}


def test_a_locale_shows_its_own_text():
    assert [localized(ARABIC, locale) for locale in ("de", "en", "ar")] == ["Arabisch", "Arabic", "العربية"]


def test_a_locale_without_a_text_shows_the_german_one():
    assert localized(ARABIC, "uk") == "Arabisch"
    assert localized({"de": "Dari", "en": ""}, "en") == "Dari"  # an empty text counts as none


def test_a_regional_locale_takes_its_language_and_then_german():
    assert localized({"de": "Dari", "fa": "دری"}, "fa_AF") == "دری"
    assert localized({"de": "Dari", "fa_AF": "دری (افغانستان)", "fa": "دری"}, "fa_AF") == "دری (افغانستان)"
    assert localized({"de": "Dari"}, "fa_AF") == "Dari"


def test_without_german_some_text_is_shown_rather_than_nothing():
    assert localized({"en": "Tagalog"}, "uk") == "Tagalog"
    assert localized({}, "de") == localized(None, "de") == ""


def test_stored_texts_are_trimmed_and_empty_ones_left_out():
    assert cleaned({"de": "  Text \n", "en": "  ", "tr": None}) == {"de": "Text"}


def test_the_forms_fields_map_to_texts_and_back():
    form = SimpleNamespace(name_de=SimpleNamespace(data="Arabisch"), name_en=SimpleNamespace(data=None))
    assert from_fields(form, "name") == {"de": "Arabisch", "en": ""}
    assert as_fields("name", ARABIC) == {"name_de": "Arabisch", "name_en": "Arabic"}
    assert as_fields("body", None) == {"body_de": "", "body_en": ""}
