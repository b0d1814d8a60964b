"""The coordinators' week (/coordinator/week): every confirmed assignment and every request
still to fill of a week, Monday to Sunday as Kassel counts days, by day and time; weeks chosen
by link or by a date typed into a GET form; the same statements for a quiet week and a busy one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from tests import factories
from tests.pages import visible_text
from volunteers.clock import BERLIN, today
from volunteers.extensions import db
from volunteers.models.enums import Mode, RequestState
from volunteers.services import offers
from volunteers.services.week import monday_of

ENGLISH = {"Accept-Language": "en"}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def _confirmed(coordinator, record, *people) -> None:
    made = offers.make_offers(coordinator, record, [person.profile.id for person in people])
    db.session.commit()
    for person, offer in zip(people, made, strict=True):
        offers.answer_in_portal(person, offer, accept=True)
        db.session.commit()


def _section(page: str, day: date) -> str:
    """The part of the page about one day: from its heading to the next day's."""
    start = page.index(f'id="day-{day.isoformat()}"')
    end = page.find('<section class="week-day"', start)
    return page[start : end if end != -1 else len(page)]


def test_the_week_lists_assignments_and_requests_to_fill_by_day_and_time(ctx, client, login):
    coordinator = factories.coordinator(locale="en")
    organisation = factories.organisation(name="Eritreische Gemeinde Nordhessen e.V.")
    amina = factories.available_volunteer(given_name="Amina", family_name="Haddad", place_name="Kassel")
    dawit = factories.available_volunteer(given_name="Dawit", family_name="Tesfaye", place_name="Kassel")
    monday = monday_of(today()) + timedelta(weeks=2)

    def request(reference: str, moment: datetime, **values):
        return factories.support_request(organisation, client_reference=reference, starts_at=moment, **values)

    # Just after midnight on Monday in Kassel is still Sunday in UTC: it belongs to this week.
    request("W-MIDNIGHT", _at(monday, 0, 15))
    open_one = request("W-OPEN", _at(monday + timedelta(days=1), 9), urgent=True, urgent_reason="Kurzfristig")
    filled = request("W-FILLED", _at(monday + timedelta(days=2), 14), meeting_point="Klinikum, Haupteingang")
    _confirmed(coordinator, filled, amina)
    partly = request("W-PARTLY", _at(monday + timedelta(days=4), 10), places_needed=2)
    _confirmed(coordinator, partly, dawit)
    by_phone = request("W-PHONE", _at(monday + timedelta(days=4), 8), mode=Mode.PHONE, meeting_point=None)
    by_phone.place = None
    cancelled = request("W-CANCELLED", _at(monday + timedelta(days=3), 11))
    cancelled.state = RequestState.CANCELLED
    nobody = request("W-NOBODY", _at(monday + timedelta(days=3), 12))
    nobody.state = RequestState.UNMATCHED
    db.session.commit()
    request("W-SUNDAY-LATE", _at(monday + timedelta(days=6), 23, 30))
    request("W-NEXT-MONDAY", _at(monday + timedelta(days=7), 0, 30))
    request("W-BEFORE", _at(monday - timedelta(days=1), 23, 30))

    login(client, coordinator)
    response = client.get(f"/coordinator/week?week={(monday + timedelta(days=3)).isoformat()}", headers=ENGLISH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = visible_text(page)
    assert f"week {monday.isocalendar().week}" in text
    assert "2 volunteers confirmed · 5 requests still to fill" in text

    shown = re.findall(r">(W-[A-Z-]+)</a>", page)
    assert shown == ["W-MIDNIGHT", "W-OPEN", "W-FILLED", "W-PHONE", "W-PARTLY", "W-SUNDAY-LATE"]  # by day and time
    for reference, day in (
        ("W-MIDNIGHT", monday),
        ("W-OPEN", monday + timedelta(days=1)),
        ("W-FILLED", monday + timedelta(days=2)),
        ("W-PARTLY", monday + timedelta(days=4)),
        ("W-SUNDAY-LATE", monday + timedelta(days=6)),
    ):
        assert reference in _section(page, day), reference
    assert "Nothing planned." in visible_text(_section(page, monday + timedelta(days=3)))
    assert "Nothing planned." in visible_text(_section(page, monday + timedelta(days=5)))

    wednesday = visible_text(_section(page, monday + timedelta(days=2)))
    assert "14:00" in wednesday and "Amina Haddad" in wednesday and "Tigrinya" in wednesday
    assert "Kassel" in wednesday and "Klinikum, Haupteingang" in wednesday and "Filled" in wednesday
    assert f'href="/coordinator/requests/{filled.id}"' in page
    assert f'href="/coordinator/volunteers/{amina.profile.id}"' in page
    friday = visible_text(_section(page, monday + timedelta(days=4)))
    assert "Dawit Tesfaye" in friday and "1 of 2 places filled" in friday and "Partly filled" in friday
    assert "By phone" in friday
    tuesday = visible_text(_section(page, monday + timedelta(days=1)))
    assert "Nobody yet" in tuesday and "urgent" in tuesday and "Open" in tuesday
    assert f'href="/coordinator/requests/{open_one.id}"' in page

    # One table per day, named by its caption, each in a container that scrolls on a phone.
    tables = re.findall(r'<div class="table-wrap" role="group" tabindex="0" aria-labelledby="([^"]+)">', page)
    assert len(tables) == 5
    for caption in tables:
        assert f'<caption id="{caption}"' in page

    assert f'href="/coordinator/week?week={(monday - timedelta(weeks=1)).isoformat()}"' in page
    assert f'href="/coordinator/week?week={(monday + timedelta(weeks=1)).isoformat()}"' in page
    assert 'href="/coordinator/week"' in page  # this week
    assert re.search(r'<form method="get" action="/coordinator/week"', page)
    assert 'type="date"' in page


def test_this_week_is_the_default_and_the_navigation_and_overview_lead_there(ctx, client, login):
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    page = client.get("/coordinator/week", headers=ENGLISH).get_data(as_text=True)
    monday = monday_of(today())
    assert f'id="day-{monday.isoformat()}"' in page
    assert f'id="day-{(monday + timedelta(days=6)).isoformat()}"' in page
    assert re.search(r'<a href="/coordinator/week"\s+aria-current="page">This week</a>', page)
    assert "Nothing is planned this week" in visible_text(page)
    nav = page[page.index('class="main-nav"') :]
    assert 'href="/coordinator/week"' in nav[: nav.index("</nav>")]
    assert 'href="/coordinator/week"' in client.get("/coordinator/", headers=ENGLISH).get_data(as_text=True)


def test_a_day_typed_shows_its_week_and_what_is_no_day_is_an_error_at_the_field(ctx, client, other_client, login):
    login(client, factories.coordinator(locale="en"))
    wednesday = date(2027, 3, 3)
    page = client.get(f"/coordinator/week?week={wednesday.isoformat()}", headers=ENGLISH).get_data(as_text=True)
    assert 'id="day-2027-03-01"' in page and 'id="day-2027-03-07"' in page and "week 9" in visible_text(page)
    assert 'value="2027-03-03"' in page  # what was typed stays in the field

    wrong = client.get("/coordinator/week?week=2027-02-31", headers=ENGLISH)
    assert wrong.status_code == 400
    page = wrong.get_data(as_text=True)
    assert re.search(r'id="week-error"[^>]*>.*Enter a date, e\.g\. 2026-03-31\.', page)
    assert 'value="2027-02-31"' in page and 'aria-invalid="true"' in page
    assert f'id="day-{monday_of(today()).isoformat()}"' in page  # this week meanwhile

    far = client.get("/coordinator/week?week=0226-05-04", headers=ENGLISH)
    assert far.status_code == 400
    assert "Choose a day between" in visible_text(far.get_data(as_text=True))

    login(other_client, factories.coordinator(locale="de"))
    german = visible_text(other_client.get("/coordinator/week?week=2027-02-31").get_data(as_text=True))
    assert "Bitte geben Sie ein Datum ein, z. B. 2026-03-31." in german


def test_the_week_runs_the_same_statements_for_a_quiet_week_and_a_busy_one(ctx, client, login, count_queries):
    coordinator = factories.coordinator(locale="en")
    _staff, organisation = factories.organisation_user()
    monday = monday_of(today()) + timedelta(weeks=2)
    path = f"/coordinator/week?week={monday.isoformat()}"
    login(client, coordinator)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            person = factories.available_volunteer(place_name="Kassel")
            record = factories.support_request(
                organisation,
                client_reference=f"Q-{number}",
                starts_at=_at(monday + timedelta(days=number % 7), 9 + number % 8),
                places_needed=2,
            )
            _confirmed(coordinator, record, person)

    def statements() -> int:
        client.get(path)
        with count_queries() as run:
            assert client.get(path).status_code == 200
        return len(run)

    add(1, 0)
    few = statements()
    add(12, 1)
    assert statements() == few
    assert visible_text(client.get(path, headers=ENGLISH).get_data(as_text=True)).count("1 of 2 places filled") == 13
