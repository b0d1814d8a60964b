"""No internal name reaches a person: field names, role names, job names, enum values, audit
event names and language codes read as translated labels on every page and in every mail.
(Text inside <code>, such as the import file's column names, is meant to be typed as it is.)"""

from __future__ import annotations

import enum
import re

import pytest

from tests import world as worlds
from tests.pages import visible_text, visit_all
from tests.smtp import body_html, body_text
from volunteers import jobs
from volunteers.models import enums
from volunteers.models.organisation import OrganisationStatus
from volunteers.models.outbox import OutboxStatus
from volunteers.models.place import PlaceKind
from volunteers.models.token import InvitationRole
from volunteers.permissions import Role
from volunteers.services.audit import ACTIONS
from volunteers.services.transitions import By

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # gender_preference, partly_filled
EXCEPTION = re.compile(r"\b[A-Z][A-Za-z]*[a-z](?:Error|Exception|Refused|Disconnected|Timeout)\b")
LINKS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _word(word: str) -> re.Pattern:
    """A whole identifier: not part of a longer word or hyphenated compound."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def _identifiers() -> tuple[set[str], set[str]]:
    """(identifiers that are never text, English words the code uses for states, roles and
    columns: on a German page a leak)."""
    from sqlalchemy import select

    from volunteers.extensions import db
    from volunteers.models import Language, QualificationType

    always = set(ACTIONS) | {job.name for job in jobs.JOBS if "-" in job.name}
    always |= set(db.session.scalars(select(QualificationType.code)))
    always |= set(db.session.scalars(select(Language.code)))
    classes = [Role, InvitationRole, OutboxStatus, OrganisationStatus, PlaceKind]
    classes += [c for c in vars(enums).values() if isinstance(c, type) and issubclass(c, enum.Enum)]
    words = {m.value for c in classes if c is not enums.LanguageLevel for m in c}
    words |= {job.name for job in jobs.JOBS}
    words |= {column.name for table in db.metadata.tables.values() for column in table.columns}
    return always, {w for w in words if isinstance(w, str) and len(w) > 2 and w.islower()}


def _readable(html: str) -> str:
    """What a person reads on a page as the app wrote it: not what they typed (<textarea>), not
    what they are meant to type as it is (<code>), not links."""
    html = re.sub(r"<(code|textarea)\b.*?</\1>", "", html, flags=re.S)
    return LINKS.sub("", visible_text(html))


def _leaks(text: str, german: bool, identifiers: tuple[set[str], set[str]]) -> list[str]:
    always, words = identifiers
    text = LINKS.sub("", text)
    found = SNAKE.findall(text) + EXCEPTION.findall(text)
    found += sorted(name for name in always if _word(name).search(text))
    if german:
        found += sorted(word for word in words - set(found) if _word(word).search(text))
    return found


#: The import's description of the file lists the values to type in it ("tir:native", "public_transport").
FILE_FORMAT = "/coordinator/volunteers/import"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_pages_and_mails_show_labels_not_identifiers(ctx, app, login, deliver, smtp_server, locale):
    world = worlds.build(locale)
    identifiers = _identifiers()
    german = locale == "de"
    problems, pages = [], {}
    for role, path, html in visit_all(app, login, world, locale):
        text = _readable(html)
        pages[(role, path)] = text
        if path != FILE_FORMAT:
            problems += [(role, path, leak) for leak in _leaks(text, german, identifiers)]
    deliver()
    for mail in smtp_server.messages:
        for body in (body_text(mail), _readable(body_html(mail))):
            problems += [("mail", mail["Subject"], leak) for leak in _leaks(body, german, identifiers)]
    assert not problems, "\n".join(map(str, problems))

    # And what they show instead.
    history = pages[("coordinator", f"/coordinator/requests/{world.edited_request.id}")]
    changed = "Anfrage geändert: Bereich, Tätigkeit, Geschlecht der ehrenamtlichen Person"
    assert (changed if german else "Request changed: Area, Kind of work, Gender of the volunteer") in history
    log = pages[("coordinator", "/coordinator/audit")]
    assert ("Konto registriert (Ehrenamt)" if german else "Account registered (Volunteer)") in log
    overview = pages[("coordinator", "/coordinator/")]
    assert ("Datenbank-Statistik" if german else "Database statistics") in overview
    outbox = pages[("coordinator", "/coordinator/outbox")]
    assert ("Der Mailserver hat die Adresse abgelehnt." if german else "The mail server refused the address.") in outbox


def test_every_job_and_audit_action_has_a_label(app):
    with app.app_context():
        assert all(str(job.label) for job in jobs.JOBS)
        assert all(str(text) for text in ACTIONS.values())


def test_the_checks_find_what_they_look_for(ctx):
    identifiers = _identifiers()
    assert _leaks("Anfrage geändert (area, kind, gender_preference)", True, identifiers) == [
        "gender_preference",
        "area",
        "kind",
    ]
    assert _leaks("Konto registriert (volunteer)", True, identifiers) == ["volunteer"]
    assert _leaks("Account registered (volunteer)", False, identifiers) == []  # English in English
    assert _leaks("planner-statistics: last run", False, identifiers) == ["planner-statistics"]
    assert _leaks("pes (C1), prs, ckb", False, identifiers) == ["ckb", "pes", "prs"]
    assert _leaks("SMTPRecipientsRefused: x", False, identifiers) == ["SMTPRecipientsRefused"]
    assert _leaks("account.registered", False, identifiers) == ["account.registered"]
    assert _leaks("Gesundheits-Modul, https://x.example/organisation/requests", True, identifiers) == []


def test_every_field_a_request_edit_can_change_has_a_label(ctx):
    from volunteers.clock import today
    from volunteers.db_types import utcnow
    from volunteers.labels import REQUEST_FIELDS
    from volunteers.services import requests as request_service

    world = worlds.build()
    editable = request_service._validate(worlds._request_input(world.open_request), today(), utcnow())
    assert set(editable) <= set(REQUEST_FIELDS)


def test_mails_and_calendar_entries_name_places_as_the_pages_do(ctx, deliver, smtp_server):
    """The place "elsewhere" is stored under its German name; an English mail says "Elsewhere"."""
    from sqlalchemy import select

    from tests import factories
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
