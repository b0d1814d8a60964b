"""Today, as the centre counts days: in Europe/Berlin (the database keeps UTC)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CENTRE_TIMEZONE = ZoneInfo("Europe/Berlin")


def today() -> date:
    return datetime.now(CENTRE_TIMEZONE).date()
