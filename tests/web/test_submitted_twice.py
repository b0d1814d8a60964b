"""Forms that create something are safe to send twice: the same form sent again (the back
button, a slow line) creates nothing more and shows what the first sending created, with a
message; two sendings racing on two connections still create one record (both databases)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import form_tokens
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import (
    Absence,
    Declaration,
    DeclarationVersion,
    Exclusion,
    FormSubmission,
    Invitation,
    Offer,
    Organisation,
    PoliceCertificate,
    Qualification,
    QualificationType,
    SupportRequest,
    User,
    VolunteerProfile,
)
from volunteers.services import submissions

ENGLISH = {"Accept-Language": "en"}
SENT_BEFORE = "This form had already been sent, so nothing was saved twice."


@dataclass
class Case:
    user: User | None
    page: str
    url: str
    data: dict
    model: type
    #: Where the second sending leads (the record made by the first), as a pattern.
    shows: str


def _training(volunteer=None):
    return {
        "qualification_type": str(factories.qualification_type("health-guide-gkv").id),
        "other_description": "",
        "provider": "AOK Hessen",
        "completed_on": (today() - timedelta(days=30)).isoformat(),
        "teaching_units": "36",
    }


def _volunteer_training():
    person = factories.volunteer(locale="en")
    return Case(
        person,
        "/volunteer/trainings/new",
        "/volunteer/trainings/new",
        _training(),
        Qualification,
        r"/volunteer/#trainings",
    )


def _recorded_training():
    person = factories.volunteer()
    url = f"/coordinator/volunteers/{person.profile.id}/trainings/new"
    return Case(
        factories.coordinator(locale="en"),
        url,
        url,
        _training(),
        Qualification,
        rf"/coordinator/volunteers/{person.profile.id}#trainings",
    )


def _organisation_request():
    staff, organisation = factories.organisation_user(locale="en")
    url = f"/organisation/{organisation.id}/requests/new"
    return Case(staff, url, url, factories.request_form(), SupportRequest, r"/organisation/requests/\d+$")


def _centre_request():
    _staff, organisation = factories.organisation_user()
    data = {**factories.request_form(), "organisation_id": str(organisation.id)}
    url = "/coordinator/requests/new"
    return Case(factories.coordinator(locale="en"), url, url, data, SupportRequest, r"/coordinator/requests/\d+$")


def _offers():
    from volunteers.services import offers as _  # noqa: F401  (the candidates page ranks)

    _staff, organisation = factories.organisation_user()
    person = factories.available_volunteer(place_name="Kassel")
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    page = f"/coordinator/requests/{record.id}"
    return Case(
        factories.coordinator(locale="en"),
        page,
        f"{page}/offers",
        {"profile_ids": str(person.profile.id)},
        Offer,
        rf"/coordinator/requests/{record.id}#offers",
    )


def _new_volunteer():
    data = {
        "given_name": "Mehmet",
        "family_name": "Yildiz",
        "email": "",
        "phone": "0561 123456",
        "home_place": str(factories.place("Vellmar").id),
        "locale": "de",
    }
    url = "/coordinator/volunteers/new"
    return Case(factories.coordinator(locale="en"), url, url, data, VolunteerProfile, r"/coordinator/volunteers/\d+$")


def _coordinator_invitation():
    data = {"given_name": "Jo", "family_name": "Becker", "email": "jo@example.org", "locale": "de"}
    url = "/coordinator/invitations"
    return Case(factories.coordinator(locale="en"), url, url, data, Invitation, r"/coordinator/invitations$")


def _member_invitation():
    staff, organisation = factories.organisation_user(locale="en")
    page = f"/organisation/{organisation.id}"
    data = {"given_name": "Jo", "family_name": "Becker", "email": "jo@example.org", "locale": "de"}
    return Case(staff, page, f"{page}/invite", data, Invitation, rf"/organisation/{organisation.id}$")


def _absence():
    person = factories.volunteer(locale="en")
    data = {
        "starts_on": (today() + timedelta(days=3)).isoformat(),
        "ends_on": (today() + timedelta(days=5)).isoformat(),
    }
    return Case(
        person, "/volunteer/availability", "/volunteer/absences", data, Absence, r"/volunteer/availability#absences"
    )


def _exclusion():
    person = factories.volunteer()
    _staff, organisation = factories.organisation_user()
    page = f"/coordinator/volunteers/{person.profile.id}"
    data = {
        "exclusion-organisation_id": str(organisation.id),
        "exclusion-client_reference": "",
        "exclusion-reason": "Conflict",
    }
    return Case(factories.coordinator(locale="en"), page, f"{page}/exclusions", data, Exclusion, rf"{page}#exclusions")


def _certificate():
    person = factories.volunteer()
    url = f"/coordinator/volunteers/{person.profile.id}/certificate"
    data = {
        "kind": "simple",
        "issued_on": (today() - timedelta(days=20)).isoformat(),
        "shown_on": today().isoformat(),
        "result": "no_entries",
    }
    return Case(
        factories.coordinator(locale="en"),
        url,
        url,
        data,
        PoliceCertificate,
        rf"/coordinator/volunteers/{person.profile.id}#certificate",
    )


def _qualification_type():
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
    url = "/coordinator/catalogue/new"
    return Case(factories.coordinator(locale="en"), url, url, data, QualificationType, r"/coordinator/catalogue$")


def _declaration_version():
    declaration = db.session.scalar(select(Declaration).order_by(Declaration.sort_order))
    url = f"/coordinator/declarations/{declaration.id}/versions/new"
    data = {
        "body_de": "Neuer Text",
        "body_en": "New text",
        "effective_from": (today() + timedelta(days=30)).isoformat(),
    }
    return Case(factories.coordinator(locale="en"), url, url, data, DeclarationVersion, r"/coordinator/declarations$")


def _organisation_registration():
    data = {
        "organisation_name": "Somalischer Elternverein Vellmar",
        "place": str(factories.place("Vellmar").id),
        "given_name": "Ayaan",
        "family_name": "Warsame",
        "email": "ayaan@example.org",
        "password": "another long password",
        "password_repeat": "another long password",
        "locale": "en",
        "privacy": "y",
    }
    url = "/register/organisation"
    return Case(None, url, url, data, Organisation, r"/registered$")


def _volunteer_registration():
    data = {
        "given_name": "Hanna",
        "family_name": "Yilmaz",
        "email": "hanna@example.org",
        "password": "a long enough password",
        "password_repeat": "a long enough password",
        "locale": "en",
        "privacy": "y",
    }
    url = "/register/volunteer"
    return Case(None, url, url, data, User, r"/registered$")


def _added_organisation():
    person = factories.volunteer(locale="en")
    data = {"organisation_name": "Verein der Nachbarn", "place": str(factories.place("Vellmar").id)}
    url = "/register/organisation"
    return Case(person, url, url, data, Organisation, r"/organisation/\d+$")


CASES = {
    "training": _volunteer_training,
    "training-by-the-centre": _recorded_training,
    "request": _organisation_request,
    "request-taken-by-phone": _centre_request,
    "offers": _offers,
    "volunteer": _new_volunteer,
    "coordinator-invitation": _coordinator_invitation,
    "member-invitation": _member_invitation,
    "absence": _absence,
    "exclusion": _exclusion,
    "police-certificate": _certificate,
    "training-type": _qualification_type,
    "declaration-text": _declaration_version,
    "organisation-registration": _organisation_registration,
    "volunteer-registration": _volunteer_registration,
    "organisation-of-a-user": _added_organisation,
}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_form_sent_twice_creates_once_and_shows_what_was_created(ctx, client, login, name):
    case = CASES[name]()
    if case.user is not None:
        login(client, case.user)
    before = _count(case.model)
    payload = {**form_tokens(client, case.page), **case.data}
    assert any(name.endswith("submission_key") for name in payload), "the form carries no one-time key"

    first = client.post(case.url, data=payload, headers=ENGLISH)
    assert first.status_code == 302, first.get_data(as_text=True)[:3000]
    assert re.search(case.shows, first.headers["Location"]), first.headers["Location"]
    created = _count(case.model)
    assert created > before

    again = client.post(case.url, data=payload, headers=ENGLISH)  # back, and send again
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(case.model) == created
    shown = client.get(again.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert SENT_BEFORE in re.sub(r"\s+", " ", shown)


def test_a_form_without_its_key_is_out_of_date_and_keeps_what_was_typed(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    login(client, staff)
    url = f"/organisation/{organisation.id}/requests/new"
    payload = {**form_tokens(client, url), **factories.request_form(meeting_point="Rathaus, Zimmer 4")}
    del payload["submission_key"]
    response = client.post(url, data=payload, headers=ENGLISH)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form is out of date." in page and 'value="Rathaus, Zimmer 4"' in page
    assert _count(SupportRequest) == 0
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    assert client.post(url, data={**payload, "submission_key": key}).status_code == 302
    assert _count(SupportRequest) == 1


def test_the_same_request_from_a_second_tab_is_not_submitted_twice(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    login(client, staff)
    url = f"/organisation/{organisation.id}/requests/new"
    first_tab, second_tab = form_tokens(client, url), form_tokens(client, url)
    assert first_tab["submission_key"] != second_tab["submission_key"]
    first = client.post(url, data={**first_tab, **factories.request_form()})
    second = client.post(url, data={**second_tab, **factories.request_form(client_reference="k-2026-017")})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(SupportRequest) == 1
    page = re.sub(r"\s+", " ", client.get(second.headers["Location"], headers=ENGLISH).get_data(as_text=True))
    assert "The same request (client k-2026-017, the same time) had been submitted already" in page
    third = client.post(url, data={**form_tokens(client, url), **factories.request_form(client_reference="K-OTHER")})
    assert third.status_code == 302 and _count(SupportRequest) == 2


def test_the_same_training_from_a_second_tab_is_not_logged_twice(ctx, client, login):
    login(client, factories.volunteer(locale="en"))
    url = "/volunteer/trainings/new"
    first_tab, second_tab = form_tokens(client, url), form_tokens(client, url)
    assert client.post(url, data={**first_tab, **_training()}).status_code == 302
    assert client.post(url, data={**second_tab, **_training()}).status_code == 302
    assert _count(Qualification) == 1
    page = re.sub(r"\s+", " ", client.get("/volunteer/", headers=ENGLISH).get_data(as_text=True))
    assert "is recorded already: nothing was saved twice." in page


def test_a_key_is_the_senders_own(ctx, app, client, login):
    """Another person who somehow sends the same key is told the form is out of date."""
    first, second = factories.volunteer(locale="en"), factories.volunteer(locale="en")
    login(client, first)
    url = "/volunteer/trainings/new"
    payload = {**form_tokens(client, url), **_training()}
    assert client.post(url, data=payload).status_code == 302
    other = app.test_client()
    login(other, second)
    stolen = {**payload, "csrf_token": form_tokens(other, url)["csrf_token"]}
    response = other.post(url, data=stolen, headers=ENGLISH)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "This form is out of date." in page
    assert _count(Qualification) == 1
    fresh_key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    assert fresh_key != payload["submission_key"]
    assert other.post(url, data={**stolen, "submission_key": fresh_key}).status_code == 302
    assert _count(Qualification) == 2  # the other person's own training


def test_two_sendings_racing_on_two_connections_create_one_request(ctx, app, login, monkeypatch):
    """The first holds its transaction open a moment after claiming the key, so the second
    claims it meanwhile: on PostgreSQL it waits at the unique key, on SQLite at BEGIN
    IMMEDIATE; then it finds the first one's request."""
    staff, organisation = factories.organisation_user(locale="en")
    clients = [app.test_client(), app.test_client()]
    for one in clients:
        login(one, staff)
    url = f"/organisation/{organisation.id}/requests/new"
    payload = {**form_tokens(clients[0], url), **factories.request_form()}
    payload_second = {**payload, "csrf_token": form_tokens(clients[1], url)["csrf_token"]}

    real_created = submissions.created
    held = threading.Event()

    def created_then_wait(submission, record_id):
        real_created(submission, record_id)
        if not held.is_set():
            held.set()
            threading.Event().wait(1.0)

    monkeypatch.setattr(submissions, "created", created_then_wait)
    barrier = threading.Barrier(2)
    responses: list = [None, None]
    errors: list[BaseException] = []

    def send(index: int, data: dict) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = clients[index].post(url, data=data)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [
        threading.Thread(target=send, args=(0, payload)),
        threading.Thread(target=send, args=(1, payload_second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert [r.status_code for r in responses] == [302, 302], [r.get_data(as_text=True)[:500] for r in responses]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert _count(SupportRequest) == 1
    assert db.session.scalar(select(func.count(FormSubmission.id))) == 1
