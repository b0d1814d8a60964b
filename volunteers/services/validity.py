"""Pure date rules for qualifications, refreshers, certificates and declarations.

"Valid until" is inclusive: a certificate completed on 15 March 2026 with 36 months of
validity is valid up to and including 14 March 2029. Adding months clamps to the month's end
(31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

POLICE_CERTIFICATE_MONTHS = 60
#: A police certificate may be at most this old when it is shown.
POLICE_CERTIFICATE_MAX_AGE_MONTHS = 3


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(completed_on: date, validity_months: int | None) -> date | None:
    """The last day on which a certificate counts; None when it does not expire."""
    if validity_months is None:
        return None
    return add_months(completed_on, validity_months) - timedelta(days=1)


def in_good_standing_until(
    completed_on: date, refresher_months: int | None, refreshed_on: Iterable[date] = ()
) -> date | None:
    """With a refresher rule, the last day before another refresher is needed; the latest of
    the training itself and its refreshers counts. None when no refresher is needed."""
    if refresher_months is None:
        return None
    latest = max([completed_on, *refreshed_on])
    return add_months(latest, refresher_months) - timedelta(days=1)


def earliest(*days: date | None) -> date | None:
    present = [day for day in days if day is not None]
    return min(present) if present else None


def counts_on(on: date, completed_on: date, until: date | None) -> bool:
    return completed_on <= on and (until is None or on <= until)


def police_certificate_due(shown_on: date) -> date:
    """The day on which the certificate must be shown again (five years on)."""
    return add_months(shown_on, POLICE_CERTIFICATE_MONTHS)


def police_certificate_fresh_enough(issued_on: date, shown_on: date) -> bool:
    return issued_on <= shown_on <= add_months(issued_on, POLICE_CERTIFICATE_MAX_AGE_MONTHS)


def inclusion_closure(includes: Mapping[int, Iterable[int]]) -> dict[int, frozenset[int]]:
    """For each type, every type it counts as (itself and all it includes, transitively).
    Cycles are harmless."""
    closure: dict[int, frozenset[int]] = {}
    nodes = set(includes) | {b for targets in includes.values() for b in targets}
    for start in nodes:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in includes.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        closure[start] = frozenset(seen)
    return closure


def version_in_force(versions: Iterable[tuple[int, date]], on: date) -> int | None:
    """The number of the version that is required on a day: the newest one already in effect."""
    in_force = [number for number, effective_from in versions if effective_from <= on]
    return max(in_force) if in_force else None
