"""When nobody passes every rule, the coordinators' request page names who almost qualifies at
the rule where nobody was left, and what each lacks, with a link to their record; in a fixed
number of queries."""

from __future__ import annotations

import re

from tests import factories
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import AvailabilitySlot, Qualification, VolunteerLanguage
from volunteers.models.enums import DayPart, LanguageLevel, QualificationStatus, VolunteerStatus

ENGLISH = {"Accept-Language": "en"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _near_misses(page: str) -> str:
    assert 'id="near-misses"' in page, "no near misses on the page"
    return page[page.index('id="near-misses"') : page.index("</ol>", page.index('id="near-misses"'))]


def _applicant(code: str = "pus", pending: tuple[str, ...] = ("lay-interpreter-basic",), **names):
    account = factories.active_volunteer(languages={code: LanguageLevel.NATIVE}, trainings=(), **names)
    profile = account.profile
    profile.status = VolunteerStatus.APPLICANT
    for weekday in range(7):
        profile.availability.append(AvailabilitySlot(weekday=weekday, day_part=DayPart.MORNING))
    profile.max_travel_km = 60
    for code_of_training in pending:
        db.session.add(
            Qualification(
                profile=profile,
                type=factories.qualification_type(code_of_training),
                provider="WIR-Vielfaltszentrum",
                completed_on=today(),
                status=QualificationStatus.PENDING,
            )
        )
    db.session.commit()
    return account


def test_the_one_speaker_who_almost_qualifies_is_named_with_what_is_missing(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    farid = _applicant(given_name="Farid", family_name="Sultani")
    record = factories.support_request(
        organisation, language_code="pus", starts_at=factories.next_weekday(1, 9, weeks=2), place_name="Kassel"
    )
    login(client, factories.coordinator(locale="en"))
    page = client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    assert "Nobody passes every rule at the moment." in _text(page)
    listed = _near_misses(page)
    assert f'href="/coordinator/volunteers/{farid.profile.id}"' in listed
    text = _text(listed)
    assert "Farid Sultani" in text
    assert "The status is “Applicant”, not active." in text
    assert "is waiting for verification by the centre." in text


def test_the_closest_come_first_and_those_out_earlier_are_not_named(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    # Recorded first, so the order is not the order of the records: two gaps, no training and
    # no police certificate, against one, a training waiting to be checked.
    _applicant(given_name="Further", family_name="Away", pending=(), certificate=False)
    _applicant(given_name="Almost", family_name="There")
    retired = _applicant(given_name="Long", family_name="Gone")
    retired.profile.status = VolunteerStatus.RETIRED
    other_language = _applicant("prs", given_name="Other", family_name="Language")
    db.session.commit()
    record = factories.support_request(
        organisation, language_code="pus", starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    login(client, factories.coordinator(locale="en"))
    text = _text(_near_misses(client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)))
    assert text.index("Almost There") < text.index("Further Away")
    assert "A verified training is missing" in text and "No police certificate has been shown." in text
    for absent in (retired, other_language):
        assert absent.full_name not in text


def test_at_a_later_rule_the_qualified_who_are_not_available_are_named(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    person = factories.active_volunteer(
        languages={"tir": LanguageLevel.NATIVE}, given_name="Selam", family_name="Tesfay"
    )
    person.profile.availability.append(AvailabilitySlot(weekday=4, day_part=DayPart.EVENING))
    db.session.commit()
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    login(client, factories.coordinator(locale="en"))
    text = _text(_near_misses(client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)))
    assert "Selam Tesfay" in text and "Not available then" in text


def test_nobody_is_named_when_someone_qualifies_or_nobody_speaks_the_variety(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    factories.available_volunteer(place_name="Kassel")
    _applicant()
    login(client, factories.coordinator(locale="en"))
    ranked = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    page = client.get(f"/coordinator/requests/{ranked.id}").get_data(as_text=True)
    assert 'id="candidate-' in page and 'id="near-misses"' not in page
    unspoken = factories.support_request(organisation, language_code="som", client_reference="K-9")
    page = client.get(f"/coordinator/requests/{unspoken.id}").get_data(as_text=True)
    assert "Nobody passes every rule" in _text(page) and 'id="near-misses"' not in page


def test_near_misses_take_the_same_number_of_queries_for_one_or_many(ctx, client, login, count_queries):
    _staff, organisation = factories.organisation_user()
    _applicant(given_name="First", family_name="One")
    record = factories.support_request(
        organisation, language_code="pus", starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    login(client, factories.coordinator(locale="en"))
    url = f"/coordinator/requests/{record.id}"
    with count_queries() as one:
        page = client.get(url).get_data(as_text=True)
    assert _near_misses(page).count("<li><a ") == 1
    for number in range(7):
        _applicant(given_name=f"More{number}", family_name="Speaker", pending=("lay-interpreter-basic",) * (number % 3))
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert _near_misses(page).count("<li><a ") == 8
    assert len(one) == len(many), (len(one), len(many))


def test_the_volunteers_own_language_row_is_what_counts(ctx):
    """A guard for the factories above: the applicant speaks Pashto and nothing else."""
    account = _applicant()
    codes = [row.language_code for row in db.session.query(VolunteerLanguage).filter_by(profile_id=account.profile.id)]
    assert codes == ["pus"]


def test_the_demo_pashto_request_names_the_applicant_whose_trainings_wait(app, ctx, client, login):
    from sqlalchemy import select

    from volunteers.demo import DEMO_PASSWORD, seed_demo
    from volunteers.models import SupportRequest, User

    seed_demo()
    db.session.commit()
    coordinator = db.session.scalar(select(User).where(User.email == "jonas.becker@wir-vielfalt.example"))
    farid = db.session.scalar(select(User).where(User.email == "farid.sultani@wir-vielfalt.example"))
    record = db.session.scalar(select(SupportRequest).where(SupportRequest.client_reference == "DEMO-SY-031"))
    login(client, coordinator, DEMO_PASSWORD)
    listed = _near_misses(client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True))
    assert f'href="/coordinator/volunteers/{farid.profile.id}"' in listed
    text = _text(listed)
    assert "Farid Sultani" in text and "Applicant" in text
    assert text.count("is waiting for verification by the centre.") == 2
