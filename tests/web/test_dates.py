"""Dates and times read one way only, formatted in one place; the checks that the walk over
every page and mail runs (tests/web/test_every_page.py) find what they look for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.page_checks import ambiguities, valid_html_datetime

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2026-12-08", True),
        ("2026-12-08T10:00:00+01:00", True),
        ("2026-12-08T09:00Z", True),
        ("2026-12-08T10:00:00.123", True),
        ("2026-12-08T10:00:00.992246+00:00", False),  # microseconds
        ("2026-13-08", False),
        ("8 Dec 2026", False),
    ],
)
def test_the_html_datetime_check_itself(value, valid):
    assert valid_html_datetime(value) is valid


def test_the_date_check_finds_dates_that_read_two_ways():
    assert ambiguities("am 12/8/26 um 10:00 AM, oder Dec 8, 2026; 08.12.2026") == [
        "12/8/26",
        "08.12.2026",
        "10:00 AM",
        "Dec 8, 2026",
    ]
    assert ambiguities("8. Dez. 2026, 10:00; 8 Dec 2026, 14:30; 2026-12-08") == []


def test_dates_are_formatted_in_one_place():
    """Babel's own date formats are ambiguous in English: templates and code use the filters
    and functions of volunteers/formatting.py instead."""
    babel_filters = re.compile(r"\|\s*(dateformat|datetimeformat|timeformat)\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.*")
        if babel_filters.search(path.read_text(encoding="utf-8"))
    ]
    offenders += [
        str(path.relative_to(ROOT))
        for path in (ROOT / "volunteers").rglob("*.py")
        if path.name != "formatting.py"
        and re.search(r"from (flask_babel|babel\.dates) import [^\n]*\bformat_(date|datetime|time)\b", path.read_text())
    ]
    assert offenders == []
