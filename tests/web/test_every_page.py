"""Every page a person can reach (the walk of tests/walk.py: each role, in German and English)
and every mail the app sends (in both languages) pass the checks of tests/page_checks.py:
unique ids and references that resolve, one h1 and a title, no internal identifiers, no
ambiguous dates, valid `<time datetime>` values, "(optional)" once, no doubled periods. And
every GET route is walked, or listed in `NOT_PAGES` with the reason it is no page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import walk_data
from tests.page_checks import identifiers, mail_problems, page_problems
from tests.pages import visible_text
from tests.smtp import body_html, body_text
from tests.walk import LOCALES, NOT_PAGES, ROLES, walk
from volunteers.extensions import db
from volunteers.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
#: Pages that describe values to type as they are (the import's columns and codes; a language's code).
TYPED_AS_IS = {"coordinator.import_volunteers": None, "coordinator.new_language": {"apc"}}
MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}
SHORT_MONTHS = {
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
}


def written(day, locale: str, long: bool = False) -> str:
    """A day as pages write it ("8. Dez. 2026", "8 Dec 2026") and mails ("8. Dezember 2026")."""
    month = (MONTHS if long else SHORT_MONTHS)[locale].split()[day.month - 1]
    return f"{day.day}. {month} {day.year}" if locale == "de" else f"{day.day} {month} {day.year}"


@pytest.fixture
def centre_with_a_period(app, monkeypatch):
    """The centre's name ends in an abbreviation too, as a check against "e.V.." after it."""
    monkeypatch.setitem(app.config, "CENTRE_NAME", "WIR-Vielfaltszentrum Landkreis Kassel e.V.")


def _problems(visit, known, seen: Counter) -> list[str]:
    allowed = TYPED_AS_IS.get(visit.endpoint or "", ())
    problems = page_problems(visit.html, visit.locale, known, file_format=allowed is None, seen=seen)
    return [p for p in problems if not (allowed and p.startswith("identifier ") and p[12:-1] in allowed)]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_each_role_passes_every_check(app, ctx, centre_with_a_period, role):
    world = walk_data.build()
    known = identifiers()
    problems, reached, texts, checked = [], Counter(), {}, Counter()
    for visit in walk(app, world, role):
        reached[(visit.locale, visit.status)] += 1
        if visit.endpoint in ("coordinator.request", "coordinator.audit_log", "coordinator.home"):
            texts[(visit.locale, visit.url)] = visible_text(visit.html)
        problems += [f"{visit.locale} {visit.how} ({visit.status}): {p}" for p in _problems(visit, known, checked)]
    assert not problems, "\n".join(problems)
    for locale in LOCALES:
        assert reached[(locale, 200)] >= 20, reached
    if role == "coordinator":
        assert checked["datetime"] >= 40 and checked["fields"] >= 500, checked
        _shows_labels_and_dates(world, texts)


def _shows_labels_and_dates(world, texts) -> None:
    """Not vacuous: what the coordinator's pages show instead of identifiers and ambiguous dates."""
    record = walk_data.request_of("DEMO-SY-041")
    appointment = world.ambiguous_appointment.astimezone(walk_data.BERLIN).date()
    for locale, shown in {
        "de": {
            f"/coordinator/requests/{record.id}": [
                "Anfrage geändert: Treffpunkt",
                f"{written(appointment, 'de')}, 10:00",
            ],
            "/coordinator/audit": ["Konto registriert (Ehrenamtliche Person)"],
            "/coordinator/": ["Datenbank-Statistik"],
        },
        "en": {
            f"/coordinator/requests/{record.id}": [
                "Request changed: Meeting point",
                f"{written(appointment, 'en')}, 10:00",
            ],
            "/coordinator/audit": ["Account registered (Volunteer)"],
            "/coordinator/": ["Database statistics"],
        },
    }.items():
        for url, phrases in shown.items():
            pages = [
                text
                for (language, path), text in texts.items()
                if language == locale and (path == url or path.startswith(f"{url}?"))
            ]
            for phrase in phrases:
                assert any(phrase in text for text in pages), (locale, url, phrase)


def test_every_get_route_is_walked_or_is_no_page(app, ctx):
    world = walk_data.build()
    walked: set[str] = set()
    for role in sorted(ROLES, key=lambda role: role != "coordinator"):  # who reaches most first
        for visit in walk(app, world, role, locales=("de",), skip=walked):
            if visit.status == 200 and visit.endpoint:
                walked.add(visit.endpoint)
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes - walked - set(NOT_PAGES) == set(), (
        "no role reaches these GET routes: give their URL arguments values (tests/walk.py, real_values), "
        "let the world hold what they show (tests/walk_data.py), or list them in NOT_PAGES with the reason"
    )
    assert set(NOT_PAGES) <= routes
    assert all(reason for reason in NOT_PAGES.values())


def test_the_outage_page_passes_every_check(app, ctx, tmp_path):
    """The 503 page, made without the database: an app whose database is not there."""
    from volunteers import create_app

    gone = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/gone/database.sqlite3"})
    known = identifiers()
    for locale in LOCALES:
        response = gone.test_client().get("/confirm/a-link-from-a-mail", headers={"Accept-Language": locale})
        assert response.status_code == 503
        assert page_problems(response.get_data(as_text=True), locale, known) == []


def _templates() -> set[str]:
    names = {path.stem for path in (ROOT / "templates" / "email").glob("*.txt")}
    return {name for name in names if not name.startswith("_") and name != "base"}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_mail_in_each_language_passes_every_check(app, ctx, centre_with_a_period, deliver, smtp_server, locale):
    world = walk_data.build(mail_locale=locale)
    queued = db.session.execute(select(OutboxMessage.event, OutboxMessage.locale)).all()
    assert {event for event, _ in queued} == _templates()
    assert {language for _, language in queued} == {locale}
    while deliver(limit=500).sent:
        pass
    known = identifiers()
    problems, texts = [], []
    for mail in smtp_server.messages:
        text, html = body_text(mail), body_html(mail)
        texts.append(text)
        problems += [f"{mail['Subject']}: {p}" for p in mail_problems(text, html, locale == "de", known)]
    assert not problems, "\n".join(problems)
    assert len(smtp_server.messages) == len(queued)
    appointment = world.ambiguous_appointment.astimezone(walk_data.BERLIN).date()
    assert any(f"{written(appointment, locale, long=True)}, 10:00" in text for text in texts)
