"""The demo data loads and every request page it leads to renders, for each role."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import submit
from volunteers.db_types import utcnow
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import CalendarFeed, Offer, Organisation, OrganisationStatus, SupportRequest, User
from volunteers.models.enums import OfferState, RequestState
from volunteers.services import calendar_feeds


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_demo_requests_cover_every_state_and_their_pages_render(app, ctx, client, other_client, login):
    seed_demo()
    db.session.commit()
    requests = list(db.session.scalars(select(SupportRequest).order_by(SupportRequest.id)))
    assert {record.state for record in requests} == {
        RequestState.OPEN,
        RequestState.PARTLY_FILLED,
        RequestState.FILLED,
        RequestState.CANCELLED,
        RequestState.UNMATCHED,
    }

    login(client, _user("koordination@wir-vielfalt.example"), DEMO_PASSWORD)
    board = client.get("/coordinator/requests")
    assert board.status_code == 200
    for record in requests:
        page = client.get(f"/coordinator/requests/{record.id}")
        assert page.status_code == 200, record.client_reference
        assert record.client_reference in page.get_data(as_text=True)

    login(other_client, _user("samir.nasser@wir-vielfalt.example"), DEMO_PASSWORD)
    own = [record for record in requests if record.organisation.name.startswith("Deutsch-Syrischer")]
    assert own
    assert other_client.get("/organisation/requests").status_code == 200
    for record in requests:
        expected = 200 if record in own else 404
        assert other_client.get(f"/organisation/requests/{record.id}").status_code == expected

    volunteer = app.test_client()
    login(volunteer, _user("amina.haddad@wir-vielfalt.example"), DEMO_PASSWORD)
    assignments = volunteer.get("/volunteer/assignments")
    assert assignments.status_code == 200
    text = assignments.get_data(as_text=True)
    assert "Grundschule, Sekretariat" in text  # her confirmed assignment, with where to meet
    assert "DEMO-SY-028" not in text  # volunteers never see the reference


def test_every_demo_login_finds_something_on_the_pages_it_reaches(app, ctx, client, login):
    """The lists a new user opens first are not empty, and read like real work, not like test data."""
    from tests.pages import visible_text

    seed_demo()
    db.session.commit()

    def walk(email: str, *paths: str) -> dict[str, str]:
        visitor = app.test_client()
        login(visitor, _user(email), DEMO_PASSWORD)
        pages = {}
        for path in paths:
            response = visitor.get(path)
            assert response.status_code == 200, (email, path)
            pages[path] = visible_text(response.get_data(as_text=True))
        return pages

    amina = _user("amina.haddad@wir-vielfalt.example")
    desk = walk(
        "jonas.becker@wir-vielfalt.example",
        "/coordinator/invitations",
        "/coordinator/organisations?status=rejected",
        f"/coordinator/volunteers/{amina.profile.id}",
        "/coordinator/audit",
    )
    assert "No open invitations." not in desk["/coordinator/invitations"]
    assert "No organisations in this list." not in desk["/coordinator/organisations?status=rejected"]
    record = desk[f"/coordinator/volunteers/{amina.profile.id}"]
    assert "No entries yet." not in record and "Training verified" in record
    assert ": Demo" not in record  # the status history gives real reasons
    assert "Page 1 of" in desk["/coordinator/audit"]  # more than a page of history

    assert "Vergangene Einsätze" in walk(amina.email, "/volunteer/assignments")["/volunteer/assignments"]  # German

    eritrean = db.session.scalar(select(Organisation).where(Organisation.name.startswith("Eritreische Gemeinde")))
    own = f"/organisation/{eritrean.id}"
    admin_page = walk("selam.gebre@wir-vielfalt.example", own)[own]
    assert "2 members" in admin_page and "1 open invitation" in admin_page

    rejected = db.session.scalar(select(Organisation).where(Organisation.status == OrganisationStatus.REJECTED))
    founder = rejected.contact
    page = walk(founder.email, f"/organisation/{rejected.id}")[f"/organisation/{rejected.id}"]
    assert rejected.rejection_reason in page


def test_amina_turns_her_calendar_feed_on_and_sees_her_assignments_in_it(app, ctx, client, login):
    seed_demo()
    db.session.commit()
    amina = _user("amina.haddad@wir-vielfalt.example")
    olena = _user("olena.kovalenko@wir-vielfalt.example")
    assert db.session.scalar(select(CalendarFeed.profile_id)) == olena.profile.id  # hers is on
    login(client, amina, DEMO_PASSWORD)
    assert "Kalender-Abo einschalten" in client.get("/volunteer/calendar").get_data(as_text=True)
    page = submit(client, "/volunteer/calendar/on", page="/volunteer/calendar").get_data(as_text=True)
    address = page.split('<textarea id="feed-address"', 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
    feed = app.test_client().get(address.removeprefix(app.config["BASE_URL"]))
    assert feed.status_code == 200
    uids = {str(event["uid"]) for event in Calendar.from_ical(feed.get_data()).walk("VEVENT")}
    accepted = db.session.scalars(
        select(Offer).where(Offer.profile_id == amina.profile.id, Offer.state == OfferState.ACCEPTED)
    ).all()
    recent = [offer for offer in accepted if offer.request.starts_at > utcnow() - calendar_feeds.SINCE]
    assert uids == {f"offer-{offer.id}@127.0.0.1" for offer in recent}
    ahead = [offer for offer in recent if offer.request.starts_at > utcnow()]
    assert ahead and len(recent) > len(ahead)  # the ones ahead and one done 20 days ago
    assert len(accepted) > len(recent)  # the older ones are not in the feed
    assert "DEMO-SY" not in feed.get_data(as_text=True)


def test_the_demo_week_shows_an_assignment_and_a_cancellation_at_short_notice(app, ctx, client, login):
    from datetime import timedelta

    from tests.pages import visible_text
    from volunteers.clock import today

    seed_demo()
    db.session.commit()
    login(client, _user("koordination@wir-vielfalt.example"), DEMO_PASSWORD)
    tomorrow = today() + timedelta(days=1)
    week = client.get(f"/coordinator/week?week={tomorrow.isoformat()}").get_data(as_text=True)
    day = week[week.index(f'id="day-{tomorrow.isoformat()}"') :]
    day = visible_text(day[: day.find('<section class="week-day"') if '<section class="week-day"' in day else None])
    assert "DEMO-ER-017" in day and "kurzfristig abgesagt" in day
    assert "DEMO-ER-019" in day and "Mehari Tewelde" in day

    short = db.session.scalar(select(SupportRequest).where(SupportRequest.client_reference == "DEMO-ER-017"))
    page = client.get(f"/coordinator/requests/{short.id}").get_data(as_text=True)
    assert "Helen Gebreyesus hat kurzfristig abgesagt" in visible_text(page)
    candidates = page[page.index('id="candidates"') : page.index('id="offers"')]
    assert "Senait Tesfamariam" in candidates
    board = visible_text(client.get("/coordinator/requests").get_data(as_text=True))
    assert "kurzfristig abgesagt" in board
    outbox = visible_text(client.get("/coordinator/outbox").get_data(as_text=True))
    assert "Kurzfristige Absage für den Einsatz am" in outbox
