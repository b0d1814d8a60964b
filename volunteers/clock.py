"""The centre's time: Kassel keeps Europe/Berlin, the database keeps UTC. The zone and every
conversion between the two live here; pages format through volunteers/formatting.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

#: Flask-Babel's BABEL_DEFAULT_TIMEZONE (config.py) names the same zone for formatting.
ZONE_NAME = "Europe/Berlin"
BERLIN = ZoneInfo(ZONE_NAME)


def now_local() -> datetime:
    return datetime.now(BERLIN)


def today() -> date:
    """Today as the centre counts days (at 00:30 in Kassel it is already tomorrow in UTC terms)."""
    return now_local().date()


def local(moment: datetime) -> datetime:
    """A stored moment (aware, usually UTC) as Kassel's wall clock shows it."""
    return moment.astimezone(BERLIN)


def utc_at(day: date, at: time) -> datetime:
    """A wall-clock time in Kassel on `day`, as UTC."""
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """Midnight in Kassel, as UTC (a day is 23 or 25 hours long when the clocks change)."""
    return utc_at(day, time.min)
