"""The coordinators' overview is the day's work queue: what needs a decision now, each a count
with a link to the filtered list, the most pressing first, counted in the database in a fixed
number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests import factories
from volunteers.clock import today
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import (
    Offer,
    OrganisationStatus,
    OutboxMessage,
    OutboxStatus,
    PoliceCertificate,
    Qualification,
    VolunteerLanguage,
)
from volunteers.models.enums import (
    LanguageLevel,
    OfferState,
    QualificationStatus,
    RequestState,
    VolunteerStatus,
)


def _queue(page: str) -> list[tuple[str, str]]:
    """(link, text) of each entry of the work queue that has something waiting, in order."""
    section = re.search(r'<ol class="queue-list">(.*?)</ol>', page, re.S)
    if not section:
        return []
    return [
        (href.replace("&amp;", "&"), re.sub(r"\s+", " ", text).strip())
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', section.group(1), re.S)
    ]


def _references(client, url: str) -> set[str]:
    board = client.get(url).get_data(as_text=True)
    return set(re.findall(r"<td>(Q-[\w-]+)</td>", board))


def _offer(record, profile, expires_in: timedelta, state=OfferState.OFFERED) -> None:
    db.session.add(Offer(request=record, profile_id=profile.id, state=state, expires_at=utcnow() + expires_in))
    db.session.commit()


def _world():
    """One of everything the queue counts, and some that it must not."""
    _staff, organisation = factories.organisation_user()
    speaker = factories.active_volunteer(languages={"tir": LanguageLevel.NATIVE, "apc": LanguageLevel.C1})
    week = factories.next_weekday(1, 9, weeks=2)
    soon = utcnow() + timedelta(days=1)

    def request(reference, state=RequestState.OPEN, **values):
        record = factories.support_request(organisation, client_reference=reference, **values)
        record.state = state
        db.session.commit()
        return record

    urgent = request("Q-URGENT", urgent=True, urgent_reason="Termin kurzfristig", starts_at=week)
    request("Q-SOON", starts_at=soon)
    request("Q-NOBODY", language_code="pus", starts_at=week)  # nobody active speaks Pashto
    request("Q-ARABIC", language_code="ara", starts_at=week)  # a Levantine speaker counts for Arabic
    expiring = request("Q-EXPIRING", starts_at=week)
    _offer(expiring, speaker.profile, timedelta(hours=5))
    waiting = request("Q-WAITING", starts_at=week)
    _offer(waiting, speaker.profile, timedelta(hours=40))
    _offer(urgent, speaker.profile, timedelta(hours=-1), OfferState.EXPIRED)  # answered or over: not waiting
    # Not to do: filled, cancelled, or already begun.
    request("Q-FILLED", state=RequestState.FILLED, starts_at=week)
    request("Q-CANCELLED", state=RequestState.CANCELLED, starts_at=week)
    request("Q-BEGUN", starts_at=utcnow() - timedelta(hours=1))

    applicant = factories.volunteer()
    db.session.add(
        Qualification(
            profile=applicant.profile,
            type=factories.qualification_type("lay-interpreter-basic"),
            provider="WIR-Vielfaltszentrum",
            completed_on=today() - timedelta(days=3),
            status=QualificationStatus.PENDING,
        )
    )
    factories.organisation(status=OrganisationStatus.PENDING)
    factories.queued_mail("failed:1", "gone@example.org")
    db.session.execute(OutboxMessage.__table__.update().values(status=OutboxStatus.FAILED))
    running_out = factories.active_volunteer(trainings=())
    db.session.add(
        Qualification(
            profile=running_out.profile,
            type=factories.qualification_type("health-guide-gkv"),
            provider="AOK Hessen",
            completed_on=today() - timedelta(days=1000),
            valid_until=today() + timedelta(days=10),
            status=QualificationStatus.VERIFIED,
        )
    )
    certificate = db.session.scalar(
        select(PoliceCertificate).where(PoliceCertificate.profile_id == running_out.profile.id)
    )
    certificate.next_due_on = today() + timedelta(days=20)
    # A retired volunteer's training running out is nobody's work.
    retired = factories.active_volunteer(trainings=())
    retired.profile.status = VolunteerStatus.RETIRED
    db.session.add(
        Qualification(
            profile=retired.profile,
            type=factories.qualification_type("health-guide-gkv"),
            provider="AOK Hessen",
            completed_on=today() - timedelta(days=1000),
            valid_until=today() + timedelta(days=12),
            status=QualificationStatus.VERIFIED,
        )
    )
    db.session.commit()


def test_an_empty_day_says_so(ctx, client, login):
    login(client, factories.coordinator(locale="en"))
    page = client.get("/coordinator/").get_data(as_text=True)
    assert "Nothing is waiting for a decision." in page
    assert _queue(page) == []


def test_each_task_is_a_count_with_a_link_to_its_list_the_most_pressing_first(ctx, client, login):
    _world()
    login(client, factories.coordinator(locale="en"))
    queue = _queue(client.get("/coordinator/").get_data(as_text=True))
    assert [text for _, text in queue] == [
        "1 urgent request still to fill",
        "1 request to fill within two days",
        "1 request for which no active volunteer speaks the language",
        "1 offer runs out within 12 hours without an answer",
        "4 requests to fill with nobody asked at the moment",
        "2 offers waiting for an answer",
        "1 message could not be delivered.",
        "1 organisation awaiting approval",
        "1 training to check",
        "2 trainings or police certificates run out within 30 days",
        "1 applicant waiting for a first talk and a decision",
    ]
    links = {text: href for href, text in queue}
    assert _references(client, links["1 urgent request still to fill"]) == {"Q-URGENT"}
    assert _references(client, links["1 request to fill within two days"]) == {"Q-SOON"}
    assert _references(client, links["1 request for which no active volunteer speaks the language"]) == {"Q-NOBODY"}
    assert _references(client, links["1 offer runs out within 12 hours without an answer"]) == {"Q-EXPIRING"}
    assert _references(client, links["4 requests to fill with nobody asked at the moment"]) == {
        "Q-URGENT",
        "Q-SOON",
        "Q-NOBODY",
        "Q-ARABIC",
    }
    assert _references(client, links["2 offers waiting for an answer"]) == {"Q-EXPIRING", "Q-WAITING"}
    filtered = client.get(links["1 urgent request still to fill"]).get_data(as_text=True)
    assert "Showing only urgent requests still to fill." in filtered
    assert links["1 message could not be delivered."] == "/coordinator/outbox?status=failed"
    assert links["1 organisation awaiting approval"] == "/coordinator/organisations?status=pending"
    assert links["1 training to check"] == "/coordinator/trainings"
    assert links["1 applicant waiting for a first talk and a decision"] == "/coordinator/volunteers?status=applicant"
    running_out = client.get(links["2 trainings or police certificates run out within 30 days"]).get_data(as_text=True)
    assert "Running out in the next 30 days" in running_out
    assert running_out.count("<tr>") - 1 >= 2  # the list shows them (and refreshers or declarations, if any)


def test_the_overview_runs_the_same_number_of_queries_for_few_and_many(ctx, client, login, count_queries):
    login(client, factories.coordinator(locale="en"))
    _world()
    with count_queries() as few:
        assert client.get("/coordinator/").status_code == 200
    for _ in range(3):
        _world()
    with count_queries() as many:
        page = client.get("/coordinator/").get_data(as_text=True)
    assert len(few) == len(many)
    assert "4 urgent requests still to fill" in page


def test_a_speaker_of_a_variety_counts_for_the_language_in_general(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    person = factories.active_volunteer(languages={"tir": LanguageLevel.NATIVE})
    factories.support_request(organisation, language_code="ara", client_reference="Q-ARA")
    login(client, factories.coordinator(locale="en"))
    nobody = "1 request for which no active volunteer speaks the language"
    assert nobody in [text for _, text in _queue(client.get("/coordinator/").get_data(as_text=True))]
    person.profile.languages.append(VolunteerLanguage(language_code="acm", level=LanguageLevel.C1))
    db.session.commit()
    assert nobody not in [text for _, text in _queue(client.get("/coordinator/").get_data(as_text=True))]


def test_the_demo_data_shows_something_in_every_task(app, ctx, client, login):
    from volunteers.demo import DEMO_PASSWORD, seed_demo
    from volunteers.models import User

    seed_demo()
    db.session.commit()
    coordinator = db.session.scalar(select(User).where(User.email == "jonas.becker@wir-vielfalt.example"))
    login(client, coordinator, DEMO_PASSWORD)
    page = client.get("/coordinator/").get_data(as_text=True)
    assert len(_queue(page)) == 14, [text for _, text in _queue(page)]
    assert "nothing waiting" not in page
