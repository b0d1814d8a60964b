"""Checking the rows of a read file: each row parsed against the reference data, which is
loaded with a fixed number of queries (places, languages, and the accounts that hold the file's
addresses, each in one query), with each row's errors collected for the preview."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import phones
from ...extensions import db
from ...models import Language, Place, PlaceKind, User, VolunteerImport
from ...models.enums import Area, Gender, LanguageLevel, Mobility, VolunteerStatus, WorkKind
from ...texts import Texts, localized
from ..users import normalise_email
from .columns import AREAS, COLUMN_NAMES, GENDERS, KINDS, LEVELS, MOBILITIES, STATUSES, key, short
from .files import Table, read_upload

_MAX_NAME = 100
_MAX_EMAIL = 254
MAX_TRAVEL_KM = 1000
_SEPARATOR = re.compile(r"[;,]")
_KM = re.compile(r"^(\d{1,7})(?:[.,]0+)?(?:\s*km)?$", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceRef:
    """What the preview shows of a place; `place_label()` takes it like a Place."""

    id: int
    name: str
    kind: PlaceKind


@dataclass(frozen=True)
class LanguageRef:
    code: str
    names: Texts = field(hash=False)
    retired: bool = False

    def name(self, locale: str) -> str:
        return localized(self.names, locale)


@dataclass(frozen=True)
class RowError:
    #: The column it concerns, or None for the row as a whole.
    column: str | None
    message: Any


@dataclass
class ImportRow:
    number: int
    #: The cells as written in the file, by our column name.
    raw: dict[str, str]
    given_name: str = ""
    family_name: str = ""
    email: str | None = None
    phone: str | None = None
    place: PlaceRef | None = None
    languages: list[tuple[LanguageRef, LanguageLevel]] = field(default_factory=list)
    german_level: LanguageLevel | None = None
    areas: list[Area] = field(default_factory=list)
    kinds: list[WorkKind] = field(default_factory=list)
    gender: Gender = Gender.NOT_STATED
    mobility: Mobility | None = None
    max_travel_km: int | None = None
    status: VolunteerStatus = VolunteerStatus.APPLICANT
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(column, message))


@dataclass
class ImportCheck:
    rows: list[ImportRow]
    #: The columns the file has, in our order.
    columns: list[str]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def valid_count(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def error_count(self) -> int:
        return len(self.rows) - self.valid_count


@dataclass
class _Reference:
    """Places, languages and taken addresses: one query each, however many rows."""

    places: dict[str, PlaceRef]
    place_objects: dict[int, Place]
    languages: dict[str, LanguageRef]
    taken_emails: set[str]


def _place_keys(place: Place) -> list[str]:
    names = [place.name]
    if place.kind is PlaceKind.ELSEWHERE:
        names += ["elsewhere", "anderer ort", "sonstiger ort"]
    if place.kind is PlaceKind.CITY:
        names += [f"{place.name} (Stadt)", f"{place.name} (city)", f"Stadt {place.name}"]
    return [key(name) for name in names]


def _language_keys(language: Language) -> list[str]:
    """The code and its names in every language; also "Farsi" or "Persisch" alone, if that
    names one variety."""
    names = list(language.names.values())
    keys = [language.code, *names]
    for name in names:
        match = re.match(r"^(.*?)\s*\((.*)\)$", name)
        if match:
            keys += [match.group(1), match.group(2)]
    return [key(value) for value in keys]


def _load_reference(emails: set[str]) -> _Reference:
    places: dict[str, PlaceRef] = {}
    place_objects: dict[int, Place] = {}
    for place in db.session.scalars(select(Place)):
        place_objects[place.id] = place
        place_ref = PlaceRef(place.id, place.name, place.kind)
        for place_key in _place_keys(place):
            places.setdefault(place_key, place_ref)
    languages: dict[str, LanguageRef] = {}
    seen: dict[str, set[str]] = {}
    for language in db.session.scalars(select(Language)):
        reference = LanguageRef(language.code, language.names, language.retired)
        for language_key in _language_keys(language):
            seen.setdefault(language_key, set()).add(language.code)
            languages[language_key] = reference
    # A short name shared by two varieties ("Kurdisch") must be written out.
    languages = {name: ref for name, ref in languages.items() if len(seen[name]) == 1}
    taken: set[str] = set()
    if emails:
        taken = set(db.session.scalars(select(User.email).where(User.email.in_(sorted(emails)))))
    return _Reference(places=places, place_objects=place_objects, languages=languages, taken_emails=taken)


def _split(value: str) -> list[str]:
    return [part.strip() for part in _SEPARATOR.split(value) if part.strip()]


def _normalise_email(value: str) -> str | None:
    """The address as accounts store it, or None if it is not one."""
    if len(value) > _MAX_EMAIL:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return None
    return normalise_email(value)


def _parse_row(number: int, raw: dict[str, str], reference: _Reference) -> ImportRow:
    row = ImportRow(number=number, raw=raw)

    row.given_name = raw.get("given_name", "")
    row.family_name = raw.get("family_name", "")
    if not row.given_name:
        row.error("given_name", _l("The given name is missing."))
    if not row.family_name:
        row.error("family_name", _l("The family name is missing."))
    for name in ("given_name", "family_name"):
        if len(raw.get(name, "")) > _MAX_NAME:
            row.error(name, _l("The name is longer than %(max)d characters.", max=_MAX_NAME))

    email = raw.get("email", "")
    if email:
        row.email = _normalise_email(email)
        if row.email is None:
            row.error("email", _l("“%(value)s” is not a valid email address.", value=short(email)))
        elif row.email in reference.taken_emails:
            row.error("email", _l("An account with this email address exists already."))
    phone = raw.get("phone", "")
    if phone:
        try:
            row.phone = phones.normalise(phone)
        except phones.InvalidPhone:
            row.error(
                "phone",
                _l(
                    "“%(value)s” is not a phone number. Write it with digits, for example 0561 1234567 "
                    "or +43 1 234567.",
                    value=short(phone),
                ),
            )
    if not email and not phone:
        row.error("email", _l("Give an email address or a phone number, so the centre can reach the person."))

    place = raw.get("place", "")
    if place:
        row.place = reference.places.get(key(place))
        if row.place is None:
            row.error("place", _l("Unknown place “%(value)s”.", value=short(place)))

    _parse_languages(row, raw.get("languages", ""), reference)
    german = raw.get("german_level", "")
    if german:
        row.german_level = LEVELS.get(key(german))
        if row.german_level is None:
            row.error(
                "german_level",
                _l("Unknown level of German “%(value)s”: use A1 to C2 or native.", value=short(german)),
            )

    for part in _split(raw.get("areas", "")):
        area = AREAS.get(key(part))
        if area is None:
            row.error("areas", _l("Unknown area “%(value)s”.", value=short(part)))
        elif area not in row.areas:
            row.areas.append(area)
    for part in _split(raw.get("kinds", "")):
        kind = KINDS.get(key(part))
        if kind is None:
            row.error("kinds", _l("Unknown kind of work “%(value)s”.", value=short(part)))
        elif kind not in row.kinds:
            row.kinds.append(kind)
    row.areas.sort(key=list(Area).index)
    row.kinds.sort(key=list(WorkKind).index)

    gender = raw.get("gender", "")
    if gender:
        found_gender = GENDERS.get(key(gender))
        if found_gender is None:
            row.error("gender", _l("Unknown gender “%(value)s”.", value=short(gender)))
        else:
            row.gender = found_gender
    mobility = raw.get("mobility", "")
    if mobility:
        row.mobility = MOBILITIES.get(key(mobility))
        if row.mobility is None:
            row.error("mobility", _l("Unknown mobility “%(value)s”.", value=short(mobility)))
    km = raw.get("max_travel_km", "")
    if km:
        match = _KM.match(km)
        if match is None or int(match.group(1)) > MAX_TRAVEL_KM:
            row.error(
                "max_travel_km",
                _l(
                    "“%(value)s” is not a whole number of kilometres from 0 to %(max)d.",
                    value=short(km),
                    max=MAX_TRAVEL_KM,
                ),
            )
        else:
            row.max_travel_km = int(match.group(1))
    status = raw.get("status", "")
    if status:
        found_status = STATUSES.get(key(status))
        if found_status is None:
            row.error("status", _l("Unknown status “%(value)s”.", value=short(status)))
        else:
            row.status = found_status
    return row


def _parse_languages(row: ImportRow, value: str, reference: _Reference) -> None:
    for entry in _split(value):
        name, _colon, level_text = entry.partition(":")
        name, level_text = name.strip(), level_text.strip()
        language = reference.languages.get(key(name))
        if language is None:
            row.error("languages", _l("Unknown language “%(value)s”.", value=short(name)))
            continue
        if language.code == "deu":
            row.error("languages", _l("German goes in the column german_level, not among the languages."))
            continue
        if language.retired:
            row.error("languages", _l("“%(value)s” is no longer offered; choose another entry.", value=short(name)))
            continue
        if not level_text:
            row.error(
                "languages",
                _l("Give a level for “%(value)s”, for example %(code)s:C1.", value=short(name), code=language.code),
            )
            continue
        level = LEVELS.get(key(level_text))
        if level is None:
            row.error(
                "languages",
                _l(
                    "Unknown level “%(level)s” for “%(value)s”: use A1 to C2 or native.",
                    level=short(level_text),
                    value=short(name),
                ),
            )
            continue
        if any(known.code == language.code for known, _ in row.languages):
            row.error("languages", _l("“%(value)s” is listed twice.", value=short(name)))
            continue
        row.languages.append((language, level))


def check_table(table: Table) -> tuple[ImportCheck, _Reference]:
    records: list[tuple[int, dict[str, str]]] = []
    unnamed: set[int] = set()
    for number, cells in table.rows:
        raw = {name: cells[index] if index < len(cells) else "" for index, name in table.columns.items()}
        if any(value for index, value in enumerate(cells) if index not in table.columns):
            unnamed.add(number)
        records.append((number, raw))
    emails = {address for _, raw in records if raw.get("email") and (address := _normalise_email(raw["email"]))}
    reference = _load_reference(emails)
    rows = [_parse_row(number, raw, reference) for number, raw in records]
    rows_of: dict[str, list[int]] = {}
    for row in rows:
        if row.email:
            rows_of.setdefault(row.email, []).append(row.number)
    for row in rows:
        if row.number in unnamed:
            row.error(None, _l("This row has a value in a column without a name in the header."))
        others = [number for number in rows_of.get(row.email or "", []) if number != row.number]
        if others:
            row.error(
                "email",
                _l(
                    "The same email address is in row %(rows)s too.",
                    rows=", ".join(str(number) for number in others[:5]) + (" …" if len(others) > 5 else ""),
                ),
            )
    columns = [name for name in COLUMN_NAMES if name in table.columns.values()]
    return ImportCheck(rows=rows, columns=columns), reference


def check(upload: VolunteerImport) -> ImportCheck:
    """Every row of a stored upload with its parsed values and errors (a fixed number of queries)."""
    return check_table(read_upload(upload.filename, upload.content))[0]
