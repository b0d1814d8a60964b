"""All models, imported here so that Alembic and the app see every table."""

from .audit import AuditEvent
from .consent import Consent
from .job import JobState
from .language import Language
from .organisation import Membership, Organisation, OrganisationStatus
from .outbox import OutboxMessage, OutboxStatus
from .place import Place, PlaceKind
from .retention import Retention
from .throttle import LoginThrottle
from .token import ActionToken, Invitation, InvitationRole, TokenPurpose
from .user import User

__all__ = [
    "ActionToken",
    "AuditEvent",
    "Consent",
    "Invitation",
    "InvitationRole",
    "JobState",
    "Language",
    "LoginThrottle",
    "Membership",
    "Organisation",
    "OrganisationStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Place",
    "PlaceKind",
    "Retention",
    "TokenPurpose",
    "User",
]
