"""A volunteer's calendar feed, through the pages people use: turning it on shows the address
once; a calendar app (a client without a session) reads the confirmed assignments from it, with
the UID and SEQUENCE of the mails' entries and nothing private; renewing and turning off ask
first and stop the old address at once; another volunteer's, a retired volunteer's and an
unknown token are 404; fetching is rate-limited and runs a fixed number of statements."""

from __future__ import annotations

import hashlib
import html
import logging
import re
from datetime import timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.pages import form_values
from volunteers import RedactTokens
from volunteers.clock import BERLIN
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.labels import label
from volunteers.models import AuditEvent, CalendarFeed, Offer
from volunteers.models.enums import Mode, TopicCategory, VolunteerStatus
from volunteers.services import ServiceError, accounts, calendar_feeds, offers, rate_limits, volunteers
from volunteers.services.rate_limits import Action, Limit

REFERENCE = "K-2026-017"
CONTACT = "Frau Becker, 0561 1003-0"
ADDRESS = re.compile(r'<textarea id="feed-address"[^>]*>([^<]+)</textarea>')


def _assignment(person, organisation, coordinator, **values) -> Offer:
    """A request offered to `person` and accepted in the portal."""
    values.setdefault("starts_at", factories.next_weekday(1, 9, weeks=2))
    values.setdefault("client_reference", REFERENCE)
    record = factories.support_request(organisation, contact_on_site=CONTACT, **values)
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    return offer


def _scene(locale: str = "en"):
    _staff, organisation = factories.organisation_user(locale="en")
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale=locale, place_name="Kassel")
    person.profile.max_assignments_per_month = 20
    db.session.commit()
    return organisation, coordinator, person


def _turn_on(client) -> str:
    """Turns the feed on in the portal; the path of the address the page shows."""
    page = client.get("/volunteer/calendar").get_data(as_text=True)
    assert 'action="/volunteer/calendar/on"' in page
    response = submit(client, "/volunteer/calendar/on", page="/volunteer/calendar")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return _address(response.get_data(as_text=True))


def _address(page: str) -> str:
    match = ADDRESS.search(page)
    assert match, page[:3000]
    address = html.unescape(match.group(1)).strip()
    base = current_app.config["BASE_URL"]
    assert address.startswith(f"{base}/calendar/") and address.endswith(".ics"), address
    return address[len(base) :]


def _events(response) -> list:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.get_data()).walk("VEVENT")


def _unfolded(response) -> str:
    return re.sub(r"\r?\n[ \t]", "", response.get_data(as_text=True))


def test_a_volunteer_turns_the_feed_on_and_a_calendar_app_reads_the_assignment(ctx, app, client, login):
    organisation, coordinator, person = _scene()
    offer = _assignment(person, organisation, coordinator, topic=TopicCategory.HEALTH_SPECIALIST)
    record = offer.request
    login(client, person)
    path = _turn_on(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 40

    # Only the token's hash is kept, with when it was made.
    feed = db.session.scalar(select(CalendarFeed))
    assert feed.profile_id == person.profile.id and feed.last_used_at is None
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert db.session.scalar(select(AuditEvent.action)) == "calendar_feed.turned_on"

    calendar_app = app.test_client()  # no session: the address alone
    response = calendar_app.get(path)
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(response.get_data())
    assert "method" not in calendar  # a subscription, not an invitation
    assert str(calendar["x-wr-calname"]) == f"My assignments: {current_app.config['CENTRE_NAME']}"
    [event] = _events(response)
    assert str(event["uid"]) == f"offer-{offer.id}@127.0.0.1"
    assert int(event["sequence"]) == 0 and str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart") == record.starts_at
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("dtstart").astimezone(BERLIN).hour == 9
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=record.duration_minutes)
    assert str(event["summary"]) == "Interpreting or language mediation: Tigrinya"
    assert str(event["location"]) == "Kassel (city), Kreishaus, Eingang A"
    assert str(event["url"]).endswith("/volunteer/assignments")
    assert "organizer" not in event and "attendee" not in event
    text = _unfolded(response)
    for private in [REFERENCE, CONTACT, organisation.name, person.email, person.family_name]:
        assert private not in text, private
    for locale in ("de", "en"):
        with force_locale(locale):
            assert str(label(TopicCategory.HEALTH_SPECIALIST)).lower() not in text.lower()

    # The app asks again with the ETag: nothing changed, so nothing is sent.
    again = calendar_app.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()

    db.session.expire_all()
    assert db.session.scalar(select(CalendarFeed.last_used_at)) is not None
    page = client.get("/volunteer/calendar").get_data(as_text=True)
    assert "Your calendar feed is on." in page and token not in page  # shown only once


def test_the_feed_holds_accepted_assignments_from_a_month_back_to_a_year_ahead(ctx, app, client, login):
    organisation, coordinator, person = _scene(locale="de")
    now = utcnow()
    ahead = _assignment(person, organisation, coordinator)
    by_phone = _assignment(
        person,
        organisation,
        coordinator,
        starts_at=factories.next_weekday(3, 14, weeks=3),
        mode=Mode.PHONE,
        place_name="Kassel",
    )
    by_phone.request.place = None
    by_phone.request.meeting_point = None
    cancelled = _assignment(person, organisation, coordinator, starts_at=factories.next_weekday(2, 9, weeks=4))
    offers.cancel_by_volunteer(person, cancelled, "Ill")
    lately = _assignment(person, organisation, coordinator, starts_at=factories.next_weekday(1, 9, weeks=5))
    too_old = _assignment(person, organisation, coordinator, starts_at=factories.next_weekday(1, 9, weeks=6))
    too_far = _assignment(person, organisation, coordinator, starts_at=factories.next_weekday(1, 9, weeks=7))
    lately.request.starts_at = now - timedelta(days=20)
    too_old.request.starts_at = now - timedelta(days=40)
    too_far.request.starts_at = now + timedelta(days=400)
    someone_else = factories.available_volunteer(locale="en", place_name="Kassel")
    # Another client: a sixth assignment of one client in a year would pass the funded cap.
    theirs = _assignment(
        someone_else, organisation, coordinator, starts_at=factories.next_weekday(4, 9, weeks=2), client_reference="K-9"
    )
    still_asked = factories.support_request(organisation, starts_at=factories.next_weekday(0, 9, weeks=2))
    offers.make_offers(coordinator, still_asked, [person.profile.id])
    db.session.commit()

    login(client, person)
    path = _turn_on(client)
    events = {str(event["uid"]): event for event in _events(app.test_client().get(path))}
    assert set(events) == {f"offer-{o.id}@127.0.0.1" for o in (lately, ahead, by_phone)}
    # In the volunteer's language, with "by phone" where there is no place.
    assert str(events[f"offer-{by_phone.id}@127.0.0.1"]["location"]) == "Per Telefon"
    assert str(events[f"offer-{ahead.id}@127.0.0.1"]["summary"]) == "Dolmetschen oder Sprachmittlung: Tigrinya"
    assert f"offer-{theirs.id}@" not in str(events)


def test_a_changed_appointment_shows_the_new_time_with_a_raised_sequence(ctx, app, client, login, deliver, smtp_server):
    organisation, coordinator, person = _scene()
    offer = _assignment(person, organisation, coordinator)
    login(client, person)
    path = _turn_on(client)
    calendar_app = app.test_client()
    before = calendar_app.get(path)
    [event] = _events(before)
    old_start = event.decoded("dtstart")

    desk = app.test_client()
    login(desk, coordinator)
    edit = f"/coordinator/requests/{offer.request_id}/edit"
    data = form_values(desk.get(edit).get_data(as_text=True), edit, edit)
    data["start"] = ["11:30"]
    assert desk.post(edit, data=data).status_code == 302

    after = calendar_app.get(path, headers={"If-None-Match": before.headers["ETag"]})
    [moved] = _events(after)
    assert moved.decoded("dtstart") == old_start + timedelta(hours=2, minutes=30)
    assert str(moved["uid"]) == str(event["uid"])
    assert int(moved["sequence"]) == int(event["sequence"]) + 1
    # The mail with the change carries the same entry.
    deliver()
    [changed] = [m for m in smtp_server.to(person.email) if "changed" in str(m["Subject"]).lower()]
    part = next(p for p in changed.iter_attachments() if p.get_content_type() == "text/calendar")
    [mailed] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert (str(mailed["uid"]), int(mailed["sequence"])) == (str(moved["uid"]), int(moved["sequence"]))
    assert mailed.decoded("dtstart") == moved.decoded("dtstart")


def test_a_cancelled_assignment_leaves_the_feed(ctx, app, client, login):
    organisation, coordinator, person = _scene()
    offer = _assignment(person, organisation, coordinator)
    login(client, person)
    path = _turn_on(client)
    assert len(_events(app.test_client().get(path))) == 1
    link = f"/volunteer/offers/{offer.id}/cancel"
    assert submit(client, link, {"reason": "Ill"}).status_code == 302
    assert _events(app.test_client().get(path)) == []


def test_a_new_address_asks_first_and_stops_the_old_one_at_once(ctx, app, client, login):
    organisation, coordinator, person = _scene()
    _assignment(person, organisation, coordinator)
    login(client, person)
    old = _turn_on(client)
    calendar_app = app.test_client()
    assert calendar_app.get(old).status_code == 200

    page = client.get("/volunteer/calendar").get_data(as_text=True)
    assert '<a class="button button--danger-outline" href="/volunteer/calendar/renew">' in page
    asked = client.get("/volunteer/calendar/renew")
    assert asked.status_code == 200 and "Give your calendar feed a new address?" in asked.get_data(as_text=True)
    assert calendar_app.get(old).status_code == 200  # asking changes nothing

    renewed = submit(client, "/volunteer/calendar/renew")
    assert renewed.status_code == 200
    assert "The old one no longer works" in renewed.get_data(as_text=True)
    new = _address(renewed.get_data(as_text=True))
    assert new != old
    assert calendar_app.get(old).status_code == 404
    assert len(_events(calendar_app.get(new))) == 1
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["calendar_feed.turned_on", "calendar_feed.renewed"]


def test_turning_off_asks_first_and_the_address_stops(ctx, app, client, login):
    organisation, coordinator, person = _scene()
    _assignment(person, organisation, coordinator)
    login(client, person)
    path = _turn_on(client)
    calendar_app = app.test_client()
    asked = client.get("/volunteer/calendar/off")
    assert asked.status_code == 200 and "Turn off your calendar feed?" in asked.get_data(as_text=True)
    assert calendar_app.get(path).status_code == 200

    done = submit(client, "/volunteer/calendar/off")
    assert done.status_code == 302
    assert calendar_app.get(path).status_code == 404
    assert db.session.scalar(select(CalendarFeed)) is None
    page = client.get("/volunteer/calendar").get_data(as_text=True)
    assert "Your calendar feed is off; its address no longer works." in page
    assert 'action="/volunteer/calendar/on"' in page
    # A second tab sends it again: said so, nothing else happens.
    again = client.get("/volunteer/calendar/off", follow_redirects=True)
    assert "Your calendar feed is off already." in again.get_data(as_text=True)


def test_turning_on_twice_says_how_to_get_an_address(ctx, app, client, login):
    _organisation, _coordinator, person = _scene()
    login(client, person)
    path = _turn_on(client)
    again = submit(client, "/volunteer/calendar/on", page="/volunteer/calendar")
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Your calendar feed is on already." in page and "give the feed a new address" in page
    assert app.test_client().get(path).status_code == 200  # the first address still works
    assert len(db.session.scalars(select(CalendarFeed)).all()) == 1


def test_each_token_shows_only_its_own_volunteer_and_unknown_ones_are_404(ctx, app, client, other_client, login):
    organisation, coordinator, person = _scene()
    mine = _assignment(person, organisation, coordinator)
    other = factories.available_volunteer(locale="en", place_name="Kassel")
    theirs = _assignment(other, organisation, coordinator, starts_at=factories.next_weekday(3, 9, weeks=2))
    login(client, person)
    login(other_client, other)
    my_path, their_path = _turn_on(client), _turn_on(other_client)
    calendar_app = app.test_client()
    assert [str(e["uid"]) for e in _events(calendar_app.get(my_path))] == [f"offer-{mine.id}@127.0.0.1"]
    assert [str(e["uid"]) for e in _events(calendar_app.get(their_path))] == [f"offer-{theirs.id}@127.0.0.1"]

    never = "/calendar/" + "A" * 43 + ".ics"
    unknown = calendar_app.get(never)
    assert unknown.status_code == 404
    # A renewed token is as unknown as one that never was: the same page (the address it was
    # asked for aside), no hint.
    submit(client, "/volunteer/calendar/renew")
    revoked = calendar_app.get(my_path)
    assert revoked.status_code == 404

    # (The language switch's CSRF token carries the second it was made: not part of the answer.)
    def page(response) -> str:
        return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))

    assert page(revoked).replace(my_path, never) == page(unknown)
    assert calendar_app.get("/calendar/" + "x" * 200 + ".ics").status_code == 404
    # The pages act on the signed-in volunteer's own feed only; the service holds to it too.
    for change in (calendar_feeds.renew, calendar_feeds.turn_off, calendar_feeds.turn_on):
        with pytest.raises(ServiceError):
            change(other, person.profile)


def test_a_retired_or_deactivated_volunteers_feed_stops(ctx, app, client, other_client, login):
    organisation, coordinator, person = _scene()
    _assignment(person, organisation, coordinator)
    other = factories.available_volunteer(locale="en", place_name="Kassel")
    login(client, person)
    login(other_client, other)
    retiring, deactivated = _turn_on(client), _turn_on(other_client)
    calendar_app = app.test_client()
    assert calendar_app.get(retiring).status_code == 200 and calendar_app.get(deactivated).status_code == 200

    volunteers.change_status(coordinator, person.profile, VolunteerStatus.RETIRED, "Moved away")
    accounts.set_active(coordinator, other, active=False)
    db.session.commit()
    assert calendar_app.get(retiring).status_code == 404
    assert calendar_app.get(deactivated).status_code == 404
    assert db.session.scalar(select(CalendarFeed)) is None
    # Taken back: the old addresses stay dead.
    volunteers.change_status(coordinator, person.profile, VolunteerStatus.ACTIVE, "Back again")
    accounts.set_active(coordinator, other, active=True)
    db.session.commit()
    assert calendar_app.get(retiring).status_code == 404
    assert calendar_app.get(deactivated).status_code == 404


def test_fetching_is_rate_limited_per_feed_and_per_client(ctx, app, client, login, monkeypatch):
    _organisation, _coordinator, person = _scene()
    login(client, person)
    path = _turn_on(client)
    limit = rate_limits.LIMITS[Action.CALENDAR_FEED]
    monkeypatch.setitem(rate_limits.LIMITS, Action.CALENDAR_FEED, Limit(**{**limit.__dict__, "per_account": 3}))
    calendar_app = app.test_client()
    for _ in range(3):
        assert calendar_app.get(path).status_code == 200
    refused = calendar_app.get(path, headers={"Accept-Language": "en"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)

    # Guessing tokens counts against the client.
    monkeypatch.setitem(rate_limits.LIMITS, Action.CALENDAR_FEED, Limit(**{**limit.__dict__, "per_client": 5}))
    guesser = app.test_client()
    statuses = [
        guesser.get(f"/calendar/{n:043d}.ics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
        for n in range(7)
    ]
    assert statuses == [404] * 5 + [429] * 2


def test_a_fetch_runs_the_same_statements_however_many_assignments(ctx, app, client, login, count_queries):
    organisation, coordinator, person = _scene()
    _assignment(person, organisation, coordinator)
    login(client, person)
    path = _turn_on(client)
    calendar_app = app.test_client()
    with count_queries() as one:
        assert len(_events(calendar_app.get(path))) == 1
    # Each in a place of its own: a place loaded one by one would show.
    for week, place in enumerate(["Baunatal", "Vellmar", "Lohfelden", "Kaufungen", "Fuldabrück"], start=3):
        starts_at = factories.next_weekday(week % 5, 9, weeks=week)
        _assignment(person, organisation, coordinator, starts_at=starts_at, place_name=place)
    with count_queries() as six:
        assert len(_events(calendar_app.get(path))) == 6
    assert len(six) == len(one), (len(one), len(six))


def test_the_token_never_reaches_a_log(ctx, app, client, login):
    _organisation, _coordinator, person = _scene()
    login(client, person)
    path = _turn_on(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    # As gunicorn's access log and werkzeug's request log pass the request line.
    for args in ({"r": f"GET {path} HTTP/1.1", "U": path}, (f"GET {path} HTTP/1.1", "200", "-")):
        record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%s", None, None)
        record.args = args
        RedactTokens().filter(record)
        assert token not in str(record.args) and "/calendar/[redacted].ics" in str(record.args)
    for name in ("werkzeug", "gunicorn.access"):
        assert any(isinstance(f, RedactTokens) for f in logging.getLogger(name).filters), name


def test_the_page_is_the_volunteers_own(ctx, app, client, login):
    staff, _organisation = factories.organisation_user(locale="en")
    login(client, staff)
    assert client.get("/volunteer/calendar").status_code == 403
    visitor = app.test_client()
    assert visitor.get("/volunteer/calendar").status_code == 302
