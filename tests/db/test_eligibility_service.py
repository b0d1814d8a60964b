"""The eligibility service on the real database: one volunteer or many, constant queries."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import DeclarationVersion, VolunteerProfile
from volunteers.models.enums import Area, LanguageLevel, VolunteerStatus, WorkKind
from volunteers.services.eligibility import check, check_many


def test_a_complete_volunteer_may_interpret(ctx):
    account = factories.active_volunteer(languages={"tir": LanguageLevel.NATIVE})
    verdict = check(account.profile, Area.LANGUAGE, WorkKind.INTERPRETING, today(), language_code="tir")
    assert verdict.allowed, [f.message for f in verdict.failures]


def test_the_reasons_read_well_in_both_languages(ctx, app):
    from flask_babel import force_locale

    account = factories.active_volunteer(german=LanguageLevel.A2, certificate=False)
    verdict = check(account.profile, Area.LANGUAGE, WorkKind.INTERPRETING, today(), language_code="tir")
    with app.test_request_context(), force_locale("en"):
        messages = [f.message for f in verdict.failures]
    assert messages == [
        "German at level B1 is needed; A2 is recorded.",
        "No police certificate has been shown.",
    ]
    with app.test_request_context(), force_locale("de"):
        german = [f.message for f in verdict.failures]
    assert german != messages and all(german)


def test_many_volunteers_take_the_same_number_of_queries_as_few(ctx, count_queries):
    few = [factories.active_volunteer().profile.id for _ in range(2)]
    with count_queries() as statements:
        check_many(few, Area.LANGUAGE, WorkKind.INTERPRETING, today())
    few_queries = len(statements)
    many = few + [factories.active_volunteer().profile.id for _ in range(12)]
    with count_queries() as statements:
        verdicts = check_many(many, Area.LANGUAGE, WorkKind.INTERPRETING, today())
    assert len(statements) == few_queries
    assert len(verdicts) == 14 and all(v.allowed for v in verdicts.values())


def test_a_new_declaration_text_matters_only_from_its_effective_date(ctx):
    account = factories.active_volunteer()
    version = db.session.query(DeclarationVersion).first()
    db.session.add(
        DeclarationVersion(
            declaration_id=version.declaration_id,
            number=2,
            bodies={"de": "neu", "en": "new"},
            effective_from=today() + timedelta(days=30),
        )
    )
    db.session.commit()
    profile = db.session.get(VolunteerProfile, account.profile.id)
    assert check(profile, Area.LANGUAGE, WorkKind.INTERPRETING, today()).allowed
    later = check(profile, Area.LANGUAGE, WorkKind.INTERPRETING, today() + timedelta(days=30))
    assert [f.rule for f in later.failures] == ["declaration"]


def test_a_paused_volunteer_may_not(ctx):
    account = factories.active_volunteer()
    account.profile.status = VolunteerStatus.PAUSED
    db.session.commit()
    verdict = check(account.profile, Area.LANGUAGE, WorkKind.INTERPRETING, today())
    assert [f.rule for f in verdict.failures] == ["status"]
