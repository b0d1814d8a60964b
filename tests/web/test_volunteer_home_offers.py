"""The volunteer's home says when requests wait for an answer, and until when."""

from __future__ import annotations

from tests import factories
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.formatting import format_datetime
from volunteers.services import offers


def _asked(person, count: int):
    coordinator = factories.coordinator()
    staff, organisation = factories.organisation_user()
    made = []
    for week in range(count):
        record = factories.support_request(
            organisation,
            created_by_id=staff.id,
            client_reference=f"K-{week}",
            starts_at=factories.next_weekday(1, 9, weeks=week + 1),
        )
        made += offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    return made


def test_home_names_the_waiting_requests_and_the_earliest_answer_date(app, ctx, client, login, count_queries):
    person = factories.available_volunteer(place_name="Kassel", locale="en")
    made = _asked(person, 2)
    login(client, person)
    with count_queries() as none_per_row:
        client.get("/volunteer/")
    made += _asked(person, 1)
    with count_queries() as queries:
        page = visible_text(client.get("/volunteer/").get_data(as_text=True))
    assert len(queries) == len(none_per_row)
    assert "3 requests are waiting for your answer" in page
    with app.test_request_context(headers={"Accept-Language": "en"}):
        earliest = format_datetime(min(offer.expires_at for offer in made))
    assert f"answer the first by {earliest}" in page
    html = client.get("/volunteer/").get_data(as_text=True)
    assert 'href="/volunteer/assignments"' in html.split('id="waiting-offers"')[1].split("</div>")[0]


def test_home_says_nothing_about_offers_when_none_wait(app, ctx, client, login):
    person = factories.available_volunteer(place_name="Kassel", locale="en")
    login(client, person)
    page = client.get("/volunteer/").get_data(as_text=True)
    assert 'id="waiting-offers"' not in page
