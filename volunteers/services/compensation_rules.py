"""Coordinators keep the compensation rules: a new rule applies from a day after today, so
that every assignment until then keeps the rule of its day (and its stored amount); a rule not
yet in force can be deleted. Both are audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import CompensationRule, User
from ..models.enums import Programme
from . import ServiceError, audit


@dataclass
class ProgrammeRules:
    programme: Programme
    #: Newest first.
    rules: list[CompensationRule]
    in_force: CompensationRule | None


def rules_by_programme(today: date) -> list[ProgrammeRules]:
    """Every programme with its rules, newest first, and the one in force today (one query)."""
    rows = db.session.scalars(
        select(CompensationRule).order_by(CompensationRule.programme, CompensationRule.effective_from.desc())
    ).all()
    result = []
    for programme in Programme:
        own = [rule for rule in rows if rule.programme is programme]
        in_force = next((rule for rule in own if rule.effective_from <= today), None)
        result.append(ProgrammeRules(programme, own, in_force))
    return result


def add_rule(
    actor: User,
    today: date,
    *,
    programme: Programme,
    effective_from: date,
    per_assignment_cents: int,
    per_hour_cents: int,
    per_km_cents: int,
    weekly_minutes: int | None,
    yearly_minutes: int | None,
) -> CompensationRule:
    if effective_from <= today:
        raise ServiceError(
            _l("Choose a day after today: assignments until today keep the rule of their day."), "effective_from"
        )
    taken = db.session.scalar(
        select(CompensationRule.id).where(
            CompensationRule.programme == programme, CompensationRule.effective_from == effective_from
        )
    )
    if taken is not None:
        raise ServiceError(
            _l(
                "This programme has a rule from that day already (perhaps this form was sent twice). "
                "Delete that rule first, or choose another day."
            ),
            "effective_from",
        )
    rule = CompensationRule(
        programme=programme,
        effective_from=effective_from,
        per_assignment_cents=per_assignment_cents,
        per_hour_cents=per_hour_cents,
        per_km_cents=per_km_cents,
        weekly_minutes=weekly_minutes,
        yearly_minutes=yearly_minutes,
        created_by=actor,
    )
    db.session.add(rule)
    db.session.flush()
    audit.record(
        "compensation_rule.added",
        actor=actor,
        rule=rule.id,
        programme=programme.value,
        effective_from=effective_from.isoformat(),
    )
    return rule


IN_FORCE = _l("This rule is in force already, so it stays: add a new rule from a later day instead.")


def may_delete(rule: CompensationRule, today: date) -> bool:
    return rule.effective_from > today


def delete_rule(actor: User, rule: CompensationRule, today: date) -> None:
    if not may_delete(rule, today):
        raise ServiceError(IN_FORCE)
    audit.record(
        "compensation_rule.deleted",
        actor=actor,
        rule=rule.id,
        programme=rule.programme.value,
        effective_from=rule.effective_from.isoformat(),
    )
    db.session.delete(rule)


__all__ = ["IN_FORCE", "ProgrammeRules", "add_rule", "delete_rule", "may_delete", "rules_by_programme"]
