"""How long each kind of record is kept (GDPR Art. 5(1)(e)); every model names its class.

The README's data-protection section lists these; the clean-up job that enforces them comes
with a later issue, except for the short-lived records that `flask tick` already purges.
"""

from __future__ import annotations

import enum


class Retention(enum.Enum):
    #: No personal data (places, languages, job bookkeeping).
    REFERENCE = "reference"
    #: Kept while the account exists; deleted with it.
    ACCOUNT = "account"
    #: Partner organisations while they are partners; rejected applications 6 months.
    ORGANISATION = "organisation"
    #: Mail: sent messages 90 days, failed ones 180 days.
    MAIL = "mail"
    #: Tokens, invitations and login throttling: deleted soon after they expire.
    SHORT_LIVED = "short_lived"
    #: Audit log: two years.
    AUDIT = "audit"
    #: Support requests, offers and their history: two years after the appointment (reports
    #: to the funder need a period; the clean-up comes with a later issue).
    REQUEST = "request"
    #: What an assignment settled: date, hours, kilometres and amounts, ten years (accounting);
    #: its report's free texts go with the request after two years.
    SETTLEMENT = "settlement"
    #: Police-certificate dates: at the latest six months after the volunteer's last assignment.
    POLICE_CERTIFICATE = "police_certificate"
