"""Offering a request to one volunteer reads as good German."""

from __future__ import annotations

from tests import factories
from tests.conftest import submit
from tests.pages import visible_text


def test_offered_to_one_volunteer_in_german(ctx, client, login):
    staff, organisation = factories.organisation_user()
    record = factories.support_request(organisation, created_by_id=staff.id)
    person = factories.available_volunteer(place_name="Kassel")
    login(client, factories.coordinator(locale="de"))
    page = f"/coordinator/requests/{record.id}"
    submit(client, f"{page}/offers", {"profile_ids": str(person.profile.id)}, page=page)
    text = visible_text(client.get(page).get_data(as_text=True))
    assert "Angeboten an 1 ehrenamtliche Person; sie wurde per E-Mail angefragt." in text
