"""An organisation's list of requests puts what is still ahead first (soonest first), then the
past (latest first), a page at a time, with the same statements however many there are."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from volunteers.db_types import utcnow

REFERENCE = re.compile(r"<td data-label=\"[^\"]+\">(R-\d+)</td>")


def test_upcoming_requests_come_first_soonest_first_then_the_past_latest_first(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    now = utcnow()
    offsets = {"R-1": -400, "R-2": -3, "R-3": 30, "R-4": 2, "R-5": -40, "R-6": 9}
    for reference, days in offsets.items():
        factories.support_request(organisation, client_reference=reference, starts_at=now + timedelta(days=days))
    login(client, staff)
    listed = REFERENCE.findall(client.get("/organisation/requests").get_data(as_text=True))
    assert listed == ["R-4", "R-6", "R-3", "R-2", "R-5", "R-1"]


def test_the_list_pages_across_the_cut_between_ahead_and_past(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    now = utcnow()
    for number in range(30):
        days = number + 1 if number < 20 else -(number - 19)
        factories.support_request(organisation, client_reference=f"R-{number}", starts_at=now + timedelta(days=days))
    login(client, staff)
    first = REFERENCE.findall(client.get("/organisation/requests").get_data(as_text=True))
    second = REFERENCE.findall(client.get("/organisation/requests?page=2").get_data(as_text=True))
    assert first == [f"R-{n}" for n in range(20)] + [f"R-{n}" for n in range(20, 25)]
    assert second == [f"R-{n}" for n in range(25, 30)]
    assert client.get("/organisation/requests?page=9").headers["Location"] == "/organisation/requests?page=2"
