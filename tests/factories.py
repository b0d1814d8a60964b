"""Test data made through the models, committed for real."""

from __future__ import annotations

import itertools
from datetime import UTC, date, timedelta

from sqlalchemy import select

from volunteers.clock import BERLIN
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import (
    Membership,
    Organisation,
    OrganisationStatus,
    Place,
    QualificationType,
    SupportRequest,
    User,
)
from volunteers.models.enums import Area, LanguageLevel, WorkKind
from volunteers.services.organisations import name_key
from volunteers.services.passwords import hash_password
from volunteers.services.requests import RequestInput

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def place(name: str = "Hofgeismar") -> Place:
    found = db.session.scalar(select(Place).where(Place.name == name))
    assert found is not None, name
    return found


def user(
    *,
    email: str | None = None,
    given_name: str = "Test",
    family_name: str | None = None,
    password: str = PASSWORD,
    coordinator: bool = False,
    volunteer: bool = False,
    confirmed: bool = True,
    active: bool = True,
    locale: str = "de",
) -> User:
    number = next(_sequence)
    account = User(
        email=email or f"person{number}@example.org",
        given_name=given_name,
        family_name=family_name or f"Person{number}",
        password_hash=hash_password(password),
        locale=locale,
        session_version=1,
        active=active,
        is_coordinator=coordinator,
        is_volunteer=volunteer,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(account)
    db.session.commit()
    return account


def coordinator(**kwargs) -> User:
    return user(coordinator=True, **kwargs)


def volunteer(**kwargs) -> User:
    """A volunteer account with an (empty) applicant profile, as registration makes it."""
    from volunteers.services.volunteers import ensure_profile

    account = user(volunteer=True, **kwargs)
    ensure_profile(account)
    db.session.commit()
    return account


def qualification_type(code: str) -> QualificationType:
    found = db.session.scalar(select(QualificationType).where(QualificationType.code == code))
    assert found is not None, code
    return found


def active_volunteer(
    *,
    languages: dict[str, LanguageLevel] | None = None,
    german: LanguageLevel = LanguageLevel.B2,
    areas: tuple[Area, ...] = (Area.LANGUAGE,),
    kinds: tuple[WorkKind, ...] = (WorkKind.INTERPRETING,),
    trainings: tuple[str, ...] = ("lay-interpreter-basic",),
    completed_on: date | None = None,
    place_name: str = "Hofgeismar",
    certificate: bool = True,
    signed: bool = True,
    **kwargs,
) -> User:
    """A volunteer who may do the given work today: active, trained (verified), declarations
    signed, police certificate shown."""
    from volunteers.clock import today
    from volunteers.models import (
        Declaration,
        DeclarationSignature,
        PoliceCertificate,
        Qualification,
        VolunteerLanguage,
    )
    from volunteers.models.enums import CertificateKind, CertificateResult, QualificationStatus, VolunteerStatus
    from volunteers.services.validity import police_certificate_due, valid_until

    account = volunteer(**kwargs)
    profile = account.profile
    day = today()
    completed_on = completed_on or day - timedelta(days=200)
    profile.status = VolunteerStatus.ACTIVE
    profile.german_level = german
    profile.home_place = place(place_name)
    for area in areas:
        setattr(profile, f"area_{area.value}", True)
    for kind in kinds:
        setattr(profile, f"kind_{kind.value}", True)
    for code, level in (languages or {"tir": LanguageLevel.NATIVE}).items():
        profile.languages.append(VolunteerLanguage(language_code=code, level=level))
    for code in trainings:
        kind = qualification_type(code)
        db.session.add(
            Qualification(
                profile=profile,
                type=kind,
                provider="WIR-Vielfaltszentrum",
                completed_on=completed_on,
                status=QualificationStatus.VERIFIED,
                valid_until=valid_until(completed_on, kind.validity_months),
            )
        )
    if signed:
        for declaration in db.session.scalars(select(Declaration)):
            db.session.add(DeclarationSignature(profile=profile, version=declaration.versions[-1]))
    if certificate:
        shown = day - timedelta(days=100)
        db.session.add(
            PoliceCertificate(
                profile=profile,
                kind=CertificateKind.EXTENDED,
                issued_on=shown - timedelta(days=10),
                shown_on=shown,
                result=CertificateResult.NO_ENTRIES,
                next_due_on=police_certificate_due(shown),
            )
        )
    db.session.commit()
    return account


def organisation(
    *,
    name: str | None = None,
    status: OrganisationStatus = OrganisationStatus.APPROVED,
    admin: User | None = None,
    members: tuple[User, ...] = (),
    place_name: str = "Baunatal",
) -> Organisation:
    name = name or f"Verein {next(_sequence)} e.V."
    org = Organisation(name=name, name_key=name_key(name), place=place(place_name), status=status, contact=admin)
    db.session.add(org)
    if admin is not None:
        db.session.add(Membership(user=admin, organisation=org, is_admin=True))
    for member in members:
        db.session.add(Membership(user=member, organisation=org, is_admin=False))
    db.session.commit()
    return org


def organisation_user(status: OrganisationStatus = OrganisationStatus.APPROVED, **kwargs) -> tuple[User, Organisation]:
    admin = user(**kwargs)
    return admin, organisation(status=status, admin=admin)


def queued_mail(key: str, recipient: str | None = None, subject: str = "Test message", locale: str = "en") -> None:
    """An outbox row as any event would queue it (the "account exists" mail), committed."""
    from volunteers.notifications.outbox import queue_mail

    queue_mail(
        event="account_exists",
        key=key,
        recipient=recipient or f"{key.replace(':', '')}@example.org",
        locale=locale,
        subject=subject,
        given_name="Test",
        login_link="http://127.0.0.1/login",
        reset_link="http://127.0.0.1/password/forgot",
    )
    db.session.commit()


def next_weekday(weekday: int, hour: int, minute: int = 0, weeks: int = 1):
    """A moment (UTC) on the given weekday (0 = Monday) at least `weeks` weeks ahead, at a
    Berlin wall-clock time."""
    from datetime import datetime

    from volunteers.clock import BERLIN, today

    day = today() + timedelta(days=7 * weeks)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def support_request(organisation: Organisation, **values):
    """A request as an organisation submitted it (open), Tuesday 9:00 in a week or two."""
    from volunteers.models.enums import Actor, Area, GenderPreference, Mode, RequestState, TopicCategory, WorkKind
    from volunteers.services import transitions

    record = SupportRequest(
        organisation=organisation,
        area=values.pop("area", Area.LANGUAGE),
        kind=values.pop("kind", WorkKind.INTERPRETING),
        places_needed=values.pop("places_needed", 1),
        places_filled=0,
        language_code=values.pop("language_code", "tir"),
        topic=values.pop("topic", TopicCategory.AUTHORITIES),
        mode=values.pop("mode", Mode.ON_SITE),
        starts_at=values.pop("starts_at", next_weekday(1, 9)),
        duration_minutes=values.pop("duration_minutes", 90),
        place=place(values.pop("place_name", "Kassel")),
        meeting_point=values.pop("meeting_point", "Kreishaus, Eingang A"),
        gender_preference=values.pop("gender_preference", GenderPreference.NONE),
        client_reference=values.pop("client_reference", "K-2026-017"),
        consent_confirmed=True,
        not_excluded_confirmed=True,
        state=RequestState.OPEN,
        **values,
    )
    db.session.add(record)
    db.session.flush()
    transitions.history(record, transitions.By(Actor.ORGANISATION, record.created_by), None, RequestState.OPEN)
    db.session.commit()
    return record


def request_form(**changes) -> dict:
    """What an organisation types into the request form: Tigrinya interpreting in Kassel, a week
    after the earliest day the lead time allows. A change to None leaves the field out."""
    from volunteers.clock import today
    from volunteers.services.workdays import earliest_appointment

    day = earliest_appointment(today(), 3) + timedelta(days=7)
    data = {
        "area": "language",
        "kind": "interpreting",
        "places_needed": "1",
        "language_code": "tir",
        "topic": "authorities",
        "mode": "on_site",
        "day": day.isoformat(),
        "start": "09:00",
        "duration_minutes": "90",
        "alternative_day": "",
        "alternative_start": "",
        "place_id": str(place("Kassel").id),
        "meeting_point": "Kreishaus, Eingang A",
        "contact_on_site": "Frau Becker, 0561 1003-0",
        "gender_preference": "none",
        "client_reference": "K-2026-017",
        "consent_confirmed": "y",
        "not_excluded_confirmed": "y",
    }
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def available_volunteer(**kwargs) -> User:
    """An active, qualified volunteer who is free on Tuesday mornings (and travels 40 km)."""
    from volunteers.models import AvailabilitySlot
    from volunteers.models.enums import DayPart, Mobility

    account = active_volunteer(**kwargs)
    profile = account.profile
    for weekday in range(7):
        for part in DayPart:
            profile.availability.append(AvailabilitySlot(weekday=weekday, day_part=part))
    profile.max_travel_km = 40
    profile.mobility = Mobility.PUBLIC_TRANSPORT
    db.session.commit()
    return account


def request_input(record: SupportRequest, **changes) -> RequestInput:
    """What the request form holds for `record`, with `changes`."""
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
    return RequestInput(**{**values, **changes})


def ended_assignment(
    days_ago: int = 1,
    volunteer_place: str = "Hofgeismar",
    *,
    staff_locale: str = "de",
    coordinator_locale: str = "de",
    volunteer_locale: str = "de",
    volunteer_name: tuple[str, str] = ("Test", ""),
    organisation: Organisation | None = None,
    **request_values,
):
    """An appointment (Kassel, 90 minutes) that ended `days_ago` days ago, accepted by an
    available volunteer from `volunteer_place`: the assignment waiting for the report. Each
    person reads in the locale given; with `organisation`, the request is that organisation's
    (its contact person is the staff member returned). Returns (organisation member,
    coordinator, volunteer, assignment)."""
    from sqlalchemy import update as sql_update

    from volunteers.services import assignments, offers

    if organisation is None:
        staff, organisation = organisation_user(locale=staff_locale)
    else:
        staff = organisation.contact
    centre = coordinator(locale=coordinator_locale)
    given_name, family_name = volunteer_name
    person = available_volunteer(
        place_name=volunteer_place, locale=volunteer_locale, given_name=given_name, family_name=family_name or None
    )
    record = support_request(organisation, created_by_id=staff.id, **request_values)
    (offer,) = offers.make_offers(centre, record, [person.profile.id])
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    starts_at = utcnow() - timedelta(days=days_ago, hours=2)
    db.session.execute(sql_update(SupportRequest).where(SupportRequest.id == record.id).values(starts_at=starts_at))
    db.session.commit()
    db.session.refresh(record)
    assignment = assignments.for_offer(offer)
    db.session.commit()
    return staff, centre, person, assignment


def past_assignment(organisation: Organisation, profile, days_ago: int = 5, client_reference: str = "K-PAST", **values):
    """A filled request whose appointment (Kassel, 90 minutes) was `days_ago` days ago, its
    offer accepted by `profile`, and the assignment it became with `values` (state, outcome ...),
    written as rows: for lists and counts that need many. Returns the assignment."""
    from volunteers.models import Assignment, Offer
    from volunteers.models.enums import AssignmentState, OfferState, RequestState

    starts_at = utcnow() - timedelta(days=days_ago, hours=2)
    record = support_request(organisation, starts_at=starts_at, client_reference=client_reference)
    record.state, record.places_filled = RequestState.FILLED, 1
    offer = Offer(request=record, profile_id=profile.id, state=OfferState.ACCEPTED, expires_at=starts_at)
    assignment = Assignment(
        offer=offer,
        profile_id=profile.id,
        request=record,
        appointment_at=starts_at,
        state=values.pop("state", AssignmentState.AWAITING_REPORT),
        **values,
    )
    db.session.add_all([offer, assignment])
    db.session.commit()
    return assignment
