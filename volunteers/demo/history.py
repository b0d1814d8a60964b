"""The past of the demo volunteers, as the app would have recorded it: when each registered, who
at the centre verified their trainings and recorded their police certificate, status changes with
real reasons; and assignments already done. So a volunteer's "History of changes", the audit log,
past assignments and the ranking's fairness have something to show. Loading again adds nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..clock import utc_at
from ..db_types import utcnow
from ..extensions import db
from ..models import (
    AuditEvent,
    DeclarationSignature,
    Offer,
    Organisation,
    Place,
    PoliceCertificate,
    Qualification,
    RequestEvent,
    StatusChange,
    SupportRequest,
    User,
    VolunteerProfile,
)
from ..models.enums import (
    Area,
    GenderPreference,
    Mode,
    OfferState,
    QualificationStatus,
    RequestState,
    TopicCategory,
    VolunteerStatus,
    WorkKind,
)
from ..services import calendar_feeds
from .requests import AUTOMATIC, ERITREAN, SYRIAN, _at, _move, _offer, _request

#: Why the centre changed a demo volunteer's status (the reason is shown to the volunteer too).
STATUS_REASONS = {
    VolunteerStatus.ACTIVE: "Erstgespräch geführt; die Schulung ist bestätigt, die Erklärungen sind unterschrieben.",
    VolunteerStatus.PAUSED: "Pause auf eigenen Wunsch bis zum Frühjahr (Prüfungszeit).",
    VolunteerStatus.RETIRED: "Nach Hamburg gezogen. Vielen Dank für die Einsätze!",
}


def _moment(day: date, hour: int = 10) -> datetime:
    """A working-day moment, never in the future."""
    return min(utc_at(day, time(hour)), utcnow() - timedelta(hours=1))


def _event(
    action: str,
    when: datetime,
    *,
    actor: User | None,
    subject: User | None = None,
    organisation: Organisation | None = None,
    **details,
) -> None:
    db.session.add(
        AuditEvent(
            action=action,
            created_at=when,
            actor=actor,
            subject_user=subject,
            organisation=organisation,
            details=dict(details),
        )
    )


#: The approved demo organisations and how many days before loading they registered: they have
#: worked with the centre for a while, long before their first requests.
PARTNERS = {"Deutsch-Syrischer Verein Baunatal e.V.": 400, "Eritreische Gemeinde Nordhessen e.V.": 300}


def backdate_partners() -> int:
    """Registration, approval and memberships of the approved demo organisations, in the past
    (loading makes them today); members other than the founder joined a few months later."""
    now = utcnow()
    desk = db.session.scalar(select(User).where(User.email == "koordination@wir-vielfalt.example"))
    done = 0
    for name, days in PARTNERS.items():
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None or organisation.created_at < now - timedelta(days=2):
            continue
        organisation.created_at = now - timedelta(days=days)
        organisation.decided_at = organisation.created_at + timedelta(days=4)
        organisation.decided_by = desk
        members = sorted(organisation.memberships, key=lambda m: (not m.is_admin, m.id))
        for index, member in enumerate(members):
            member.created_at = organisation.created_at + timedelta(days=75 * index)
            member.user.created_at = min(member.user.created_at, member.created_at)
        founder = members[0].user if members else None
        _event(
            "organisation.registered",
            organisation.created_at,
            actor=founder,
            subject=founder,
            organisation=organisation,
        )
        _event("organisation.approved", organisation.decided_at, actor=desk, organisation=organisation)
        done += 1
    db.session.flush()
    return done


def record_past(profile: VolunteerProfile, status: VolunteerStatus, desk: User | None, today: date) -> None:
    """Backdates the registration of a volunteer just loaded and writes what the app would have
    recorded since: status changes by the centre with their reasons, and the history of changes."""
    db.session.flush()
    user = profile.user
    trainings = list(db.session.scalars(select(Qualification).where(Qualification.profile_id == profile.id)))
    certificates = list(db.session.scalars(select(PoliceCertificate).where(PoliceCertificate.profile_id == profile.id)))
    signatures = list(
        db.session.scalars(select(DeclarationSignature).where(DeclarationSignature.profile_id == profile.id))
    )
    earliest = min([t.completed_on for t in trainings] + [c.shown_on for c in certificates], default=today)
    joined = min(earliest - timedelta(days=30), today - timedelta(days=14))
    applied = _moment(joined, 9)
    user.created_at = min(user.created_at, applied)  # an organisation's admin may have been here before
    for change in db.session.scalars(select(StatusChange).where(StatusChange.profile_id == profile.id)):
        change.changed_at = applied
    if user.email:
        _event("account.registered", applied, actor=None, subject=user, role="volunteer")
    else:
        _event("volunteer.created", applied, actor=desk, subject=user)
    for signature in signatures:
        signature.signed_at = _moment(joined + timedelta(days=2))
        _event("declaration.signed", signature.signed_at, actor=user, subject=user, version=1)
    for training in trainings:
        training.submitted_at = _moment(training.completed_on + timedelta(days=1), 19)
        training.submitted_by_id = user.id
        _event("qualification.submitted", training.submitted_at, actor=user, subject=user, qualification=training.id)
        if training.status is QualificationStatus.VERIFIED:
            training.decided_at = _moment(training.completed_on + timedelta(days=7))
            training.decided_by = desk
            _event("qualification.verified", training.decided_at, actor=desk, subject=user, qualification=training.id)
    for certificate in certificates:
        _event(
            "police_certificate.recorded",
            _moment(certificate.shown_on),
            actor=desk,
            subject=user,
            kind=certificate.kind.value,
        )
    if status is not VolunteerStatus.APPLICANT:
        verified = [t.completed_on + timedelta(days=10) for t in trainings if t.decided_at is not None]
        active_from = min(verified, default=joined + timedelta(days=21))
        _change(profile, VolunteerStatus.APPLICANT, VolunteerStatus.ACTIVE, desk, _moment(active_from))
    if status in (VolunteerStatus.PAUSED, VolunteerStatus.RETIRED):
        _change(profile, VolunteerStatus.ACTIVE, status, desk, _moment(today - timedelta(days=60)))
    profile.status = status


def _change(profile, from_status, to_status, desk: User | None, when: datetime) -> None:
    reason = STATUS_REASONS[to_status]
    db.session.add(
        StatusChange(
            profile=profile,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            changed_by=desk,
            changed_at=when,
        )
    )
    _event("volunteer.status_changed", when, actor=desk, subject=profile.user, status=to_status.value)


#: Assignments already done: (client reference, organisation, volunteer, language, kind, area,
#: topic, days ago, place, meeting point). Dawit's second is older than the 90 days the
#: ranking's fairness counts.
PAST = [
    (
        "DEMO-SY-012",
        "syrian",
        "amina.haddad",
        "ara",
        "interpreting",
        "language",
        "authorities",
        20,
        "Baunatal",
        "Rathaus Baunatal, Bürgerbüro",
    ),
    (
        "DEMO-ER-006",
        "eritrean",
        "dawit.tesfaye",
        "tir",
        "interpreting",
        "language",
        "job_centre",
        45,
        "Kassel",
        "Jobcenter Kassel, Empfang",
    ),
    ("DEMO-SY-016", "syrian", "olena.kovalenko", "ukr", "mentoring", "language", "everyday_life", 70, "Vellmar", None),
    (
        "DEMO-ER-002",
        "eritrean",
        "dawit.tesfaye",
        "tir",
        "interpreting",
        "language",
        "housing",
        120,
        "Hofgeismar",
        "Wohnungsamt, Zimmer 3",
    ),
    # Recent ones, whose reports are still under way (volunteers/demo/assignments.py).
    (
        "DEMO-SY-044",
        "syrian",
        "reza.ahmadi",
        "prs",
        "interpreting",
        "language",
        "authorities",
        3,
        "Kassel",
        "Kreishaus, Ausländerbehörde, Zimmer 214",
    ),
    (
        "DEMO-ER-024",
        "eritrean",
        "jean.mukendi",
        "fra",
        "interpreting",
        "language",
        "job_centre",
        2,
        "Baunatal",
        "Jobcenter Baunatal, Empfang",
    ),
]


def seed_past_assignments() -> int:
    """Requests whose appointment has passed, each filled by a volunteer who went (those
    missing: a demo loaded before the recent ones gets them too)."""
    loaded = set(
        db.session.scalars(
            select(SupportRequest.client_reference).where(SupportRequest.client_reference.in_([p[0] for p in PAST]))
        )
    )
    if len(loaded) == len(PAST):
        return 0
    desk = db.session.scalar(select(User).where(User.email == "koordination@wir-vielfalt.example"))
    organisations = {
        key: db.session.scalar(select(Organisation).where(Organisation.name == name))
        for key, name in (("syrian", SYRIAN), ("eritrean", ERITREAN))
    }
    if desk is None or None in organisations.values():
        return 0
    made = 0
    for reference, owner, local, language, kind, area, topic, days_ago, place, meeting_point in PAST:
        if reference in loaded:
            continue
        volunteer = db.session.scalar(select(User).where(User.email == f"{local}@wir-vielfalt.example"))
        organisation = organisations[owner]
        if volunteer is None or volunteer.profile is None:
            continue
        filled_in_the_past(
            organisation,
            desk,
            volunteer.profile,
            area=Area(area),
            kind=WorkKind(kind),
            language_code=language,
            topic=TopicCategory(topic),
            starts_at=_at(-days_ago, 10),
            place=db.session.scalar(select(Place).where(Place.name == place)),
            meeting_point=meeting_point,
            client_reference=reference,
        )
        made += 1
    db.session.flush()
    return made


def filled_in_the_past(organisation: Organisation, desk: User, profile: VolunteerProfile, **values) -> Offer:
    """A past request of the organisation, submitted eight days before, offered to the volunteer
    six days before and accepted the day after: the history reads in that order."""
    creator = next((m.user for m in organisation.memberships if m.is_admin), None)
    starts_at = values["starts_at"]
    record = _request(
        organisation,
        creator,
        mode=Mode.ON_SITE,
        gender_preference=GenderPreference.NONE,
        duration_minutes=90,
        places_needed=1,
        created_days_ago=(utcnow() - starts_at).days + 8,
        **values,
    )
    offer = _offer(record, profile, desk, OfferState.ACCEPTED)
    _move(record, RequestState.FILLED, AUTOMATIC)
    offer.offered_at = record.starts_at - timedelta(days=6)
    offer.responded_at = offer.expires_at = record.starts_at - timedelta(days=5)
    db.session.flush()
    events = db.session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == record.id).order_by(RequestEvent.id)
    ).all()
    moments = [record.created_at, offer.offered_at, offer.responded_at, offer.responded_at]
    for event, moment in zip(events, moments, strict=True):
        event.at = moment
    return offer


def seed_calendar_feed() -> bool:
    """Olena turned her calendar feed on ten days ago, and her phone fetched it this morning: the
    page shows a feed that is on (its address she would have to renew to see). Amina's is off,
    to be turned on."""
    olena = db.session.scalar(select(User).where(User.email == "olena.kovalenko@wir-vielfalt.example"))
    if olena is None or olena.profile is None or calendar_feeds.feed_of(olena.profile) is not None:
        return False
    turned_on = utcnow() - timedelta(days=10)
    calendar_feeds.turn_on(olena, olena.profile, now=turned_on)
    db.session.flush()
    feed = calendar_feeds.feed_of(olena.profile)
    assert feed is not None
    feed.last_used_at = utcnow() - timedelta(hours=2)
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar_feed.turned_on"))
    if entry is not None:
        entry.created_at = turned_on
    return True
