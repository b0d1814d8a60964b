"""A request whose appointment has begun or passed is history: neither the organisation nor
the centre is offered to cancel it, and a cancellation sent anyway is refused with a message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.conftest import csrf_token
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import SupportRequest
from volunteers.models.enums import RequestState

ENGLISH = {"Accept-Language": "en"}


@pytest.mark.parametrize("who", ["organisation", "coordinator"])
def test_a_past_request_offers_no_cancel_and_refuses_one(ctx, client, login, who):
    staff, organisation = factories.organisation_user(locale="en")
    past = factories.support_request(organisation, created_by_id=staff.id, starts_at=utcnow() - timedelta(hours=2))
    ahead = factories.support_request(organisation, created_by_id=staff.id, client_reference="K-2")
    login(client, staff if who == "organisation" else factories.coordinator(locale="en"))
    base = "/organisation/requests" if who == "organisation" else "/coordinator/requests"

    assert f"{base}/{ahead.id}/cancel" in client.get(f"{base}/{ahead.id}").get_data(as_text=True)
    page = client.get(f"{base}/{past.id}").get_data(as_text=True)
    assert f"{base}/{past.id}/cancel" not in page

    opened = client.get(f"{base}/{past.id}/cancel", headers=ENGLISH)
    assert opened.status_code == 302
    token = csrf_token(client, f"{base}/{past.id}")
    sent = client.post(f"{base}/{past.id}/cancel", data={"csrf_token": token, "reason": "x"}, headers=ENGLISH)
    assert sent.status_code == 302
    shown = client.get(sent.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "can no longer be cancelled" in shown
    db.session.expire_all()
    assert db.session.get(SupportRequest, past.id).state is RequestState.OPEN
