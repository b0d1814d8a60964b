"""Working days in Hessen: Monday to Friday without the state's public holidays."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Germany(subdiv="HE", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day that is `days` working days after `start` (`start` itself not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def earliest_appointment(today: date, lead_days: int) -> date:
    """The first day a request without urgency may ask for."""
    return add_working_days(today, lead_days)
