"""Demo data for trying the app: `flask seed-demo`. Safe to run again: it adds what is missing."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Organisation, Place
from ..services.organisations import create_organisation, name_key
from ..services.provisioning import provision_user
from ..services.users import find_by_email
from .assignments import seed_assignments
from .desk import (
    seed_invitations,
    seed_notes,
    seed_organisation_details,
    seed_rejected_organisation,
    seed_work_queue,
)
from .funding import seed_busy_volunteer, seed_client_at_cap, seed_settlement
from .history import backdate_partners, seed_calendar_feed, seed_past_assignments
from .requests import seed_requests
from .volunteers import seed_volunteers
from .week import seed_this_week

DEMO_PASSWORD = "Demo-Passwort-2026"
DOMAIN = "wir-vielfalt.example"

#: (email local part, given name, family name, locale, roles, organisation, place, admin)
PEOPLE = [
    ("koordination", "Miriam", "Schäfer", "de", {"coordinator"}, None, None, False),
    ("jonas.becker", "Jonas", "Becker", "en", {"coordinator"}, None, None, False),
    (
        "samir.nasser",
        "Samir",
        "Nasser",
        "de",
        {"volunteer", "organisation"},
        "Deutsch-Syrischer Verein Baunatal e.V.",
        "Baunatal",
        True,
    ),
    (
        "lina.mahmoud",
        "Lina",
        "Mahmoud",
        "de",
        {"organisation"},
        "Deutsch-Syrischer Verein Baunatal e.V.",
        "Baunatal",
        False,
    ),
    (
        "selam.gebre",
        "Selam",
        "Gebre",
        "en",
        {"organisation"},
        "Eritreische Gemeinde Nordhessen e.V.",
        "Hofgeismar",
        True,
    ),
    (
        "yonas.haile",
        "Yonas",
        "Haile",
        "de",
        {"organisation"},
        "Eritreische Gemeinde Nordhessen e.V.",
        "Hofgeismar",
        False,
    ),
]

#: Organisations that registered themselves and wait for a coordinator's decision.
PENDING = [
    ("mariia.bondar", "Mariia", "Bondar", "de", "Ukrainische Initiative Vellmar", "Vellmar"),
    ("farida.noori", "Farida", "Noori", "de", "Afghanischer Frauenverein Wolfhagen", "Wolfhagen"),
]


def seed_demo() -> list[tuple[str, str, str]]:
    """Creates the demo accounts that are missing; returns (role, email, note) for each."""
    logins = []
    for local, given, family, locale, roles, organisation, place, admin in PEOPLE:
        email = f"{local}@{DOMAIN}"
        provision_user(
            email=email,
            password=DEMO_PASSWORD if find_by_email(email) is None else None,
            roles=roles,
            organisation_name=organisation,
            given_name=given,
            family_name=family,
            locale=locale,
            place_name=place or "Fuldabrück",
            organisation_admin=admin,
        )
        note = organisation or ""
        if organisation and admin:
            note += " (admin)"
        logins.append((" + ".join(sorted(roles)), email, note))

    backdate_partners()

    for local, given, family, locale, organisation_name, place_name in PENDING:
        email = f"{local}@{DOMAIN}"
        user, _ = provision_user(
            email=email,
            password=DEMO_PASSWORD if find_by_email(email) is None else None,
            roles=set(),
            given_name=given,
            family_name=family,
            locale=locale,
        )
        exists = db.session.scalar(select(Organisation).where(Organisation.name_key == name_key(organisation_name)))
        if exists is None:
            place = db.session.scalar(select(Place).where(Place.name == place_name))
            assert place is not None, place_name
            create_organisation(user, organisation_name, place)
        logins.append(("organisation", email, f"{organisation_name} (awaiting approval)"))
    logins += seed_rejected_organisation(DEMO_PASSWORD)
    logins += [login for login in seed_volunteers(DEMO_PASSWORD) if login[1] != f"samir.nasser@{DOMAIN}"]
    db.session.flush()
    seed_requests()
    seed_past_assignments()
    seed_calendar_feed()
    seed_assignments()
    seed_busy_volunteer()
    seed_client_at_cap()
    seed_notes()
    seed_organisation_details()
    seed_work_queue()
    seed_this_week()
    seed_invitations()
    seed_settlement()  # last: it closes the months of everything above
    return logins
