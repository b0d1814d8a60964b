"""The database side of matching narrows in steps (the SQL prefilter, then the qualification
service, then availability) for speed. These tests show that the narrowing loses nobody: the
ranking equals the one made from every speaker loaded whole, one by one."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from tests import factories
from volunteers.extensions import db
from volunteers.models import AvailabilitySlot, Exclusion, Qualification
from volunteers.models.enums import (
    Area,
    DayPart,
    LanguageLevel,
    QualificationStatus,
    VolunteerStatus,
    WorkKind,
)
from volunteers.services import candidates, eligibility, offers
from volunteers.services.candidates import load_candidates, rank, request_facts
from volunteers.services.matching import match


def _everyone_loaded_whole(record):
    """The reference: every speaker of the language loaded without any narrowing."""
    facts = request_facts(record)
    speakers = [
        account.profile.id
        for account in factories_volunteers()
        if any(entry.language_code == record.language_code for entry in account.profile.languages)
    ]
    whole = [load_candidates(record, facts, only=profile_id)[0][0] for profile_id in speakers]
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    return match(facts, whole, buffer)


def factories_volunteers():
    from sqlalchemy import select

    from volunteers.models import User

    return db.session.scalars(select(User).where(User.profile.has())).all()


def _only_on(account, weekday: int) -> None:
    account.profile.availability.clear()
    db.session.flush()
    for part in DayPart:
        account.profile.availability.append(AvailabilitySlot(weekday=weekday, day_part=part))


def _population(organisation) -> None:
    """One volunteer for each way of falling out, and two who fit."""
    factories.available_volunteer(email="fits@example.org", place_name="Kassel")
    factories.available_volunteer(email="fits-too@example.org", place_name="Baunatal")
    factories.available_volunteer(email="b1@example.org", languages={"tir": LanguageLevel.B1})
    closed = factories.available_volunteer(email="closed@example.org")
    closed.active = False
    paused = factories.available_volunteer(email="paused@example.org")
    paused.profile.status = VolunteerStatus.PAUSED
    factories.available_volunteer(email="untrained@example.org", trainings=())
    pending = factories.available_volunteer(email="pending@example.org")
    for qualification in db.session.query(Qualification).filter_by(profile_id=pending.profile.id):
        qualification.status = QualificationStatus.PENDING
    factories.available_volunteer(email="no-certificate@example.org", certificate=False)
    factories.available_volunteer(email="unsigned@example.org", signed=False)
    factories.available_volunteer(email="health-only@example.org", areas=(Area.HEALTH,))
    factories.available_volunteer(email="arabic@example.org", languages={"ara": LanguageLevel.NATIVE})
    far = factories.available_volunteer(email="far@example.org", place_name="Hofgeismar")
    far.profile.max_travel_km = 5
    excluded = factories.available_volunteer(email="excluded@example.org")
    db.session.add(Exclusion(profile_id=excluded.profile.id, organisation_id=organisation.id, reason="x"))
    _only_on(factories.available_volunteer(email="thursdays@example.org"), 3)
    db.session.commit()
    busy = factories.available_volunteer(email="busy@example.org")
    earlier = factories.support_request(organisation, client_reference="K-2026-001", duration_minutes=60)
    [offer] = offers.make_offers(factories.coordinator(), earlier, [busy.profile.id])
    offers.answer_in_portal(busy, offer, accept=True)
    db.session.commit()


def test_the_narrowing_loses_nobody(ctx):
    staff, organisation = factories.organisation_user()
    _population(organisation)
    record = factories.support_request(organisation, created_by_id=staff.id)
    facts = request_facts(record)
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])

    quick = rank(record).result  # cheap rules first, the qualification service last
    loaded, counts = load_candidates(record, facts)  # every rule in order, counted
    counted = match(facts, loaded, buffer, counts)
    reference = _everyone_loaded_whole(record)

    ids = [r.candidate.profile_id for r in reference.ranked]
    assert len(ids) == 2
    assert [r.candidate.profile_id for r in quick.ranked] == ids
    assert [r.candidate.profile_id for r in counted.ranked] == ids
    assert [r.score for r in quick.ranked] == [r.score for r in reference.ranked]
    assert quick.funnel == ()  # someone passes: the page shows no funnel, so none is counted
    assert counted.funnel == reference.funnel
    assert dict(counted.funnel) == {
        "language": 14,  # all but the one who speaks Arabic only
        "active": 12,  # not the closed account, not the paused volunteer
        "qualified": 6,  # not B1, untrained, pending, without certificate, unsigned, health only
        "available": 5,  # not the one free on Thursdays only
        "free": 4,  # not the one booked at the same time
        "monthly_maximum": 4,
        "gender": 4,
        "not_excluded": 3,
        "distance": 2,  # not the one who travels 5 km from Hofgeismar
    }


def test_someone_free_only_in_the_alternative_slot_is_counted(ctx):
    staff, organisation = factories.organisation_user()
    _only_on(factories.available_volunteer(email="thursdays@example.org"), 3)
    excluded = factories.available_volunteer(email="excluded@example.org")
    _only_on(excluded, 3)
    db.session.add(Exclusion(profile_id=excluded.profile.id, organisation_id=organisation.id, reason="x"))
    db.session.commit()
    tuesday = factories.next_weekday(1, 9)
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=tuesday, alternative_starts_at=tuesday + timedelta(days=2)
    )

    result = rank(record).result

    assert result.ranked == ()
    assert result.with_alternative == 1  # the one who is not excluded
    assert result == _everyone_loaded_whole(record)


def test_the_prefilter_only_narrows(ctx):
    """Everyone the qualification service allows is among those the SQL prefilter returns."""
    staff, organisation = factories.organisation_user()
    _population(organisation)
    record = factories.support_request(organisation, created_by_id=staff.id)
    everyone = [account.profile.id for account in factories_volunteers()]
    verdicts = eligibility.check_many(
        everyone, Area.LANGUAGE, WorkKind.INTERPRETING, record.starts_at.date(), language_code="tir"
    )
    allowed = {profile_id for profile_id, verdict in verdicts.items() if verdict.allowed}

    loaded, _ = candidates.load_candidates(record, request_facts(record))

    closed = next(account.profile.id for account in factories_volunteers() if not account.active)
    # The qualification service looks at the profile; matching leaves closed accounts out too.
    assert len(allowed) == 7 and closed in allowed
    assert {c.profile_id for c in loaded if any(c.qualified_on.values())} == allowed - {closed}


def _answered(record, account, state) -> None:
    from volunteers.db_types import utcnow
    from volunteers.models import Offer

    db.session.add(
        Offer(request_id=record.id, profile_id=account.profile.id, state=state, expires_at=utcnow() + timedelta(days=1))
    )
    db.session.commit()


def test_fairness_continuity_and_reliability_come_from_the_volunteers_history(ctx):
    from volunteers.models.enums import OfferState

    staff, organisation = factories.organisation_user()
    _, other_organisation = factories.organisation_user(email="other@example.org")
    helper = factories.available_volunteer(email="helper@example.org", place_name="Kassel")
    newcomer = factories.available_volunteer(email="newcomer@example.org", place_name="Kassel")
    record = factories.support_request(organisation, created_by_id=staff.id, client_reference="K-2026-017")
    before = record.starts_at - timedelta(days=20)
    long_before = record.starts_at - timedelta(days=120)

    def earlier(organisation, client, starts_at):
        return factories.support_request(organisation, client_reference=client, starts_at=starts_at)

    # Accepted: the same client (spelt otherwise) 20 days before; another client 120 days before;
    # the same reference at another organisation. Declined once, expired once.
    _answered(earlier(organisation, "k-2026-017", before), helper, OfferState.ACCEPTED)
    _answered(earlier(organisation, "K-2025-900", long_before), helper, OfferState.ACCEPTED)
    _answered(earlier(other_organisation, "K-2026-017", before), helper, OfferState.ACCEPTED)
    _answered(earlier(organisation, "K-2026-002", before), helper, OfferState.DECLINED)
    _answered(earlier(organisation, "K-2026-003", before), helper, OfferState.EXPIRED)
    _answered(earlier(organisation, "K-2026-004", before), newcomer, OfferState.OFFERED)  # not answered yet

    ranked = {r.candidate.profile_id: r.candidate for r in rank(record).result.ranked}

    facts = ranked[helper.profile.id]
    assert facts.assignments_last_90_days == 2  # the two 20 days before; not the one 120 days before
    assert facts.helped_client_before is True
    assert (facts.offers_accepted, facts.offers_answered) == (3, 5)
    fresh = ranked[newcomer.profile.id]
    assert (fresh.assignments_last_90_days, fresh.helped_client_before) == (0, False)
    assert (fresh.offers_accepted, fresh.offers_answered) == (0, 0)
