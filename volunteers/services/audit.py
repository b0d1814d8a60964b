"""The audit log: who did what to whom, when. Ids only; never passwords, tokens or texts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import AuditEvent, Organisation, User

#: Every action the log knows, with how the coordinators' list names it.
ACTIONS = {
    "account.registered": _l("Account registered"),
    "account.email_confirmed": _l("Email address confirmed"),
    "account.login_failed": _l("Login failed"),
    "account.login_throttled": _l("Login refused: too many attempts"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset by mail link"),
    "account.deactivated": _l("Account deactivated"),
    "account.reactivated": _l("Account reactivated"),
    "role.granted": _l("Role granted"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.accepted": _l("Invitation accepted"),
    "organisation.registered": _l("Organisation registered"),
    "organisation.approved": _l("Organisation approved"),
    "organisation.rejected": _l("Organisation rejected"),
    "mail.retried": _l("Mail sent again"),
    "volunteer.created": _l("Volunteer recorded by the centre"),
    "volunteer.imported": _l("Volunteers imported"),
    "volunteer.profile_updated": _l("Volunteer profile changed"),
    "volunteer.status_changed": _l("Volunteer status changed"),
    "account.email_changed": _l("Email address changed"),
    "qualification.submitted": _l("Training logged"),
    "qualification.recorded": _l("Training recorded by the centre"),
    "qualification.verified": _l("Training verified"),
    "qualification.rejected": _l("Training rejected"),
    "qualification.reopened": _l("Training rejection reopened"),
    "qualification.withdrawn": _l("Training withdrawn by the volunteer"),
    "declaration.signed": _l("Declaration signed"),
    "declaration.version_added": _l("New declaration text"),
    "police_certificate.recorded": _l("Police certificate recorded"),
    "catalogue.changed": _l("Training catalogue changed"),
    "requirement.changed": _l("Requirement changed"),
}


def record(
    action: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    organisation: Organisation | None = None,
    **details: str | int | bool,
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor=actor,
        subject_user=subject,
        organisation=organisation,
        details=dict(details),
    )
    db.session.add(event)
    return event
