"""All models, imported here so that Alembic and the app see every table."""

from .assignment import Assignment
from .audit import AuditEvent
from .calendar_feed import CalendarFeed
from .compensation import CompensationRule
from .consent import Consent
from .enums import (
    Actor,
    Area,
    AssignmentState,
    CertificateKind,
    CertificateResult,
    Channel,
    ContactChannel,
    DayPart,
    Gender,
    GenderPreference,
    LanguageLevel,
    Mobility,
    Mode,
    OfferState,
    QualificationArea,
    QualificationStatus,
    RequestState,
    ResponseChannel,
    TopicCategory,
    VolunteerStatus,
    WorkKind,
)
from .job import JobState
from .kept_form import KeptForm
from .language import Language
from .note import NOTE_MODELS, NoteKind, OrganisationNote, RequestNote, VolunteerNote
from .onboarding import Declaration, DeclarationSignature, DeclarationVersion, PoliceCertificate
from .organisation import Membership, Organisation, OrganisationStatus
from .organisation_change import OrganisationChange
from .outbox import OutboxMessage, OutboxStatus
from .place import Place, PlaceKind
from .qualification import AcceptedType, ProofFile, Qualification, QualificationType, Requirement
from .retention import Retention
from .second_factor import RecoveryCode
from .settlement import AdjustmentLine, SettlementMonth
from .submission import CreatedRecord, FormSubmission
from .support import Exclusion, Offer, RequestEvent, SupportRequest
from .throttle import LoginThrottle, RateLimitCounter
from .token import ActionToken, Invitation, InvitationRole, TokenPurpose
from .user import User
from .volunteer import Absence, AvailabilitySlot, StatusChange, VolunteerLanguage, VolunteerProfile
from .volunteer_import import VolunteerImport

__all__ = [
    "NOTE_MODELS",
    "Absence",
    "AcceptedType",
    "ActionToken",
    "Actor",
    "AdjustmentLine",
    "Area",
    "Assignment",
    "AssignmentState",
    "AuditEvent",
    "AvailabilitySlot",
    "CalendarFeed",
    "CertificateKind",
    "CertificateResult",
    "Channel",
    "CompensationRule",
    "Consent",
    "ContactChannel",
    "CreatedRecord",
    "DayPart",
    "Declaration",
    "DeclarationSignature",
    "DeclarationVersion",
    "Exclusion",
    "FormSubmission",
    "Gender",
    "GenderPreference",
    "Invitation",
    "InvitationRole",
    "JobState",
    "KeptForm",
    "Language",
    "LanguageLevel",
    "LoginThrottle",
    "Membership",
    "Mobility",
    "Mode",
    "NoteKind",
    "Offer",
    "OfferState",
    "Organisation",
    "OrganisationChange",
    "OrganisationNote",
    "OrganisationStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Place",
    "PlaceKind",
    "PoliceCertificate",
    "ProofFile",
    "Qualification",
    "QualificationArea",
    "QualificationStatus",
    "QualificationType",
    "RateLimitCounter",
    "RecoveryCode",
    "RequestEvent",
    "RequestNote",
    "RequestState",
    "Requirement",
    "ResponseChannel",
    "Retention",
    "SettlementMonth",
    "StatusChange",
    "SupportRequest",
    "TokenPurpose",
    "TopicCategory",
    "User",
    "VolunteerImport",
    "VolunteerLanguage",
    "VolunteerNote",
    "VolunteerProfile",
    "VolunteerStatus",
    "WorkKind",
]
