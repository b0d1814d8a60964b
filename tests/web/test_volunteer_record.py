"""The coordinators' record of a volunteer: sections with an in-page table of contents, the
volunteer's offers and assignments a page at a time."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from volunteers.extensions import db
from volunteers.models import Offer
from volunteers.models.enums import OfferState


def _toc(page: str) -> list[str]:
    nav = re.search(r'<nav class="record-toc"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, "no table of contents"
    return re.findall(r'href="#([^"]+)"', nav.group(1))


def test_the_record_has_sections_listed_in_a_table_of_contents(ctx, client, login):
    person = factories.volunteer(locale="en")
    login(client, factories.coordinator(locale="en"))
    page = client.get(f"/coordinator/volunteers/{person.profile.id}").get_data(as_text=True)
    targets = _toc(page)
    assert targets[:4] == ["person", "readiness", "assignments", "trainings"]
    assert {"status", "history", "exclusions", "certificate", "declarations"} <= set(targets)
    for target in targets:
        assert re.search(rf'<section [^>]*id="{target}"', page), target
    assert 'class="area-wide"' in page


def test_the_record_lists_offers_and_assignments_a_page_at_a_time(ctx, client, login, count_queries):
    _admin, organisation = factories.organisation_user()
    person = factories.volunteer(locale="en")
    coordinator = factories.coordinator(locale="en")
    first = factories.next_weekday(1, 9, weeks=2)

    def offer(number: int) -> None:
        record = factories.support_request(
            organisation, client_reference=f"R-{number}", starts_at=first + timedelta(days=7 * number)
        )
        db.session.add(
            Offer(
                request=record,
                profile_id=person.profile.id,
                state=OfferState.DECLINED if number % 2 else OfferState.ACCEPTED,
                expires_at=record.starts_at,
            )
        )
        db.session.commit()

    login(client, coordinator)
    url = f"/coordinator/volunteers/{person.profile.id}"
    empty = client.get(url).get_data(as_text=True)
    assert "Not asked for any request yet." in empty
    offer(0)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number in range(1, 13):
        offer(number)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(few) == len(many)
    section = page.split('id="assignments"', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr>") == 1 + 10  # the head and ten rows, the latest first
    assert "Accepted" in section and "Declined" in section
    assert f"{url}?assignments_page=2#assignments" in section
    second = client.get(f"{url}?assignments_page=2").get_data(as_text=True)
    assert second.split('id="assignments"', 1)[1].split("</section>", 1)[0].count("<tr>") == 1 + 3


def test_the_history_of_changes_comes_a_page_at_a_time(ctx, client, login, count_queries):
    from volunteers.services import audit

    person = factories.volunteer(locale="en")
    coordinator = factories.coordinator(locale="en", given_name="Carla")
    url = f"/coordinator/volunteers/{person.profile.id}"

    def events(count: int) -> None:
        for _number in range(count):
            audit.record("volunteer.profile_updated", actor=coordinator, subject=person)
        db.session.commit()

    def history(page: str) -> str:
        return page.split('id="history"', 1)[1].split("</section>", 1)[0]

    login(client, coordinator)
    events(1)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    events(44)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(few) == len(many)
    section = history(page)
    assert section.count("<tr>") == 1 + 20  # the head and twenty rows, the newest first
    assert f"{url}?history_page=2#history" in section
    assert "Page 1 of 3" in section
    last = history(client.get(f"{url}?history_page=3").get_data(as_text=True))
    assert last.count("<tr>") == 1 + 5
    assert f"{url}?history_page=2#history" in last and 'rel="next"' not in last
