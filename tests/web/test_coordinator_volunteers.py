"""Coordinators and volunteers: list, filters, export, a volunteer's page and its actions."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, submit
from tests.mailbox import path_of_link
from tests.smtp import body_text
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import PoliceCertificate, Qualification, User, VolunteerProfile
from volunteers.models.enums import LanguageLevel, QualificationStatus, VolunteerStatus


def _ids_in(page: str, profiles) -> set[int]:
    return {p.id for p in profiles if f'/coordinator/volunteers/{p.id}"' in page}


def test_the_list_filters_by_language_level_place_status_and_qualification(ctx, client, login):
    tigrinya = factories.active_volunteer(languages={"tir": LanguageLevel.NATIVE}, place_name="Hofgeismar")
    weak = factories.active_volunteer(languages={"tir": LanguageLevel.B1}, place_name="Hofgeismar")
    arabic = factories.active_volunteer(languages={"ara": LanguageLevel.C1}, place_name="Baunatal")
    untrained = factories.active_volunteer(languages={"tir": LanguageLevel.C2}, trainings=(), place_name="Kassel")
    applicant = factories.volunteer()
    everyone = [p.profile for p in (tigrinya, weak, arabic, untrained, applicant)]
    login(client, factories.coordinator())

    page = client.get("/coordinator/volunteers").get_data(as_text=True)
    assert _ids_in(page, everyone) == {p.id for p in everyone}
    page = client.get("/coordinator/volunteers?language=tir&min_level=C1").get_data(as_text=True)
    assert _ids_in(page, everyone) == {tigrinya.profile.id, untrained.profile.id}
    hofgeismar = factories.place("Hofgeismar").id
    page = client.get(f"/coordinator/volunteers?language=tir&place={hofgeismar}").get_data(as_text=True)
    assert _ids_in(page, everyone) == {tigrinya.profile.id, weak.profile.id}
    page = client.get("/coordinator/volunteers?status=applicant").get_data(as_text=True)
    assert _ids_in(page, everyone) == {applicant.profile.id}
    day = (today() + timedelta(days=10)).isoformat()
    page = client.get(f"/coordinator/volunteers?language=tir&area=language&kind=interpreting&qualified_on={day}")
    assert _ids_in(page.get_data(as_text=True), everyone) == {tigrinya.profile.id}
    incomplete = client.get(f"/coordinator/volunteers?qualified_on={day}").get_data(as_text=True)
    assert 'id="qualified_on-error"' in incomplete


def test_the_name_search_stays_out_of_the_url(ctx, client, login):
    wanted = factories.volunteer(given_name="Zeynep", family_name="Aydin")
    other = factories.volunteer(given_name="Olena", family_name="Kovalenko")
    login(client, factories.coordinator())
    response = submit(client, "/coordinator/volunteers", {"q": "aydin"})
    assert "aydin" not in response.headers["Location"].lower()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _ids_in(page, [wanted.profile, other.profile]) == {wanted.profile.id}


def test_the_list_takes_the_same_number_of_queries_for_few_and_many(ctx, client, login, count_queries):
    login(client, factories.coordinator())
    for _ in range(3):
        factories.active_volunteer()
    paths = [
        "/coordinator/volunteers",
        f"/coordinator/volunteers?language=tir&area=language&kind=interpreting&qualified_on={today().isoformat()}",
        "/coordinator/volunteers?expiring_soon=y",
        "/coordinator/trainings",
        "/coordinator/expiring",
    ]

    def counts():
        result = {}
        for path in paths:
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            result[path] = len(statements)
        return result

    few = counts()
    for _ in range(12):
        factories.active_volunteer(completed_on=today() - timedelta(days=1000), trainings=("health-guide-gkv",))
    assert counts() == few


def test_csv_export_of_the_filtered_list_escapes_formulas(ctx, client, login):
    factories.active_volunteer(
        given_name='=HYPERLINK("http://evil")', family_name="@Sum", languages={"tir": LanguageLevel.C1}
    )
    factories.active_volunteer(given_name="Plain", family_name="Person", languages={"ara": LanguageLevel.C1})
    login(client, factories.coordinator())
    response = client.get("/coordinator/volunteers.csv?language=tir")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2  # header and the one volunteer who speaks Tigrinya
    assert rows[1][0] == '\'=HYPERLINK("http://evil")' and rows[1][1] == "'@Sum"
    assert rows[1][5] == "Tigrinya: C1"


def test_a_volunteers_page_shows_records_and_what_is_missing(ctx, client, login):
    account = factories.active_volunteer(certificate=False)
    login(client, factories.coordinator(locale="en"))
    page = client.get(f"/coordinator/volunteers/{account.profile.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No police certificate has been shown." in text
    assert "Lay interpreter basic course" in text


def test_verify_a_training_and_the_volunteer_is_told(ctx, app, client, login, deliver, smtp_server):
    account = factories.volunteer(locale="en")
    kind = factories.qualification_type("health-guide-gkv")
    completed = today() - timedelta(days=10)
    training = Qualification(profile=account.profile, type=kind, provider="AOK", completed_on=completed)
    db.session.add(training)
    db.session.commit()
    login(client, factories.coordinator())
    listing = client.get("/coordinator/trainings").get_data(as_text=True)
    assert f"/coordinator/trainings/{training.id}/verify" in listing
    response = submit(client, f"/coordinator/trainings/{training.id}/verify", page="/coordinator/trainings")
    assert response.status_code == 302
    db.session.expire_all()
    training = db.session.get(Qualification, training.id)
    assert training.status is QualificationStatus.VERIFIED
    from volunteers.services.validity import valid_until

    assert training.valid_until == valid_until(completed, 36)
    again = submit(client, f"/coordinator/trainings/{training.id}/verify", page="/coordinator/trainings")
    assert again.status_code == 302  # a clear message, no second decision
    deliver()
    [mail] = smtp_server.to(account.email)
    assert "verified" in mail["Subject"]
    assert training.valid_until.strftime("%Y") in body_text(mail)


def test_reject_needs_a_reason(ctx, client, login):
    account = factories.volunteer()
    training = Qualification(
        profile=account.profile,
        type=factories.qualification_type("health-guide-gkv"),
        provider="AOK",
        completed_on=today(),
    )
    db.session.add(training)
    db.session.commit()
    login(client, factories.coordinator())
    empty = submit(
        client,
        f"/coordinator/trainings/{training.id}/reject",
        {"reason": ""},
        page=f"/coordinator/volunteers/{account.profile.id}",
    )
    assert empty.status_code == 400
    done = submit(
        client,
        f"/coordinator/trainings/{training.id}/reject",
        {"reason": "Not readable"},
        page=f"/coordinator/volunteers/{account.profile.id}",
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.REJECTED


def test_record_a_police_certificate(ctx, client, login):
    account = factories.volunteer()
    login(client, factories.coordinator())
    url = f"/coordinator/volunteers/{account.profile.id}/certificate"
    stale = submit(
        client,
        url,
        {
            "kind": "simple",
            "issued_on": (today() - timedelta(days=120)).isoformat(),
            "shown_on": today().isoformat(),
            "result": "no_entries",
        },
    )
    assert stale.status_code == 400 and 'id="issued_on-error"' in stale.get_data(as_text=True)
    future = submit(
        client,
        url,
        {
            "kind": "simple",
            "issued_on": today().isoformat(),
            "shown_on": (today() + timedelta(days=1)).isoformat(),
            "result": "no_entries",
        },
    )
    assert 'id="shown_on-error"' in future.get_data(as_text=True)
    ok = submit(
        client,
        url,
        {
            "kind": "extended",
            "issued_on": (today() - timedelta(days=20)).isoformat(),
            "shown_on": today().isoformat(),
            "result": "no_entries",
        },
    )
    assert ok.status_code == 302
    certificate = db.session.scalar(select(PoliceCertificate))
    assert certificate.next_due_on.year == today().year + 5


def test_status_changes_need_a_reason_and_follow_the_table(ctx, client, login, deliver, smtp_server):
    account = factories.volunteer(locale="en")
    login(client, factories.coordinator())
    url = f"/coordinator/volunteers/{account.profile.id}/status"
    page = f"/coordinator/volunteers/{account.profile.id}"
    no_reason = submit(
        client,
        url,
        {"status-to_status": "active", "status-reason": "", "status-expected_status": "applicant"},
        page=page,
    )
    assert no_reason.status_code == 400
    not_allowed = submit(
        client,
        url,
        {"status-to_status": "paused", "status-reason": "x", "status-expected_status": "applicant"},
        page=page,
    )
    assert not_allowed.status_code == 400
    ok = submit(
        client,
        url,
        {"status-to_status": "active", "status-reason": "Training complete", "status-expected_status": "applicant"},
        page=page,
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, account.profile.id).status is VolunteerStatus.ACTIVE
    stale = submit(
        client,
        url,
        {"status-to_status": "retired", "status-reason": "moved", "status-expected_status": "applicant"},
        page=page,
    )
    assert stale.status_code == 409
    deliver()
    [mail] = smtp_server.to(account.email)
    assert "Training complete" in body_text(mail)


def test_a_recorded_volunteer_takes_over_the_account(ctx, app, client, login, deliver, smtp_server):
    login(client, factories.coordinator())
    response = submit(
        client,
        "/coordinator/volunteers/new",
        {
            "given_name": "Mehmet",
            "family_name": "Yildiz",
            "email": "mehmet@example.org",
            "phone": "",
            "home_place": str(factories.place("Vellmar").id),
            "locale": "de",
            "invite": "y",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "mehmet@example.org"))
    assert user.is_volunteer and not user.has_password and user.profile.home_place.name == "Vellmar"
    deliver()
    [mail] = smtp_server.to("mehmet@example.org")
    link = path_of_link(mail, "/invitation/")
    person = app.test_client()
    assert 'value="Mehmet"' in person.get(link).get_data(as_text=True)
    done = submit(
        person,
        link,
        {
            "given_name": "Mehmet",
            "family_name": "Yıldız",
            "password": "my own password",
            "password_repeat": "my own password",
            "locale": "de",
            "privacy": "y",
        },
    )
    assert done.headers["Location"] == "/volunteer/profile"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.has_password and user.email_confirmed and user.family_name == "Yıldız"
    assert person.get("/volunteer/").status_code == 200


def test_a_record_without_email_needs_a_phone(ctx, client, login):
    login(client, factories.coordinator())
    response = submit(
        client,
        "/coordinator/volunteers/new",
        {"given_name": "Ali", "family_name": "Paper", "email": "", "phone": "", "locale": "de"},
    )
    assert response.status_code == 400 and 'id="email-error"' in response.get_data(as_text=True)
    ok = submit(
        client,
        "/coordinator/volunteers/new",
        {"given_name": "Ali", "family_name": "Paper", "email": "", "phone": "0561 9912345", "locale": "de"},
    )
    assert ok.status_code == 302


def test_volunteers_and_organisations_cannot_see_the_list_or_other_profiles(ctx, client, login):
    account = factories.active_volunteer()
    other = factories.volunteer()
    login(client, account)
    assert client.get("/coordinator/volunteers").status_code == 403
    assert client.get(f"/coordinator/volunteers/{other.profile.id}").status_code == 403
    assert client.get("/coordinator/volunteers.csv").status_code == 403


def test_unknown_volunteer_is_404(ctx, client, login):
    login(client, factories.coordinator())
    assert client.get("/coordinator/volunteers/424242").status_code == 404
    assert (
        client.post(
            "/coordinator/trainings/424242/verify", data={"csrf_token": csrf_token(client, "/coordinator/")}
        ).status_code
        == 404
    )


def test_a_rejection_without_a_reason_is_an_error_on_its_confirmation_page(ctx, client, login):
    account = factories.volunteer()
    kind = factories.qualification_type("health-guide-gkv")
    first, second = (
        Qualification(profile=account.profile, type=kind, provider=p, completed_on=today()) for p in ("AOK", "VHS")
    )
    db.session.add_all([first, second])
    db.session.commit()
    login(client, factories.coordinator())
    response = submit(
        client,
        f"/coordinator/trainings/{second.id}/reject",
        {"reason": ""},
        page=f"/coordinator/volunteers/{account.profile.id}",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count('class="error-summary"') == 1
    assert 'id="reason-error"' in page and "VHS" in page and "AOK" not in page
    db.session.expire_all()
    assert {q.status for q in (first, second)} == {QualificationStatus.PENDING}


def test_invalid_filter_values_are_field_errors_not_500s(ctx, client, login):
    login(client, factories.coordinator())
    for query in [
        "place=99999999999999999999999",
        "area=xyz&min_level=Q9&place=abc",
        "status=nope&kind=%20",
        "qualified_on=2026-13-45&area=language&kind=interpreting",
    ]:
        for path in ("/coordinator/volunteers", "/coordinator/volunteers.csv"):
            assert client.get(f"{path}?{query}").status_code == 200, (path, query)
    page = client.get("/coordinator/volunteers?place=abc&min_level=Q9").get_data(as_text=True)
    assert 'id="place-error"' in page and 'id="min_level-error"' in page


def test_coordinators_do_not_verify_their_own_trainings(ctx, client, login):
    from volunteers.services.volunteers import ensure_profile

    coordinator = factories.coordinator()
    coordinator.is_volunteer = True
    profile = ensure_profile(coordinator)
    training = Qualification(
        profile=profile, type=factories.qualification_type("health-guide-gkv"), provider="AOK", completed_on=today()
    )
    db.session.add(training)
    db.session.commit()
    login(client, coordinator)
    submit(client, f"/coordinator/trainings/{training.id}/verify", page="/coordinator/trainings")
    db.session.expire_all()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.PENDING


def test_an_unreadable_version_counts_as_outdated(ctx, client, login):
    account = factories.volunteer()
    login(client, factories.coordinator())
    response = submit(
        client,
        f"/coordinator/volunteers/{account.profile.id}/availability",
        {"version": "abc", "max_assignments_per_month": "3", "slot-0-morning": "y"},
    )
    assert response.status_code == 400
    assert f'name="version" type="hidden" value="{account.profile.version}"' in response.get_data(as_text=True)


def test_a_change_saved_meanwhile_by_someone_else_is_a_message_not_a_500(ctx, app):
    """The record's version moves on between reading it and saving it (another coordinator
    saved in between): the save is refused with a message, nothing is overwritten."""
    from volunteers.web.edge.service_errors import attempt
    from volunteers.web.volunteer.forms import availability_form

    profile_id = factories.volunteer().profile.id
    with app.test_request_context(method="POST"):
        seen = db.session.get(VolunteerProfile, profile_id)
        db.session.expunge(seen)  # what this coordinator's page was made from
        db.session.commit()
        with app.app_context():  # another coordinator, another session, saves first
            other = db.session.get(VolunteerProfile, profile_id)
            other.phone = "0561 1"
            db.session.commit()
            db.session.remove()
        seen = db.session.merge(seen, load=False)
        form = availability_form(seen)

        def change():
            seen.max_assignments_per_month = 9
            db.session.flush()

        assert not attempt(change, form, record=seen)
        assert form.form_errors
        db.session.remove()
    db.session.expire_all()
    saved = db.session.get(VolunteerProfile, profile_id)
    assert saved.max_assignments_per_month != 9 and saved.phone == "0561 1"
