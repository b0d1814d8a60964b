"""Languages show by name in the reader's language, with the level's label: never as
ISO 639-3 codes ("pes (C1), prs, ckb"). In lists, the CSV export and record pages, without a
query per row."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.models.enums import LanguageLevel

SPOKEN = {"pes": LanguageLevel.C1, "prs": LanguageLevel.NATIVE, "ckb": LanguageLevel.B2}
CODES = re.compile(r"\b(pes|prs|ckb)\b")
EXPECTED = {
    "de": "Kurdisch (Sorani): B2; Persisch (Farsi): C1; Dari: Muttersprache",
    "en": "Kurdish (Sorani): B2; Persian (Farsi): C1; Dari: Native",
}


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_volunteer_list_and_record_name_languages_with_their_levels(ctx, client, login, locale):
    account = factories.active_volunteer(languages=SPOKEN, german=LanguageLevel.NATIVE)
    login(client, factories.coordinator(locale=locale))
    listing = visible_text(client.get("/coordinator/volunteers").get_data(as_text=True))
    assert EXPECTED[locale] in listing
    assert CODES.findall(listing) == []
    record = visible_text(client.get(f"/coordinator/volunteers/{account.profile.id}").get_data(as_text=True))
    assert EXPECTED[locale] in record
    assert CODES.findall(record) == []


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_csv_export_names_languages_and_levels(ctx, client, login, locale):
    factories.active_volunteer(family_name="Ahmadi", languages=SPOKEN, german=LanguageLevel.NATIVE)
    login(client, factories.coordinator(locale=locale))
    body = client.get("/coordinator/volunteers.csv").get_data(as_text=True).lstrip("\ufeff")
    header, row = list(csv.reader(io.StringIO(body), delimiter=";"))
    columns = dict(zip(header, row, strict=True))
    languages = columns["Sprachen" if locale == "de" else "Languages"]
    assert languages == EXPECTED[locale]
    assert columns["Deutsch" if locale == "de" else "German"] == ("Muttersprache" if locale == "de" else "Native")


def test_language_names_cost_no_query_per_volunteer(ctx, client, login, count_queries):
    login(client, factories.coordinator())
    factories.active_volunteer(languages={"tir": LanguageLevel.NATIVE})
    with count_queries() as few:
        client.get("/coordinator/volunteers")
    for codes in (["ara", "pes"], ["prs", "ckb"], ["kmr", "urd"], ["rus", "ukr"], ["som", "amh"]):
        factories.active_volunteer(languages=dict.fromkeys(codes, LanguageLevel.C1))
    with count_queries() as many:
        page = client.get("/coordinator/volunteers").get_data(as_text=True)
    assert "Amharisch: C1" in visible_text(page)
    assert len(many) == len(few)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_exported_languages_import_again(ctx, client, login, locale):
    """The CSV's language cell is in the form the volunteer import reads."""
    from tests.web.test_volunteer_import import confirm, csv_file, uploaded
    from volunteers.models import User

    factories.active_volunteer(languages=SPOKEN)
    login(client, factories.coordinator(locale=locale))
    body = client.get("/coordinator/volunteers.csv").get_data(as_text=True).lstrip("\ufeff")
    languages = list(csv.reader(io.StringIO(body), delimiter=";"))[1][5]
    assert (
        confirm(client, uploaded(client, csv_file(f'Neu;Person;neu@example.org;;;"{languages}";;;;;;;'))).status_code
        == 302
    )
    imported = db.session.scalar(select(User).where(User.email == "neu@example.org"))
    assert {(e.language_code, e.level) for e in imported.profile.languages} == set(SPOKEN.items())
