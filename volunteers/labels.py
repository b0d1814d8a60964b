"""How the fixed vocabularies read in the interface (translated). Templates call `label(x)`."""

from __future__ import annotations

import enum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_babel.speaklater import LazyString

from .formatting import format_weekday
from .models.enums import (
    Actor,
    Area,
    AssignmentState,
    CancelledBy,
    CertificateKind,
    CertificateResult,
    Channel,
    ContactChannel,
    DayPart,
    EventSubject,
    Gender,
    GenderPreference,
    HardRule,
    LanguageLevel,
    LimitNote,
    Mobility,
    Mode,
    MonthState,
    Notice,
    OfferAction,
    OfferState,
    Outcome,
    Programme,
    QualificationArea,
    QualificationRule,
    QualificationStatus,
    RankingFactor,
    RequestState,
    ResponseChannel,
    TaxAllowance,
    TopicCategory,
    VolunteerStatus,
    WithdrawalCause,
    WorkKind,
)
from .permissions import Role
from .services.board import BoardSort

LABELS: dict[enum.Enum, object] = {
    Area.LANGUAGE: _l("Language support"),
    Area.HEALTH: _l("Health support"),
    QualificationArea.LANGUAGE: _l("Language"),
    QualificationArea.HEALTH: _l("Health"),
    QualificationArea.GENERAL: _l("General"),
    WorkKind.INTERPRETING: _l("Interpreting or language mediation"),
    WorkKind.ACCOMPANYING: _l("Accompanying to appointments"),
    WorkKind.INFORMATION_EVENT: _l("Information events"),
    WorkKind.MENTORING: _l("Mentoring"),
    Mobility.CAR: _l("Car"),
    Mobility.PUBLIC_TRANSPORT: _l("Public transport"),
    Mobility.REMOTE_ONLY: _l("Remote only (phone or video)"),
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
    Gender.DIVERSE: _l("Diverse"),
    Gender.NOT_STATED: _l("Not stated"),
    ContactChannel.NONE: _l("None: organisations reach the volunteer through the centre"),
    ContactChannel.PHONE: _l("Phone number"),
    ContactChannel.EMAIL: _l("Email address"),
    VolunteerStatus.APPLICANT: _l("Applicant"),
    VolunteerStatus.ACTIVE: _l("Active"),
    VolunteerStatus.PAUSED: _l("Paused"),
    VolunteerStatus.RETIRED: _l("Retired"),
    DayPart.MORNING: _l("Morning (8–12)"),
    DayPart.AFTERNOON: _l("Afternoon (12–17)"),
    DayPart.EVENING: _l("Evening (17–21)"),
    QualificationStatus.PENDING: _l("Waiting for verification"),
    QualificationStatus.VERIFIED: _l("Verified"),
    QualificationStatus.REJECTED: _l("Rejected"),
    CertificateKind.SIMPLE: _l("Simple"),
    CertificateKind.EXTENDED: _l("Extended (§ 30a BZRG)"),
    CertificateResult.NO_ENTRIES: _l("No entries"),
    CertificateResult.ENTRIES: _l("Entries recorded"),
    LanguageLevel.NATIVE: _l("Native"),
    RequestState.OPEN: _l("Open"),
    RequestState.PARTLY_FILLED: _l("Partly filled"),
    RequestState.FILLED: _l("Filled"),
    RequestState.CANCELLED: _l("Cancelled"),
    RequestState.UNMATCHED: _l("Unmatched"),
    OfferState.OFFERED: _l("Asked"),
    OfferState.ACCEPTED: _l("Accepted"),
    OfferState.DECLINED: _l("Declined"),
    OfferState.EXPIRED: _l("No answer in time"),
    OfferState.WITHDRAWN: _l("Withdrawn"),
    OfferState.CANCELLED_BY_VOLUNTEER: _l("Cancelled by the volunteer"),
    OfferAction.ACCEPT: _l("Accepted by phone"),
    OfferAction.DECLINE: _l("Declined by phone…"),
    OfferAction.CANCEL: _l("Cancelled by phone…"),
    OfferAction.WITHDRAW: _l("Withdraw…"),
    WithdrawalCause.FILLED: _l("filled by other volunteers"),
    WithdrawalCause.CHANGED: _l("the request changed"),
    WithdrawalCause.CANCELLED: _l("the request was cancelled"),
    WithdrawalCause.COORDINATOR: _l("withdrawn by the centre"),
    WithdrawalCause.UNAVAILABLE: _l("the volunteer is not available"),
    WithdrawalCause.NOBODY_FOUND: _l("the centre told the organisation that nobody was found"),
    Notice.SHORT: _l("at short notice"),
    LimitNote.REFUSED: _l("acceptance refused: a funding limit would be passed"),
    LimitNote.OVERRIDDEN: _l("funding limit overridden for the offer"),
    LimitNote.CAP_EXCEPTION: _l("exception to the funded assignments per client"),
    EventSubject.REQUEST: _lp("support request", "Request"),
    EventSubject.OFFER: _l("Offer"),
    EventSubject.ASSIGNMENT: _l("Assignment"),
    AssignmentState.AWAITING_REPORT: _l("Waiting for the report"),
    AssignmentState.REPORTED: _l("Reported, waiting for the organisation"),
    AssignmentState.CONFIRMED: _lp("assignment state", "Confirmed"),
    AssignmentState.DISPUTED: _l("Disputed"),
    AssignmentState.SETTLED: _l("Settled"),
    Outcome.TOOK_PLACE: _l("Took place"),
    Outcome.CLIENT_ABSENT: _l("The person did not come"),
    Outcome.VOLUNTEER_ABSENT: _l("The volunteer did not come"),
    Outcome.CANCELLED_SHORT_NOTICE: _l("Cancelled at short notice"),
    Programme.PER_ASSIGNMENT: _l("Per assignment (lay interpreting and accompanying)"),
    Programme.LOTSE: _l("WIR-Lotse, by the hour"),
    Programme.COORDINATING_LOTSE: _l("Coordinating WIR-Lotse, by the hour"),
    TaxAllowance.VOLUNTEER: _l("Volunteer allowance (Ehrenamtspauschale)"),
    TaxAllowance.INSTRUCTOR: _l("Instructor allowance (Übungsleiterpauschale)"),
    MonthState.OPEN: _lp("settlement month", "Open"),
    MonthState.CLOSED: _lp("settlement month", "Closed"),
    CancelledBy.CLIENT: _l("by the person"),
    CancelledBy.ORGANISATION: _l("by the organisation"),
    CancelledBy.VOLUNTEER: _l("by the volunteer"),
    HardRule.LANGUAGE: _l("Speaks the language"),
    HardRule.ACTIVE: _l("Active"),
    HardRule.QUALIFIED: _l("May do this work on the day"),
    HardRule.AVAILABLE: _l("Available then"),
    HardRule.FREE: _l("No other assignment then"),
    HardRule.MONTHLY_MAXIMUM: _l("Under the monthly maximum"),
    HardRule.GENDER: _l("The gender asked for"),
    HardRule.NOT_EXCLUDED: _l("Not excluded"),
    HardRule.DISTANCE: _l("Within the distance they travel"),
    RankingFactor.DISTANCE: _l("Distance"),
    RankingFactor.RECENT: _l("Assignments in the last 90 days"),
    RankingFactor.LEVEL: _l("Language level"),
    RankingFactor.CONTINUITY: _l("Has helped this client before"),
    RankingFactor.RELIABILITY: _l("Reliability"),
    QualificationRule.STATUS: _l("Status"),
    QualificationRule.OFFER: _l("Area and kind of work offered"),
    QualificationRule.GERMAN: _l("German"),
    QualificationRule.LANGUAGE: _l("Language"),
    QualificationRule.TRAINING: _l("Training"),
    QualificationRule.DECLARATION: _l("Declarations"),
    QualificationRule.POLICE_CERTIFICATE: _l("Police certificate"),
    Mode.ON_SITE: _l("On site"),
    Mode.PHONE: _l("By phone"),
    Mode.VIDEO: _l("By video"),
    GenderPreference.NONE: _l("No preference"),
    GenderPreference.FEMALE: _l("A woman"),
    GenderPreference.MALE: _l("A man"),
    ResponseChannel.LINK: _l("by the mail link"),
    ResponseChannel.PORTAL: _l("in the portal"),
    ResponseChannel.PHONE: _l("by phone"),
    Actor.COORDINATOR: _l("coordinator"),
    Actor.VOLUNTEER: _l("volunteer"),
    Actor.ORGANISATION: _l("organisation"),
    Actor.SYSTEM: _l("system"),
    Channel.PORTAL: _l("in the portal"),
    Channel.MAIL_LINK: _l("by the link in the mail"),
    Channel.PHONE: _l("by phone"),
    Channel.SCHEDULED_JOB: _l("by the scheduled job"),
    Channel.AUTOMATIC: _l("automatically"),
    TopicCategory.AUTHORITIES: _l("Authorities and offices"),
    TopicCategory.JOB_CENTRE: _l("Job centre and employment agency"),
    TopicCategory.SCHOOL_CHILDCARE: _l("School and childcare"),
    TopicCategory.HOUSING: _l("Housing"),
    TopicCategory.SOCIAL_COUNSELLING: _l("Social counselling"),
    TopicCategory.HEALTH_GP: _l("Health: family doctor"),
    TopicCategory.HEALTH_SPECIALIST: _l("Health: specialist practice (no diagnosis talks)"),
    TopicCategory.HEALTH_MATERNITY: _l("Health: pregnancy and birth, check-ups"),
    TopicCategory.HEALTH_PREVENTION: _l("Health: prevention and vaccination"),
    TopicCategory.HEALTH_HOSPITAL_ADMIN: _l("Health: hospital admission and paperwork"),
    TopicCategory.HEALTH_INFORMATION: _l("Health information"),
    TopicCategory.INFORMATION_EVENT: _l("Information event"),
    TopicCategory.EVERYDAY_LIFE: _l("Everyday life"),
    TopicCategory.OTHER: _l("Other"),
    BoardSort.DATE: _l("Appointment, soonest first"),
    BoardSort.SUBMITTED: _l("Submitted, newest first"),
    BoardSort.ORGANISATION: _l("Organisation, A to Z"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.ORGANISATION: _l("Organisation"),
}

#: A request's fields as its history names them ("Request changed: Area, Kind of work").
REQUEST_FIELDS = {
    "area": _l("Area"),
    "kind": _l("Kind of work"),
    "places_needed": _l("Volunteers needed"),
    "language_code": _l("Language"),
    "topic": _l("Topic"),
    "mode": _l("On site, by phone or by video"),
    "starts_at": _l("Date and time"),
    "duration_minutes": _l("Estimated duration (minutes)"),
    "alternative_starts_at": _l("Alternative date and time"),
    "place_id": _lp("location", "Place"),
    "meeting_point": _l("Meeting point"),
    "contact_on_site": _l("Contact on site"),
    "gender_preference": _l("Gender of the volunteer"),
    "minors_involved": _l("Minors"),
    "urgent": _l("Urgent"),
    "urgent_reason": _l("Reason for the urgency"),
    "client_reference": _l("Client reference"),
    "consent_confirmed": _l("Confirmations"),
    "not_excluded_confirmed": _l("Confirmations"),
    # An assignment's report, as a coordinator corrects it.
    "outcome": _l("What happened"),
    "cancelled_by": _l("Cancelled by"),
    "started_at": _l("Actual start"),
    "travel_km": _l("Kilometres travelled"),
    "actual_duration_minutes": _l("Actual duration (minutes)"),
}

#: Monday first; named by Babel in the reader's language (volunteers/formatting.py).
WEEKDAYS = [LazyString(format_weekday, weekday) for weekday in range(7)]


def label(member: enum.Enum | None) -> object:
    """The translated name of an enum member; CEFR levels are their own names."""
    if member is None:
        return "–"
    return LABELS.get(member, member.value)


def place_label(place) -> object:
    """A place as people read it: "elsewhere" translated, the city marked, the rest proper names."""
    from .models import PlaceKind

    if place.kind is PlaceKind.ELSEWHERE:
        return _l("Elsewhere")
    if place.kind is PlaceKind.CITY:
        return _l("%(name)s (city)", name=place.name)
    return place.name


def languages_spoken(entries) -> str:
    """ "Dari: Muttersprache; Persisch (Farsi): C1": each language by its name in the reader's
    language, with its level's label (the volunteer import reads this form back)."""
    return language_levels((entry.language, entry.level) for entry in entries)


def language_levels(pairs) -> str:
    """The same for (language, level) pairs not stored yet (the rows of an import)."""
    locale = str(get_locale() or "de")
    return "; ".join(f"{language.name(locale)}: {label(level)}" for language, level in pairs)


def field_names(names: list[str]) -> str:
    """ "Area, Kind of work": the labels of a request's fields, each once, never their names."""
    labels = dict.fromkeys(str(REQUEST_FIELDS.get(name, _l("Other details"))) for name in names)
    return ", ".join(labels)


def choices(enum_cls: type[enum.Enum]) -> list[tuple[str, object]]:
    return [(member.value, label(member)) for member in enum_cls]
