"""The audit log: who did what to whom, when. Ids only; never passwords, tokens or texts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..extensions import db
from ..labels import label
from ..models import AuditEvent, Organisation, User
from ..models.enums import VolunteerStatus
from ..permissions import Role

#: Every action the log knows, with how the coordinators' list names it.
ACTIONS = {
    "account.registered": _l("Account registered"),
    "account.email_confirmed": _l("Email address confirmed"),
    "account.login_failed": _l("Login failed"),
    "account.login_throttled": _l("Login refused: too many attempts"),
    "account.device_unlocked": _l("Browser let past the login throttling by a mail link"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset by mail link"),
    "account.deactivated": _l("Account deactivated"),
    "account.reactivated": _l("Account reactivated"),
    "role.granted": _l("Role granted"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitation.revoked": _l("Invitation revoked"),
    "membership.removed": _l("Member removed from the organisation"),
    "membership.admin_granted": _l("Member made an administrator of the organisation"),
    "membership.admin_revoked": _l("Administrator rights of a member taken back"),
    "organisation.registered": _l("Organisation registered"),
    "organisation.approved": _l("Organisation approved"),
    "organisation.rejected": _l("Organisation rejected"),
    "organisation.details_changed": _l("Organisation's details changed"),
    "mail.retried": _l("Mail sent again"),
    "volunteer.created": _l("Volunteer recorded by the centre"),
    "volunteer.imported": _l("Volunteers imported"),
    "volunteer.profile_updated": _l("Volunteer profile changed"),
    "volunteer.status_changed": _l("Volunteer status changed"),
    "account.email_changed": _l("Email address changed"),
    "account.second_factor_enabled": _l("Two-step login turned on"),
    "account.second_factor_disabled": _l("Two-step login turned off"),
    "account.second_factor_reset": _l("Two-step login reset by a coordinator"),
    "account.second_factor_failed": _l("Login failed at the second step"),
    "account.recovery_code_used": _l("Recovery code used to log in"),
    "account.recovery_codes_renewed": _l("New recovery codes made"),
    "account.email_change_requested": _l("Change of email address asked for"),
    "account.email_change_stopped": _l("Change of email address stopped by the old address"),
    "calendar_feed.turned_on": _l("Calendar feed turned on"),
    "calendar_feed.renewed": _l("Calendar feed given a new address"),
    "calendar_feed.turned_off": _l("Calendar feed turned off"),
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
    # Every download of personal data: who, what (ids and counts), when.
    "proof.downloaded": _l("Proof of training downloaded"),
    "volunteers.exported": _l("Volunteer list downloaded"),
    "language.added": _l("Language added"),
    "language.changed": _l("Language changed"),
    "language.retired": _l("Language retired"),
    "language.reactivated": _l("Language offered again"),
    "language.deleted": _l("Language deleted"),
    "note.added": _l("Note added"),
    "note.edited": _l("Note changed"),
    "note.deleted": _l("Note deleted"),
    "exclusion.added": _l("Exclusion of a volunteer recorded"),
    "exclusion.removed": _l("Exclusion of a volunteer removed"),
    "assignment.corrected": _l("Figures of an assignment corrected"),
    "assignment.dispute_resolved": _l("Dispute about an assignment resolved"),
    "offer.limit_overridden": _l("Funding limit of a volunteer overridden for one offer"),
    "request.cap_exception": _l("Exception to the funded assignments per client granted"),
    "volunteer.funding_changed": _l("Volunteer's programme or tax allowance changed"),
    "assignment.adjusted": _l("Settled assignment corrected by an adjustment line"),
    "settlement.opened": _l("Settlement month opened"),
    "settlement.closed": _l("Settlement month closed"),
    "settlement.moved": _l("Open item moved to the next settlement month"),
    "settlement.exported": _l("Settlement downloaded"),
}


def record(
    action: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    organisation: Organisation | None = None,
    **details: str | int | bool | list[int],
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


def describe(event: AuditEvent) -> str:
    """How the log reads an entry: the action's label, with the role or status it concerns
    labelled too, and a download's format and count ("Volunteer list downloaded (CSV, 2
    volunteers)"); never personal details."""
    text = str(ACTIONS.get(event.action, _l("Other event")))
    details = event.details or {}
    extras = []
    try:
        if details.get("role"):
            extras.append(label(Role(details["role"])))
        elif details.get("status") and event.action == "volunteer.status_changed":
            extras.append(label(VolunteerStatus(details["status"])))
    except ValueError:  # a value no longer known: the action alone
        pass
    if details.get("format"):
        extras.append(str(details["format"]).upper())
    if details.get("one_client"):
        extras.append(_l("for one client only"))
    if isinstance(details.get("count"), int):
        extras.append(ngettext("%(num)d volunteer", "%(num)d volunteers", details["count"]))
    return f"{text} ({', '.join(str(extra) for extra in extras)})" if extras else text
