"""Dates and times read one way only: "8 Dec 2026, 10:00" / "8. Dez. 2026, 10:00" on every
page and in every mail, in English and German; `<time datetime>` values are valid HTML."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from tests import world as worlds
from tests.pages import elements, visible_text, visit_all
from tests.smtp import body_html, body_text
from volunteers.services.matching import BERLIN

ROOT = Path(__file__).resolve().parents[2]

#: "12/8/26", "08.12.2026", "8-12-2026": which is the day?
NUMERIC_DATE = re.compile(r"(?<![\d/.-])\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?![\d/.-])")
TWELVE_HOUR = re.compile(r"\b\d{1,2}(:\d{2})?\s*[AaPp]\.?\s?[Mm]\b\.?")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_FIRST = re.compile(rf"\b({MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{{1,2}},? \d{{4}}")
GERMAN_MONTHS = {
    1: "Jan.",
    2: "Feb.",
    3: "März",
    4: "Apr.",
    5: "Mai",
    6: "Juni",
    7: "Juli",
    8: "Aug.",
    9: "Sept.",
    10: "Okt.",
    11: "Nov.",
    12: "Dez.",
}
ENGLISH_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _ambiguities(text: str) -> list[str]:
    found = []
    for pattern in (NUMERIC_DATE, TWELVE_HOUR, MONTH_FIRST):
        found += [match.group(0) for match in pattern.finditer(text)]
    return found


def _expected(day: date, locale: str) -> str:
    if locale == "de":
        return f"{day.day}. {GERMAN_MONTHS[day.month]} {day.year}"
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_pages_and_mails_show_no_ambiguous_date_or_time(ctx, app, login, deliver, smtp_server, locale):
    world = worlds.build(locale)
    appointment = world.open_request.starts_at.astimezone(BERLIN)
    problems, texts = [], []
    for role, path, html in visit_all(app, login, world, locale):
        text = visible_text(html)
        texts.append(text)
        problems += [(role, path, found) for found in _ambiguities(text)]
    deliver()
    mails = smtp_server.messages
    assert len(mails) >= 5
    for mail in mails:
        for body in (body_text(mail), visible_text(body_html(mail))):
            texts.append(body)
            problems += [("mail", mail["Subject"], found) for found in _ambiguities(body)]
    assert problems == []
    # Not vacuous: the appointment's date and its 24-hour time are there, the new way.
    every = "\n".join(texts)
    assert _expected(appointment.date(), locale) in every
    assert f"{_expected(appointment.date(), locale)}, 10:00" in every


#: The HTML standard's machine-readable values of `datetime` (§ 4.5.14, "the time element").
_DATE = r"\d{4,}-\d{2}-\d{2}"
_TIME = r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"
_OFFSET = r"(Z|[+-]\d{2}:?\d{2})"
HTML_DATETIME = re.compile(
    "|".join(
        rf"^{value}$"
        for value in (
            r"\d{4,}",  # year
            r"\d{4,}-\d{2}",  # month
            _DATE,
            r"(--)?\d{2}-\d{2}",  # yearless date
            _TIME,
            rf"{_DATE}[T ]{_TIME}",  # local date and time
            _OFFSET,
            rf"{_DATE}[T ]{_TIME}{_OFFSET}",  # global date and time
            r"\d{4,}-W\d{2}",  # week
            r"P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,3})?S)?)?",  # duration
        )
    )
)


def _valid_html_datetime(value: str) -> bool:
    if not HTML_DATETIME.match(value):
        return False
    if re.match(rf"^{_DATE}", value):
        try:  # a real day, a real hour
            datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:
            return False
    return True


def test_every_datetime_attribute_is_a_valid_html_value(ctx, app, login):
    world = worlds.build("de")
    checked, invalid = 0, []
    for role, path, html in visit_all(app, login, world, "de"):
        for tag, attrs in elements(html):
            if "datetime" in attrs:
                checked += 1
                if not _valid_html_datetime(attrs["datetime"] or ""):
                    invalid.append((role, path, tag, attrs["datetime"]))
    assert invalid == []
    assert checked >= 20


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
    assert _valid_html_datetime(value) is valid


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
