"""Coordinators keep the list of languages and varieties without a code change: add, rename,
make a variety, retire (those who have it keep it), delete an unused one after asking. The
forms offer the entries grouped; matching takes speakers of any variety for a request for the
language in general, and only that variety's speakers for a request for a variety."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import AuditEvent, Language, VolunteerLanguage
from volunteers.models.enums import LanguageLevel

L = LanguageLevel


def _error(page: str, field: str) -> str | None:
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip() if found else None


def _options(page: str, select_id: str) -> list[tuple[str | None, str, str]]:
    """(optgroup label, value, text) of each option of a <select>."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found, group = [], None
    for token in re.finditer(
        r'<optgroup label="([^"]*)">|</optgroup>|<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', select
    ):
        if token.group(0).startswith("<optgroup"):
            group = token.group(1)
        elif token.group(0) == "</optgroup>":
            group = None
        else:
            found.append((group, token.group(2), token.group(3)))
    return found


def test_the_forms_offer_the_new_entries_grouped_under_their_language(ctx, app, client, login):
    person = factories.volunteer(locale="en")
    login(client, person)
    options = _options(client.get("/volunteer/profile").get_data(as_text=True), "languages-0-code")
    arabic = [(value, text) for group, value, text in options if group == "Arabic"]
    assert arabic[0] == ("ara", "Arabic (in general)")
    assert {"apc", "acm", "arz", "ary", "arq", "aeb"} <= {value for value, _ in arabic}
    assert ("Levantine Arabic") in [text for _, text in arabic]
    serbo_croatian = [value for group, value, _ in options if group == "Bosnian/Croatian/Serbian"]
    assert serbo_croatian == ["hbs", "bos", "hrv", "srp"]
    loose = {value for group, value, _ in options if group is None}
    assert {"sqi", "pol", "spa", "vie", "tir"} <= loose and "deu" not in loose

    staff, organisation = factories.organisation_user(locale="de")
    client = app.test_client()
    login(client, staff)
    page = client.get(f"/organisation/{organisation.id}/requests/new").get_data(as_text=True)
    german = _options(page, "language_code")
    assert ("Arabisch", "ara", "Arabisch (allgemein)") in german
    assert ("Arabisch", "apc", "Levantinisches Arabisch") in german
    # Alphabetical as people read it: "Ägyptisches" among the A's, not after "Tunesisches".
    arabic_de = [text for group, _, text in german if group == "Arabisch"][1:]
    assert arabic_de[:2] == ["Ägyptisches Arabisch", "Algerisches Arabisch"]


def test_a_coordinator_adds_renames_and_makes_a_variety(ctx, app, client, login):
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    listing = client.get("/coordinator/languages").get_data(as_text=True)
    assert "Levantine Arabic" in listing and "Albanian" in listing
    response = submit(
        client,
        "/coordinator/languages/new",
        {"code": "", "name_de": "Syrisches Arabisch", "name_en": "Syrian Arabic", "parent_code": "ara"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    added = db.session.scalar(select(Language).where(Language.names["en"].as_string() == "Syrian Arabic"))
    assert added.code == "qaa" and added.parent_code == "ara"  # a local code: ISO 639-3 reserves qaa–qtz
    assert (
        submit(
            client, "/coordinator/languages/new", {"code": "TGL", "name_de": "Tagalog", "name_en": "Tagalog"}
        ).status_code
        == 302
    )
    assert db.session.get(Language, "tgl").parent_code is None

    renamed = submit(
        client,
        "/coordinator/languages/qaa/edit",
        {"name_de": "Arabisch (Syrien)", "name_en": "Arabic (Syria)", "parent_code": "ara"},
    )
    assert renamed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Language, "qaa").names == {"de": "Arabisch (Syrien)", "en": "Arabic (Syria)"}
    assert {
        e.details["code"] for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("language.%")))
    } == {"qaa", "tgl"}

    volunteer = factories.volunteer(locale="en")
    client = app.test_client()
    login(client, volunteer)
    options = _options(client.get("/volunteer/profile").get_data(as_text=True), "languages-0-code")
    assert ("Arabic", "qaa", "Arabic (Syria)") in options
    assert (None, "tgl", "Tagalog") in options


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"code": "ar", "name_de": "X", "name_en": "X"},
            "code",
            "Use the three letters of the ISO 639-3 code, or leave it empty.",
        ),
        ({"code": "ara", "name_de": "X", "name_en": "X"}, "code", "This code is taken already."),
        ({"name_de": "", "name_en": "Something"}, "name_de", "Enter the name."),
        ({"name_de": "arabisch", "name_en": "Something"}, "name_de", "Another entry already has this name."),
        ({"name_de": "ÄGYPTISCHES ARABISCH", "name_en": "x"}, "name_de", "Another entry already has this name."),
        (
            {"name_de": "Neu", "name_en": "New", "parent_code": "apc"},
            "parent_code",
            "Choose the language from the list.",
        ),
        (
            {"name_de": "Neu", "name_en": "New", "parent_code": "deu"},
            "parent_code",
            "Choose the language from the list.",
        ),
    ],
)
def test_bad_entries_are_errors_at_their_field_and_keep_what_was_typed(ctx, client, login, values, field, message):
    login(client, factories.coordinator(locale="en"))
    response = submit(client, "/coordinator/languages/new", values)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _error(page, field) == message
    assert db.session.scalar(select(func.count(Language.code))) == 44


def test_a_language_with_varieties_cannot_become_a_variety(ctx, client, login):
    login(client, factories.coordinator(locale="en"))
    response = submit(
        client, "/coordinator/languages/ara/edit", {"name_de": "Arabisch", "name_en": "Arabic", "parent_code": "hbs"}
    )
    assert response.status_code == 400
    assert _error(response.get_data(as_text=True), "parent_code") == (
        "This language has varieties of its own, so it cannot become a variety."
    )


def test_a_retired_language_is_no_longer_offered_but_those_who_have_it_keep_it(ctx, app, client, login):
    keeper = factories.volunteer(locale="en")
    keeper.profile.languages.append(VolunteerLanguage(language_code="che", level=L.NATIVE))
    db.session.commit()
    staff, organisation = factories.organisation_user(locale="en")
    record = factories.support_request(organisation, language_code="che")
    login(client, factories.coordinator(locale="en"))
    assert (
        submit(client, "/coordinator/languages/che/retire", page="/coordinator/languages/che/edit").status_code == 302
    )
    assert db.session.get(Language, "che").retired_at is not None

    newcomer = factories.volunteer(locale="en")
    other_client = app.test_client()
    login(other_client, newcomer)
    assert "che" not in {
        v for _, v, _ in _options(other_client.get("/volunteer/profile").get_data(as_text=True), "languages-0-code")
    }

    # The volunteer who has it sees it (marked) and saving the profile keeps it.
    keeper_client = app.test_client()
    login(keeper_client, keeper)
    page = keeper_client.get("/volunteer/profile").get_data(as_text=True)
    assert (None, "che", "Chechen (no longer offered)") in _options(page, "languages-0-code")
    data = {
        "version": str(keeper.profile.version),
        "given_name": keeper.given_name,
        "family_name": keeper.family_name,
        "gender": "not_stated",
        "contact_channel": "none",
        "locale": "en",
        "languages-0-code": "che",
        "languages-0-level": "native",
        **{f"languages-{row}-{part}": "" for row in (1, 2) for part in ("code", "level")},
    }
    assert submit(keeper_client, "/volunteer/profile", data).status_code == 302
    db.session.expire_all()
    assert [e.language_code for e in keeper.profile.languages] == ["che"]

    # Nobody can add it anew, on the profile or in a new request; the request that has it keeps it.
    refused = submit(
        other_client,
        "/volunteer/profile",
        {**data, "version": str(newcomer.profile.version), "given_name": "N", "family_name": "N"},
    )
    assert refused.status_code == 400
    assert _error(refused.get_data(as_text=True), "languages-0-code") == "Choose languages from the list."
    staff_client = app.test_client()
    login(staff_client, staff)
    new_request = staff_client.get(f"/organisation/{organisation.id}/requests/new").get_data(as_text=True)
    assert "che" not in {v for _, v, _ in _options(new_request, "language_code")}
    edit = staff_client.get(f"/organisation/requests/{record.id}/edit").get_data(as_text=True)
    assert ("che", "Chechen (no longer offered)") in [(v, t) for _, v, t in _options(edit, "language_code")]

    # Offered again.
    assert (
        submit(client, "/coordinator/languages/che/reactivate", page="/coordinator/languages/che/edit").status_code
        == 302
    )
    assert db.session.get(Language, "che").retired_at is None


def test_deleting_asks_first_and_only_an_unused_entry_goes(ctx, client, login):
    person = factories.volunteer()
    person.profile.languages.append(VolunteerLanguage(language_code="vie", level=L.C1))
    db.session.commit()
    login(client, factories.coordinator(locale="en"))
    assert "Delete it" not in client.get("/coordinator/languages/vie/edit").get_data(as_text=True)
    refused = submit(client, "/coordinator/languages/vie/delete", page="/coordinator/languages/vie/delete")
    assert refused.status_code == 302
    assert db.session.get(Language, "vie") is not None
    assert "retire it instead" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert (
        submit(client, "/coordinator/languages/ara/delete", page="/coordinator/languages/ara/delete").status_code == 302
    )
    assert db.session.get(Language, "ara") is not None  # it has varieties

    question = client.get("/coordinator/languages/ita/delete")
    assert question.status_code == 200 and db.session.get(Language, "ita") is not None
    assert submit(client, "/coordinator/languages/ita/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Language, "ita") is None
    assert client.get("/coordinator/languages/ita/edit").status_code == 404
    assert client.get("/coordinator/languages/toolong/edit").status_code == 404


def test_only_coordinators_keep_the_list(ctx, client, login):
    login(client, factories.volunteer())
    assert client.get("/coordinator/languages").status_code == 403
    assert client.get("/coordinator/languages/ara/edit").status_code == 403


def test_the_list_runs_a_fixed_number_of_queries(ctx, client, login, count_queries):
    login(client, factories.coordinator(locale="en"))
    with count_queries() as before:
        client.get("/coordinator/languages")
    for number in range(10):
        db.session.add(
            Language(
                code=f"qb{chr(97 + number)}",
                names={"de": f"Sprache {number}", "en": f"Language {number}"},
                parent_code="ara" if number % 2 else None,
            )
        )
    db.session.commit()
    with count_queries() as after:
        page = client.get("/coordinator/languages").get_data(as_text=True)
    assert len(before) == len(after)
    assert "Language 3" in page


# ---------------------------------------------------------------------------------------------
# Matching: the language in general takes every variety; a variety only itself


def _candidates(client, record) -> set[int]:
    page = client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    return {int(number) for number in re.findall(r'id="candidate-(\d+)"', page)}


def test_a_request_for_arabic_finds_speakers_of_its_varieties_a_variety_only_its_own(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    general = factories.available_volunteer(languages={"ara": L.C1}, place_name="Kassel")
    levantine = factories.available_volunteer(languages={"apc": L.NATIVE}, place_name="Kassel")
    iraqi = factories.available_volunteer(languages={"acm": L.NATIVE}, place_name="Kassel")
    # Arabic at B1 only (below the C1 interpreting needs) but Levantine natively: the best counts.
    both = factories.available_volunteer(languages={"ara": L.B1, "apc": L.NATIVE}, place_name="Kassel")
    starts = factories.next_weekday(1, 9, weeks=2)
    for_arabic = factories.support_request(organisation, language_code="ara", client_reference="A-1", starts_at=starts)
    for_levantine = factories.support_request(
        organisation, language_code="apc", client_reference="A-2", starts_at=starts
    )
    login(client, factories.coordinator(locale="en"))

    ids = {
        name: person.profile.id
        for name, person in (("general", general), ("levantine", levantine), ("iraqi", iraqi), ("both", both))
    }
    assert _candidates(client, for_arabic) == set(ids.values())
    assert _candidates(client, for_levantine) == {ids["levantine"], ids["both"]}

    page = client.get(f"/coordinator/requests/{for_arabic.id}").get_data(as_text=True)
    assert page.count(f'id="candidate-{ids["both"]}"') == 1  # once, though two of the languages fit


def test_a_request_for_a_variety_nobody_speaks_says_so(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    factories.available_volunteer(languages={"ara": L.NATIVE}, place_name="Kassel")
    record = factories.support_request(
        organisation, language_code="arz", starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    login(client, factories.coordinator(locale="en"))
    page = client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    assert "Nobody passes every rule at the moment." in page
    assert _candidates(client, record) == set()


def test_the_import_knows_the_new_varieties_and_refuses_a_retired_entry(ctx, client, login):
    from tests.web.test_volunteer_import import csv_file, row_html, uploaded

    login(client, factories.coordinator(locale="en"))
    db.session.get(Language, "che").retired_at = utcnow()
    db.session.commit()
    preview = uploaded(
        client,
        csv_file(
            "Rami;Haddad;rami@example.org;;Baunatal;Levantinisches Arabisch:Muttersprache;B2;Sprache;Dolmetschen;;;;",
            "Aslan;Dudayev;aslan@example.org;;Baunatal;che:C1;B2;Sprache;Dolmetschen;;;;",
        ),
    )
    page = client.get(preview).get_data(as_text=True)
    assert "no longer offered" not in row_html(page, 2)
    assert "“che” is no longer offered; choose another entry." in row_html(page, 3)


def test_the_volunteer_list_filters_by_a_language_as_matching_does(ctx, client, login):
    factories.active_volunteer(given_name="Lina", family_name="General", languages={"ara": L.C1})
    factories.active_volunteer(given_name="Rami", family_name="Levantine", languages={"apc": L.NATIVE})
    factories.active_volunteer(given_name="Huda", family_name="Iraqi", languages={"acm": L.B2})
    login(client, factories.coordinator(locale="en"))

    def names(query: str) -> set[str]:
        page = client.get(f"/coordinator/volunteers?{query}").get_data(as_text=True)
        return {name for name in ("General", "Levantine", "Iraqi") if f">{name}, " in page}

    assert names("language=ara") == {"General", "Levantine", "Iraqi"}
    assert names("language=apc") == {"Levantine"}
    assert names("language=ara&min_level=C1") == {"General", "Levantine"}


def test_a_third_language_needs_no_schema_change(ctx, client, login):
    """A Ukrainian name is one more key: shown in Ukrainian, sorted by it in SQL on both
    databases, kept when a coordinator edits the German and English names; entries without
    one show their German name."""
    from volunteers.services import languages as service
    from volunteers.texts import in_sql

    coordinator = factories.coordinator(locale="en")
    added = service.add(
        coordinator,
        service.LanguageInput(
            names={"de": "Russinisch", "en": "Rusyn", "uk": "Русинська"}, parent_code=None, code="rue"
        ),
    )
    db.session.commit()
    assert [added.name(locale) for locale in ("de", "en", "uk")] == ["Russinisch", "Rusyn", "Русинська"]
    assert db.session.get(Language, "ita").name("uk") == "Italienisch"

    in_ukrainian = in_sql(Language.names, "uk")
    rows = db.session.execute(
        select(Language.code, in_ukrainian).where(Language.code.in_(["rue", "ita", "deu"])).order_by(in_ukrainian)
    ).all()
    assert rows == [("deu", "Deutsch"), ("ita", "Italienisch"), ("rue", "Русинська")]

    login(client, coordinator)
    response = submit(
        client, "/coordinator/languages/rue/edit", {"name_de": "Russinisch", "name_en": "Rusyn (Carpathian)"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Language, "rue").names == {"de": "Russinisch", "en": "Rusyn (Carpathian)", "uk": "Русинська"}
    refused = submit(client, "/coordinator/languages/rue/edit", {"name_de": "", "name_en": "Rusyn"})
    assert refused.status_code == 400 and _error(refused.get_data(as_text=True), "name_de") == "Enter the name."
