"""Every list comes a page at a time, counted and cut in the database, in a fixed number of
queries: lists that grow with the years never arrive whole or cut off without a word."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Offer
from volunteers.models.enums import OfferState


def _section(page: str, heading: str) -> str:
    """The part of the page from the heading to the next heading of its level (or the end of the main content)."""
    start = page.index(heading)
    rest = page[start + len(heading) :]
    end = re.search(r"<h2[ >]|</main>", rest)
    return rest[: end.start()] if end else rest


def test_a_volunteers_past_assignments_come_a_page_at_a_time(ctx, client, login, count_queries):
    _admin, organisation = factories.organisation_user()
    person = factories.volunteer(locale="en")
    first = utcnow() - timedelta(days=400)

    def past(count: int, start: int) -> None:
        for number in range(start, start + count):
            record = factories.support_request(
                organisation, client_reference=f"P-{number}", starts_at=first + timedelta(days=7 * number)
            )
            db.session.add(
                Offer(request=record, profile_id=person.profile.id, state=OfferState.ACCEPTED, expires_at=first)
            )
        db.session.commit()

    login(client, person)
    past(1, 0)
    with count_queries() as few:
        assert client.get("/volunteer/assignments").status_code == 200
    past(24, 1)
    with count_queries() as many:
        page = client.get("/volunteer/assignments").get_data(as_text=True)
    assert len(few) == len(many)
    section = _section(page, "Past assignments")
    assert section.count("<li>") == 10 + 2  # ten, the latest first, and the pagination's two
    assert "Page 1 of 3" in section
    assert "/volunteer/assignments?past_page=2#past" in section
    last = _section(client.get("/volunteer/assignments?past_page=3").get_data(as_text=True), "Past assignments")
    assert last.count("<li>") == 5 + 2


def test_what_runs_out_comes_a_page_at_a_time(ctx, client, login):
    from volunteers.clock import today
    from volunteers.models import PoliceCertificate
    from volunteers.models.enums import CertificateKind, CertificateResult

    day = today()
    for number in range(30):
        person = factories.volunteer(family_name=f"Ablauf{number:02d}")
        db.session.add(
            PoliceCertificate(
                profile=person.profile,
                kind=CertificateKind.SIMPLE,
                issued_on=day - timedelta(days=1800),
                shown_on=day - timedelta(days=1790),
                result=CertificateResult.NO_ENTRIES,
                next_due_on=day + timedelta(days=10 + number),
            )
        )
    db.session.commit()
    login(client, factories.coordinator(locale="en"))
    page = client.get("/coordinator/expiring?days=60").get_data(as_text=True)
    assert page.count("Ablauf") == 25
    assert "Ablauf00" in page and "Ablauf25" not in page
    assert "30 run out in this time" in page
    assert "/coordinator/expiring?page=2&amp;days=60" in page
    second = client.get("/coordinator/expiring?days=60&page=2").get_data(as_text=True)
    assert second.count("Ablauf") == 5 and "Ablauf29" in second
