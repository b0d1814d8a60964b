"""What runs out is narrowed in SQL before anything is loaded (the work queue counts it on every
visit of the coordinators' home). The narrowing must lose nobody: on random trainings,
refreshers and police certificates, `endings()` finds exactly what the full computation over
every volunteer finds, for every window."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import PoliceCertificate, Qualification, QualificationType, VolunteerProfile
from volunteers.models.enums import CertificateKind, CertificateResult, QualificationStatus, VolunteerStatus
from volunteers.services import expiry
from volunteers.services.validity import add_months, police_certificate_due, valid_until

WINDOWS = (0, 1, 14, 30, 60, 90, 365, 800)


def _full(day: date, days: int) -> list[tuple]:
    """The computation before the narrowing: every volunteer, every training, then the window."""
    horizon = day + timedelta(days=days)
    everyone = expiry._profiles()
    found = [e for e in expiry._qualification_endings(everyone) if day <= e.until <= horizon]
    latest: dict[int, PoliceCertificate] = {}
    for certificate in db.session.scalars(
        select(PoliceCertificate).order_by(PoliceCertificate.shown_on, PoliceCertificate.id)
    ):
        latest[certificate.profile_id] = certificate
    certificates = [
        (c.profile_id, "police_certificate", c.id, c.next_due_on - timedelta(days=1))
        for c in latest.values()
        if c.profile_id in everyone and day <= c.next_due_on - timedelta(days=1) <= horizon
    ]
    return sorted([(e.profile.id, e.what, e.record_id, e.until) for e in found] + certificates)


def _narrowed(day: date, days: int) -> list[tuple]:
    return sorted((e.profile.id, e.what, e.record_id, e.until) for e in expiry.endings(day, days))


def _seed(rng: random.Random, volunteers: int) -> None:
    types = list(db.session.scalars(select(QualificationType)))
    with_refreshers = [t for t in types if t.refresher_months is not None]
    assert with_refreshers, "the catalogue needs a type with a refresher rule for this test to mean something"
    refreshers = [r for t in with_refreshers for r in t.refreshers]
    day = today()
    for _ in range(volunteers):
        profile = factories.active_volunteer(trainings=(), certificate=False).profile
        profile.status = rng.choice([VolunteerStatus.ACTIVE] * 4 + [VolunteerStatus.RETIRED, VolunteerStatus.PAUSED])
        for _ in range(rng.randint(0, 5)):
            kind = rng.choice(with_refreshers + refreshers + types)
            completed = day - timedelta(days=rng.randint(-30, 6 * 365))
            until = valid_until(completed, kind.validity_months)
            if rng.random() < 0.2:  # corrected by hand, or a validity rule changed since
                until = completed + timedelta(days=rng.randint(0, 4 * 365))
            db.session.add(
                Qualification(
                    profile_id=profile.id,
                    type_id=kind.id,
                    provider="Test",
                    completed_on=completed,
                    valid_until=until,
                    status=rng.choice([QualificationStatus.VERIFIED] * 4 + [QualificationStatus.PENDING]),
                )
            )
        for _ in range(rng.randint(0, 2)):
            shown = day - timedelta(days=rng.randint(0, 6 * 365))
            if rng.random() < 0.2 and profile.id % 2:  # the same day twice: the later record counts
                shown = day - timedelta(days=400)
            db.session.add(
                PoliceCertificate(
                    profile_id=profile.id,
                    kind=CertificateKind.SIMPLE,
                    issued_on=shown,
                    shown_on=shown,
                    result=CertificateResult.NO_ENTRIES,
                    next_due_on=police_certificate_due(shown),
                )
            )
    db.session.commit()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_narrowing_loses_nobody(ctx, seed):
    rng = random.Random(seed)
    _seed(rng, 80)
    day = today()
    total = 0
    for days in WINDOWS:
        full = _full(day, days)
        assert _narrowed(day, days) == full, days
        total += len(full)
    assert total > 20, "the random data should make things run out in the windows"


def test_a_refresher_due_exactly_at_the_horizon_is_found(ctx):
    basic = db.session.scalar(select(QualificationType).where(QualificationType.code == "lay-interpreter-basic"))
    assert basic is not None and basic.refresher_months
    horizon = today() + timedelta(days=30)
    completed = add_months(horizon + timedelta(days=1), -basic.refresher_months)
    factories.active_volunteer(trainings=("lay-interpreter-basic",), completed_on=completed)
    assert [(e.what, e.until) for e in expiry.endings(today(), 30)] == [("refresher", horizon)]
    assert expiry.endings(today(), 29) == []


def test_a_validity_ending_soon_is_found_and_one_that_ended_is_not(ctx):
    health = db.session.scalar(select(QualificationType).where(QualificationType.code == "health-guide-gkv"))
    assert health is not None and health.validity_months and health.refresher_months is None
    ending = today() + timedelta(days=1)
    for until in (ending, today() - timedelta(days=1)):
        profile = factories.active_volunteer(trainings=(), certificate=False).profile
        db.session.add(
            Qualification(
                profile_id=profile.id,
                type_id=health.id,
                provider="Test",
                completed_on=add_months(until + timedelta(days=1), -health.validity_months),
                valid_until=until,
                status=QualificationStatus.VERIFIED,
            )
        )
    db.session.commit()
    assert [(e.what, e.until) for e in expiry.endings(today(), 30)] == [("qualification", ending)]
    assert [(e.what, e.until) for e in expiry.endings(today(), 1)] == [("qualification", ending)]
    assert [(e.what, e.until) for e in expiry.endings(today(), 0)] == []


def test_only_the_volunteers_concerned_are_loaded(ctx, count_queries):
    for _ in range(5):
        factories.active_volunteer(trainings=("lay-interpreter-basic",), completed_on=today())
    db.session.expunge_all()
    with count_queries() as queries:
        assert expiry.endings(today(), 90) == []
    assert db.session.scalars(select(VolunteerProfile)).all()  # they exist
    assert not [q for q in queries if "FROM volunteer_profiles" in q and "GROUP BY" not in q]
