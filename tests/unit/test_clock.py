"""The centre's clock converts between Kassel's wall clock and UTC across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from config import Config
from volunteers import clock


def test_wall_clock_times_become_utc_in_winter_and_summer():
    assert clock.utc_at(date(2026, 1, 13), time(10)) == datetime(2026, 1, 13, 9, 0, tzinfo=UTC)
    assert clock.utc_at(date(2026, 7, 7), time(10)) == datetime(2026, 7, 7, 8, 0, tzinfo=UTC)


def test_a_day_is_23_or_25_hours_long_when_the_clocks_change():
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    assert clock.start_of_day(spring + timedelta(days=1)) - clock.start_of_day(spring) == timedelta(hours=23)
    assert clock.start_of_day(autumn + timedelta(days=1)) - clock.start_of_day(autumn) == timedelta(hours=25)
    assert clock.start_of_day(spring) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


def test_a_stored_moment_reads_as_kassel_wall_clock():
    shortly_after_midnight = clock.local(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert (shortly_after_midnight.date(), shortly_after_midnight.time()) == (date(2026, 3, 29), time(0, 30))
    assert clock.local(clock.utc_at(date(2026, 10, 25), time(14, 15))).time() == time(14, 15)


def test_formatting_uses_the_same_zone():
    assert Config.BABEL_DEFAULT_TIMEZONE == clock.ZONE_NAME
