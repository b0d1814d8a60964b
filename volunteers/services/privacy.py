"""The data-protection notice (GDPR Art. 13): its current version and recorded consents."""

from __future__ import annotations

from datetime import datetime

from ..db_types import utcnow
from ..extensions import db
from ..models import Consent, User

#: Raise when templates/public/privacy_notice.html changes in substance.
PRIVACY_NOTICE_VERSION = "2026-11-24"
PRIVACY_NOTICE = "privacy_notice"


def record_consent(user: User, now: datetime | None = None) -> Consent:
    consent = Consent(user=user, kind=PRIVACY_NOTICE, version=PRIVACY_NOTICE_VERSION, given_at=now or utcnow())
    db.session.add(consent)
    return consent
