"""Demo data for the coordinators' desk: internal notes on a volunteer, an organisation and a
request; organisations' details, changed by their administrators so that the history shows
something. Loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import (
    AuditEvent,
    Invitation,
    InvitationRole,
    Organisation,
    OrganisationNote,
    OrganisationStatus,
    OutboxMessage,
    OutboxStatus,
    Place,
    RequestNote,
    SupportRequest,
    User,
    VolunteerNote,
)
from ..models.enums import OfferState
from ..notifications.events import notify_expiry_reminder
from ..services import invitations, organisation_details, organisations
from ..services.provisioning import provision_user
from ..services.users import find_by_email
from .requests import _offer

DOMAIN = "wir-vielfalt.example"


def _user(local: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{local}@{DOMAIN}"))


def seed_notes() -> int:
    miriam, jonas, amina = _user("koordination"), _user("jonas.becker"), _user("amina.haddad")
    syrian = db.session.scalar(
        select(Organisation).where(Organisation.name == "Deutsch-Syrischer Verein Baunatal e.V.")
    )
    urgent = db.session.scalar(select(SupportRequest).where(SupportRequest.client_reference == "DEMO-SY-031"))
    if not (miriam and jonas and amina and amina.profile and syrian and urgent):
        return 0
    if db.session.scalar(select(VolunteerNote.id).where(VolunteerNote.profile_id == amina.profile.id).limit(1)):
        return 0
    now = utcnow()
    db.session.add_all(
        [
            VolunteerNote(
                profile_id=amina.profile.id,
                author=miriam,
                body="Bevorzugt Termine am Vormittag; telefonisch ab 16 Uhr gut erreichbar.",
                created_at=now - timedelta(days=12),
            ),
            VolunteerNote(
                profile_id=amina.profile.id,
                author=jonas,
                body="Möchte im nächsten Jahr eine Familie in Baunatal begleiten; im Januar noch einmal fragen.",
                created_at=now - timedelta(days=3),
            ),
            OrganisationNote(
                organisation_id=syrian.id,
                author=miriam,
                body="Termine stimmt am besten Herr Nasser ab; der Verein zieht im Januar in neue Räume.",
                created_at=now - timedelta(days=20),
            ),
            RequestNote(
                request_id=urgent.id,
                author=jonas,
                body="Praxis gefragt, ob Dolmetschen am Telefon reicht; Rückruf bis 12 Uhr zugesagt.",
                created_at=now - timedelta(hours=2),
            ),
        ]
    )
    db.session.flush()
    return 4


def seed_organisation_details() -> int:
    """The two approved organisations' details, entered by their administrators."""
    done = 0
    for admin_local, name, details in [
        (
            "samir.nasser",
            "Deutsch-Syrischer Verein Baunatal e.V.",
            {
                "street": "Kirchbaunaer Straße 9",
                "postal_code": "34225",
                "place": "Baunatal",
                "phone": "0561 4991230",
                "email": "kontakt@dsv-baunatal.example",
                "website": "https://dsv-baunatal.example",
                "description": "Beratung und Begleitung für Familien aus Syrien, auf Arabisch und Kurmandschi.",
            },
        ),
        (
            "selam.gebre",
            "Eritreische Gemeinde Nordhessen e.V.",
            {
                "street": "Marktstraße 4",
                "postal_code": "34369",
                "place": "Hofgeismar",
                "phone": "05671 880120",
                "email": None,
                "website": None,
                "description": "Gemeinde von Familien aus Eritrea; auf Tigrinya und Amharisch.",
            },
        ),
    ]:
        admin = _user(admin_local)
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if admin is None or organisation is None or organisation.street:
            continue
        place = db.session.scalar(select(Place).where(Place.name == details.pop("place")))
        organisation_details.update(
            admin,
            organisation,
            organisation_details.Details(place_id=place.id, contact_user_id=organisation.contact_user_id, **details),
            expected_version=None,
        )
        done += 1
    db.session.flush()
    return done


def seed_work_queue() -> int:
    """What the overview's work queue would otherwise lack in the demo: an offer about to run
    out without an answer, and a reminder the mail server refused."""
    done = 0
    miriam, dawit, reza = _user("koordination"), _user("dawit.tesfaye"), _user("reza.ahmadi")
    tigrinya = db.session.scalar(select(SupportRequest).where(SupportRequest.client_reference == "DEMO-ER-014"))
    if miriam and dawit and dawit.profile and tigrinya and not tigrinya.offers:
        offer = _offer(tigrinya, dawit.profile, miriam, OfferState.OFFERED)
        offer.offered_at = utcnow() - timedelta(hours=40)
        offer.expires_at = utcnow() + timedelta(hours=8)
        done += 1
    key = "demo:refused-reminder"
    if reza and reza.profile and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is None:
        notify_expiry_reminder(
            reza.profile,
            key=key,
            what="police_certificate",
            names={"de": "Führungszeugnis", "en": "Police certificate"},
            until=utcnow().date() + timedelta(days=50),
            days=50,
        )
        db.session.flush()
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        message.status = OutboxStatus.FAILED
        message.attempts = 10
        message.failed_at = utcnow() - timedelta(hours=3)
        message.last_error = "550 5.1.1 Recipient address rejected: mailbox unavailable"
        done += 1
    db.session.flush()
    return done


#: Invitations sent and not yet answered: (inviter, invitee's given and family name, email
#: local part, organisation or None for the centre).
OPEN_INVITATIONS = [
    ("koordination", "Petra", "Wagner", "petra.wagner", None),
    ("samir.nasser", "Nour", "Khalil", "nour.khalil", "Deutsch-Syrischer Verein Baunatal e.V."),
    ("selam.gebre", "Meron", "Tekle", "meron.tekle", "Eritreische Gemeinde Nordhessen e.V."),
]


def seed_invitations() -> int:
    """One open invitation to coordinate, and one for each approved organisation."""
    done = 0
    for inviter_local, given, family, local, organisation_name in OPEN_INVITATIONS:
        inviter, email = _user(inviter_local), f"{local}@{DOMAIN}"
        organisation = (
            db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
            if organisation_name
            else None
        )
        if inviter is None or (organisation_name and organisation is None):
            continue
        if db.session.scalar(select(Invitation.id).where(Invitation.email == email)) is not None:
            continue
        invitations.invite(
            inviter,
            role=InvitationRole.ORGANISATION if organisation else InvitationRole.COORDINATOR,
            organisation=organisation,
            email=email,
            given_name=given,
            family_name=family,
            locale="de",
        )
        done += 1
    db.session.flush()
    return done


REJECTED = ("kemal.yildiz", "Kemal", "Yıldız", "Freizeitclub Anatolien Hofgeismar", "Hofgeismar")
REJECTION_REASON = (
    "Der Club bietet vor allem Freizeitangebote an; Unterstützungsanfragen für Zugewanderte sind nicht "
    "vorgesehen. Melden Sie sich gern, wenn Sie Beratung oder Begleitung anbieten möchten."
)


def seed_rejected_organisation(password: str) -> list[tuple[str, str, str]]:
    """An organisation the centre did not approve, with the reason its founder reads."""
    local, given, family, name, place_name = REJECTED
    email = f"{local}@{DOMAIN}"
    founder, _ = provision_user(
        email=email,
        password=password if find_by_email(email) is None else None,
        roles=set(),
        given_name=given,
        family_name=family,
    )
    organisation = db.session.scalar(select(Organisation).where(Organisation.name_key == organisations.name_key(name)))
    if organisation is None:
        registered = utcnow() - timedelta(days=9)
        place = db.session.scalar(select(Place).where(Place.name == place_name))
        organisation = organisations.create_organisation(founder, name, place, now=registered)
        db.session.flush()
        founder.created_at = organisation.memberships[0].created_at = registered
        _dated(organisation, "organisation.registered", registered)
    desk = _user("koordination")
    if organisation.status is OrganisationStatus.PENDING and desk is not None:
        decided = utcnow() - timedelta(days=6)
        organisations.reject(desk, organisation, REJECTION_REASON, now=decided)
        db.session.flush()
        _dated(organisation, "organisation.rejected", decided)
    db.session.flush()
    return [("organisation", email, f"{name} (rejected)")]


def _dated(organisation: Organisation, action: str, when) -> None:
    """The audit entry the service just wrote, at the time the demo says it happened."""
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.organisation_id == organisation.id, AuditEvent.action == action)
    ):
        event.created_at = when
