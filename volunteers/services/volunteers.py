"""Volunteer profiles: what the volunteer edits, what coordinators change, and who may."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from .. import phones
from ..db_types import utcnow
from ..extensions import db
from ..labels import label
from ..models import (
    Absence,
    AvailabilitySlot,
    Language,
    Place,
    StatusChange,
    User,
    VolunteerLanguage,
    VolunteerProfile,
)
from ..models.enums import (
    Area,
    ContactChannel,
    DayPart,
    Gender,
    LanguageLevel,
    Mobility,
    Programme,
    TaxAllowance,
    VolunteerStatus,
    WorkKind,
)
from ..notifications.events import notify_volunteer_status_changed
from . import ServiceError, audit, calendar_feeds
from .offers import withdraw_open_offers
from .users import find_by_email, normalise_email

# ---------------------------------------------------------------------------------------------
# Who may


def is_own(user: User, profile: VolunteerProfile) -> bool:
    return user.is_authenticated and profile.user_id == user.id


def can_view(user: User, profile: VolunteerProfile) -> bool:
    """The volunteer and the centre's coordinators; nobody else (organisations never)."""
    return is_own(user, profile) or (user.is_authenticated and user.is_coordinator)


def _require_edit(actor: User, profile: VolunteerProfile) -> None:
    if not can_view(actor, profile):
        raise ServiceError(_l("You may not change this profile."))


STALE = _l(
    "This profile was changed in the meantime (in another window or by the centre). "
    "Your entries are still below: check them against the current profile and save again."
)


def _check_version(profile: VolunteerProfile, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != profile.version:
        raise ServiceError(STALE, field="version")


# ---------------------------------------------------------------------------------------------
# Creating


def ensure_profile(user: User) -> VolunteerProfile:
    """Every volunteer has a profile; made when the role is granted."""
    if user.profile is None:
        profile = VolunteerProfile(user=user, status=VolunteerStatus.APPLICANT, version=1)
        db.session.add(profile)
        db.session.flush()
        db.session.add(StatusChange(profile=profile, from_status=None, to_status=VolunteerStatus.APPLICANT))
    return user.profile  # type: ignore[return-value]


def _phone(text: str | None) -> str | None:
    """A phone number as stored (E.164), or a refusal at the phone field."""
    try:
        return phones.normalise_optional(text)
    except phones.InvalidPhone as error:
        raise ServiceError(error.message, field="phone") from None


def create_volunteer(
    coordinator: User,
    *,
    given_name: str,
    family_name: str,
    email: str | None,
    phone: str | None,
    home_place: Place | None,
    locale: str,
) -> VolunteerProfile:
    """A volunteer the centre records (from paper): an account without password, which the
    person can take over through an invitation mail."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators create volunteers."))
    phone = _phone(phone)
    email = normalise_email(email) if email else None
    if email and find_by_email(email) is not None:
        raise ServiceError(_l("An account with this email address exists already."), field="email")
    if not email and not phone:
        raise ServiceError(
            _l("Give an email address or a phone number, so the centre can reach the person."), field="email"
        )
    user = User(
        email=email,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        password_hash=None,
        locale=locale,
        session_version=1,
        active=True,
        is_coordinator=False,
        is_volunteer=True,
    )
    db.session.add(user)
    db.session.flush()
    profile = ensure_profile(user)
    profile.phone = phone
    profile.home_place = home_place
    audit.record("volunteer.created", actor=coordinator, subject=user)
    return profile


# ---------------------------------------------------------------------------------------------
# The profile


@dataclass
class ProfileChanges:
    given_name: str
    family_name: str
    phone: str | None
    home_place_id: int | None
    mobility: Mobility | None
    max_travel_km: int | None
    german_level: LanguageLevel | None
    #: (language code, level); German is german_level, not a row here.
    languages: list[tuple[str, LanguageLevel]] = field(default_factory=list)
    areas: set[Area] = field(default_factory=set)
    kinds: set[WorkKind] = field(default_factory=set)
    gender: Gender = Gender.NOT_STATED
    gender_self_description: str | None = None
    contact_channel: ContactChannel = ContactChannel.NONE
    locale: str = "de"


def _validate_languages(languages: list[tuple[str, LanguageLevel]], held: set[str]) -> None:
    """Languages from the list, each once, not German; a retired one only if already held."""
    codes = [code for code, _ in languages]
    if len(codes) != len(set(codes)):
        raise ServiceError(_l("Each language only once, please."), field="languages")
    if "deu" in codes:
        raise ServiceError(_l("German has its own field above; list other languages here."), field="languages")
    offered = set(
        db.session.scalars(
            select(Language.code).where(
                Language.code.in_(codes), or_(Language.retired_at.is_(None), Language.code.in_(sorted(held)))
            )
        )
    )
    if set(codes) - offered:
        raise ServiceError(_l("Choose languages from the list."), field="languages")


def update_profile(
    actor: User, profile: VolunteerProfile, changes: ProfileChanges, expected_version: int | None
) -> list[str]:
    """Applies the changes; returns the names of what changed (for the history)."""
    _require_edit(actor, profile)
    _check_version(profile, expected_version)
    _validate_languages(changes.languages, {entry.language_code for entry in profile.languages})
    if changes.home_place_id is not None and db.session.get(Place, changes.home_place_id) is None:
        raise ServiceError(_l("Choose a place from the list."), field="home_place")
    phone = _phone(changes.phone)
    if changes.contact_channel is ContactChannel.PHONE and not phone:
        raise ServiceError(_l("Add a phone number, or choose another contact channel."), field="phone")

    user = profile.user
    changed: list[str] = []

    def assign(target: User | VolunteerProfile, name: str, value: object) -> None:
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed.append(name)

    assign(user, "given_name", changes.given_name.strip())
    assign(user, "family_name", changes.family_name.strip())
    assign(user, "locale", changes.locale)
    assign(profile, "phone", phone)
    for name in ("home_place_id", "mobility", "max_travel_km", "german_level", "gender", "contact_channel"):
        assign(profile, name, getattr(changes, name))
    description = (changes.gender_self_description or "").strip() or None
    assign(profile, "gender_self_description", description)
    for area in Area:
        assign(profile, f"area_{area.value}", area in changes.areas)
    for kind in WorkKind:
        assign(profile, f"kind_{kind.value}", kind in changes.kinds)

    wanted = dict(changes.languages)
    current = {entry.language_code: entry for entry in profile.languages}
    if {code: entry.level for code, entry in current.items()} != wanted:
        changed.append("languages")
        for code, entry in current.items():
            if code not in wanted:
                profile.languages.remove(entry)
            elif entry.level != wanted[code]:
                entry.level = wanted[code]
        for code, level in wanted.items():
            if code not in current:
                profile.languages.append(VolunteerLanguage(language_code=code, level=level))
    if changed:
        profile.updated_at = utcnow()  # raises the version too
        audit.record("volunteer.profile_updated", actor=actor, subject=user, fields=",".join(changed))
    return changed


def set_availability(
    actor: User,
    profile: VolunteerProfile,
    slots: set[tuple[int, DayPart]],
    max_assignments_per_month: int,
    expected_version: int | None,
) -> None:
    _require_edit(actor, profile)
    _check_version(profile, expected_version)
    if not 1 <= max_assignments_per_month <= 31:
        raise ServiceError(_l("Choose between 1 and 31 assignments a month."), field="max_assignments_per_month")
    current = {(slot.weekday, slot.day_part): slot for slot in profile.availability}
    for key, slot in current.items():
        if key not in slots:
            profile.availability.remove(slot)
    for weekday, part in slots - set(current):
        profile.availability.append(AvailabilitySlot(weekday=weekday, day_part=part))
    profile.max_assignments_per_month = max_assignments_per_month
    profile.updated_at = utcnow()
    audit.record("volunteer.profile_updated", actor=actor, subject=profile.user, fields="availability")


def add_absence(actor: User, profile: VolunteerProfile, starts_on: date, ends_on: date, today: date) -> Absence:
    _require_edit(actor, profile)
    if ends_on < starts_on:
        raise ServiceError(_l("The last day cannot be before the first day."), field="ends_on")
    if ends_on < today:
        raise ServiceError(_l("This absence is already over."), field="ends_on")
    absence = Absence(starts_on=starts_on, ends_on=ends_on)
    profile.absences.append(absence)
    db.session.flush()
    return absence


def absence_of(profile: VolunteerProfile, absence_id: int) -> Absence | None:
    """The profile's own absence with this id; another volunteer's is as unknown as a missing one."""
    return db.session.scalar(select(Absence).where(Absence.id == absence_id, Absence.profile_id == profile.id))


def remove_absence(actor: User, profile: VolunteerProfile, absence: Absence) -> None:
    _require_edit(actor, profile)
    if absence.profile_id != profile.id:
        raise ServiceError(_l("This absence is not in this profile."))
    db.session.execute(delete(Absence).where(Absence.id == absence.id))


# ---------------------------------------------------------------------------------------------
# Status

#: (from, to) -> who may: "coordinator", or also "volunteer" (pausing oneself).
TRANSITIONS: dict[tuple[VolunteerStatus, VolunteerStatus], frozenset[str]] = {
    (VolunteerStatus.APPLICANT, VolunteerStatus.ACTIVE): frozenset({"coordinator"}),
    (VolunteerStatus.APPLICANT, VolunteerStatus.RETIRED): frozenset({"coordinator"}),
    (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED): frozenset({"coordinator", "volunteer"}),
    (VolunteerStatus.ACTIVE, VolunteerStatus.RETIRED): frozenset({"coordinator"}),
    (VolunteerStatus.PAUSED, VolunteerStatus.ACTIVE): frozenset({"coordinator"}),
    (VolunteerStatus.PAUSED, VolunteerStatus.RETIRED): frozenset({"coordinator"}),
    (VolunteerStatus.RETIRED, VolunteerStatus.ACTIVE): frozenset({"coordinator"}),
}


def allowed_transitions(actor: User, profile: VolunteerProfile) -> list[VolunteerStatus]:
    roles = {"coordinator"} if actor.is_coordinator else set()
    if is_own(actor, profile):
        roles.add("volunteer")
    return [to for (frm, to), who in TRANSITIONS.items() if frm is profile.status and who & roles]


def check_status_change(
    actor: User,
    profile: VolunteerProfile,
    to_status: VolunteerStatus,
    reason: str | None,
    expected_status: VolunteerStatus | None = None,
) -> str | None:
    """Refuses a change the table does not allow, or one made on an outdated page, and returns
    the reason to keep. Changes nothing: a confirmation page asks it before it is shown."""
    if expected_status is not None and expected_status is not profile.status:
        raise ServiceError(
            _l("The status has changed in the meantime; it is now “%(status)s”.", status=label(profile.status))
        )
    if to_status not in allowed_transitions(actor, profile):
        raise ServiceError(
            _l(
                "The status cannot change from “%(from)s” to “%(to)s” here.",
                **{"from": label(profile.status), "to": label(to_status)},
            )
        )
    reason = (reason or "").strip() or None
    if actor.is_coordinator and not is_own(actor, profile) and reason is None:
        raise ServiceError(_l("Give a reason; it is kept in the history."), field="reason")
    return reason


def change_status(
    actor: User,
    profile: VolunteerProfile,
    to_status: VolunteerStatus,
    reason: str | None,
    expected_status: VolunteerStatus | None = None,
) -> StatusChange:
    """One transition of the table above. Coordinators give a reason; the volunteer is told."""
    reason = check_status_change(actor, profile, to_status, reason, expected_status)
    by_coordinator = actor.is_coordinator and not is_own(actor, profile)
    if to_status is not VolunteerStatus.ACTIVE:
        # First, before this profile's row is written: offers lock the request, then the profile.
        withdraw_open_offers(profile, actor)
    change = StatusChange(
        profile=profile,
        from_status=profile.status,
        to_status=to_status,
        reason=reason,
        changed_by=actor,
        changed_at=utcnow(),
    )
    db.session.add(change)
    profile.status = to_status
    profile.updated_at = utcnow()
    if to_status is VolunteerStatus.RETIRED:
        calendar_feeds.stop(profile)
    audit.record("volunteer.status_changed", actor=actor, subject=profile.user, status=to_status.value)
    if by_coordinator:
        db.session.flush()
        notify_volunteer_status_changed(profile, change)
    return change


def status_history(profile: VolunteerProfile) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.profile_id == profile.id)
            .options(selectinload(StatusChange.changed_by))
            .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
        )
    )


def profile_of(user: User) -> VolunteerProfile | None:
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def set_funding(
    coordinator: User,
    profile: VolunteerProfile,
    programme: Programme,
    allowance: TaxAllowance,
    expected_version: int | None,
) -> bool:
    """How the volunteer is paid, set by a coordinator (audited). False when nothing changed."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators set how a volunteer is paid."))
    _check_version(profile, expected_version)
    if (profile.programme, profile.tax_allowance) == (programme, allowance):
        return False
    audit.record(
        "volunteer.funding_changed",
        actor=coordinator,
        subject=profile.user,
        programme=programme.value,
        tax_allowance=allowance.value,
        was=f"{profile.programme.value}/{profile.tax_allowance.value}",
    )
    profile.programme, profile.tax_allowance = programme, allowance
    return True


__all__ = [
    "STALE",
    "TRANSITIONS",
    "ProfileChanges",
    "absence_of",
    "add_absence",
    "allowed_transitions",
    "can_view",
    "change_status",
    "check_status_change",
    "create_volunteer",
    "ensure_profile",
    "is_own",
    "profile_of",
    "remove_absence",
    "set_availability",
    "set_funding",
    "status_history",
    "update_profile",
]
