"""The one set of date and time formats, in German and English: Berlin time, the month as a
word after the day, a 24-hour clock; and machine-readable values that HTML accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from volunteers.formatting import (
    format_date,
    format_date_range,
    format_datetime,
    format_time,
    format_time_range,
    format_weekday,
    html_datetime,
)

# 09:00 UTC on 8 December is 10:00 in Berlin (winter time).
MOMENT = datetime(2026, 12, 8, 9, 0, 30, 992246, tzinfo=UTC)

EXPECTED = {
    "de": {
        "date": "8. Dez. 2026",
        "long": "8. Dezember 2026",
        "weekday": "Di., 8. Dez. 2026",
        "long weekday": "Dienstag, 8. Dezember 2026",
        "time": "10:00",
        "datetime": "8. Dez. 2026, 10:00",
        "range": "8.–12. Dez. 2026",
        "across years": "30. Dez. 2026\u2009–\u20092. Jan. 2027",
        "times": "10:00–11:30 Uhr",
        "weekday name": "Dienstag",
    },
    "en": {
        "date": "8 Dec 2026",
        "long": "8 December 2026",
        "weekday": "Tue, 8 Dec 2026",
        "long weekday": "Tuesday, 8 December 2026",
        "time": "10:00",
        "datetime": "8 Dec 2026, 10:00",
        "range": "8–12 Dec 2026",
        "across years": "30 Dec 2026\u2009–\u20092 Jan 2027",
        "times": "10:00–11:30",
        "weekday name": "Tuesday",
    },
}


@pytest.mark.parametrize("locale", ["de", "en"])
def test_every_format_in_both_languages(app, locale):
    expected = EXPECTED[locale]
    with app.app_context(), force_locale(locale):
        assert format_date(MOMENT) == expected["date"]
        assert format_date(MOMENT.date(), "long") == expected["long"]
        assert format_date(MOMENT, weekday=True) == expected["weekday"]
        assert format_date(MOMENT, "long", weekday=True) == expected["long weekday"]
        assert format_time(MOMENT) == expected["time"]
        assert format_datetime(MOMENT) == expected["datetime"]
        assert format_date_range(date(2026, 12, 8), date(2026, 12, 12)) == expected["range"]
        assert format_date_range(date(2026, 12, 30), date(2027, 1, 2)) == expected["across years"]
        assert format_date_range(date(2026, 12, 8), date(2026, 12, 8)) == expected["date"]
        assert format_time_range(MOMENT, datetime(2026, 12, 8, 10, 30, tzinfo=UTC)) == expected["times"]
        assert format_weekday(1) == format_weekday(MOMENT.date()) == expected["weekday name"]


def test_an_evening_in_utc_is_the_next_day_in_berlin(app):
    with app.app_context(), force_locale("de"):
        assert format_datetime(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1. Jan. 2027, 00:30"
        assert format_date(datetime(2026, 12, 31, 23, 30)) == "1. Jan. 2027"  # naive values are UTC


def test_machine_readable_values_carry_no_microseconds(app):
    with app.app_context():
        assert html_datetime(MOMENT) == "2026-12-08T10:00:30+01:00"
        assert html_datetime(date(2026, 12, 8)) == "2026-12-08"
        assert html_datetime(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == "2026-07-01T10:00:00+02:00"
