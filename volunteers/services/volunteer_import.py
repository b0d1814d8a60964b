"""Importing the centre's existing volunteer pool from a CSV or spreadsheet (.xlsx) export.

Three steps, each plain Python over the uploaded bytes (no request, no session, no commit):

- `read_upload(filename, data)` checks the file as a whole: its type by content, its size,
  its header and the number of rows. A problem there is a `ServiceError` on the field "file".
- `check(upload)` parses every row against the reference data, which it loads with a fixed
  number of queries (places, languages, and the accounts that hold the file's addresses, each
  in one query), and collects each row's errors for the preview.
- `import_volunteers(...)` checks the stored file again and, only if every row passes,
  creates all the volunteers in the caller's transaction: all rows or none.

The file's content is data only. Formulas are never evaluated (openpyxl reads the values
Excel saved, `data_only`); a CSV cell that starts with "=" is text like any other.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Generator, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from werkzeug.utils import secure_filename

from .. import phones
from ..db_types import utcnow
from ..extensions import db
from ..models import Language, Place, PlaceKind, StatusChange, User, VolunteerImport, VolunteerLanguage
from ..models.enums import Area, Gender, LanguageLevel, Mobility, VolunteerStatus, WorkKind
from ..texts import Texts, localized
from . import ServiceError, audit

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
#: A header wider than this is not an export of the pool.
MAX_COLUMNS = 40
#: Rows read from a sheet at most, blank ones included (a sheet may claim a million rows).
_MAX_RAW_ROWS = 20 * MAX_IMPORT_ROWS
#: What a .xlsx may unpack to: a zip of 2 MB must not become gigabytes of XML.
_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
_MAX_NAME = 100
_MAX_EMAIL = 254
MAX_TRAVEL_KM = 1000
#: The reason written into the status history of an imported volunteer who is not an applicant.
IMPORT_REASON = "Imported"

FIELD = "file"


# ---------------------------------------------------------------------------------------------
# Matching what people type: case, spaces, hyphens and umlaut spellings do not matter


def key(text: str) -> str:
    """ "E-Mail", "e_mail" and "email" are one key; so are "Mobilität" and "Mobilitaet"."""
    folded = unicodedata.normalize("NFC", text).casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        folded = folded.replace(umlaut, spelled)
    return re.sub(r"[\s_\-.]+", "", folded)


def _index(pairs: Iterable[tuple[Iterable[str], Any]]) -> dict[str, Any]:
    return {key(alias): value for aliases, value in pairs for alias in aliases}


@dataclass(frozen=True)
class Column:
    name: str  # the English header
    german: str  # the German header
    aliases: tuple[str, ...] = ()
    required: bool = False
    #: Several values in one cell, separated by "," or ";".
    multiple: bool = False


COLUMNS = (
    Column("given_name", "Vorname", ("first_name",), required=True),
    Column("family_name", "Nachname", ("last_name", "surname"), required=True),
    Column("email", "E-Mail", ("email_address", "mail")),
    Column("phone", "Telefon", ("telephone", "phone_number", "telefonnummer")),
    Column("place", "Ort", ("home_place", "wohnort", "gemeinde")),
    Column("languages", "Sprachen", multiple=True),
    Column("german_level", "Deutschniveau", ("german", "deutsch")),
    Column("areas", "Bereiche", ("area", "bereich"), multiple=True),
    Column("kinds", "Tätigkeiten", ("kind", "taetigkeit", "tätigkeit"), multiple=True),
    Column("gender", "Geschlecht"),
    Column("mobility", "Mobilität"),
    Column("max_travel_km", "max_travel_km", ("max_km", "max_entfernung_km", "entfernung_km")),
    Column("status", "Status"),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
_HEADER = _index(((column.name, column.german, *column.aliases), column.name) for column in COLUMNS)

LEVELS = _index(
    [
        (("native", "muttersprache", "muttersprachlich", "erstsprache"), LanguageLevel.NATIVE),
        *(((level.value,), level) for level in LanguageLevel if level is not LanguageLevel.NATIVE),
    ]
)
AREAS = _index(
    [
        (("language", "sprache"), Area.LANGUAGE),
        (("health", "gesundheit"), Area.HEALTH),
    ]
)
KINDS = _index(
    [
        (("interpreting", "dolmetschen", "sprachmittlung", "dolmetschen/sprachmittlung"), WorkKind.INTERPRETING),
        (("accompanying", "begleitung", "begleiten"), WorkKind.ACCOMPANYING),
        (
            ("information_event", "information event", "infoveranstaltung", "informationsveranstaltung"),
            WorkKind.INFORMATION_EVENT,
        ),
        (("mentoring", "sprachpatenschaft"), WorkKind.MENTORING),
    ]
)
GENDERS = _index(
    [
        (("female", "weiblich", "f", "w"), Gender.FEMALE),
        (("male", "männlich", "m"), Gender.MALE),
        (("diverse", "divers", "d"), Gender.DIVERSE),
        (("not_stated", "keine angabe"), Gender.NOT_STATED),
    ]
)
MOBILITIES = _index(
    [
        (("car", "auto", "pkw"), Mobility.CAR),
        (("public_transport", "öpnv", "bus und bahn"), Mobility.PUBLIC_TRANSPORT),
        (("remote_only", "nur remote", "remote"), Mobility.REMOTE_ONLY),
    ]
)
STATUSES = _index(
    [
        (("applicant", "bewerbung", "bewerber", "bewerberin"), VolunteerStatus.APPLICANT),
        (("active", "aktiv"), VolunteerStatus.ACTIVE),
        (("paused", "pausiert"), VolunteerStatus.PAUSED),
        (("retired", "ausgeschieden"), VolunteerStatus.RETIRED),
    ]
)
_SEPARATOR = re.compile(r"[;,]")
_KM = re.compile(r"^(\d{1,7})(?:[.,]0+)?(?:\s*km)?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# Reading the file


class _Message:
    """The refusals of a whole file; each names what to do."""

    EMPTY = _l("The file is empty.")
    TOO_LARGE = _l(
        "The file is larger than %(size)d MB. Split the list into smaller files.", size=MAX_IMPORT_BYTES // 2**20
    )
    WRONG_NAME = _l("Choose a CSV file (.csv) or an Excel workbook (.xlsx).")
    NOT_A_TABLE = _l(
        "This file is not a CSV file or an Excel workbook. In your spreadsheet programme, "
        "save the list as “CSV UTF-8” or as “Excel workbook (.xlsx)”."
    )
    OLD_EXCEL = _l("Old Excel files (.xls) cannot be read. Save the list as “Excel workbook (.xlsx)” or as CSV.")
    UNREADABLE = _l(
        "The file could not be read. Save the list again as “CSV UTF-8” or as “Excel workbook (.xlsx)” and upload it."
    )
    NO_HEADER = _l(
        "The first row must name the columns, for example given_name and family_name. "
        "Download the template to see every column."
    )
    NO_ROWS = _l("The file has a header row but no volunteers below it.")
    TOO_MANY_ROWS = _l("The file has more than %(rows)d rows. Split the list into smaller files.", rows=MAX_IMPORT_ROWS)
    TOO_MANY_COLUMNS = _l("The file has more than %(columns)d columns.", columns=MAX_COLUMNS)
    NO_CONTACT_COLUMN = _l("The file needs a column email or phone: the centre must be able to reach everyone.")


def _refuse(message) -> ServiceError:
    return ServiceError(message, field=FIELD)


@dataclass
class Table:
    """The file's header, mapped to our column names, and its non-blank rows."""

    #: Column index -> our column name, for the columns the header names.
    columns: dict[int, str]
    #: (row number as in the spreadsheet, the cells as text)
    rows: list[tuple[int, list[str]]]


def _clean(value: Any) -> str:
    """A cell as text: no control characters, no surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def _sniff_kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _refuse(_Message.OLD_EXCEL)
    return "csv"


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise _refuse(_Message.NOT_A_TABLE)  # binary (or UTF-16, which spreadsheets call "Unicode text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # what German Excel writes as plain "CSV"
        except UnicodeDecodeError:
            raise _refuse(_Message.NOT_A_TABLE) from None
    text = text.rstrip("\x1a")  # an old DOS end-of-file mark
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(1, len(sample) // 200):
        raise _refuse(_Message.NOT_A_TABLE)
    if text.lstrip().startswith("<"):  # a web page or XML saved under another name
        raise _refuse(_Message.NOT_A_TABLE)
    return text


def _delimiter(text: str) -> str:
    """The one of ; , or tab that the header row uses most (German Excel writes ;)."""
    first = text.split("\n", 1)[0]
    outside_quotes = re.sub(r'"[^"]*"', "", first)
    counts = {delimiter: outside_quotes.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> Generator[list[Any], None, None]:
    text = _decode(data)
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's own first line naming the delimiter
    if hint:
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        yield from reader
    except csv.Error:
        raise _refuse(_Message.UNREADABLE) from None


def _xlsx_rows(data: bytes) -> Generator[list[Any], None, None]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            unpacked = sum(entry.file_size for entry in entries)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(_Message.UNREADABLE) from None
    if "xl/workbook.xml" not in names:
        raise _refuse(_Message.NOT_A_TABLE)  # another zip: a .docx, an .ods, an archive
    if unpacked > _MAX_UNPACKED_BYTES:
        raise _refuse(_Message.UNREADABLE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                if not book.worksheets:
                    raise _refuse(_Message.NO_HEADER)
                sheet = book.worksheets[0]
                # Missing rows come back empty, so the position is the spreadsheet's row number.
                for row in sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True):
                    yield list(row)
            finally:
                book.close()
    except ServiceError:
        raise
    except Exception:  # a malformed workbook can fail anywhere inside openpyxl's parser
        raise _refuse(_Message.UNREADABLE) from None


def _header(cells: list[str]) -> dict[int, str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    if not cells:
        raise _refuse(_Message.NO_HEADER)
    if len(cells) > MAX_COLUMNS:
        raise _refuse(_Message.TOO_MANY_COLUMNS)
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, title in enumerate(cells):
        if not title:
            continue
        name = _HEADER.get(key(title))
        if name is None:
            unknown.append(title)
        elif name in columns.values():
            raise _refuse(_l("The column “%(column)s” is in the header twice.", column=_short(title)))
        else:
            columns[index] = name
    if not columns:
        raise _refuse(_Message.NO_HEADER)
    if unknown:
        raise _refuse(
            _l(
                "The header has columns this import does not know: %(columns)s. "
                "Rename them as in the list of columns below, or delete them.",
                columns=", ".join(f"“{_short(title, 40)}”" for title in unknown[:5])
                + (" …" if len(unknown) > 5 else ""),
            )
        )
    for required in ("given_name", "family_name"):
        if required not in columns.values():
            raise _refuse(_l("The column “%(column)s” is missing in the header.", column=required))
    if not {"email", "phone"} & set(columns.values()):
        raise _refuse(_Message.NO_CONTACT_COLUMN)
    return columns


def read_upload(filename: str | None, data: bytes) -> Table:
    """The file's table, or a ServiceError (field "file") saying what is wrong with the file."""
    if not data:
        raise _refuse(_Message.EMPTY)
    if len(data) > MAX_IMPORT_BYTES:
        raise _refuse(_Message.TOO_LARGE)
    if not (filename or "").lower().endswith((".csv", ".xlsx")):
        raise _refuse(_Message.WRONG_NAME)
    columns: dict[int, str] | None = None
    rows: list[tuple[int, list[str]]] = []
    # Closed on every way out, so a workbook is released even when a row is refused.
    with closing(_xlsx_rows(data) if _sniff_kind(data) == "xlsx" else _csv_rows(data)) as raw_rows:
        for number, raw in enumerate(raw_rows, start=1):
            if number > _MAX_RAW_ROWS:
                raise _refuse(_Message.TOO_MANY_ROWS)
            cells = [_clean(value) for value in raw]
            if columns is None:
                columns = _header(cells)
                continue
            if not any(cells):
                continue  # a blank row between the entries
            rows.append((number, cells))
            if len(rows) > MAX_IMPORT_ROWS:
                raise _refuse(_Message.TOO_MANY_ROWS)
    if columns is None:
        raise _refuse(_Message.NO_HEADER)
    if not rows:
        raise _refuse(_Message.NO_ROWS)
    return Table(columns=columns, rows=rows)


# ---------------------------------------------------------------------------------------------
# Checking the rows


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

    def error(self, column: str | None, message) -> None:
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
        reference = PlaceRef(place.id, place.name, place.kind)
        for place_key in _place_keys(place):
            places.setdefault(place_key, reference)
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


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _split(value: str) -> list[str]:
    return [part.strip() for part in _SEPARATOR.split(value) if part.strip()]


def _normalise_email(value: str) -> str | None:
    """The address as accounts store it, or None if it is not one."""
    from .accounts import normalise_email

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
            row.error("email", _l("“%(value)s” is not a valid email address.", value=_short(email)))
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
                    value=_short(phone),
                ),
            )
    if not email and not phone:
        row.error("email", _l("Give an email address or a phone number, so the centre can reach the person."))

    place = raw.get("place", "")
    if place:
        row.place = reference.places.get(key(place))
        if row.place is None:
            row.error("place", _l("Unknown place “%(value)s”.", value=_short(place)))

    _parse_languages(row, raw.get("languages", ""), reference)
    german = raw.get("german_level", "")
    if german:
        row.german_level = LEVELS.get(key(german))
        if row.german_level is None:
            row.error(
                "german_level",
                _l("Unknown level of German “%(value)s”: use A1 to C2 or native.", value=_short(german)),
            )

    for part in _split(raw.get("areas", "")):
        area = AREAS.get(key(part))
        if area is None:
            row.error("areas", _l("Unknown area “%(value)s”.", value=_short(part)))
        elif area not in row.areas:
            row.areas.append(area)
    for part in _split(raw.get("kinds", "")):
        kind = KINDS.get(key(part))
        if kind is None:
            row.error("kinds", _l("Unknown kind of work “%(value)s”.", value=_short(part)))
        elif kind not in row.kinds:
            row.kinds.append(kind)
    row.areas.sort(key=list(Area).index)
    row.kinds.sort(key=list(WorkKind).index)

    gender = raw.get("gender", "")
    if gender:
        found_gender = GENDERS.get(key(gender))
        if found_gender is None:
            row.error("gender", _l("Unknown gender “%(value)s”.", value=_short(gender)))
        else:
            row.gender = found_gender
    mobility = raw.get("mobility", "")
    if mobility:
        row.mobility = MOBILITIES.get(key(mobility))
        if row.mobility is None:
            row.error("mobility", _l("Unknown mobility “%(value)s”.", value=_short(mobility)))
    km = raw.get("max_travel_km", "")
    if km:
        match = _KM.match(km)
        if match is None or int(match.group(1)) > MAX_TRAVEL_KM:
            row.error(
                "max_travel_km",
                _l(
                    "“%(value)s” is not a whole number of kilometres from 0 to %(max)d.",
                    value=_short(km),
                    max=MAX_TRAVEL_KM,
                ),
            )
        else:
            row.max_travel_km = int(match.group(1))
    status = raw.get("status", "")
    if status:
        found_status = STATUSES.get(key(status))
        if found_status is None:
            row.error("status", _l("Unknown status “%(value)s”.", value=_short(status)))
        else:
            row.status = found_status
    return row


def _parse_languages(row: ImportRow, value: str, reference: _Reference) -> None:
    for entry in _split(value):
        name, _colon, level_text = entry.partition(":")
        name, level_text = name.strip(), level_text.strip()
        language = reference.languages.get(key(name))
        if language is None:
            row.error("languages", _l("Unknown language “%(value)s”.", value=_short(name)))
            continue
        if language.code == "deu":
            row.error("languages", _l("German goes in the column german_level, not among the languages."))
            continue
        if language.retired:
            row.error("languages", _l("“%(value)s” is no longer offered; choose another entry.", value=_short(name)))
            continue
        if not level_text:
            row.error(
                "languages",
                _l("Give a level for “%(value)s”, for example %(code)s:C1.", value=_short(name), code=language.code),
            )
            continue
        level = LEVELS.get(key(level_text))
        if level is None:
            row.error(
                "languages",
                _l(
                    "Unknown level “%(level)s” for “%(value)s”: use A1 to C2 or native.",
                    level=_short(level_text),
                    value=_short(name),
                ),
            )
            continue
        if any(known.code == language.code for known, _ in row.languages):
            row.error("languages", _l("“%(value)s” is listed twice.", value=_short(name)))
            continue
        row.languages.append((language, level))


def _check_table(table: Table) -> tuple[ImportCheck, _Reference]:
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
    return _check_table(read_upload(upload.filename, upload.content))[0]


# ---------------------------------------------------------------------------------------------
# Storing the upload, and importing it


def store_upload(coordinator: User, filename: str | None, data: bytes) -> VolunteerImport:
    """Keeps a file that can be read (its rows may still have errors) for the preview."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators import volunteers."))
    read_upload(filename, data)
    stem, _dot, extension = (filename or "").rpartition(".")
    name = f"{secure_filename(stem)[:100] or 'volunteers'}.{extension.lower()}"
    upload = VolunteerImport(created_by_id=coordinator.id, filename=name, content=data)
    db.session.add(upload)
    db.session.flush()
    return upload


def get_upload(coordinator: User, import_id: int) -> VolunteerImport | None:
    """The coordinator's own upload; another coordinator's is as unknown as a missing one."""
    return db.session.scalar(
        select(VolunteerImport).where(VolunteerImport.id == import_id, VolunteerImport.created_by_id == coordinator.id)
    )


class AlreadyImported(ServiceError):
    pass


class ImportInvalid(ServiceError):
    """The file no longer passes the checks (an address was taken in the meantime, say)."""

    def __init__(self, result: ImportCheck) -> None:
        super().__init__(_l("Nothing was imported: some rows have errors."))
        self.result = result


def import_volunteers(coordinator: User, upload: VolunteerImport, *, locale: str, now: datetime | None = None) -> int:
    """Creates every volunteer of the upload, or raises and creates none. The caller commits."""
    from .volunteers import create_volunteer

    if not coordinator.is_coordinator or upload.created_by_id != coordinator.id:
        raise ServiceError(_l("Only the coordinator who uploaded the file can import it."))
    now = now or utcnow()
    # Claimed with a conditional update: of two confirmations sent at once, one imports.
    claimed = db.session.execute(
        update(VolunteerImport)
        .where(VolunteerImport.id == upload.id, VolunteerImport.imported_at.is_(None))
        .values(imported_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AlreadyImported(_l("This file has been imported already."))
    result, reference = _check_table(read_upload(upload.filename, upload.content))
    if not result.ok:
        raise ImportInvalid(result)

    languages: list[dict[str, Any]] = []
    status_changes: list[dict[str, Any]] = []
    for row in result.rows:
        profile = create_volunteer(
            coordinator,
            given_name=row.given_name,
            family_name=row.family_name,
            email=row.email,
            phone=row.phone,
            home_place=reference.place_objects[row.place.id] if row.place else None,
            locale=locale,
        )
        profile.german_level = row.german_level
        for area in Area:
            setattr(profile, f"area_{area.value}", area in row.areas)
        for kind in WorkKind:
            setattr(profile, f"kind_{kind.value}", kind in row.kinds)
        profile.gender = row.gender
        profile.mobility = row.mobility
        profile.max_travel_km = row.max_travel_km
        languages += [
            {"profile_id": profile.id, "language_code": language.code, "level": level}
            for language, level in row.languages
        ]
        if row.status is not VolunteerStatus.APPLICANT:
            status_changes.append(
                {
                    "profile_id": profile.id,
                    "from_status": VolunteerStatus.APPLICANT,
                    "to_status": row.status,
                    "reason": IMPORT_REASON,
                    "changed_by_id": coordinator.id,
                }
            )
            profile.status = row.status
    db.session.flush()
    # One statement each for all rows. changed_at comes from the column default, later than
    # the applicant entries made above, so the history lists them in this order.
    if languages:
        db.session.execute(insert(VolunteerLanguage), languages)
    if status_changes:
        db.session.execute(insert(StatusChange), status_changes)
    upload.imported_at = now
    upload.content = b""  # the people are in the database now; the upload need not keep them
    audit.record("volunteer.imported", actor=coordinator, count=len(result.rows))
    db.session.flush()
    return len(result.rows)


# ---------------------------------------------------------------------------------------------
# The template to download

_EXAMPLE_EN = {
    "given_name": "Amina",
    "family_name": "Yusuf",
    "email": "amina.yusuf@example.org",
    "phone": "0561 123456",
    "place": "Hofgeismar",
    "languages": "tir:native; ara:C1",
    "german_level": "B2",
    "areas": "language, health",
    "kinds": "interpreting, accompanying",
    "gender": "female",
    "mobility": "public_transport",
    "max_travel_km": "25",
    "status": "applicant",
}
_EXAMPLE_DE = {
    **_EXAMPLE_EN,
    "languages": "tir:Muttersprache; ara:C1",
    "areas": "Sprache, Gesundheit",
    "kinds": "Dolmetschen, Begleitung",
    "gender": "weiblich",
    "mobility": "ÖPNV",
    "status": "Bewerbung",
}


def template_rows(locale: str) -> list[list[str]]:
    """A header and one example row: German headers for a German interface (written as
    CSV or as a workbook by services/spreadsheets.py)."""
    german = locale.startswith("de")
    example = _EXAMPLE_DE if german else _EXAMPLE_EN
    return [
        [column.german if german else column.name for column in COLUMNS],
        [example[column.name] for column in COLUMNS],
    ]


__all__ = [
    "COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "AlreadyImported",
    "ImportCheck",
    "ImportInvalid",
    "ImportRow",
    "check",
    "get_upload",
    "import_volunteers",
    "read_upload",
    "store_upload",
    "template_rows",
]
