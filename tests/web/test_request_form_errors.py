"""The request form: the place is asked for as what it is (needed on site), and every field's
error shows at once, not one after another."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.conftest import submit
from tests.pages import visible_text
from volunteers.clock import today


def test_the_place_is_not_labelled_optional_and_says_when_it_is_needed(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    login(client, staff)
    page = visible_text(client.get(f"/organisation/{organisation.id}/requests/new").get_data(as_text=True))
    assert "Place (optional)" not in page
    assert "Needed for appointments on site" in page


def test_a_missing_place_and_a_past_date_are_both_reported_at_once(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    login(client, staff)
    url = f"/organisation/{organisation.id}/requests/new"
    past = (today() - timedelta(days=3)).isoformat()
    data = factories.request_form(place_id="0", day=past, alternative_day=past, alternative_start="10:00")
    page = visible_text(submit(client, url, data).get_data(as_text=True))
    assert "Choose the place of the appointment." in page
    assert "The appointment must be in the future." in page
    assert "The alternative date must be in the future." in page
