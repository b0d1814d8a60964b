"""After cancelling, the message says what happened, as the confirmation page did: nobody is
told when nobody was asked."""

from __future__ import annotations

from tests import factories
from tests.conftest import submit
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.services import offers


def test_cancelling_a_request_nobody_was_asked_for_says_nobody_gets_a_mail(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    record = factories.support_request(organisation, created_by_id=staff.id)
    login(client, staff)
    url = f"/organisation/requests/{record.id}/cancel"
    assert "Nobody gets a mail." in visible_text(client.get(url).get_data(as_text=True))
    submit(client, url, {"reason": ""})
    page = visible_text(client.get(f"/organisation/requests/{record.id}").get_data(as_text=True))
    assert "Nobody had been asked yet, so nobody gets a mail." in page
    assert "have been told" not in page


def test_cancelling_a_request_someone_was_asked_for_says_they_were_told(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    record = factories.support_request(organisation, created_by_id=staff.id)
    person = factories.available_volunteer(place_name="Kassel")
    offers.make_offers(factories.coordinator(), record, [person.profile.id])
    db.session.commit()
    login(client, staff)
    url = f"/organisation/requests/{record.id}/cancel"
    submit(client, url, {"reason": ""})
    page = visible_text(client.get(f"/organisation/requests/{record.id}").get_data(as_text=True))
    assert "volunteers already asked or confirmed have been told" in page
