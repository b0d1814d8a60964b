"""The columns of an import file and the words people write in them: headers in English or
German, values such as "Muttersprache" or "ÖPNV", matched whatever their case, spaces, hyphens
or umlaut spellings. Also the template a coordinator downloads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...models.enums import Area, Gender, LanguageLevel, Mobility, VolunteerStatus, WorkKind

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
HEADER = _index(((column.name, column.german, *column.aliases), column.name) for column in COLUMNS)

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


def short(value: str, limit: int = 60) -> str:
    """A cell quoted in a message, cut to `limit` characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


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
