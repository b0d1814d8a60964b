"""The coordinators' catalogue: training types, requirements per area and kind of work, and
declaration texts. Rule violations are field errors that keep what was typed; changes reach
the eligibility service at once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import (
    AuditEvent,
    Declaration,
    DeclarationVersion,
    Qualification,
    QualificationType,
    Requirement,
    VolunteerProfile,
)
from volunteers.models.enums import Area, LanguageLevel, QualificationArea, WorkKind
from volunteers.services import ServiceError
from volunteers.services import catalogue as catalogue_service
from volunteers.services.eligibility import check

CATALOGUE = "/coordinator/catalogue"
NEW_TYPE = "/coordinator/catalogue/new"
REQUIREMENTS = "/coordinator/requirements"
DECLARATIONS = "/coordinator/declarations"


def _coordinator_client(client, login):
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    return coordinator


def _type_id(code: str) -> int:
    return factories.qualification_type(code).id


def _edit_url(code: str) -> str:
    return f"{CATALOGUE}/{_type_id(code)}"


def _type_form(kind: QualificationType, **changes) -> dict:
    """The form as the edit page fills it for this type, with some fields changed."""
    data = {
        "code": kind.code,
        "name_de": kind.names["de"],
        "name_en": kind.names["en"],
        "area": kind.area.value,
        "teaching_units": "" if kind.teaching_units is None else str(kind.teaching_units),
        "validity_months": "" if kind.validity_months is None else str(kind.validity_months),
        "refresher_months": "" if kind.refresher_months is None else str(kind.refresher_months),
        "refreshers": [str(other.id) for other in kind.refreshers],
        "includes": [str(other.id) for other in kind.includes],
        "sort_order": str(kind.sort_order),
    }
    if kind.active:
        data["active"] = "y"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _new_type_form(**changes) -> dict:
    data = {
        "code": "first-aid-course",
        "name_de": "Erste-Hilfe-Kurs",
        "name_en": "First aid course",
        "area": "health",
        "teaching_units": "9",
        "validity_months": "24",
        "refresher_months": "",
        "sort_order": "60",
        "active": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _error_of(page: str, field: str) -> str:
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error at {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _requirement_form(requirement: Requirement, **changes) -> dict:
    data = {
        "min_german_level": requirement.min_german_level.value if requirement.min_german_level else "",
        "min_language_level": requirement.min_language_level.value if requirement.min_language_level else "",
        "group1": [str(a.type_id) for a in requirement.accepted if a.group == 1],
        "group2": [str(a.type_id) for a in requirement.accepted if a.group == 2],
    }
    if requirement.needs_police_certificate:
        data["needs_police_certificate"] = "y"
    if requirement.extended_certificate_for_minors:
        data["extended_certificate_for_minors"] = "y"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _requirement(area: Area, kind: WorkKind) -> Requirement:
    return db.session.scalar(select(Requirement).where(Requirement.area == area, Requirement.kind == kind))


# ---------------------------------------------------------------------------------------------
# Training types


def test_the_catalogue_lists_every_type_with_its_rules(ctx, client, login):
    _coordinator_client(client, login)
    page = client.get(CATALOGUE).get_data(as_text=True)
    assert "Lay interpreter basic course (WIR)" in page
    assert "MiMi health mediator (Ethno-Medical Centre)" in page
    assert "does not expire" in page and "36 months" in page
    assert "every 24 months" in page and "Deepening seminar, Reflection meeting" in page
    assert '<th scope="col">' in page and '<th scope="row">' in page


def test_the_catalogue_is_in_the_users_language(ctx, client, login):
    login(client, factories.coordinator(locale="de"))
    page = client.get(CATALOGUE).get_data(as_text=True)
    assert "Grundkurs Laiendolmetschen (WIR)" in page
    assert "Lay interpreter basic course (WIR)" not in page


def test_a_coordinator_adds_and_changes_a_type(ctx, client, login):
    _coordinator_client(client, login)
    gkv = _type_id("health-guide-gkv")
    response = submit(client, NEW_TYPE, _new_type_form(includes=[str(gkv)]))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == CATALOGUE
    created = factories.qualification_type("first-aid-course")
    assert (created.names, created.area) == (
        {"de": "Erste-Hilfe-Kurs", "en": "First aid course"},
        QualificationArea.HEALTH,
    )
    assert (created.teaching_units, created.validity_months, created.refresher_months) == (9, 24, None)
    assert [t.code for t in created.includes] == ["health-guide-gkv"]
    assert created.active and created.sort_order == 60
    assert "First aid course" in client.get(CATALOGUE).get_data(as_text=True)

    edit = f"{CATALOGUE}/{created.id}"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="first-aid-course"' in form and 'value="24"' in form
    seminar = _type_id("deepening-seminar")
    response = submit(
        client,
        edit,
        _type_form(
            created,
            name_en="First aid refresher course",
            validity_months="",
            refresher_months="12",
            refreshers=[str(seminar)],
            includes=[],
            teaching_units="",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    changed = db.session.get(QualificationType, created.id)
    assert changed.names == {"de": "Erste-Hilfe-Kurs", "en": "First aid refresher course"}
    assert (changed.validity_months, changed.refresher_months, changed.teaching_units) == (None, 12, None)
    assert [t.code for t in changed.refreshers] == ["deepening-seminar"] and changed.includes == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "catalogue.changed")).all()
    assert [(e.details["type"], e.details["created"]) for e in events] == [(created.id, True), (created.id, False)]


def test_changing_the_validity_keeps_verified_trainings_as_they_are(ctx, client, login):
    account = factories.active_volunteer(trainings=("health-guide-gkv",))
    before = db.session.scalar(select(Qualification.valid_until).where(Qualification.profile_id == account.profile.id))
    _coordinator_client(client, login)
    page = client.get(_edit_url("health-guide-gkv")).get_data(as_text=True)
    assert "keep the “valid until” date computed when they were verified" in page
    kind = factories.qualification_type("health-guide-gkv")
    assert submit(client, _edit_url("health-guide-gkv"), _type_form(kind, validity_months="12")).status_code == 302
    db.session.expire_all()
    assert factories.qualification_type("health-guide-gkv").validity_months == 12
    after = db.session.scalar(select(Qualification.valid_until).where(Qualification.profile_id == account.profile.id))
    assert after == before is not None


def test_a_duplicate_code_is_an_error_at_the_code_that_keeps_what_was_typed(ctx, client, login):
    _coordinator_client(client, login)
    response = submit(client, NEW_TYPE, _new_type_form(code="mimi-health-mediator", name_en="My own course"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_of(page, "code") == "Error: Another training already has this code."
    assert 'href="#code"' in page  # the summary links to the field
    assert 'value="My own course"' in page and 'value="24"' in page
    assert db.session.scalar(select(func.count()).select_from(QualificationType)) == 7

    # Renaming an existing type to another's code is refused the same way.
    kind = factories.qualification_type("deepening-seminar")
    response = submit(client, _edit_url("deepening-seminar"), _type_form(kind, code="reflection-meeting"))
    assert response.status_code == 400
    assert "Another training already has this code." in _error_of(response.get_data(as_text=True), "code")


@pytest.mark.parametrize("code", ["Upper-Case", "with space", "-leading", "double--hyphen", "umläut", ""])
def test_a_code_must_be_a_slug(ctx, client, login, code):
    _coordinator_client(client, login)
    response = submit(client, NEW_TYPE, _new_type_form(code=code))
    assert response.status_code == 400
    assert _error_of(response.get_data(as_text=True), "code")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("teaching_units", "abc"),
        ("teaching_units", "-1"),
        ("validity_months", "0"),
        ("validity_months", "241"),
        ("validity_months", "1.5"),
        ("refresher_months", "300"),
        ("sort_order", ""),
    ],
)
def test_bad_numbers_are_field_errors_that_keep_what_was_typed(ctx, client, login, field, value):
    _coordinator_client(client, login)
    response = submit(client, NEW_TYPE, _new_type_form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_of(page, field)
    assert f'name="{field}" type="text" value="{value}"' in page or (value == "" and f'id="{field}"' in page)
    assert (
        factories.db.session.scalar(select(QualificationType).where(QualificationType.code == "first-aid-course"))
        is None
    )


def test_a_type_cannot_include_one_that_includes_it(ctx, client, login):
    _coordinator_client(client, login)
    # The catalogue says: the MiMi course includes the GKV health guide course.
    gkv = factories.qualification_type("health-guide-gkv")
    mimi = _type_id("mimi-health-mediator")
    response = submit(client, _edit_url("health-guide-gkv"), _type_form(gkv, includes=[str(mimi)]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = _error_of(page, "includes")
    assert "include each other in a circle" in message
    assert (
        "Health guide (GKV, “WIR fördern Gesundheit”) → MiMi health mediator (Ethno-Medical Centre) → Health guide"
        in (message)
    )
    db.session.expire_all()
    assert factories.qualification_type("health-guide-gkv").includes == []


def test_a_longer_inclusion_chain_cannot_close_into_a_circle(ctx, client, login):
    _coordinator_client(client, login)
    module = factories.qualification_type("health-module-interpreters")
    gkv = factories.qualification_type("health-guide-gkv")
    mimi_id = _type_id("mimi-health-mediator")
    # MiMi → GKV (seeded), GKV → module: a chain, which is fine.
    assert submit(client, _edit_url("health-guide-gkv"), _type_form(gkv, includes=[str(module.id)])).status_code == 302
    # Module → MiMi would close it: module → MiMi → GKV → module.
    response = submit(client, _edit_url("health-module-interpreters"), _type_form(module, includes=[str(mimi_id)]))
    assert response.status_code == 400
    message = _error_of(response.get_data(as_text=True), "includes")
    names = [
        "Health specialist module for interpreters",
        "MiMi health mediator (Ethno-Medical Centre)",
        "Health guide (GKV, “WIR fördern Gesundheit”)",
        "Health specialist module for interpreters",
    ]
    assert " → ".join(names) in message
    db.session.expire_all()
    assert factories.qualification_type("health-module-interpreters").includes == []


def test_the_service_refuses_a_type_that_includes_itself(ctx):
    coordinator = factories.coordinator()
    kind = factories.qualification_type("deepening-seminar")
    data = catalogue_service.TypeData(code=kind.code, names=kind.names, area=kind.area, include_ids=[kind.id])
    with pytest.raises(ServiceError) as refused:
        catalogue_service.update_type(coordinator, kind, data)
    assert refused.value.field == "includes"
    data.include_ids, data.refresher_ids, data.refresher_months = [], [kind.id], 12
    with pytest.raises(ServiceError) as refused:
        catalogue_service.update_type(coordinator, kind, data)
    assert refused.value.field == "refreshers"


def test_a_refresher_rule_needs_refresher_types_and_the_other_way_round(ctx, client, login):
    _coordinator_client(client, login)
    response = submit(client, NEW_TYPE, _new_type_form(refresher_months="24"))
    assert response.status_code == 400
    assert "at least one training that counts as a refresher" in _error_of(
        response.get_data(as_text=True), "refreshers"
    )

    seminar = _type_id("deepening-seminar")
    response = submit(client, NEW_TYPE, _new_type_form(refreshers=[str(seminar)]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "months after which a refresher is needed" in _error_of(page, "refresher_months")
    # The ticked box stays ticked.
    assert re.search(
        rf'<input checked id="refreshers[-0-9]*" name="refreshers" type="checkbox" value="{seminar}">', page
    )


def test_retiring_a_type_that_a_requirement_accepts_is_refused(ctx, client, login):
    _coordinator_client(client, login)
    kind = factories.qualification_type("lay-interpreter-basic")
    data = _type_form(kind)
    del data["active"]
    response = submit(client, _edit_url("lay-interpreter-basic"), data)
    assert response.status_code == 400
    message = _error_of(response.get_data(as_text=True), "active")
    assert "cannot be retired while requirements accept it" in message
    assert "Language support – Interpreting or language mediation" in message
    assert "Health support – Interpreting or language mediation" in message
    assert "Health support – Accompanying" not in message
    db.session.expire_all()
    assert factories.qualification_type("lay-interpreter-basic").active is True


def test_a_type_no_requirement_accepts_can_be_retired(ctx, client, login):
    _coordinator_client(client, login)
    kind = factories.qualification_type("reflection-meeting")
    data = _type_form(kind)
    del data["active"]
    assert submit(client, _edit_url("reflection-meeting"), data).status_code == 302
    db.session.expire_all()
    assert factories.qualification_type("reflection-meeting").active is False
    page = client.get(CATALOGUE).get_data(as_text=True)
    assert "retired" in page
    # A retired type is no longer offered to requirements.
    form = client.get(f"{REQUIREMENTS}/language/interpreting").get_data(as_text=True)
    assert "Reflection meeting" not in form


def test_unknown_types_are_404(ctx, client, login):
    _coordinator_client(client, login)
    assert client.get(f"{CATALOGUE}/99999").status_code == 404
    assert submit(client, f"{CATALOGUE}/99999", {}, page=CATALOGUE).status_code == 404


# ---------------------------------------------------------------------------------------------
# Requirements


def test_the_requirements_table_shows_every_area_and_kind(ctx, client, login):
    _coordinator_client(client, login)
    page = client.get(REQUIREMENTS).get_data(as_text=True)
    for area in Area:
        for kind in WorkKind:
            assert f'href="/coordinator/requirements/{area.value}/{kind.value}"' in page
    assert "One of: Lay interpreter basic course (WIR)" in page
    assert (
        "And also one of: MiMi health mediator (Ethno-Medical Centre), Health specialist module for interpreters"
        in page
    )


def test_raising_the_german_minimum_changes_what_eligibility_answers(ctx, client, login):
    account = factories.active_volunteer(german=LanguageLevel.B2, languages={"tir": LanguageLevel.NATIVE})
    profile_id = account.profile.id
    verdict = check(account.profile, Area.LANGUAGE, WorkKind.INTERPRETING, today(), language_code="tir")
    assert verdict.allowed, [f.message for f in verdict.failures]

    _coordinator_client(client, login)
    url = f"{REQUIREMENTS}/language/interpreting"
    requirement = _requirement(Area.LANGUAGE, WorkKind.INTERPRETING)
    response = submit(client, url, _requirement_form(requirement, min_german_level="C1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    profile = db.session.get(VolunteerProfile, profile_id)
    verdict = check(profile, Area.LANGUAGE, WorkKind.INTERPRETING, today(), language_code="tir")
    assert [f.rule for f in verdict.failures] == ["german"]
    assert "C1" in client.get(REQUIREMENTS).get_data(as_text=True)

    # A second group: now a health module is needed as well.
    module = _type_id("health-module-interpreters")
    requirement = _requirement(Area.LANGUAGE, WorkKind.INTERPRETING)
    response = submit(client, url, _requirement_form(requirement, min_german_level="B1", group2=[str(module)]))
    assert response.status_code == 302
    verdict = check(profile, Area.LANGUAGE, WorkKind.INTERPRETING, today(), language_code="tir")
    assert [f.rule for f in verdict.failures] == ["qualification"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "requirement.changed")).all()
    assert len(events) == 2 and events[0].details == {"area": "language", "kind": "interpreting", "created": False}


def test_an_accepted_type_counts_through_what_includes_it(ctx, client, login):
    # The MiMi course includes the GKV course: a requirement accepting only GKV takes MiMi holders.
    account = factories.active_volunteer(
        areas=(Area.HEALTH,), kinds=(WorkKind.MENTORING,), trainings=("mimi-health-mediator",)
    )
    _coordinator_client(client, login)
    requirement = _requirement(Area.HEALTH, WorkKind.MENTORING)
    gkv = _type_id("health-guide-gkv")
    response = submit(client, f"{REQUIREMENTS}/health/mentoring", _requirement_form(requirement, group1=[str(gkv)]))
    assert response.status_code == 302
    profile = db.session.get(VolunteerProfile, account.profile.id)
    assert check(profile, Area.HEALTH, WorkKind.MENTORING, today()).allowed


def test_a_requirement_needs_a_first_group(ctx, client, login):
    _coordinator_client(client, login)
    requirement = _requirement(Area.HEALTH, WorkKind.ACCOMPANYING)
    response = submit(
        client,
        f"{REQUIREMENTS}/health/accompanying",
        _requirement_form(requirement, group1=[], min_german_level="C2"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at least one training" in _error_of(page, "group1")
    assert '<option selected value="C2">' in page  # what was chosen stays chosen
    db.session.expire_all()
    assert _requirement(Area.HEALTH, WorkKind.ACCOMPANYING).min_german_level is LanguageLevel.B1


def test_the_extended_certificate_needs_the_certificate(ctx, client, login):
    _coordinator_client(client, login)
    requirement = _requirement(Area.LANGUAGE, WorkKind.MENTORING)
    data = _requirement_form(requirement)
    del data["needs_police_certificate"]
    response = submit(client, f"{REQUIREMENTS}/language/mentoring", data)
    assert response.status_code == 400
    assert _error_of(response.get_data(as_text=True), "extended_certificate_for_minors")


def test_a_missing_requirement_is_created_by_saving_it(ctx, client, login):
    # Through the ORM, which deletes the accepted types too (not relying on ON DELETE CASCADE).
    db.session.delete(_requirement(Area.HEALTH, WorkKind.MENTORING))
    db.session.commit()
    _coordinator_client(client, login)
    assert "Not set" in client.get(REQUIREMENTS).get_data(as_text=True)
    url = f"{REQUIREMENTS}/health/mentoring"
    assert "No requirement is set for this work yet" in client.get(url).get_data(as_text=True)
    gkv = _type_id("health-guide-gkv")
    response = submit(
        client,
        url,
        {
            "min_german_level": "B2",
            "min_language_level": "",
            "needs_police_certificate": "y",
            "group1": [str(gkv)],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    created = _requirement(Area.HEALTH, WorkKind.MENTORING)
    assert created.min_german_level is LanguageLevel.B2 and created.min_language_level is None
    assert created.needs_police_certificate and not created.extended_certificate_for_minors
    assert [(a.type_id, a.group) for a in created.accepted] == [(gkv, 1)]


def test_unknown_areas_and_kinds_are_404(ctx, client, login):
    _coordinator_client(client, login)
    assert client.get(f"{REQUIREMENTS}/sports/interpreting").status_code == 404
    assert client.get(f"{REQUIREMENTS}/language/juggling").status_code == 404
    assert submit(client, f"{REQUIREMENTS}/language/juggling", {}, page=REQUIREMENTS).status_code == 404


def test_a_tampered_type_id_is_a_field_error_not_a_crash(ctx, client, login):
    _coordinator_client(client, login)
    requirement = _requirement(Area.LANGUAGE, WorkKind.MENTORING)
    for bad in (["99999"], ["abc"]):
        response = submit(client, f"{REQUIREMENTS}/language/mentoring", _requirement_form(requirement, group1=bad))
        assert response.status_code == 400
        assert _error_of(response.get_data(as_text=True), "group1")
    response = submit(client, NEW_TYPE, _new_type_form(area="sports"))
    assert response.status_code == 400
    assert _error_of(response.get_data(as_text=True), "area")


# ---------------------------------------------------------------------------------------------
# Declarations


def _declaration() -> Declaration:
    return db.session.scalar(select(Declaration).order_by(Declaration.sort_order))


def test_a_new_declaration_text_cannot_take_effect_in_the_past(ctx, client, login):
    _coordinator_client(client, login)
    declaration = _declaration()
    url = f"{DECLARATIONS}/{declaration.id}/versions/new"
    form = client.get(url).get_data(as_text=True)
    assert declaration.versions[-1].bodies["en"].split("\n")[0] in form  # prefilled with the newest text
    assert f'value="{(today() + timedelta(days=30)).isoformat()}"' in form
    data = {"body_de": "Neuer Text", "body_en": "New text", "effective_from": (today() - timedelta(days=1)).isoformat()}
    response = submit(client, url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot take effect in the past" in _error_of(page, "effective_from")
    assert "New text</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(DeclarationVersion)) == 2

    response = submit(client, url, {**data, "effective_from": "31.02.2026"})
    assert response.status_code == 400
    assert _error_of(response.get_data(as_text=True), "effective_from") == "Error: Enter a date, e.g. 2026-03-31."
    response = submit(client, url, {**data, "body_en": "  ", "effective_from": today().isoformat()})
    assert response.status_code == 400
    assert _error_of(response.get_data(as_text=True), "body_en")
    newest = declaration.versions[-1]
    unchanged = {
        "body_de": newest.bodies["de"],
        "body_en": newest.bodies["en"] + "\n",
        "effective_from": today().isoformat(),
    }
    response = submit(client, url, unchanged)
    assert response.status_code == 400
    assert "the same as the newest version" in _error_of(response.get_data(as_text=True), "body_de")


def test_a_future_text_is_listed_and_the_first_still_counts_until_then(ctx, client, login):
    account = factories.active_volunteer()
    profile_id = account.profile.id
    _coordinator_client(client, login)
    page = client.get(DECLARATIONS).get_data(as_text=True)
    assert "1 of 1 active volunteer has signed the newest text (version 1)." in page

    declaration = _declaration()
    effective = today() + timedelta(days=30)
    response = submit(
        client,
        f"{DECLARATIONS}/{declaration.id}/versions/new",
        {"body_de": "Neuer Text", "body_en": "New text", "effective_from": effective.isoformat()},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    version = db.session.scalar(
        select(DeclarationVersion).where(
            DeclarationVersion.declaration_id == declaration.id, DeclarationVersion.number == 2
        )
    )
    assert (version.bodies, version.effective_from) == ({"de": "Neuer Text", "en": "New text"}, effective)

    page = client.get(DECLARATIONS).get_data(as_text=True)
    assert "0 of 1 active volunteer has signed the newest text (version 2)." in page
    assert "not yet required" in page and "required now" in page

    profile = db.session.get(VolunteerProfile, profile_id)
    assert check(profile, Area.LANGUAGE, WorkKind.INTERPRETING, today()).allowed
    later = check(profile, Area.LANGUAGE, WorkKind.INTERPRETING, effective)
    assert [f.rule for f in later.failures] == ["declaration"]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "declaration.version_added")) == 1


def test_an_unknown_declaration_is_404(ctx, client, login):
    _coordinator_client(client, login)
    assert client.get(f"{DECLARATIONS}/99999/versions/new").status_code == 404


# ---------------------------------------------------------------------------------------------
# Access and queries


def _pages() -> list[str]:
    declaration = _declaration()
    return [
        CATALOGUE,
        NEW_TYPE,
        _edit_url("lay-interpreter-basic"),
        REQUIREMENTS,
        f"{REQUIREMENTS}/language/interpreting",
        DECLARATIONS,
        f"{DECLARATIONS}/{declaration.id}/versions/new",
    ]


@pytest.mark.parametrize("who", ["volunteer", "organisation"])
def test_other_roles_cannot_open_the_catalogue(ctx, client, login, who):
    user = factories.volunteer() if who == "volunteer" else factories.organisation_user()[0]
    login(client, user)
    for path in _pages():
        assert client.get(path).status_code == 403, path
    token_page = "/volunteer/" if who == "volunteer" else "/organisation/"
    response = submit(client, NEW_TYPE, _new_type_form(), page=token_page)
    assert response.status_code == 403
    assert db.session.scalar(select(QualificationType).where(QualificationType.code == "first-aid-course")) is None


def test_every_page_opens_in_german_and_english(ctx, client, login):
    for locale in ("de", "en"):
        login(client, factories.coordinator(locale=locale))
        for path in _pages():
            response = client.get(path)
            assert response.status_code == 200, (locale, path)
            assert f'<html lang="{locale}"' in response.get_data(as_text=True)
        submit(client, "/logout", page=CATALOGUE)


def test_an_expired_form_keeps_what_was_typed_and_changes_nothing(ctx, client, login):
    _coordinator_client(client, login)
    client.get(NEW_TYPE)
    response = client.post(NEW_TYPE, data={**_new_type_form(name_en="Typed course"), "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Typed course"' in page and "The form had expired" in page
    assert db.session.scalar(select(QualificationType).where(QualificationType.code == "first-aid-course")) is None


def test_a_clash_at_the_database_is_a_form_error_not_a_crash(ctx, client, login, monkeypatch):
    # Two coordinators saving the same code at the same moment both pass the service's check;
    # the unique constraint then refuses the second.
    _coordinator_client(client, login)
    monkeypatch.setattr(catalogue_service, "_check_code", lambda code, own_id: None)
    response = submit(client, NEW_TYPE, _new_type_form(code="deepening-seminar", name_en="Clashing course"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Someone else changed the same entry at the same moment" in page and 'value="Clashing course"' in page


def test_visitors_are_sent_to_the_login(ctx, client):
    for path in _pages():
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path
        if path not in (CATALOGUE, REQUIREMENTS, DECLARATIONS):
            assert client.post(path, data={}).status_code == 302, path


def _add_types(count: int, start: int) -> None:
    coordinator = factories.coordinator()
    seminar = _type_id("deepening-seminar")
    gkv = _type_id("health-guide-gkv")
    for number in range(start, start + count):
        catalogue_service.create_type(
            coordinator,
            catalogue_service.TypeData(
                code=f"extra-{number}",
                names={"de": f"Zusatzkurs {number}", "en": f"Extra course {number}"},
                area=QualificationArea.GENERAL,
                refresher_months=12,
                refresher_ids=[seminar],
                include_ids=[gkv],
            ),
        )
    db.session.commit()


def test_the_list_pages_run_the_same_number_of_queries_for_few_and_many(ctx, client, login, count_queries):
    _coordinator_client(client, login)
    pages = [CATALOGUE, REQUIREMENTS, DECLARATIONS]
    factories.active_volunteer()

    def measure() -> dict[str, int]:
        counts = {}
        for path in pages:
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counts[path] = len(statements)
        return counts

    few = measure()
    _add_types(15, 0)
    for _ in range(5):
        factories.active_volunteer(trainings=("lay-interpreter-basic", "health-guide-gkv"))
    # Many accepted types too.
    coordinator = factories.coordinator()
    requirement = _requirement(Area.LANGUAGE, WorkKind.MENTORING)
    extra = db.session.scalars(select(QualificationType.id).where(QualificationType.code.like("extra-%"))).all()
    catalogue_service.save_requirement(
        coordinator,
        Area.LANGUAGE,
        WorkKind.MENTORING,
        catalogue_service.RequirementData(
            min_german_level=requirement.min_german_level,
            min_language_level=requirement.min_language_level,
            needs_police_certificate=True,
            extended_certificate_for_minors=True,
            group1=list(extra),
        ),
    )
    db.session.commit()
    many = measure()
    assert "Extra course 14" in client.get(CATALOGUE).get_data(as_text=True)
    assert few == many
