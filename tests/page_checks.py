"""What every page and every mail is checked for (tests/web/test_every_page.py runs them over
the walk of tests/walk.py and over every mail):

- ids are unique, and every `label[for]`, `aria-describedby`, `aria-labelledby`,
  `aria-controls` and in-page link points to an id on the page;
- exactly one h1, and a title;
- no internal identifier reaches a person (field, role, job, enum, audit event names, codes);
- no date or time that reads two ways ("12/8/26", "10:00 AM", "Dec 8, 2026"), and every
  `<time datetime>` holds a valid HTML value;
- "(optional)" is said once per field;
- no sentence ends in a doubled period after a name such as "… e.V.".

Each page is parsed once (`tests.pages.tree`); the functions taking a string are for tests
of one page.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tests.pages import Node, text_of, tree

# -- ids, references, headings -----------------------------------------------------------


def _id_problems(nodes: list[Node]) -> list[str]:
    ids: list[str] = []
    references: list[tuple[str, str]] = []
    for node in nodes:
        values = node.attrs
        if values.get("id"):
            ids.append(values["id"])
        if node.tag == "label" and values.get("for"):
            references.append(("label[for]", values["for"]))
        for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
            references += [(attribute, target) for target in (values.get(attribute) or "").split()]
        href = values.get("href") or ""
        if node.tag == "a" and href.startswith("#") and len(href) > 1:
            references.append(("href", href[1:]))
    problems = [f"id {name!r} appears {count} times" for name, count in Counter(ids).items() if count > 1]
    known = set(ids)
    return problems + [f"{kind} points to missing id {target!r}" for kind, target in references if target not in known]


def id_problems(page: str) -> list[str]:
    """Duplicate ids and references to ids that are not on the page."""
    return _id_problems(list(tree(page).iter()))


def _heading_problems(nodes: list[Node]) -> list[str]:
    problems = []
    headings = [node for node in nodes if node.tag == "h1"]
    if len(headings) != 1:
        problems.append(f"{len(headings)} h1 elements")
    titles = [node.text().strip() for node in nodes if node.tag == "title"]
    if len(titles) != 1 or not titles[0] or titles[0].startswith("–"):
        problems.append(f"title {titles!r}")
    return problems


def heading_problems(page: str) -> list[str]:
    """Exactly one h1, and a title that says more than the site's name."""
    return _heading_problems(list(tree(page).iter()))


# -- identifiers -------------------------------------------------------------------------

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # gender_preference, partly_filled
EXCEPTION = re.compile(r"\b[A-Z][A-Za-z]*[a-z](?:Error|Exception|Refused|Disconnected|Timeout)\b")
LINKS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _word(word: str) -> re.Pattern:
    """A whole identifier: not part of a longer word or hyphenated compound."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


@dataclass
class Identifiers:
    #: Identifiers that are never text.
    always: set[str]
    #: English words the code uses for states, roles and columns: on a German page a leak.
    words: set[str]
    _parts: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._parts = {name: [p for p in re.split(r"[.-]", name) if p] for name in self.always | self.words}

    def found(self, names: set[str], text: str, words_of_text: set[str]) -> list[str]:
        """The names that stand in `text` as whole identifiers (a name's pattern runs only where
        the text has all its words)."""
        return sorted(
            name
            for name in names
            if all(part in words_of_text for part in self._parts[name]) and _word(name).search(text)
        )


def identifiers() -> Identifiers:
    """What must not reach a person as it is. Needs an application context."""
    from sqlalchemy import select

    from volunteers import jobs
    from volunteers.extensions import db
    from volunteers.models import Language, QualificationType, enums
    from volunteers.models.organisation import OrganisationStatus
    from volunteers.models.outbox import OutboxStatus
    from volunteers.models.place import PlaceKind
    from volunteers.models.token import InvitationRole
    from volunteers.permissions import Role
    from volunteers.services.audit import ACTIONS

    always = set(ACTIONS) | {job.name for job in jobs.JOBS if "-" in job.name}
    always |= set(db.session.scalars(select(QualificationType.code)))
    always |= set(db.session.scalars(select(Language.code)))
    classes = [Role, InvitationRole, OutboxStatus, OrganisationStatus, PlaceKind]
    classes += [c for c in vars(enums).values() if isinstance(c, type) and issubclass(c, enum.Enum)]
    words = {m.value for c in classes if c is not enums.LanguageLevel for m in c}
    words |= {job.name for job in jobs.JOBS}
    words |= {column.name for table in db.metadata.tables.values() for column in table.columns}
    return Identifiers(always, {w for w in words if isinstance(w, str) and len(w) > 2 and w.islower()})


def _not_the_apps_words(locale: str | None):
    """What a person typed (a textarea, a coordinator's note, in whatever language), what they
    are meant to type as it is (<code>), and parts marked as another language (a mail's
    subject in its recipient's language) are not the app's words in `locale`."""

    def leave_out(node: Node) -> bool:
        if node.tag in ("code", "textarea") or "note__body" in (node.attrs.get("class") or "").split():
            return True
        lang = node.attrs.get("lang")
        return bool(locale and lang and node.tag != "html" and lang[:2] != locale)

    return leave_out


def readable(html: str | Node, locale: str | None = None) -> str:
    """What a person reads on a page as the app wrote it (in `locale`): not what they typed,
    not what they are meant to type as it is, not links, not parts in another language."""
    root = tree(html) if isinstance(html, str) else html
    return LINKS.sub("", text_of(root, _not_the_apps_words(locale)))


def leaks(text: str, german: bool, known: Identifiers) -> list[str]:
    text = LINKS.sub("", text)
    words_of_text = set(re.findall(r"\w+", text))
    found = SNAKE.findall(text) + EXCEPTION.findall(text)
    found += known.found(known.always, text, words_of_text)
    if german:
        found += known.found(known.words - set(found), text, words_of_text)
    return found


# -- dates -------------------------------------------------------------------------------

#: "12/8/26", "08.12.2026", "8-12-2026": which is the day?
NUMERIC_DATE = re.compile(r"(?<![\d/.-])\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?![\d/.-])")
TWELVE_HOUR = re.compile(r"\b\d{1,2}(:\d{2})?\s*[AaPp]\.?\s?[Mm]\b\.?")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_FIRST = re.compile(rf"\b({MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{{1,2}},? \d{{4}}")


def ambiguities(text: str) -> list[str]:
    found = []
    for pattern in (NUMERIC_DATE, TWELVE_HOUR, MONTH_FIRST):
        found += [match.group(0) for match in pattern.finditer(text)]
    return found


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


def valid_html_datetime(value: str) -> bool:
    if not HTML_DATETIME.match(value):
        return False
    if re.match(rf"^{_DATE}", value):
        try:  # a real day, a real hour
            datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:
            return False
    return True


def _datetime_attributes(nodes: list[Node]) -> list[str]:
    return [node.attrs["datetime"] or "" for node in nodes if "datetime" in node.attrs]


def datetime_attributes(html: str) -> list[str]:
    return _datetime_attributes(list(tree(html).iter()))


# -- wording -----------------------------------------------------------------------------

OPTIONAL = re.compile(r"\boptional\b", re.IGNORECASE)


def fields_and_what_they_say(html: str | Node) -> list[tuple[str, str]]:
    """(field, its label or legend with the hints and errors tied to it) for every field."""
    root = tree(html) if isinstance(html, str) else html
    by_id = {node.attrs["id"]: node for node in root.iter() if node.attrs.get("id")}

    def described(node) -> str:
        ids = (node.attrs.get("aria-describedby") or "").split()
        return " ".join(by_id[i].text() for i in ids if i in by_id)

    fields = []
    for node in root.iter():
        if node.tag == "label" and node.attrs.get("for") in by_id:
            control = by_id[node.attrs["for"]]
            fields.append((node.attrs["for"], f"{node.text()} {described(control)}"))
        elif node.tag == "legend":
            fieldset = node.parent
            fields.append((node.text().strip(), f"{node.text()} {described(fieldset)}"))
    return fields


def optional_twice(html: str | Node) -> list[str]:
    return [
        f"{name}: {' '.join(says.split())}"
        for name, says in fields_and_what_they_say(html)
        if len(OPTIONAL.findall(says)) > 1
    ]


DOUBLED_PERIOD = re.compile(r"[^.\s]\.\.(?!\.)")


def doubled_periods(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if DOUBLED_PERIOD.search(line)]


# -- all of them -------------------------------------------------------------------------


def page_problems(
    html: str, locale: str, known: Identifiers, file_format: bool = False, seen: Counter | None = None
) -> list[str]:
    """Everything found wrong on one page in `locale`. `file_format`: the page describes a
    file's columns and values to type as they are (the import), so identifiers are expected.
    `seen` counts what was checked: datetime attributes, fields."""
    root = tree(html)
    nodes = list(root.iter())
    text = text_of(root)
    problems = _id_problems(nodes) + _heading_problems(nodes)
    if not file_format:
        problems += [f"identifier {leak!r}" for leak in leaks(readable(root, locale), locale == "de", known)]
    problems += [f"ambiguous date or time {found!r}" for found in ambiguities(text)]
    values = _datetime_attributes(nodes)
    problems += [f"invalid datetime {value!r}" for value in values if not valid_html_datetime(value)]
    fields = fields_and_what_they_say(root)
    problems += [f"(optional) twice: {name}" for name, says in fields if len(OPTIONAL.findall(says)) > 1]
    problems += [f"doubled period: {line}" for line in doubled_periods(text)]
    if seen is not None:
        seen.update(datetime=len(values), fields=len(fields))
    return problems


def mail_problems(text: str, html: str, german: bool, known: Identifiers) -> list[str]:
    """Everything found wrong in one mail, its plain text and its HTML."""
    root = tree(html)
    nodes = list(root.iter())
    problems = _id_problems(nodes)
    for body in (text, text_of(root)):
        problems += [f"ambiguous date or time {found!r}" for found in ambiguities(body)]
        problems += [f"doubled period: {line}" for line in doubled_periods(body)]
    for body in (text, readable(root)):
        problems += [f"identifier {leak!r}" for leak in leaks(body, german, known)]
    problems += [f"invalid datetime {v!r}" for v in _datetime_attributes(nodes) if not valid_html_datetime(v)]
    return problems
