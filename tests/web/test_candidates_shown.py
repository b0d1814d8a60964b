"""The request page ranks every candidate but lists the best 20, with a link to the next ones;
its statements do not grow with the number of candidates, and anyone ranked may be offered the
request, listed or not yet."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.extensions import db
from volunteers.models import Offer

CHECKBOX = re.compile(r'name="profile_ids" value="(\d+)"')


def _request_with(candidates: int):
    staff, organisation = factories.organisation_user(locale="en")
    people = [factories.available_volunteer(locale="en", place_name="Kassel") for _ in range(candidates)]
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    return record, people


def test_the_best_twenty_are_listed_and_the_next_ones_on_request(ctx, client, login):
    record, people = _request_with(23)
    login(client, factories.coordinator(locale="en"))
    page = f"/coordinator/requests/{record.id}"

    first = client.get(page).get_data(as_text=True)
    listed = CHECKBOX.findall(first)
    assert len(listed) == 20
    assert "The best 20 of 23 candidates are listed." in first
    assert f'href="{page}?shown=40#rank-21"' in first and "Show the next 3" in first

    everyone = client.get(f"{page}?shown=40").get_data(as_text=True)
    assert len(CHECKBOX.findall(everyone)) == 23
    assert "Show the next" not in everyone
    assert CHECKBOX.findall(everyone)[:20] == listed  # the same order: more is appended
    # The link leads to the first row not listed before, so that reading and the keyboard
    # go on from there instead of from the top of the list.
    assert '<tr id="rank-21">' in everyone and everyone.index('id="rank-21"') > everyone.index(listed[-1])

    # Rubbish in the parameter is the first page, not an error.
    assert len(CHECKBOX.findall(client.get(f"{page}?shown=-5").get_data(as_text=True))) == 20

    # Someone ranked below the first twenty may be offered it: the shortlist checks the ranking.
    unlisted = next(str(p.profile.id) for p in people if str(p.profile.id) not in listed)
    offered = submit(client, f"{page}/offers", {"profile_ids": unlisted}, page=page)
    assert offered.status_code == 302
    assert db.session.scalar(select(func.count(Offer.id))) == 1


def test_a_shortlist_that_comes_back_lists_every_ticked_candidate(ctx, client, login):
    record, _people = _request_with(22)
    login(client, factories.coordinator(locale="en"))
    page = f"/coordinator/requests/{record.id}"
    everyone = CHECKBOX.findall(client.get(f"{page}?shown=40").get_data(as_text=True))
    last = everyone[-1]
    refused = submit(client, f"{page}/offers", {"profile_ids": [last, "999999"]}, page=page)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert re.search(rf'id="candidate-{last}"[^>]* checked', html), "the ticked candidate is listed and ticked"


def test_the_page_runs_the_same_statements_for_few_and_many_candidates(ctx, client, login, count_queries):
    record, _ = _request_with(3)
    login(client, factories.coordinator(locale="en"))
    page = f"/coordinator/requests/{record.id}"
    counts = []
    for more in (0, 30):
        for _ in range(more):
            factories.available_volunteer(locale="en", place_name="Kassel")
        client.get(page)  # warm caches (rulebook, places)
        with count_queries() as statements:
            html = client.get(page).get_data(as_text=True)
        counts.append((len(statements), len(CHECKBOX.findall(html))))
    assert counts[0][1] == 3 and counts[1][1] == 20
    assert counts[0][0] == counts[1][0], counts


def test_the_answer_to_offering_opens_at_the_candidates_with_as_many_listed(ctx, client, login):
    """A refusal shows next to the candidates, where the answer opens, not in a flash at the top
    of a page that opens scrolled past it; a list shown longer stays as long."""
    record, _people = _request_with(23)
    login(client, factories.coordinator(locale="en"))
    page = f"/coordinator/requests/{record.id}"
    longer = client.get(f"{page}?shown=40").get_data(as_text=True)
    assert f'action="{page}/offers?shown=40#candidates"' in longer
    assert f'action="{page}/offers#candidates"' in client.get(page).get_data(as_text=True)
    nobody = submit(client, f"{page}/offers?shown=40", {}, page=f"{page}?shown=40")
    assert nobody.status_code == 400
    assert len(CHECKBOX.findall(nobody.get_data(as_text=True))) == 23
