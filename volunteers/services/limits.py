"""The funding rules as pure functions: what an assignment is paid under the rule of its day,
and which limit another assignment would cross (hours a week and a year for volunteers paid
by the hour, the yearly tax-free allowance, the funded assignments per client). No database
here: services/compensation.py reads the figures and calls these."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


class LimitKind(enum.StrEnum):
    """A limit an assignment may cross; crossing one needs a coordinator's reason."""

    WEEKLY_HOURS = "weekly_hours"
    YEARLY_HOURS = "yearly_hours"
    TAX_FREE_ALLOWANCE = "tax_free_allowance"
    CLIENT_CAP = "client_cap"


@dataclass(frozen=True)
class Rule:
    """A compensation rule from the day it applies: amounts in cents, hour limits (None: none)."""

    effective_from: date
    per_assignment_cents: int = 0
    per_hour_cents: int = 0
    per_km_cents: int = 0
    weekly_hours: float | None = None
    yearly_hours: float | None = None


def rule_on(rules: Sequence[Rule], day: date) -> Rule | None:
    """The rule that applied on `day`: the latest one in force by then (None before the first)."""
    applying = [rule for rule in rules if rule.effective_from <= day]
    return max(applying, key=lambda rule: rule.effective_from) if applying else None


@dataclass(frozen=True)
class Worked:
    """One assignment's figures: its day, the minutes and kilometres that count, and whether the
    volunteer went (the person not coming counts; the volunteer not coming does not)."""

    day: date
    minutes: int = 0
    km: int = 0
    went: bool = True

    @property
    def hours(self) -> float:
        return self.minutes / 60 if self.went else 0.0


def amount_cents(rules: Sequence[Rule], worked: Worked) -> int:
    """What the assignment is paid: the flat amount, the hours and the kilometres, each under the
    rule of the assignment's day (a later rule never changes it)."""
    rule = rule_on(rules, worked.day)
    if rule is None or not worked.went:
        return 0
    return rule.per_assignment_cents + round(rule.per_hour_cents * worked.minutes / 60) + rule.per_km_cents * worked.km


@dataclass(frozen=True)
class Totals:
    """What already counts against the limits when another assignment is weighed."""

    week_hours: float = 0.0
    year_hours: float = 0.0
    year_paid_cents: int = 0
    client_assignments: int = 0


@dataclass(frozen=True)
class Limits:
    weekly_hours: float | None = None
    yearly_hours: float | None = None
    yearly_allowance_cents: int | None = None
    client_cap: int | None = None


@dataclass(frozen=True)
class Crossing:
    """A limit the assignment would cross: which, the limit, and where it would stand after."""

    kind: LimitKind
    limit: float
    after: float


#: Hours compare to the minute: a floating sum of thirds must not cross 6 hours by a hair.
_EPSILON = 1 / 120


def crossings(totals: Totals, limits: Limits, hours: float, cents: int) -> list[Crossing]:
    """The limits one more assignment (`hours`, paid `cents`) would cross."""
    found = []
    checks = (
        (LimitKind.WEEKLY_HOURS, limits.weekly_hours, totals.week_hours + hours),
        (LimitKind.YEARLY_HOURS, limits.yearly_hours, totals.year_hours + hours),
        (LimitKind.TAX_FREE_ALLOWANCE, limits.yearly_allowance_cents, totals.year_paid_cents + cents),
        (LimitKind.CLIENT_CAP, limits.client_cap, totals.client_assignments + 1),
    )
    for kind, limit, after in checks:
        if limit is not None and after > limit + (_EPSILON if kind in _HOUR_LIMITS else 0):
            found.append(Crossing(kind, float(limit), float(after)))
    return found


_HOUR_LIMITS = (LimitKind.WEEKLY_HOURS, LimitKind.YEARLY_HOURS)


__all__ = ["Crossing", "LimitKind", "Limits", "Rule", "Totals", "Worked", "amount_cents", "crossings", "rule_on"]
