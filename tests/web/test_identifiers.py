"""No internal name reaches a person: field names, role names, job names, enum values, audit
event names and language codes read as translated labels. The walk over every page and mail
(tests/web/test_every_page.py) runs the check; here the check itself and the labels."""

from __future__ import annotations

from tests import factories
from tests.page_checks import identifiers, leaks
from tests.smtp import body_text
from volunteers import jobs
from volunteers.models import enums
from volunteers.services.audit import ACTIONS
from volunteers.services.transitions import By


def test_every_job_and_audit_action_has_a_label(app):
    with app.app_context():
        assert all(str(job.label) for job in jobs.JOBS)
        assert all(str(text) for text in ACTIONS.values())


def test_the_checks_find_what_they_look_for(ctx):
    known = identifiers()
    assert leaks("Anfrage geändert (area, kind, gender_preference)", True, known) == [
        "gender_preference",
        "area",
        "kind",
    ]
    assert leaks("Konto registriert (volunteer)", True, known) == ["volunteer"]
    assert leaks("Account registered (volunteer)", False, known) == []  # English in English
    assert leaks("planner-statistics: last run", False, known) == ["planner-statistics"]
    assert leaks("pes (C1), prs, ckb", False, known) == ["ckb", "pes", "prs"]
    assert leaks("SMTPRecipientsRefused: x", False, known) == ["SMTPRecipientsRefused"]
    assert leaks("account.registered", False, known) == ["account.registered"]
    assert leaks("Gesundheits-Modul, https://x.example/organisation/requests", True, known) == []


def test_every_field_a_request_edit_can_change_has_a_label(ctx):
    from volunteers.clock import today
    from volunteers.db_types import utcnow
    from volunteers.labels import REQUEST_FIELDS
    from volunteers.services import requests as request_service

    _, organisation = factories.organisation_user()
    record = factories.support_request(organisation)
    editable = request_service._validate(factories.request_input(record), today(), utcnow())
    assert set(editable) <= set(REQUEST_FIELDS)


def test_mails_and_calendar_entries_name_places_as_the_pages_do(ctx, deliver, smtp_server):
    """The place "elsewhere" is stored under its German name; an English mail says "Elsewhere"."""
    from sqlalchemy import select

    from volunteers.extensions import db
    from volunteers.models import Place, PlaceKind
    from volunteers.services import offers

    elsewhere = db.session.scalar(select(Place).where(Place.kind == PlaceKind.ELSEWHERE))
    coordinator = factories.coordinator(locale="en")
    volunteer = factories.available_volunteer(locale="en", place_name="Kassel")
    volunteer.profile.max_travel_km = None  # no distance to an unknown place
    _, organisation = factories.organisation_user()
    record = factories.support_request(organisation)
    record.place = elsewhere
    db.session.commit()
    [offer] = offers.make_offers(coordinator, record, [volunteer.profile.id])
    offers.accept_offer(offer, By(enums.Actor.VOLUNTEER, volunteer, enums.Channel.PORTAL))
    db.session.commit()
    deliver()
    mails = smtp_server.to(volunteer.email)
    assert mails
    for mail in mails:
        text = body_text(mail)
        assert "Elsewhere" in text and elsewhere.name not in text, text
    calendar = next(part for mail in mails for part in mail.walk() if part.get_content_type() == "text/calendar")
    assert "LOCATION:Elsewhere" in calendar.get_content()
