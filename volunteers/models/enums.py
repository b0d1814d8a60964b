"""The fixed vocabularies of the volunteer domain. Plain enums: the pure rules use them too."""

from __future__ import annotations

import enum
from datetime import time


class LanguageLevel(enum.Enum):
    """Native, or a CEFR level. `rank` orders them: a higher rank satisfies a lower minimum."""

    NATIVE = "native"
    C2 = "C2"
    C1 = "C1"
    B2 = "B2"
    B1 = "B1"
    A2 = "A2"
    A1 = "A1"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    def at_least(self, minimum: LanguageLevel | None) -> bool:
        return minimum is None or self.rank >= minimum.rank


_LEVEL_RANK = {
    LanguageLevel.A1: 1,
    LanguageLevel.A2: 2,
    LanguageLevel.B1: 3,
    LanguageLevel.B2: 4,
    LanguageLevel.C1: 5,
    LanguageLevel.C2: 6,
    LanguageLevel.NATIVE: 7,
}


class Area(enum.Enum):
    LANGUAGE = "language"
    HEALTH = "health"


class QualificationArea(enum.Enum):
    LANGUAGE = "language"
    HEALTH = "health"
    GENERAL = "general"


class WorkKind(enum.Enum):
    INTERPRETING = "interpreting"  # interpreting or language mediation
    ACCOMPANYING = "accompanying"  # accompanying to appointments
    INFORMATION_EVENT = "information_event"
    MENTORING = "mentoring"


class Mobility(enum.Enum):
    CAR = "car"
    PUBLIC_TRANSPORT = "public_transport"
    REMOTE_ONLY = "remote_only"


class Gender(enum.Enum):
    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"
    NOT_STATED = "not_stated"


class ContactChannel(enum.Enum):
    """What an organisation may see of a volunteer after an assignment."""

    NONE = "none"
    PHONE = "phone"
    EMAIL = "email"


class VolunteerStatus(enum.Enum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    PAUSED = "paused"
    RETIRED = "retired"


class DayPart(enum.Enum):
    """The weekly availability grid: each weekday in three parts (Europe/Berlin wall time)."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def hours(self) -> tuple[time, time]:
        return _DAY_PART_HOURS[self]


_DAY_PART_HOURS = {
    DayPart.MORNING: (time(8, 0), time(12, 0)),
    DayPart.AFTERNOON: (time(12, 0), time(17, 0)),
    DayPart.EVENING: (time(17, 0), time(21, 0)),
}


class QualificationStatus(enum.Enum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class CertificateKind(enum.Enum):
    SIMPLE = "simple"
    EXTENDED = "extended"  # § 30a BZRG, for work with minors


class CertificateResult(enum.Enum):
    NO_ENTRIES = "no_entries"
    ENTRIES = "entries"


class RequestState(enum.Enum):
    """A support request. After the appointment (report, confirmation) states come later."""

    OPEN = "open"
    PARTLY_FILLED = "partly_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    UNMATCHED = "unmatched"

    @classmethod
    def to_fill(cls) -> tuple[RequestState, ...]:
        """Places still free: the request takes offers (the board's "to fill")."""
        return _REQUEST_TO_FILL

    @classmethod
    def live(cls) -> tuple[RequestState, ...]:
        """Not over: it can still be edited by the centre, cancelled, or have a place freed."""
        return _REQUEST_LIVE

    @classmethod
    def not_cancelled(cls) -> tuple[RequestState, ...]:
        """Every state in which a volunteer may be confirmed or still be wanted (the week's)."""
        return _REQUEST_NOT_CANCELLED

    @property
    def takes_offers(self) -> bool:
        return self in _REQUEST_TO_FILL

    @property
    def is_live(self) -> bool:
        return self in _REQUEST_LIVE


class OfferState(enum.Enum):
    """One volunteer asked for one request."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CANCELLED_BY_VOLUNTEER = "cancelled_by_volunteer"

    @classmethod
    def live(cls) -> tuple[OfferState, ...]:
        """Waiting for an answer or accepted: the volunteer holds it (one per request)."""
        return _OFFER_LIVE

    @classmethod
    def answered(cls) -> tuple[OfferState, ...]:
        """What the volunteer's reliability counts: they answered (or let it run out)."""
        return _OFFER_ANSWERED

    @property
    def is_live(self) -> bool:
        return self in _OFFER_LIVE

    @property
    def awaits_answer(self) -> bool:
        return self is OfferState.OFFERED


class OfferAction(enum.Enum):
    """What a coordinator does with an offer on the request page (the volunteer's answer given
    by phone, or withdrawing it); which of them an offer allows is `transitions.offer_actions`."""

    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"  # the volunteer cannot come after all
    WITHDRAW = "withdraw"

    @property
    def target(self) -> OfferState:
        return _ACTION_TARGETS[self]


_ACTION_TARGETS = {
    OfferAction.ACCEPT: OfferState.ACCEPTED,
    OfferAction.DECLINE: OfferState.DECLINED,
    OfferAction.CANCEL: OfferState.CANCELLED_BY_VOLUNTEER,
    OfferAction.WITHDRAW: OfferState.WITHDRAWN,
}
_REQUEST_TO_FILL = (RequestState.OPEN, RequestState.PARTLY_FILLED)
_REQUEST_LIVE = (RequestState.OPEN, RequestState.PARTLY_FILLED, RequestState.FILLED)
_REQUEST_NOT_CANCELLED = (*_REQUEST_LIVE, RequestState.UNMATCHED)
_OFFER_LIVE = (OfferState.OFFERED, OfferState.ACCEPTED)
_OFFER_ANSWERED = (OfferState.ACCEPTED, OfferState.DECLINED, OfferState.EXPIRED, OfferState.CANCELLED_BY_VOLUNTEER)


class Mode(enum.Enum):
    ON_SITE = "on_site"
    PHONE = "phone"
    VIDEO = "video"


class GenderPreference(enum.Enum):
    NONE = "none"
    FEMALE = "female"
    MALE = "male"


class ResponseChannel(enum.Enum):
    """How a volunteer answered an offer (the values are those of `Channel`)."""

    LINK = "link"
    PORTAL = "portal"
    PHONE = "phone"


class Actor(enum.Enum):
    """Who moves a request or an offer: a coordinator, the volunteer asked, a member of the
    requesting organisation, or the system (a scheduled job, or a consequence of another move)."""

    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    ORGANISATION = "organisation"
    SYSTEM = "system"


class HardRule(enum.StrEnum):
    """The hard rules of matching, in the order the funnel applies them (services/matching.py).
    Never broken: a volunteer who fails one is not offered the request."""

    LANGUAGE = "language"  # speaks the variety asked for
    ACTIVE = "active"
    QUALIFIED = "qualified"  # may do this area and kind on the day (services/eligibility.py)
    AVAILABLE = "available"  # weekly availability covers the slot, no absence that day
    FREE = "free"  # no other assignment within the slot plus the travel buffer
    MONTHLY_MAXIMUM = "monthly_maximum"
    GENDER = "gender"
    NOT_EXCLUDED = "not_excluded"
    DISTANCE = "distance"


class RankingFactor(enum.StrEnum):
    """What a candidate's place in the ranking is made of, each shown as a reason."""

    DISTANCE = "distance"
    RECENT = "recent"  # assignments in the last 90 days (fairness)
    LEVEL = "level"
    CONTINUITY = "continuity"  # helped this client before
    RELIABILITY = "reliability"  # share of offers accepted


class QualificationRule(enum.StrEnum):
    """The rules of the qualification service (services/qualification_rules.py), in the order a
    verdict lists them; together they are the hard rule `HardRule.QUALIFIED` (and the status
    is `HardRule.ACTIVE`)."""

    STATUS = "status"
    OFFER = "offer"  # offers this area and kind of work
    GERMAN = "german"
    LANGUAGE = "language"
    TRAINING = "qualification"
    DECLARATION = "declaration"
    POLICE_CERTIFICATE = "police_certificate"


class WithdrawalCause(enum.StrEnum):
    """Why an offer is withdrawn: the mail to the volunteer says so, and the history keeps it."""

    FILLED = "filled"  # the last place was taken by others
    CHANGED = "changed"  # what, when or where changed
    CANCELLED = "cancelled"  # the request was cancelled
    COORDINATOR = "coordinator"  # a coordinator withdrew it
    UNAVAILABLE = "unavailable"  # the volunteer was paused, retired or deactivated
    NOBODY_FOUND = "nobody_found"  # the centre told the organisation that nobody was found


class Notice(enum.StrEnum):
    """How soon before the appointment a volunteer cancelled, as the history's note on the
    cancellation (request_events.note) keeps it: the board, the overview and the request page
    read it to put the request first."""

    SHORT = "short_notice"  # less than SHORT_NOTICE_HOURS (config.py) before the appointment


class LimitNote(enum.StrEnum):
    """A history entry about the funding limits (request_events.note; the state stays): an
    acceptance refused because it would pass a limit, a coordinator's override for one offer,
    an exception to the funded assignments per client for one request. The centre's only."""

    REFUSED = "limit_refused"
    OVERRIDDEN = "limit_overridden"
    CAP_EXCEPTION = "cap_exception"


class EventSubject(enum.StrEnum):
    """What a history entry (request_events) is about: the request itself, one offer, or the
    assignment an accepted offer became after its appointment."""

    REQUEST = "request"
    OFFER = "offer"
    ASSIGNMENT = "assignment"


class AssignmentState(enum.Enum):
    """An accepted offer after its appointment (services/assignments.py): the volunteer reports
    what happened, the organisation confirms it or disputes it (without an answer in time it
    counts as confirmed), a coordinator resolves a dispute, and a closed month settles it."""

    AWAITING_REPORT = "awaiting_report"
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    SETTLED = "settled"

    @classmethod
    def open_items(cls) -> tuple[AssignmentState, ...]:
        """Not yet confirmed: what keeps a month from being closed."""
        return (cls.AWAITING_REPORT, cls.REPORTED, cls.DISPUTED)

    @property
    def is_reported(self) -> bool:
        return self is not AssignmentState.AWAITING_REPORT


class Outcome(enum.Enum):
    """How the appointment ended, as the volunteer reports it."""

    TOOK_PLACE = "took_place"
    CLIENT_ABSENT = "client_absent"
    VOLUNTEER_ABSENT = "volunteer_absent"
    CANCELLED_SHORT_NOTICE = "cancelled_short_notice"

    @property
    def volunteer_went(self) -> bool:
        """The volunteer set out: the time and the travel count (also when the person did not
        come, as in the fill rate's definition)."""
        return self in (Outcome.TOOK_PLACE, Outcome.CLIENT_ABSENT)


class CancelledBy(enum.Enum):
    """Who called an appointment off at short notice (less than 24 hours before)."""

    CLIENT = "client"
    ORGANISATION = "organisation"
    VOLUNTEER = "volunteer"


class Programme(enum.Enum):
    """How a volunteer is paid (services/compensation.py): per assignment (lay interpreting and
    accompanying), or by the hour within weekly and yearly limits (WIR-Lotsen)."""

    PER_ASSIGNMENT = "per_assignment"
    LOTSE = "lotse"
    COORDINATING_LOTSE = "coordinating_lotse"


class TaxAllowance(enum.Enum):
    """The yearly tax-free allowance the volunteer's payments count against: the
    Ehrenamtspauschale, or the Übungsleiterpauschale where the volunteer declared it applies."""

    VOLUNTEER = "volunteer"
    INSTRUCTOR = "instructor"


class Channel(enum.Enum):
    """How a move was made: in the portal, through the link in a mail, by phone (a coordinator
    records what was said), by a scheduled job (`flask tick`), or automatically as the
    consequence of another move (the last place taken withdraws the other offers)."""

    PORTAL = "portal"
    MAIL_LINK = "link"
    PHONE = "phone"
    SCHEDULED_JOB = "job"
    AUTOMATIC = "automatic"


class TopicCategory(enum.Enum):
    """What the appointment is about, as a category: never a free-text diagnosis."""

    AUTHORITIES = "authorities"
    JOB_CENTRE = "job_centre"
    SCHOOL_CHILDCARE = "school_childcare"
    HOUSING = "housing"
    SOCIAL_COUNSELLING = "social_counselling"
    HEALTH_GP = "health_gp"
    HEALTH_SPECIALIST = "health_specialist"
    HEALTH_MATERNITY = "health_maternity"
    HEALTH_PREVENTION = "health_prevention"
    HEALTH_HOSPITAL_ADMIN = "health_hospital_admin"
    HEALTH_INFORMATION = "health_information"
    INFORMATION_EVENT = "information_event"
    EVERYDAY_LIFE = "everyday_life"
    OTHER = "other"


class MonthState(enum.Enum):
    """A settlement month (services/settlement.py): open while coordinators check it, closed
    once its confirmed assignments are settled (a closed month is never edited again)."""

    OPEN = "open"
    CLOSED = "closed"
