"""Amounts, hours and months as people read them, and amounts as coordinators type them (a
German decimal comma or a point; points group thousands before a comma)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from volunteers.formatting import format_hours, format_money, format_month
from volunteers.web.coordinator.forms.compensation import read_decimal


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("20", Decimal("20")),
        ("12,50", Decimal("12.50")),
        ("0,3", Decimal("0.3")),
        ("0.30", Decimal("0.30")),
        (",5", Decimal("0.5")),
        ("1.234,50", Decimal("1234.50")),
        ("1.500", Decimal("1500")),
        ("20 €", Decimal("20")),
        ("fünf", None),
        ("1,2,3", None),
        ("-2", None),
        ("", None),
    ],
)
def test_amounts_are_read_as_germans_write_them(typed, value):
    assert read_decimal(typed) == value


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de", ("1.234,50\xa0€", "7,5", "1,33", "März 2026", "März")),
        ("en", ("1.234,50\xa0€", "7,5", "1,33", "March 2026", "March")),
    ],
)
def test_money_hours_and_months(app, locale, expected):
    with app.app_context(), force_locale(locale):
        shown = (
            format_money(123450),
            format_hours(450),
            format_hours(80),
            format_month(date(2026, 3, 1)),
            format_month(date(2026, 3, 1), standalone=True),
        )
    assert shown == expected
