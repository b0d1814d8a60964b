"""`flask remind`: 60 and 14 days ahead, each reminder once; what has run out is marked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.smtp import body_text
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import DeclarationVersion, PoliceCertificate, Qualification
from volunteers.models.enums import VolunteerStatus
from volunteers.services.expiry import endings, remind
from volunteers.services.validity import add_months


def _guide_ending_in(days: int):
    """A volunteer whose health-guide certificate (36 months) counts for `days` more days."""
    last_day = today() + timedelta(days=days)
    completed = add_months(last_day + timedelta(days=1), -36)
    return factories.active_volunteer(trainings=("health-guide-gkv",), completed_on=completed, locale="en")


def test_reminders_at_60_and_14_days_each_once(ctx, deliver, smtp_server):
    account = _guide_ending_in(50)
    assert remind(today()).reminded == 1
    assert remind(today()).reminded == 0  # however often it runs
    db.session.commit()
    deliver()
    [first] = smtp_server.to(account.email)
    assert "Health guide" in body_text(first) and "50 days" in body_text(first)
    # 40 days later, 10 days are left: the 14-day reminder, once.
    later = today() + timedelta(days=40)
    assert remind(later).reminded == 1
    assert remind(later).reminded == 0
    db.session.commit()
    deliver()
    assert len(smtp_server.to(account.email)) == 2


def test_a_reminder_that_was_missed_at_60_days_is_sent_at_14(ctx):
    _guide_ending_in(10)
    assert remind(today()).reminded == 1
    assert remind(today() + timedelta(days=1)).reminded == 0


def test_nothing_further_than_60_days_and_nobody_retired(ctx):
    _guide_ending_in(70)
    retired = _guide_ending_in(20)
    retired.profile.status = VolunteerStatus.RETIRED
    db.session.commit()
    assert remind(today()).reminded == 0


def test_what_has_run_out_is_marked_and_its_owner_told_once(ctx, deliver, smtp_server):
    account = _guide_ending_in(-1)
    report = remind(today())
    assert report.marked_expired == 1
    db.session.commit()
    training = db.session.scalar(select(Qualification))
    assert training.expired_at is not None
    assert remind(today()).marked_expired == 0
    db.session.commit()
    deliver()
    [notice] = smtp_server.to(account.email)
    assert "run out" in notice["Subject"]


def test_a_renewed_training_is_not_reported_as_run_out(ctx, deliver, smtp_server):
    account = _guide_ending_in(-1)
    guide = factories.qualification_type("health-guide-gkv")
    from volunteers.models.enums import QualificationStatus
    from volunteers.services.validity import valid_until

    db.session.add(
        Qualification(
            profile=account.profile,
            type=guide,
            provider="AOK",
            completed_on=today(),
            status=QualificationStatus.VERIFIED,
            valid_until=valid_until(today(), 36),
        )
    )
    db.session.commit()
    assert remind(today()).marked_expired == 1
    db.session.commit()
    deliver()
    assert smtp_server.to(account.email) == []


def test_police_certificates_and_new_declaration_texts_are_reminded(ctx, deliver, smtp_server):
    account = factories.active_volunteer(trainings=(), locale="en")
    certificate = db.session.scalar(select(PoliceCertificate))
    certificate.next_due_on = today() + timedelta(days=30)
    first = db.session.scalars(select(DeclarationVersion)).first()
    db.session.add(
        DeclarationVersion(
            declaration_id=first.declaration_id,
            number=2,
            bodies={"de": "neu", "en": "new"},
            effective_from=today() + timedelta(days=20),
        )
    )
    db.session.commit()
    found = {e.what for e in endings(today(), 60)}
    assert found == {"police_certificate", "declaration"}
    assert remind(today()).reminded == 2
    db.session.commit()
    deliver()
    texts = [body_text(m) for m in smtp_server.to(account.email)]
    assert any("police certificate" in t for t in texts)
    assert any("new text of the declaration" in t for t in texts)


def test_refresher_due_is_reminded(ctx):
    last_day = today() + timedelta(days=30)
    completed = add_months(last_day + timedelta(days=1), -24)
    factories.active_volunteer(trainings=("lay-interpreter-basic",), completed_on=completed)
    assert [e.what for e in endings(today(), 60)] == ["refresher"]


def test_flask_remind_and_tick_run_it(ctx, app):
    _guide_ending_in(5)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0 and "1 reminders" in result.output
    tick = runner.invoke(args=["tick"])
    assert "job remind: 0 reminders" in tick.output


def test_retired_volunteers_get_no_notices(ctx, deliver, smtp_server):
    account = _guide_ending_in(-1)
    account.profile.status = VolunteerStatus.RETIRED
    db.session.commit()
    assert remind(today()).marked_expired == 1
    db.session.commit()
    deliver()
    assert smtp_server.to(account.email) == []


def test_an_old_lapse_is_marked_but_not_mailed(ctx, deliver, smtp_server):
    account = _guide_ending_in(-200)
    assert remind(today()).marked_expired == 1
    db.session.commit()
    deliver()
    assert smtp_server.to(account.email) == []


def test_a_missed_refresher_is_told_once(ctx, deliver, smtp_server):
    completed = add_months(today() - timedelta(days=4), -24)
    account = factories.active_volunteer(trainings=("lay-interpreter-basic",), completed_on=completed, locale="en")
    remind(today())
    remind(today())
    db.session.commit()
    deliver()
    [notice] = smtp_server.to(account.email)
    assert "refresher" in body_text(notice)


def test_renewal_through_an_including_type_counts(ctx, deliver, smtp_server):
    from volunteers.models.enums import QualificationStatus
    from volunteers.services.validity import valid_until

    account = _guide_ending_in(-1)
    mimi = factories.qualification_type("mimi-health-mediator")  # includes the health guide
    db.session.add(
        Qualification(
            profile=account.profile,
            type=mimi,
            provider="EMZ",
            completed_on=today(),
            status=QualificationStatus.VERIFIED,
            valid_until=valid_until(today(), 36),
        )
    )
    db.session.commit()
    remind(today())
    db.session.commit()
    deliver()
    assert smtp_server.to(account.email) == []


def test_marking_takes_a_fixed_number_of_queries(ctx, count_queries):
    for _ in range(2):
        _guide_ending_in(-1)
    with count_queries() as few:
        remind(today())
    db.session.rollback()
    for _ in range(8):
        _guide_ending_in(-1)
    with count_queries() as many:
        remind(today())
    db.session.rollback()
    # One outbox row per mail (one more volunteer, one more mail); everything else stays.
    inserts = [s for s in many if s.startswith("INSERT INTO outbox_messages")]
    assert len(many) - len(inserts) == len(few) - 2
