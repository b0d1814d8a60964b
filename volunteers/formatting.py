"""How dates and times read, in every language: never ambiguous, always Berlin time.

Babel's numeric and month-first formats ("12/8/26, 10:00 AM", "Dec 8, 2026") are read as
12 August in Germany. Everything a person reads goes through these functions (templates use
them as filters of the same names): the month is a word, the day comes before it, the clock
has 24 hours. English is formatted as English is written in Germany (`en_DE`: "8 Dec 2026,
10:00"); German reads "8. Dez. 2026, 10:00".

`html_datetime` is the other half: the machine-readable value of a `<time datetime>` attribute
(HTML allows no microseconds).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, format_skeleton, get_day_names
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from flask import current_app, has_app_context
from flask_babel import get_locale, get_timezone

#: Where the readers live: a language is formatted as it is written in this region.
REGION = "DE"


@lru_cache(maxsize=32)
def _regional(locale: str) -> Locale:
    parsed = Locale.parse(locale)
    if parsed.territory:
        return parsed
    try:
        return Locale.parse(f"{parsed.language}_{REGION}")
    except (UnknownLocaleError, ValueError):
        return parsed


def _locale() -> Locale:
    current = get_locale()
    if current is None:
        current = current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "de"
    return _regional(str(current))


def _local(value: datetime) -> datetime:
    """Naive values are UTC (as stored); the reader sees Europe/Berlin."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(get_timezone())


def _day(value: date | datetime) -> date:
    return _local(value).date() if isinstance(value, datetime) else value


def format_date(value: date | datetime | None, style: str = "medium", weekday: bool = False) -> str:
    """ "8. Dez. 2026" / "8 Dec 2026"; style "long": "8. Dezember 2026"; weekday: "Di., 8. Dez. 2026"."""
    if value is None:
        return "–"
    locale, day = _locale(), _day(value)
    if style == "long":
        return babel_format_date(day, "full" if weekday else "long", locale=locale)
    return format_skeleton("yMMMEd" if weekday else "yMMMd", day, locale=locale)


def format_time(value: datetime | time | None) -> str:
    """ "10:00": a 24-hour clock in every language."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = _local(value)
    return format_skeleton("Hm", value, locale=_locale())


def format_datetime(value: datetime | None, style: str = "medium", weekday: bool = False) -> str:
    """ "8. Dez. 2026, 10:00" / "8 Dec 2026, 10:00"."""
    if value is None:
        return "–"
    pattern = str(_locale().datetime_formats["medium"])
    return pattern.replace("{1}", format_date(value, style, weekday)).replace("{0}", format_time(value))


def format_date_range(start: date | datetime, end: date | datetime, style: str = "medium") -> str:
    """ "8.–12. Dez. 2026" / "8–12 Dec 2026"; one day is just that day."""
    first, last = _day(start), _day(end)
    if first == last:
        return format_date(first, style)
    return format_interval(first, last, "yMMMMd" if style == "long" else "yMMMd", locale=_locale())


def format_time_range(start: datetime, end: datetime) -> str:
    """ "10:00–11:30" (German adds "Uhr")."""
    return format_interval(_local(start), _local(end), "Hm", locale=_locale())


def format_weekday(value: int | date, width: str = "wide") -> str:
    """A weekday's name, Monday = 0: "Dienstag" / "Tuesday"; width "abbreviated": "Di.", "Tue"."""
    index = value if isinstance(value, int) else value.weekday()
    return get_day_names(width, locale=_locale())[index]


def format_month(value: date | None) -> str:
    """ "Dezember 2026" / "December 2026": a settlement month."""
    if value is None:
        return "–"
    return format_skeleton("yMMMM", value, locale=_locale())


def format_cents(cents: int | None, signed: bool = False) -> str:
    """An amount in euros from cents, as the reader writes it: "20,00 €"; `signed`: "+5,00 €"."""
    if cents is None:
        return "–"
    text = babel_format_currency(cents / 100, "EUR", locale=_locale())
    return f"+{text}" if signed and cents > 0 else text


def format_hours(hours: float | None, signed: bool = False) -> str:
    """Hours with up to two decimals, as the reader writes them: "1,5" / "1.5"."""
    if hours is None:
        return "–"
    text = babel_format_decimal(round(hours, 2), format="#,##0.##", locale=_locale())
    return f"+{text}" if signed and hours > 0 else text


def html_datetime(value: date | datetime) -> str:
    """A valid HTML date ("2026-12-08") or global date and time ("2026-12-08T10:00:00+01:00")."""
    if isinstance(value, datetime):
        return _local(value).replace(microsecond=0).isoformat()
    return value.isoformat()


FILTERS = {
    "date": format_date,
    "time": format_time,
    "datetime": format_datetime,
    "date_range": format_date_range,
    "time_range": format_time_range,
    "weekday": format_weekday,
    "html_datetime": html_datetime,
    "month": format_month,
    "cents": format_cents,
    "hours": format_hours,
}
