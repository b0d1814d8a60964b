"""The offer shortlist is a form: what is ticked is checked against the ranked candidates, and
a refusal shows next to the checkboxes with the ticks kept."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.extensions import db
from volunteers.models import Offer

ERROR = re.compile(r'<p class="error-message" id="profile_ids-error"[^>]*>(.*?)</p>', re.S)


def _request_with_candidate():
    staff, organisation = factories.organisation_user(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    return record, person


def test_a_shortlist_with_nobody_or_someone_not_ranked_shows_the_error_next_to_it(ctx, client, login):
    record, person = _request_with_candidate()
    login(client, factories.coordinator(locale="en"))
    page = f"/coordinator/requests/{record.id}"

    nobody = submit(client, f"{page}/offers", {}, page=page)
    assert nobody.status_code == 400
    assert "Choose at least one volunteer." in ERROR.search(nobody.get_data(as_text=True)).group(1)

    for crafted in ("999999", "abc"):
        refused = submit(client, f"{page}/offers", {"profile_ids": [str(person.profile.id), crafted]}, page=page)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400, crafted
        assert "cannot be asked any more" in ERROR.search(html).group(1)
        assert re.search(
            rf'id="candidate-{person.profile.id}"[^>]*aria-describedby="profile_ids-error"[^>]* checked', html
        )
    assert db.session.scalar(select(func.count(Offer.id))) == 0

    offered = submit(client, f"{page}/offers", {"profile_ids": str(person.profile.id)}, page=page)
    assert offered.status_code == 302
    assert db.session.scalar(select(func.count(Offer.id))) == 1
