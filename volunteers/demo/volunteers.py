"""Demo volunteers across the county's places and languages, with verified, pending, soon
expiring and expired qualifications, so that every page has something to show.
Dates are relative to the day the demo is loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..clock import today
from ..extensions import db
from ..models import (
    Absence,
    AvailabilitySlot,
    Declaration,
    DeclarationSignature,
    Place,
    PoliceCertificate,
    ProofFile,
    Qualification,
    QualificationType,
    User,
    VolunteerLanguage,
    VolunteerProfile,
)
from ..models.enums import (
    CertificateKind,
    CertificateResult,
    ContactChannel,
    DayPart,
    Gender,
    LanguageLevel,
    Mobility,
    QualificationStatus,
    VolunteerStatus,
)
from ..services.provisioning import provision_user
from ..services.users import find_by_email
from ..services.validity import add_months, police_certificate_due, valid_until
from ..services.volunteers import ensure_profile
from .history import record_past

#: A tiny but valid PDF, standing in for a scanned certificate.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Training:
    code: str
    #: Months before the day of loading.
    months_ago: int
    status: QualificationStatus = QualificationStatus.VERIFIED
    proof: bool = False
    provider: str = "WIR-Vielfaltszentrum Landkreis Kassel"


@dataclass
class Spec:
    email: str | None
    given_name: str
    family_name: str
    place: str
    languages: dict[str, LanguageLevel]
    german: LanguageLevel
    areas: tuple[str, ...] = ("language",)
    kinds: tuple[str, ...] = ("interpreting",)
    status: VolunteerStatus = VolunteerStatus.ACTIVE
    gender: Gender = Gender.NOT_STATED
    mobility: Mobility = Mobility.PUBLIC_TRANSPORT
    max_travel_km: int = 25
    trainings: list[Training] = field(default_factory=list)
    #: Months before loading that the police certificate was shown (None: not shown).
    certificate_months_ago: int | None = 6
    extended_certificate: bool = False
    signed: bool = True
    phone: str | None = None
    slots: tuple[tuple[int, DayPart], ...] = ((0, DayPart.MORNING), (2, DayPart.AFTERNOON))
    absent_in_days: int | None = None
    locale: str = "de"


L = LanguageLevel
DOMAIN = "wir-vielfalt.example"

SPECS = [
    Spec(
        f"amina.haddad@{DOMAIN}",
        "Amina",
        "Haddad",
        "Baunatal",
        {"apc": L.NATIVE, "ara": L.C2, "eng": L.B2},
        L.C1,
        areas=("language", "health"),
        kinds=("interpreting", "accompanying"),
        gender=Gender.FEMALE,
        mobility=Mobility.CAR,
        max_travel_km=35,
        trainings=[
            Training("lay-interpreter-basic", 20),
            Training("deepening-seminar", 9),
            Training("health-guide-gkv", 34, provider="AOK Hessen"),
        ],
        slots=((0, DayPart.MORNING), (1, DayPart.MORNING), (3, DayPart.AFTERNOON)),
    ),
    Spec(
        f"dawit.tesfaye@{DOMAIN}",
        "Dawit",
        "Tesfaye",
        "Kassel",
        {"tir": L.NATIVE, "amh": L.C1},
        L.B2,
        gender=Gender.MALE,
        trainings=[Training("lay-interpreter-basic", 23)],
        extended_certificate=True,
    ),
    Spec(
        f"olena.kovalenko@{DOMAIN}",
        "Olena",
        "Kovalenko",
        "Vellmar",
        {"ukr": L.NATIVE, "rus": L.C2},
        L.B1,
        kinds=("accompanying", "mentoring"),
        gender=Gender.FEMALE,
        locale="en",
        trainings=[Training("integration-guide-basic", 10)],
    ),
    Spec(
        f"reza.ahmadi@{DOMAIN}",
        "Reza",
        "Ahmadi",
        "Hofgeismar",
        {"prs": L.NATIVE, "pes": L.C1},
        L.B2,
        areas=("health",),
        kinds=("accompanying",),
        gender=Gender.MALE,
        trainings=[Training("health-guide-gkv", 37, provider="AOK Hessen")],
    ),
    Spec(
        f"samir.nasser@{DOMAIN}",
        "Samir",
        "Nasser",
        "Baunatal",
        {"apc": L.NATIVE},
        L.C1,
        status=VolunteerStatus.APPLICANT,
        certificate_months_ago=None,
        signed=False,
        trainings=[Training("lay-interpreter-basic", 1, QualificationStatus.PENDING, proof=True)],
    ),
    Spec(
        f"hevin.ali@{DOMAIN}",
        "Hevin",
        "Ali",
        "Wolfhagen",
        {"kmr": L.NATIVE, "ckb": L.B2, "tur": L.C1},
        L.C1,
        areas=("language", "health"),
        kinds=("interpreting",),
        gender=Gender.FEMALE,
        mobility=Mobility.CAR,
        max_travel_km=40,
        extended_certificate=True,
        trainings=[Training("lay-interpreter-basic", 8), Training("health-module-interpreters", 6)],
    ),
    # The only Pashto speaker: an applicant whose trainings wait to be checked, so the urgent
    # Pashto request (DEMO-SY-031) names him as the one who almost qualifies.
    Spec(
        f"farid.sultani@{DOMAIN}",
        "Farid",
        "Sultani",
        "Kaufungen",
        {"pus": L.NATIVE, "prs": L.C1},
        L.B1,
        areas=("language", "health"),
        status=VolunteerStatus.APPLICANT,
        mobility=Mobility.CAR,
        max_travel_km=60,
        certificate_months_ago=1,
        trainings=[
            Training("lay-interpreter-basic", 0, QualificationStatus.PENDING, proof=True),
            Training("health-module-interpreters", 0, QualificationStatus.PENDING),
        ],
        slots=tuple((day, part) for day in range(7) for part in (DayPart.MORNING, DayPart.AFTERNOON)),
    ),
    Spec(
        f"mariam.osman@{DOMAIN}",
        "Mariam",
        "Osman",
        "Lohfelden",
        {"som": L.NATIVE, "ara": L.B2},
        L.B2,
        areas=("health",),
        kinds=("information_event", "accompanying"),
        gender=Gender.FEMALE,
        trainings=[Training("mimi-health-mediator", 14, provider="Ethno-Medizinisches Zentrum")],
    ),
    Spec(
        f"elif.demir@{DOMAIN}",
        "Elif",
        "Demir",
        "Fuldabrück",
        {"tur": L.NATIVE, "aze": L.C1},
        L.NATIVE,
        kinds=("interpreting", "information_event"),
        status=VolunteerStatus.PAUSED,
        gender=Gender.FEMALE,
        trainings=[Training("lay-interpreter-basic", 12)],
    ),
    Spec(
        f"ioana.popescu@{DOMAIN}",
        "Ioana",
        "Popescu",
        "Kassel",
        {"ron": L.NATIVE},
        L.C1,
        kinds=("mentoring",),
        trainings=[Training("integration-guide-basic", 4)],
        absent_in_days=12,
        locale="en",
    ),
    Spec(
        f"svetla.ivanova@{DOMAIN}",
        "Svetla",
        "Ivanova",
        "Hofgeismar",
        {"bul": L.NATIVE, "rus": L.B2},
        L.B2,
        status=VolunteerStatus.APPLICANT,
        certificate_months_ago=None,
        signed=False,
    ),
    Spec(
        f"asad.khan@{DOMAIN}",
        "Asad",
        "Khan",
        "Vellmar",
        {"urd": L.NATIVE, "pan": L.C1},
        L.B2,
        kinds=("accompanying",),
        status=VolunteerStatus.RETIRED,
        gender=Gender.MALE,
        trainings=[Training("lay-interpreter-basic", 40)],
    ),
    Spec(
        f"jean.mukendi@{DOMAIN}",
        "Jean",
        "Mukendi",
        "Baunatal",
        {"fra": L.NATIVE, "eng": L.C1},
        L.C1,
        gender=Gender.MALE,
        certificate_months_ago=59,
        trainings=[Training("lay-interpreter-basic", 6)],
        # Thursday mornings too: the French request he is asked for (DEMO-ER-022) is one.
        slots=((0, DayPart.MORNING), (2, DayPart.AFTERNOON), (3, DayPart.MORNING)),
    ),
    # Tigrinya speakers around Kassel, so the Kreishaus request (DEMO-ER-014) has a real
    # ranking: each comes from another place, with another level, and one more recently trained.
    Spec(
        f"senait.tesfamariam@{DOMAIN}",
        "Senait",
        "Tesfamariam",
        "Kassel",
        {"tir": L.NATIVE, "ara": L.B1},
        L.B2,
        gender=Gender.FEMALE,
        trainings=[Training("lay-interpreter-basic", 3)],
        # Every morning: she can step in when someone cancels at short notice (DEMO-ER-017).
        slots=(*((day, DayPart.MORNING) for day in range(7)), (2, DayPart.AFTERNOON)),
    ),
    Spec(
        f"tesfay.kidane@{DOMAIN}",
        "Tesfay",
        "Kidane",
        "Baunatal",
        {"tir": L.NATIVE, "amh": L.B2},
        L.B1,
        gender=Gender.MALE,
        mobility=Mobility.CAR,
        max_travel_km=30,
        trainings=[Training("lay-interpreter-basic", 15)],
    ),
    Spec(
        f"helen.gebreyesus@{DOMAIN}",
        "Helen",
        "Gebreyesus",
        "Vellmar",
        {"tir": L.C1, "eng": L.C1},
        L.C1,
        gender=Gender.FEMALE,
        trainings=[Training("lay-interpreter-basic", 8)],
        locale="en",
    ),
    Spec(
        f"mehari.tewelde@{DOMAIN}",
        "Mehari",
        "Tewelde",
        "Lohfelden",
        {"tir": L.C2, "ara": L.B2},
        L.B2,
        gender=Gender.MALE,
        trainings=[Training("lay-interpreter-basic", 20)],
    ),
    # On paper only: no address, no account; the centre keeps the record.
    Spec(
        None,
        "Fatima",
        "Rahimi",
        "Helsa",
        {"prs": L.NATIVE},
        L.A2,
        kinds=("accompanying",),
        status=VolunteerStatus.APPLICANT,
        certificate_months_ago=None,
        signed=False,
        phone="+495617654321",
    ),
]


def _months_ago(day: date, months: int) -> date:
    return add_months(day, -months)


def _fill(
    profile: VolunteerProfile, spec: Spec, day: date, types: dict[str, QualificationType], desk: User | None
) -> None:
    profile.home_place = db.session.scalar(select(Place).where(Place.name == spec.place))
    profile.german_level = spec.german
    profile.mobility = spec.mobility
    profile.max_travel_km = spec.max_travel_km
    profile.gender = spec.gender
    profile.phone = spec.phone or "+49561100200"  # stored as E.164, shown as 0561 100200
    profile.contact_channel = ContactChannel.PHONE
    for area in spec.areas:
        setattr(profile, f"area_{area}", True)
    for kind in spec.kinds:
        setattr(profile, f"kind_{kind}", True)
    for code, level in spec.languages.items():
        profile.languages.append(VolunteerLanguage(language_code=code, level=level))
    for weekday, part in spec.slots:
        profile.availability.append(AvailabilitySlot(weekday=weekday, day_part=part))
    if spec.absent_in_days is not None:
        start = day + timedelta(days=spec.absent_in_days)
        profile.absences.append(Absence(starts_on=start, ends_on=start + timedelta(days=13)))
    for training in spec.trainings:
        kind = types[training.code]
        completed = _months_ago(day, training.months_ago) - timedelta(days=3)
        verified = training.status is QualificationStatus.VERIFIED
        record = Qualification(
            profile=profile,
            type=kind,
            provider=training.provider,
            completed_on=completed,
            teaching_units=kind.teaching_units,
            status=training.status,
            valid_until=valid_until(completed, kind.validity_months) if verified else None,
            has_proof=training.proof,
        )
        if training.proof:
            record.proof = ProofFile(
                filename="zertifikat.pdf",
                content_type="application/pdf",
                size=len(DEMO_PDF),
                sha256="demo",
                data=DEMO_PDF,
            )
        db.session.add(record)
    if spec.signed:
        for declaration in db.session.scalars(select(Declaration)):
            db.session.add(DeclarationSignature(profile=profile, version=declaration.versions[-1]))
    if spec.certificate_months_ago is not None:
        shown = _months_ago(day, spec.certificate_months_ago)
        db.session.add(
            PoliceCertificate(
                profile=profile,
                kind=CertificateKind.EXTENDED if spec.extended_certificate else CertificateKind.SIMPLE,
                issued_on=shown - timedelta(days=20),
                shown_on=shown,
                result=CertificateResult.NO_ENTRIES,
                next_due_on=police_certificate_due(shown),
            )
        )
    record_past(profile, spec.status, desk, day)


def seed_volunteers(password: str) -> list[tuple[str, str, str]]:
    day = today()
    types = {t.code: t for t in db.session.scalars(select(QualificationType))}
    desk = db.session.scalar(select(User).where(User.email == f"koordination@{DOMAIN}"))
    logins = []
    for spec in SPECS:
        if spec.email is None:
            user = db.session.scalar(
                select(User).where(
                    User.email.is_(None), User.family_name == spec.family_name, User.given_name == spec.given_name
                )
            )
            if user is None:
                user = User(
                    email=None,
                    given_name=spec.given_name,
                    family_name=spec.family_name,
                    password_hash=None,
                    locale=spec.locale,
                    session_version=1,
                    active=True,
                    is_coordinator=False,
                    is_volunteer=True,
                )
                db.session.add(user)
                db.session.flush()
        else:
            user, _ = provision_user(
                email=spec.email,
                password=password if find_by_email(spec.email) is None else None,
                roles={"volunteer"},
                given_name=spec.given_name,
                family_name=spec.family_name,
                locale=spec.locale,
            )
        profile = ensure_profile(user)
        if not profile.languages:  # a profile not filled in yet: load the demo details once
            _fill(profile, spec, day, types, desk)
        if spec.email:
            logins.append(("volunteer", spec.email, f"{spec.place}; {spec.status.value}"))
    db.session.flush()
    return logins
