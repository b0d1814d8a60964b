"""A small world in which every page has something to show: each role, requests in every
state with offers and an edited history, trainings pending and verified, absences, audit
entries, jobs that ran and mails that went out (one failed). Tests that walk every page (phone
width, dates, identifiers, "(optional)") build it once and visit `world.pages[role]`.

Dates are chosen with day and month both at most 12, so a US-style date would be misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from tests import factories
from volunteers import jobs
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import Declaration, Organisation, OrganisationStatus, OutboxMessage, SupportRequest, User
from volunteers.models.enums import (
    Actor,
    Area,
    Channel,
    GenderPreference,
    LanguageLevel,
    Mode,
    VolunteerStatus,
    WorkKind,
)
from volunteers.models.outbox import OutboxStatus
from volunteers.models.token import InvitationRole
from volunteers.services import audit, invitations, offers, qualifications, volunteers
from volunteers.services import requests as request_service
from volunteers.services.matching import BERLIN
from volunteers.services.organisations import name_key
from volunteers.services.proofs import check_proof
from volunteers.services.transitions import By

ORGANISATION_NAME = "Deutsch-Syrischer Verein Baunatal e.V."
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def ambiguous_day(after: date) -> date:
    """The first day after `after` whose day and month are different numbers up to 12."""
    day = after
    while not (day.day <= 12 and day.month <= 12 and day.day != day.month):
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


@dataclass
class World:
    coordinator: User
    volunteer: User
    staff: User
    organisation: Organisation
    open_request: SupportRequest
    edited_request: SupportRequest
    pages: dict[str, list[str]] = field(default_factory=dict)

    def people(self) -> dict[str, User]:
        return {"coordinator": self.coordinator, "volunteer": self.volunteer, "organisation": self.staff}


def _request_input(record: SupportRequest, **changes) -> request_service.RequestInput:
    local = record.starts_at.astimezone(BERLIN)
    values = {
        "area": record.area,
        "kind": record.kind,
        "places_needed": record.places_needed,
        "language_code": record.language_code,
        "topic": record.topic,
        "mode": record.mode,
        "day": local.date(),
        "start": local.time().replace(tzinfo=None),
        "duration_minutes": record.duration_minutes,
        "alternative_day": None,
        "alternative_start": None,
        "place_id": record.place_id,
        "meeting_point": record.meeting_point,
        "contact_on_site": record.contact_on_site,
        "gender_preference": record.gender_preference,
        "minors_involved": record.minors_involved,
        "urgent": record.urgent,
        "urgent_reason": record.urgent_reason,
        "client_reference": record.client_reference,
        "consent_confirmed": True,
        "not_excluded_confirmed": True,
    }
    values.update(changes)
    return request_service.RequestInput(**values)


def build(locale: str = "de") -> World:
    """Everything through the services the pages use; committed. Call inside an app context."""
    day = ambiguous_day(today() + timedelta(days=14))
    coordinator = factories.coordinator(email="desk@example.org", given_name="Jonas", locale=locale)
    volunteer = factories.available_volunteer(
        email="reza@example.org",
        given_name="Reza",
        languages={"pes": LanguageLevel.C1, "prs": LanguageLevel.NATIVE, "ckb": LanguageLevel.B2},
        areas=(Area.LANGUAGE, Area.HEALTH),
        kinds=(WorkKind.INTERPRETING, WorkKind.ACCOMPANYING),
        locale=locale,
    )
    second = factories.available_volunteer(languages={"prs": LanguageLevel.C1}, place_name="Kassel", locale=locale)
    applicant = factories.volunteer(given_name="Farid", locale=locale)
    staff, organisation = factories.organisation_user(email="lina@example.org", given_name="Lina", locale=locale)
    organisation.name, organisation.name_key = ORGANISATION_NAME, name_key(ORGANISATION_NAME)
    factories.organisation(name="Wartender Verein e.V.", status=OrganisationStatus.PENDING, admin=factories.user())
    audit.record("account.registered", subject=applicant, role="volunteer")
    audit.record("account.registered", subject=staff, role="organisation")
    audit.record("role.granted", actor=coordinator, subject=staff, organisation=organisation, role="coordinator")
    audit.record("volunteer.status_changed", actor=coordinator, subject=volunteer, status=VolunteerStatus.ACTIVE.value)

    profile = volunteer.profile
    volunteers.add_absence(volunteer, profile, day + timedelta(days=40), day + timedelta(days=44), today())
    qualifications.log_training(
        volunteer,
        profile,
        qualification_type=factories.qualification_type("health-guide-gkv"),
        other_description=None,
        provider="AOK Hessen",
        completed_on=ambiguous_day(today() - timedelta(days=120)),
        teaching_units=36,
        proof=check_proof("zertifikat.pdf", PDF),
        today=today(),
    )
    invitations.invite(
        coordinator,
        role=InvitationRole.COORDINATOR,
        email="new.desk@example.org",
        given_name="Mira",
        family_name="Schäfer",
        locale=locale,
    )
    invitations.invite(
        staff,
        role=InvitationRole.ORGANISATION,
        organisation=organisation,
        email="colleague@example.org",
        given_name="Samira",
        family_name="Haddad",
        locale=locale,
    )
    db.session.commit()

    open_request = factories.support_request(
        organisation,
        created_by_id=staff.id,
        language_code="prs",
        starts_at=_at(day, 10),
        client_reference="K-2026-041",
        contact_on_site="Frau Becker, 0561 1003-0",
    )
    offers.make_offers(coordinator, open_request, [volunteer.profile.id, second.profile.id])
    db.session.commit()
    filled = factories.support_request(
        organisation, created_by_id=staff.id, language_code="prs", starts_at=_at(day + timedelta(days=1), 14)
    )
    [offer] = offers.make_offers(coordinator, filled, [volunteer.profile.id])
    offers.accept_offer(offer, By(Actor.VOLUNTEER, volunteer, Channel.PORTAL))
    db.session.commit()
    edited = factories.support_request(
        organisation,
        created_by_id=staff.id,
        language_code="ckb",
        starts_at=_at(day + timedelta(days=2), 11, 30),
        client_reference="K-2026-052",
    )
    request_service.edit(
        staff,
        edited,
        _request_input(edited, area=Area.HEALTH, kind=WorkKind.ACCOMPANYING, gender_preference=GenderPreference.FEMALE),
        edited.version,
        today(),
    )
    db.session.commit()
    cancelled = factories.support_request(
        organisation, created_by_id=staff.id, language_code="pes", mode=Mode.PHONE, starts_at=_at(day, 16)
    )
    request_service.cancel(coordinator, cancelled, "Termin entfällt.")
    db.session.commit()

    jobs.run_due()
    failed = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == failed.id)
        .values(status=OutboxStatus.FAILED, attempts=8, last_error="SMTPRecipientsRefused: {'x@example.org': (550,)}")
    )
    db.session.commit()

    declaration_id = db.session.scalar(select(Declaration.id).order_by(Declaration.id))
    world = World(coordinator, volunteer, staff, organisation, open_request, edited)
    profile_id, request_id = profile.id, open_request.id
    world.pages = {
        "public": [
            "/",
            "/login",
            "/register",
            "/register/volunteer",
            "/register/organisation",
            "/privacy",
            "/accessibility",
            "/password/forgot",
            "/confirm/not-a-real-token",
            "/does-not-exist",
        ],
        "volunteer": [
            "/volunteer/",
            "/volunteer/profile",
            "/volunteer/availability",
            "/volunteer/trainings/new",
            "/volunteer/declarations",
            "/volunteer/assignments",
            "/volunteer/pause",
            "/password/change",
        ],
        "organisation": [
            "/organisation/",
            f"/organisation/{organisation.id}",
            f"/organisation/{organisation.id}/requests/new",
            "/organisation/requests",
            f"/organisation/requests/{request_id}",
            f"/organisation/requests/{edited.id}",
            f"/organisation/requests/{cancelled.id}",
            f"/organisation/requests/{request_id}/edit",
        ],
        "coordinator": [
            "/coordinator/",
            "/coordinator/requests",
            "/coordinator/requests?tab=filled",
            "/coordinator/requests?tab=cancelled",
            f"/coordinator/requests/{request_id}",
            f"/coordinator/requests/{filled.id}",
            f"/coordinator/requests/{edited.id}",
            f"/coordinator/requests/{cancelled.id}",
            f"/coordinator/requests/{request_id}/edit",
            "/coordinator/requests/new",
            "/coordinator/volunteers",
            "/coordinator/volunteers?language=prs&min_level=C1",
            f"/coordinator/volunteers/{profile_id}",
            f"/coordinator/volunteers/{profile_id}/edit",
            f"/coordinator/volunteers/{profile_id}/availability",
            f"/coordinator/volunteers/{profile_id}/certificate",
            f"/coordinator/volunteers/{profile_id}/trainings/new",
            f"/coordinator/volunteers/{applicant.profile.id}",
            "/coordinator/volunteers/new",
            "/coordinator/volunteers/import",
            "/coordinator/trainings",
            "/coordinator/expiring",
            "/coordinator/organisations",
            "/coordinator/organisations?status=approved",
            f"/coordinator/organisations/{organisation.id}",
            "/coordinator/accounts",
            "/coordinator/outbox",
            "/coordinator/audit",
            "/coordinator/invitations",
            "/coordinator/catalogue",
            "/coordinator/catalogue/new",
            f"/coordinator/catalogue/{factories.qualification_type('health-guide-gkv').id}",
            "/coordinator/requirements",
            "/coordinator/requirements/health/interpreting",
            "/coordinator/declarations",
            f"/coordinator/declarations/{declaration_id}/versions/new",
        ],
    }
    return world
