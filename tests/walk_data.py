"""The world the page walk (tests/walk.py) goes through: the demo data, plus what the demo
lacks for some pages: a pending change of address with its stop link and a confirmed one, an
unlock link, a reset link, two-step login on (Selam) and half set up (Farid), an exclusion,
trainings rejected, verified and reopened, a paused volunteer, an import for each coordinator,
an offer for the walk's volunteer to answer, a training of hers to check and an absence, a
request on an ambiguous day (8/12 or 12/8?), appointments that took place (one of hers to
report, others reported, disputed and resolved, with the links of their mails), more than a
page of every paginated list, and every mail the app sends (the outbox), each rendered by the
service that sends it.

Everything goes through the services the pages use, and is committed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pyotp
from sqlalchemy import delete, select, update

from tests import factories
from volunteers import jobs
from volunteers.clock import BERLIN, today
from volunteers.db_types import utcnow
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.demo.requests import AUTOMATIC, SYRIAN, _move, _offer
from volunteers.extensions import db
from volunteers.models import (
    Assignment,
    Membership,
    Organisation,
    OutboxMessage,
    Place,
    Qualification,
    QualificationType,
    SupportRequest,
    User,
    VolunteerProfile,
)
from volunteers.models.enums import (
    Actor,
    AssignmentState,
    Channel,
    LanguageLevel,
    OfferState,
    Outcome,
    Programme,
    RequestState,
    VolunteerStatus,
)
from volunteers.models.token import InvitationRole
from volunteers.notifications import requests as request_mails
from volunteers.notifications.events import notify_expired
from volunteers.services import (
    accounts,
    assignments,
    auth,
    calendar_feeds,
    compensation_rules,
    exclusions,
    invitations,
    languages,
    memberships,
    nobody_found,
    notes,
    offers,
    organisation_details,
    organisations,
    qualifications,
    second_factor,
    volunteer_import,
    volunteers,
)
from volunteers.services import requests as request_service
from volunteers.services.assignments import Report
from volunteers.services.proofs import check_proof
from volunteers.services.transitions import By

DOMAIN = "wir-vielfalt.example"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
#: Enough rows for a second page of a list of 25.
FILLER = 26
LINK = re.compile(r"https?://[^/\s]+(/[^\s\"'<>]*)")


def ambiguous_day(after: date) -> date:
    """The first day after `after` whose day and month are different numbers up to 12, so a
    US-style date would be misread."""
    day = after
    while not (day.day <= 12 and day.month <= 12 and day.day != day.month):
        day += timedelta(days=1)
    return day


@dataclass
class World:
    #: Recovery codes of the account with two-step login on (one logs in once).
    recovery_codes: list[str]
    #: The appointment on an ambiguous day at 10:00 (every page and mail must show it unambiguously).
    ambiguous_appointment: datetime
    #: Ids made only to fill a second page of a list: the walk opens their lists, not each of them.
    filler: dict[str, set] = field(default_factory=dict)
    #: The offer link answered on the walk in each language (used up then, so no page to open).
    answer_links: dict[str, str] = field(default_factory=dict)
    #: Likewise the links a volunteer reports by, and an organisation confirms by.
    report_links: dict[str, str] = field(default_factory=dict)
    confirm_links: dict[str, str] = field(default_factory=dict)
    #: Links that the answers above leave with nothing to ask (a colleague's for the same report).
    answered_links: set[str] = field(default_factory=set)

    @property
    def used_links(self) -> set[str]:
        """The mail links the walk's sent forms use up."""
        sent = {*self.answer_links.values(), *self.report_links.values(), *self.confirm_links.values()}
        return sent | self.answered_links


def person(local: str) -> User:
    found = db.session.scalar(select(User).where(User.email == f"{local}@{DOMAIN}"))
    assert found is not None, local
    return found


def request_of(reference: str) -> SupportRequest:
    found = db.session.scalar(select(SupportRequest).where(SupportRequest.client_reference == reference))
    assert found is not None, reference
    return found


def _organisation(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _place(name: str) -> Place:
    return db.session.scalar(select(Place).where(Place.name == name))


def mail_links(recipient: str | None = None) -> list[str]:
    """The paths of the links in the outbox's mails (to `recipient`), oldest first."""
    query = select(OutboxMessage.body_text).order_by(OutboxMessage.id)
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return [match.group(1) for body in db.session.scalars(query) for match in LINK.finditer(body)]


def _link(recipient: str, prefix: str) -> str:
    found = [path for path in mail_links(recipient) if path.startswith(prefix)]
    assert found, (recipient, prefix)
    return found[-1]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN).astimezone(UTC)


def build(mail_locale: str | None = None) -> World:
    """The demo and what the walk needs besides. With `mail_locale`, every account reads its
    mail in that language (and the demo's own mails are dropped), so that every mail the app
    sends is in the outbox in that language."""
    seed_demo()
    db.session.commit()
    if mail_locale is not None:
        db.session.execute(update(User).values(locale=mail_locale))
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
    locale = mail_locale or "de"
    miriam, jonas = person("koordination"), person("jonas.becker")
    world = World(recovery_codes=[], ambiguous_appointment=_at(ambiguous_day(today() + timedelta(days=14)), 10))

    _volunteer(world, miriam)
    _accounts(world, locale)
    _desk(miriam, jonas)
    _requests(world, miriam, locale)
    _organisations(miriam, locale)
    _fill_second_pages(world, miriam, locale)
    past = _past_appointments(world, miriam, locale)
    jobs.run_due()  # the past appointments become assignments; their volunteers are asked to report
    db.session.commit()
    _reports_and_answers(world, miriam, past)
    _settlement_months(miriam)
    _mails_of_the_day(miriam)
    _future_compensation_rule(miriam)
    return world


def _future_compensation_rule(coordinator: User) -> None:
    """A rule not yet in force, which can still be deleted (its confirmation page)."""
    compensation_rules.add_rule(
        coordinator,
        today(),
        programme=Programme.LOTSE,
        effective_from=today() + timedelta(days=40),
        per_assignment_cents=0,
        per_hour_cents=550,
        per_km_cents=30,
        weekly_minutes=6 * 60,
        yearly_minutes=276 * 60,
    )


def _settlement_months(coordinator: User) -> None:
    """The current month open for settlement (with the past appointments' open items and
    confirmed assignments), and the month before it."""
    from volunteers.services import settlement

    current = today().replace(day=1)
    for month in (current, (current - timedelta(days=1)).replace(day=1)):
        if settlement.month_or_none(month) is None:
            settlement.open_month(coordinator, month, today())
    db.session.commit()


def _volunteer(world: World, coordinator: User) -> None:
    """Amina, the walk's volunteer: an offer to answer (in the portal, or by the link in its
    mail) besides her confirmed assignment, a training waiting to be checked, an absence."""
    amina = person("amina.haddad")
    profile = amina.profile
    offers.make_offers(coordinator, request_of("DEMO-SY-035"), [profile.id])
    qualifications.log_training(
        amina,
        profile,
        qualification_type=db.session.scalar(
            select(QualificationType).where(QualificationType.code == "health-guide-gkv")
        ),
        other_description=None,
        provider="AOK Hessen",
        completed_on=ambiguous_day(today() - timedelta(days=120)),
        teaching_units=36,
        proof=check_proof("zertifikat.pdf", PDF),
        today=today(),
    )
    start = ambiguous_day(today() + timedelta(days=40))
    volunteers.add_absence(amina, profile, start, start + timedelta(days=4), today())
    db.session.commit()


def _accounts(world: World, locale: str) -> None:
    """Links by mail (confirmation, reset, unlock, change of address and its stop link), two-step
    login on for Selam and half set up for Farid, a password changed, a calendar feed on."""
    accounts.register_volunteer(
        email="new.volunteer@example.org",
        given_name="Nadia",
        family_name="Rahimi",
        password=DEMO_PASSWORD,
        locale=locale,
    )
    accounts.register_volunteer(  # an address that has an account: its owner is told
        email=f"reza.ahmadi@{DOMAIN}", given_name="Reza", family_name="Ahmadi", password=DEMO_PASSWORD, locale=locale
    )
    auth.request_password_reset(f"dawit.tesfaye@{DOMAIN}")
    auth.request_unlock(f"hevin.ali@{DOMAIN}")
    # Amina's change waits for the new address; Mariam's is done (the old address may undo it).
    accounts.request_email_change(person("amina.haddad"), "amina.neu@example.org", DEMO_PASSWORD)
    mariam = person("mariam.osman")
    accounts.request_email_change(mariam, "mariam.neu@example.org", DEMO_PASSWORD)
    db.session.commit()
    token = _link("mariam.neu@example.org", "/email/confirm/").rsplit("/", 1)[1]
    accounts.confirm_email_change(token)
    auth.change_password(person("olena.kovalenko"), DEMO_PASSWORD, "Olena-Neues-Passwort-2026")

    selam = person("selam.gebre")
    secret = second_factor.start_setup(selam)
    world.recovery_codes = second_factor.confirm_setup(selam, pyotp.TOTP(secret).now())
    second_factor.start_setup(person("farid.sultani"))  # the QR code waits for a code
    # Samir's calendar feed is on (Amina turns hers on in the walk): its confirmation pages.
    samir = person("samir.nasser")
    calendar_feeds.turn_on(samir, samir.profile)
    db.session.commit()


def _desk(miriam: User, jonas: User) -> None:
    """An exclusion; Hevin's trainings rejected, verified and reopened; Hevin paused; an import
    for each coordinator (one row with errors)."""
    reza, hevin = person("reza.ahmadi"), person("hevin.ali")
    exclusions.add(miriam, reza.profile, _organisation("Eritreische Gemeinde Nordhessen e.V."), None, "Familie bekannt")
    rejected, verified, reopened = (
        qualifications.log_training(
            hevin,
            hevin.profile,
            qualification_type=None,
            other_description=course,
            provider="DRK Kassel",
            completed_on=ambiguous_day(today() - timedelta(days=days)),
            teaching_units=9,
            proof=None,
            today=today(),
        )
        for course, days in (("Erste-Hilfe-Kurs", 60), ("Kommunikation im Gesundheitswesen", 90), ("Resilienz", 30))
    )
    db.session.flush()
    qualifications.reject(miriam, rejected, "Die Bescheinigung ist nicht lesbar.")
    qualifications.verify(miriam, verified)
    qualifications.reject(miriam, reopened, "Bitte das Datum nachtragen.")
    qualifications.reopen(jonas, reopened, "Das Datum steht auf der Rückseite.")
    volunteers.change_status(miriam, hevin.profile, VolunteerStatus.PAUSED, "Elternzeit bis zum Sommer")
    file = (
        "\ufeffVorname;Nachname;E-Mail;Ort;Sprachen;Deutschniveau\r\n"
        "Yusuf;Demir;yusuf.demir@example.org;Baunatal;Türkisch: Muttersprache;C1\r\n"
        "Ana;Popescu;keine-adresse;Atlantis;Rumänisch: C3;B1\r\n"
    ).encode()
    for coordinator in (miriam, jonas):
        volunteer_import.store_upload(coordinator, "pool.csv", file)
    db.session.commit()


def _requests(world: World, miriam: User, locale: str) -> None:
    """A request on an ambiguous day at 10:00 (offered, accepted, changed by the centre); the
    video consultation cancelled by the centre; Olena cancels her mentoring, three are asked in
    her place, and the offer to Taras is withdrawn."""
    samir = person("samir.nasser")
    syrian = _organisation("Deutsch-Syrischer Verein Baunatal e.V.")
    template = request_of("DEMO-SY-019")  # Ukrainian mentoring in Vellmar
    data = factories.request_input(
        template,
        day=world.ambiguous_appointment.astimezone(BERLIN).date(),
        start=time(10),
        meeting_point="Stadtbücherei Vellmar",
        contact_on_site="Frau Becker, 0561 1003-0",
        client_reference="DEMO-SY-041",
    )
    record = request_service.submit(samir, syrian, data, today())
    taras = factories.available_volunteer(  # free every day, unlike the demo's volunteers
        email="taras.melnyk@example.org",
        given_name="Taras",
        family_name="Melnyk",
        languages={"ukr": LanguageLevel.NATIVE},
        kinds=(data.kind,),
        place_name="Vellmar",
        locale=locale,
    )
    [offer] = offers.make_offers(miriam, record, [taras.profile.id])
    offers.accept_offer(offer, By(Actor.VOLUNTEER, taras, Channel.PORTAL))
    db.session.commit()
    changed = factories.request_input(record, meeting_point="Stadtbücherei Vellmar, 1. Stock")
    request_service.edit(miriam, record, changed, record.version, today())
    db.session.commit()
    # The centre cancels the video consultation; Olena cannot come to her mentoring.
    request_service.cancel(miriam, request_of("DEMO-SY-033"), "Die Praxis hat abgesagt.")
    olena = person("olena.kovalenko")
    [accepted] = [o for o in request_of("DEMO-SY-019").offers if o.state is OfferState.ACCEPTED]
    offers.cancel_by_volunteer(olena, accepted, "Krank")
    db.session.commit()
    # Asked in her place: Taras, whose offer is withdrawn, and two who answer by the mail's link.
    helpers = [taras] + [
        factories.available_volunteer(
            email=f"{given.lower()}.{family.lower()}@example.org",
            given_name=given,
            family_name=family,
            languages={"ukr": LanguageLevel.C1},
            kinds=(data.kind,),
            place_name="Vellmar",
            locale=locale,
        )
        for given, family in (("Oksana", "Bondarenko"), ("Iryna", "Shevchenko"))
    ]
    again = offers.make_offers(miriam, request_of("DEMO-SY-019"), [helper.profile.id for helper in helpers])
    offers.withdraw_by_coordinator(miriam, again[0], "Die Familie hat eine Patin gefunden.")
    db.session.commit()
    world.answer_links = {
        locale: _link(helper.email, "/offer/") for locale, helper in (("de", helpers[1]), ("en", helpers[2]))
    }


def _organisations(miriam: User, locale: str) -> None:
    """One organisation registers and is rejected, another is approved; invitations; a member
    removed."""
    accounts.register_organisation(
        organisation_name="Kurdischer Kulturverein Kaufungen",
        place=_place("Kaufungen"),
        email="kultur@example.org",
        given_name="Rojda",
        family_name="Aydin",
        password=DEMO_PASSWORD,
        locale=locale,
    )
    db.session.commit()
    accounts.confirm_email(_link("kultur@example.org", "/confirm/").rsplit("/", 1)[1])  # the centre hears of it
    organisations.reject(miriam, _organisation("Kurdischer Kulturverein Kaufungen"), "Kein Sitz im Landkreis.")
    organisations.approve(miriam, _organisation("Afghanischer Frauenverein Wolfhagen"))
    invitations.invite(
        miriam,
        role=InvitationRole.COORDINATOR,
        email="mira.schaefer@example.org",
        given_name="Mira",
        family_name="Schäfer",
        locale=locale,
    )
    selam = person("selam.gebre")
    invitations.invite(
        selam,
        role=InvitationRole.ORGANISATION,
        organisation=_organisation("Eritreische Gemeinde Nordhessen e.V."),
        email=f"dawit.tesfaye@{DOMAIN}",  # has an account already
        given_name="Dawit",
        family_name="Tesfaye",
        locale=locale,
    )
    leaving = factories.user(email=f"filmon.kidane@{DOMAIN}", given_name="Filmon", family_name="Kidane", locale=locale)
    eritrean = _organisation("Eritreische Gemeinde Nordhessen e.V.")
    db.session.add(Membership(user=leaving, organisation=eritrean))
    db.session.flush()
    memberships.remove(selam, leaving.memberships[0])  # Filmon hears of it
    db.session.commit()


def _fill_second_pages(world: World, miriam: User, locale: str) -> None:
    """More than a page of volunteers, accounts, trainings to check, requests, organisations,
    languages, notes, changes of an organisation's details and offers of one volunteer."""
    eritrean = _organisation("Eritreische Gemeinde Nordhessen e.V.")
    health = db.session.scalar(select(QualificationType).where(QualificationType.code == "health-guide-gkv"))
    profiles, requests, organisation_ids = set(), set(), set()
    for number in range(FILLER):
        account = factories.volunteer(
            email=f"pool{number:02}@example.org", given_name="Pool", family_name=f"Person {number:02}", locale=locale
        )
        profiles.add(account.profile.id)
        qualifications.log_training(
            account,
            account.profile,
            qualification_type=health,
            other_description=None,
            provider="AOK Hessen",
            completed_on=today() - timedelta(days=30),
            teaching_units=36,
            proof=None,
            today=today(),
        )
        requests.add(
            factories.support_request(
                eritrean,
                created_by_id=person("selam.gebre").id,
                client_reference=f"POOL-{number:02}",
                starts_at=_at(today() + timedelta(days=20 + number), 9),
            ).id
        )
        organisation_ids.add(factories.organisation(name=f"Verein {number:02} e.V.", place_name="Calden").id)
    codes = set()
    for number in range(7):
        added = languages.add(
            miriam, languages.LanguageInput({"de": f"Sprache {number}", "en": f"Language {number}"}, None)
        )
        codes.add(added.code)
    amina, dawit = person("amina.haddad"), person("dawit.tesfaye")
    note_ids = set()
    for number in range(11):
        note_ids.add(notes.add(miriam, amina.profile, f"Rückruf Nummer {number + 1} vereinbart.").id)
    syrian = _organisation("Deutsch-Syrischer Verein Baunatal e.V.")
    for number in range(11):
        details = organisation_details.Details(
            street=syrian.street,
            postal_code=syrian.postal_code,
            place_id=syrian.place_id,
            contact_user_id=syrian.contact_user_id,
            phone=syrian.phone,
            email=syrian.email,
            website=syrian.website,
            description=f"Beratung und Begleitung für Familien aus Syrien ({number + 1}).",
        )
        organisation_details.update(person("samir.nasser"), syrian, details, syrian.version)
        db.session.flush()
    offer_ids = set()
    for request_id in sorted(requests)[:11]:
        offer = _offer(db.session.get(SupportRequest, request_id), dawit.profile, miriam, OfferState.DECLINED)
        db.session.flush()
        offer_ids.add(offer.id)
    db.session.commit()
    qualification_ids = set(db.session.scalars(select(Qualification.id).where(Qualification.profile_id.in_(profiles))))
    world.filler = {
        "profile_id": profiles,
        "request_id": requests,
        "organisation_id": organisation_ids,
        "code": codes,
        "note_id": note_ids,
        "offer_id": offer_ids,
        "qualification_id": qualification_ids,
        "user_id": set(db.session.scalars(select(VolunteerProfile.user_id).where(VolunteerProfile.id.in_(profiles)))),
    }


def _mails_of_the_day(miriam: User) -> None:
    """What the scheduled jobs send on other days: the reminder the day before an assignment,
    a request nobody could take; and the alert of a cancellation at short notice."""
    record = request_of("DEMO-SY-041")
    [offer] = [o for o in record.offers if o.state is OfferState.ACCEPTED]
    request_mails.notify_assignment_reminder(offer)
    request_mails.notify_request_unmatched(request_of("DEMO-ER-009"))
    # The demo's cancellation at short notice (its mails dropped with the demo's when the walk
    # reads every mail in one language).
    [cancelled] = [o for o in request_of("DEMO-ER-017").offers if o.state is OfferState.CANCELLED_BY_VOLUNTEER]
    request_mails.notify_volunteer_cancelled(cancelled, short_notice=True)
    # A volunteer's acceptance refused by a funding limit (the coordinators' mail).
    [waiting] = [o for o in request_of("DEMO-ER-014").offers if o.state is OfferState.OFFERED][:1]
    request_mails.notify_acceptance_refused(waiting, cap=False)
    # A request the centre gave up on before its day, with a message to the organisation.
    samir = person("samir.nasser")
    given_up = factories.support_request(
        samir.memberships[0].organisation,
        created_by_id=samir.id,
        client_reference="DEMO-SY-044",
        language_code="ckb",
        starts_at=_at(ambiguous_day(today() + timedelta(days=9)), 11),
    )
    nobody_found.report_nobody_found(
        miriam, given_up, "Bitte fragen Sie beim Sprachmittlerpool der Stadt Kassel (Trans-It) an."
    )
    notify_expired(
        person("reza.ahmadi").profile,
        key="walk:expired",
        what="police_certificate",
        names={"de": "Führungszeugnis", "en": "Police certificate"},
        until=ambiguous_day(today() - timedelta(days=20)),
    )
    db.session.commit()


#: Volunteers of the past appointments of the Syrian association, besides Amina.
PAST_HELPERS = (
    ("Nour", "Khalil"),
    ("Rami", "Hamdan"),
    ("Lamar", "Aziz"),
    ("Yara", "Saleh"),
    ("Omar", "Darwish"),
    ("Hala", "Mansour"),
    ("Karim", "Yousef"),
)


def _past_appointments(world: World, miriam: User, locale: str) -> list[SupportRequest]:
    """Appointments of the Syrian association three days ago (Lina asked for them), one for
    Amina and one for each of PAST_HELPERS, accepted: the tick job makes them assignments. And
    more than a page of reports for the Eritrean community to confirm."""
    syrian, lina = _organisation(SYRIAN), person("lina.mahmoud")
    people = [person("amina.haddad")] + [
        factories.available_volunteer(
            email=f"{given.lower()}.{family.lower()}@example.org",
            given_name=given,
            family_name=family,
            languages={"ara": LanguageLevel.NATIVE},
            place_name="Kaufungen",
            locale=locale,
        )
        for given, family in PAST_HELPERS
    ]
    day = today() - timedelta(days=3)
    records = []
    for number, volunteer in enumerate(people):
        record = factories.support_request(
            syrian,
            created_by_id=lina.id,
            language_code="ara",
            place_name="Baunatal",
            starts_at=_at(day, 8 + number),
            client_reference=f"DEMO-SY-05{number}",
        )
        _offer(record, volunteer.profile, miriam, OfferState.ACCEPTED)
        _move(record, RequestState.FILLED, AUTOMATIC)
        records.append(record)
    eritrean, dawit = _organisation("Eritreische Gemeinde Nordhessen e.V."), person("dawit.tesfaye")
    filler = set()
    for number in range(FILLER):
        record = factories.support_request(
            eritrean,
            created_by_id=person("selam.gebre").id,
            starts_at=_at(today() - timedelta(days=10 + number), 10),
            client_reference=f"PAST-{number:02}",
        )
        offer = _offer(record, dawit.profile, miriam, OfferState.ACCEPTED)
        _move(record, RequestState.FILLED, AUTOMATIC)
        assignment = Assignment(
            offer=offer,
            profile_id=dawit.profile.id,
            request=record,
            appointment_at=record.starts_at,
            state=AssignmentState.REPORTED,
            outcome=Outcome.TOOK_PLACE,
            started_at=record.starts_at,
            duration_minutes=record.duration_minutes,
            travel_km=12,
            # Reported late, in the last day: not yet counted as confirmed, nobody reminded yet.
            reported_at=utcnow() - timedelta(hours=1, minutes=number),
            reported_by_id=dawit.id,
            report_channel=Channel.PORTAL,
        )
        db.session.add(assignment)
        db.session.flush()
        filler.add(assignment.id)
    world.filler["assignment_id"] = filler
    db.session.commit()
    return records


def _reports_and_answers(world: World, miriam: User, records: list[SupportRequest]) -> None:
    """Of the Syrian association's past appointments, Amina's waits for her report, as do the
    next two (their links are answered on the walk); the others are reported: two wait for the
    organisation (the links of the first are answered on the walk), one is disputed, one
    disputed and resolved."""
    found = {
        record.id: db.session.scalar(select(Assignment).where(Assignment.request_id == record.id)) for record in records
    }
    _amina, *waiting, answered_de, answered_en, open_, disputed, resolved = [found[r.id] for r in records]
    world.report_links = {
        locale: _keyed_link(f"assignment-report:{assignment.id}:1", "/assignment/report/")
        for locale, assignment in zip(("de", "en"), waiting, strict=True)
    }
    lina = person("lina.mahmoud")
    for assignment in (answered_de, answered_en, open_, disputed, resolved):
        volunteer = assignment.profile.user
        report = Report(
            outcome=Outcome.TOOK_PLACE,
            started_at=assignment.appointment_at,
            duration_minutes=75,
            travel_km=assignments.straight_km(assignment),
            feedback="Alles gut gelaufen.",
            wants_reflection_talk=assignment is disputed,
        )
        assignments.report(By(Actor.VOLUNTEER, volunteer, Channel.MAIL_LINK), assignment, report)
    for assignment in (disputed, resolved):
        assignments.dispute(By(Actor.ORGANISATION, lina), assignment, "Der Termin dauerte nur 45 Minuten.")
    assignments.resolve(
        miriam, resolved, "Mit beiden gesprochen: 45 Minuten.", Report(**{**_figures(resolved), "duration_minutes": 45})
    )
    db.session.commit()
    world.confirm_links = {
        locale: _keyed_link(f"assignment-confirm:{assignment.id}:{lina.id}:first", "/assignment/answer/")
        for locale, assignment in (("de", answered_de), ("en", answered_en))
    }
    for assignment in (answered_de, answered_en):  # Samir, the contact person, was asked too
        keys = select(OutboxMessage.key).where(OutboxMessage.key.like(f"assignment-confirm:{assignment.id}:%"))
        world.answered_links |= {_keyed_link(key, "/assignment/answer/") for key in db.session.scalars(keys)}


def _figures(assignment: Assignment) -> dict:
    return {
        "outcome": assignment.outcome,
        "started_at": assignment.started_at,
        "duration_minutes": assignment.duration_minutes,
        "travel_km": assignment.travel_km,
        "cancelled_by": assignment.cancelled_by,
    }


def _keyed_link(key: str, prefix: str) -> str:
    """The link starting with `prefix` in the mail queued under `key`."""
    body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.key == key))
    assert body is not None, key
    found = [match.group(1) for match in LINK.finditer(body) if match.group(1).startswith(prefix)]
    assert found, (key, prefix)
    return found[0]
