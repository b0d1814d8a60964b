"""The list of languages and their varieties, which coordinators keep: add, rename, make one a
variety of another, retire (no longer offered for new entries; those who have it keep it),
bring back, and delete one nobody uses. How a variety is matched: matching.accepted_languages.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from ..db_types import utcnow
from ..extensions import db
from ..models import Language, SupportRequest, User, VolunteerLanguage
from ..texts import FALLBACK, field_of
from . import ServiceError, audit
from .matching import accepted_languages

#: German is asked for on its own (a level in the profile), never as one of the languages.
GERMAN = "deu"
#: ISO 639-3 reserves qaa–qtz for local use: entries without a code of their own get one.
LOCAL_CODES = [f"q{second}{third}" for second in "abcdefghijklmnopqrst" for third in string.ascii_lowercase]
CODE = re.compile(r"^[a-z]{3}$")


def varieties_of(code: str) -> frozenset[str]:
    """The codes of the language's varieties (none for a variety or a language without any)."""
    return frozenset(db.session.scalars(select(Language.code).where(Language.parent_code == code)))


def accepted_for(code: str) -> frozenset[str]:
    """Whose speakers a request (or a search) for `code` takes: matching.accepted_languages."""
    return accepted_languages(code, {code: varieties_of(code)})


@dataclass
class LanguageInput:
    #: The name per locale (texts.py); every one given must be filled in, German always.
    names: Mapping[str, str | None]
    parent_code: str | None
    #: Only when adding; empty: a local code is given.
    code: str | None = None


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise ServiceError(_l("Only coordinators keep the list of languages."))


def _check_names(data: LanguageInput, language: Language | None) -> dict[str, str]:
    """Every name given filled in (German always), and none taken by another entry in the same
    language (whatever the case: the list is short, so it is compared here, where "Ä" and "ä"
    are the same letter, unlike in SQLite)."""
    others = db.session.scalars(
        select(Language.names).where(Language.code != (language.code if language else ""))
    ).all()
    names = {}
    for locale, value in {FALLBACK: None, **data.names}.items():
        field = field_of("name", locale)
        name = " ".join((value or "").split())
        if not name:
            raise ServiceError(_l("Enter the name."), field=field)
        if any((other.get(locale) or "").casefold() == name.casefold() for other in others):
            raise ServiceError(_l("Another entry already has this name."), field=field)
        names[locale] = name
    return names


def _check_parent(parent_code: str | None, language: Language | None) -> Language | None:
    if not parent_code:
        return None
    parent = db.session.get(Language, parent_code)
    if parent is None or parent.code == GERMAN:
        raise ServiceError(_l("Choose the language from the list."), field="parent_code")
    if language is not None and parent.code == language.code:
        raise ServiceError(_l("An entry cannot be a variety of itself."), field="parent_code")
    if parent.parent_code is not None:
        raise ServiceError(_l("Choose a language, not a variety: varieties have no varieties."), field="parent_code")
    if language is not None and db.session.scalar(select(exists().where(Language.parent_code == language.code))):
        raise ServiceError(
            _l("This language has varieties of its own, so it cannot become a variety."), field="parent_code"
        )
    if language is not None and language.code == GERMAN:
        raise ServiceError(_l("German is asked for on its own and has no place in this list."), field="parent_code")
    return parent


def _new_code(wanted: str | None) -> str:
    code = (wanted or "").strip().lower()
    if code:
        if not CODE.match(code):
            raise ServiceError(_l("Use the three letters of the ISO 639-3 code, or leave it empty."), field="code")
        if db.session.get(Language, code) is not None:
            raise ServiceError(_l("This code is taken already."), field="code")
        return code
    taken = set(db.session.scalars(select(Language.code).where(Language.code.between("qaa", "qtz"))))
    for candidate in LOCAL_CODES:
        if candidate not in taken:
            return candidate
    raise ServiceError(_l("All local codes are in use: give the ISO 639-3 code."), field="code")


def add(actor: User, data: LanguageInput) -> Language:
    _require_coordinator(actor)
    names = _check_names(data, None)
    parent = _check_parent(data.parent_code, None)
    language = Language(code=_new_code(data.code), names=names, parent=parent)
    db.session.add(language)
    db.session.flush()
    audit.record("language.added", actor=actor, code=language.code)
    return language


def change(actor: User, language: Language, data: LanguageInput) -> list[str]:
    """New names, or another parent (which changes whom requests for the parent accept)."""
    _require_coordinator(actor)
    names = {**language.names, **_check_names(data, language)}
    parent = _check_parent(data.parent_code, language)
    changed = [
        name
        for name, old, new in (
            *((field_of("name", locale), language.names.get(locale), names[locale]) for locale in sorted(names)),
            ("parent", language.parent_code, parent.code if parent else None),
        )
        if old != new
    ]
    language.names, language.parent = names, parent
    if changed:
        audit.record("language.changed", actor=actor, code=language.code, fields=",".join(changed))
    return changed


def set_retired(actor: User, language: Language, retired: bool) -> None:
    _require_coordinator(actor)
    if language.code == GERMAN:
        raise ServiceError(_l("German is always asked for; it cannot be retired."))
    if retired == language.retired:
        return
    language.retired_at = utcnow() if retired else None
    audit.record("language.retired" if retired else "language.reactivated", actor=actor, code=language.code)


@dataclass(frozen=True)
class Usage:
    speakers: int = 0
    requests: int = 0
    varieties: int = 0

    @property
    def in_use(self) -> bool:
        return bool(self.speakers or self.requests or self.varieties)


def usage(codes: list[str]) -> dict[str, Usage]:
    """How many volunteers speak each, how many requests ask for it, how many varieties it has
    (three grouped queries, however long the list)."""
    if not codes:
        return {}
    speakers = dict(
        db.session.execute(
            select(VolunteerLanguage.language_code, func.count())
            .where(VolunteerLanguage.language_code.in_(codes))
            .group_by(VolunteerLanguage.language_code)
        ).all()
    )
    requests = dict(
        db.session.execute(
            select(SupportRequest.language_code, func.count())
            .where(SupportRequest.language_code.in_(codes))
            .group_by(SupportRequest.language_code)
        ).all()
    )
    varieties = dict(
        db.session.execute(
            select(Language.parent_code, func.count())
            .where(Language.parent_code.in_(codes))
            .group_by(Language.parent_code)
        ).all()
    )
    return {code: Usage(speakers.get(code, 0), requests.get(code, 0), varieties.get(code, 0)) for code in codes}


def delete(actor: User, language: Language) -> None:
    """Only an entry nobody uses: one in use is retired instead, so no record loses its language."""
    _require_coordinator(actor)
    if language.code == GERMAN or usage([language.code])[language.code].in_use:
        raise ServiceError(_l("This entry is in use; retire it instead, so that nothing loses its language."))
    audit.record("language.deleted", actor=actor, code=language.code)
    db.session.delete(language)


def is_offered(code: str, held: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether `code` may be chosen: a language that is not retired, or one already held."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Language.code == code,
                    Language.code != GERMAN,
                    or_(Language.retired_at.is_(None), Language.code.in_(sorted(held))),
                )
            )
        )
    )


__all__ = [
    "GERMAN",
    "LanguageInput",
    "Usage",
    "accepted_for",
    "add",
    "change",
    "delete",
    "is_offered",
    "set_retired",
    "usage",
    "varieties_of",
]
