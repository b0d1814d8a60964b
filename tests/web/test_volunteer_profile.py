"""The volunteer's own pages: profile, languages, availability, absences, pausing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, submit
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import AuditEvent, AvailabilitySlot, StatusChange, User, VolunteerProfile
from volunteers.models.enums import ContactChannel, DayPart, Gender, LanguageLevel, Mobility, VolunteerStatus


def _profile_data(profile, **changes):
    data = {
        "version": str(profile.version),
        "given_name": "Amina",
        "family_name": "Haddad",
        "phone": "0561 123456",
        "home_place": str(factories.place("Hofgeismar").id),
        "mobility": "public_transport",
        "max_travel_km": "25",
        "german_level": "B2",
        "languages-0-code": "ara",
        "languages-0-level": "native",
        "languages-1-code": "tir",
        "languages-1-level": "C1",
        "languages-2-code": "",
        "languages-2-level": "",
        "areas": ["language", "health"],
        "kinds": ["interpreting", "accompanying"],
        "gender": "female",
        "gender_self_description": "",
        "contact_channel": "phone",
        "locale": "de",
    }
    data.update(changes)
    return data


def test_a_volunteer_fills_in_the_profile(ctx, client, login):
    account = factories.volunteer()
    login(client, account)
    assert client.get("/volunteer/profile").status_code == 200
    profile = account.profile
    response = submit(client, "/volunteer/profile", _profile_data(profile))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    profile = db.session.get(VolunteerProfile, profile.id)
    assert profile.user.given_name == "Amina"
    assert profile.home_place.name == "Hofgeismar"
    assert profile.mobility is Mobility.PUBLIC_TRANSPORT and profile.max_travel_km == 25
    assert profile.german_level is LanguageLevel.B2
    assert {(e.language_code, e.level) for e in profile.languages} == {
        ("ara", LanguageLevel.NATIVE),
        ("tir", LanguageLevel.C1),
    }
    assert profile.area_language and profile.area_health and profile.kind_interpreting and not profile.kind_mentoring
    assert profile.gender is Gender.FEMALE and profile.contact_channel is ContactChannel.PHONE
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.profile_updated"))
    assert "languages" in event.details["fields"]
    home = client.get("/volunteer/").get_data(as_text=True)
    assert "Dolmetschen" in home or "Interpreting" in home


def test_errors_keep_what_was_typed(ctx, client, login):
    account = factories.volunteer()
    login(client, account)
    data = _profile_data(
        account.profile,
        **{"max_travel_km": "9999", "languages-1-code": "ara", "languages-1-level": "B1", "given_name": "Amina"},
    )
    response = submit(client, "/volunteer/profile", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="max_travel_km-error"' in page
    assert 'value="Amina"' in page and 'value="0561 123456"' in page
    data = _profile_data(account.profile, **{"languages-1-code": "ara", "languages-1-level": "B1"})
    duplicate = submit(client, "/volunteer/profile", data)
    assert duplicate.status_code == 400
    assert "languages" in duplicate.get_data(as_text=True)
    level_missing = submit(client, "/volunteer/profile", _profile_data(account.profile, **{"languages-1-level": ""}))
    assert 'id="languages-1-level-error"' in level_missing.get_data(as_text=True)


def test_a_stale_edit_is_refused_with_a_message_and_the_typed_values(ctx, app, client, login):
    account = factories.volunteer()
    login(client, account)
    old_version = account.profile.version
    submit(client, "/volunteer/profile", _profile_data(account.profile, phone="0561 111111"))
    # A second window still holds the old version.
    stale = submit(
        client, "/volunteer/profile", _profile_data(account.profile, phone="0561 222222", version=str(old_version))
    )
    assert stale.status_code == 400
    page = stale.get_data(as_text=True)
    assert 'value="0561 222222"' in page
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, account.profile.id).phone == "+49561111111"


def test_availability_grid_and_monthly_maximum(ctx, client, login):
    account = factories.volunteer()
    login(client, account)
    assert client.get("/volunteer/availability").status_code == 200
    data = {
        "version": str(account.profile.version),
        "max_assignments_per_month": "3",
        "slot-1-morning": "y",
        "slot-3-evening": "y",
    }
    assert submit(client, "/volunteer/availability", data).status_code == 302
    slots = db.session.scalars(select(AvailabilitySlot).where(AvailabilitySlot.profile_id == account.profile.id)).all()
    assert {(s.weekday, s.day_part) for s in slots} == {(1, DayPart.MORNING), (3, DayPart.EVENING)}
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, account.profile.id).max_assignments_per_month == 3
    bad = submit(
        client,
        "/volunteer/availability",
        {
            **data,
            "max_assignments_per_month": "40",
            "version": str(db.session.get(VolunteerProfile, account.profile.id).version),
        },
    )
    assert bad.status_code == 400 and "slot-1-morning" in bad.get_data(as_text=True)


def test_absences(ctx, client, login):
    account = factories.volunteer()
    login(client, account)
    start = today() + timedelta(days=10)
    wrong = submit(
        client,
        "/volunteer/absences",
        {"starts_on": start.isoformat(), "ends_on": (start - timedelta(days=1)).isoformat()},
        page="/volunteer/availability",
    )
    assert wrong.status_code == 400 and 'id="ends_on-error"' in wrong.get_data(as_text=True)
    ok = submit(
        client,
        "/volunteer/absences",
        {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=6)).isoformat()},
        page="/volunteer/availability",
    )
    assert ok.status_code == 302
    db.session.expire_all()
    [absence] = db.session.get(VolunteerProfile, account.profile.id).absences
    page = client.get("/volunteer/availability").get_data(as_text=True)
    assert f"/volunteer/absences/{absence.id}/remove" in page
    submit(client, f"/volunteer/absences/{absence.id}/remove", page="/volunteer/availability")
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, account.profile.id).absences == []


def test_nobody_removes_another_volunteers_absence(ctx, client, login):
    mine, theirs = factories.volunteer(), factories.volunteer()
    from volunteers.models import Absence

    absence = Absence(profile_id=theirs.profile.id, starts_on=today(), ends_on=today())
    db.session.add(absence)
    db.session.commit()
    login(client, mine)
    submit(client, f"/volunteer/absences/{absence.id}/remove", page="/volunteer/availability")
    assert db.session.get(Absence, absence.id) is not None


def test_a_volunteer_pauses_themselves_but_cannot_activate(ctx, client, login):
    account = factories.active_volunteer()
    login(client, account)
    assert (
        submit(
            client, "/volunteer/pause", {"reason": "exams", "to_status": "paused", "expected_status": "active"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    profile = db.session.get(VolunteerProfile, account.profile.id)
    assert profile.status is VolunteerStatus.PAUSED
    change = db.session.scalar(select(StatusChange).where(StatusChange.to_status == VolunteerStatus.PAUSED))
    assert change.changed_by_id == account.id and change.reason == "exams"
    again = client.get("/volunteer/pause").get_data(as_text=True)
    assert "<textarea" not in again


def test_an_organisation_user_cannot_see_volunteer_pages(ctx, client, login):
    staff, _ = factories.organisation_user()
    login(client, staff)
    assert client.get("/volunteer/profile").status_code == 403
    assert client.get("/coordinator/").status_code == 403


def test_email_change_goes_through_the_new_address(ctx, client, login, deliver, smtp_server):
    from tests.mailbox import path_of_link

    account = factories.volunteer(email="old@example.org")
    login(client, account)
    response = submit(
        client,
        "/account/email",
        {"email-new_email": "New@Example.org", "email-current_password": factories.PASSWORD},
        page="/account/security",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, account.id).email == "old@example.org"
    deliver()
    [mail] = smtp_server.to("new@example.org")
    link = path_of_link(mail, "/email/confirm/")
    assert client.get(link).status_code == 200
    assert submit(client, link).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, account.id).email == "new@example.org"
    assert csrf_token(client, "/volunteer/")
