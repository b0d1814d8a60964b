"""Mails after the appointment: the volunteer is asked to report (with a link that needs no
login), the organisation to confirm (likewise), coordinators hear of disputes, the organisation
of how a dispute was resolved. Like every mail about requests: what, when, where and a link;
never the topic, the client reference or the volunteer's feedback."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..models import Assignment, TokenPurpose
from ..services import tokens
from .links import portal_url
from .requests import _organisation_people, _to, _to_coordinators


def remind_volunteer_to_report(assignment: Assignment) -> bool:
    """The day after (and again after four days): how did it go? The link opens the report."""
    user = assignment.profile.user
    raw = tokens.issue(TokenPurpose.REPORT_ASSIGNMENT, user=user, offer=assignment.offer)
    first = assignment.volunteer_reminders <= 1
    return _to(
        user,
        event="assignment_report_asked",
        key=f"assignment-report:{assignment.id}:{assignment.volunteer_reminders}",
        subject=_l("How did your assignment go?") if first else _l("Reminder: please report your assignment"),
        request=assignment.request,
        report_link=portal_url("public.assignment_report", token=raw),
        link=portal_url("volunteer.assignments"),
        first=first,
    )


def _ask_organisation(assignment: Assignment, reminder: bool) -> int:
    reported_at = assignment.reported_at or assignment.appointment_at
    expires_at = reported_at + timedelta(days=current_app.config["CONFIRMATION_DAYS"])
    sent = 0
    for person in _organisation_people(assignment.request):
        raw = tokens.issue(TokenPurpose.CONFIRM_ASSIGNMENT, user=person, offer=assignment.offer, expires_at=expires_at)
        sent += _to(
            person,
            event="assignment_to_confirm",
            key=f"assignment-confirm:{assignment.id}:{person.id}:{'reminder' if reminder else 'first'}",
            subject=_l("Reminder: please confirm an appointment") if reminder else _l("Please confirm an appointment"),
            request=assignment.request,
            assignment=assignment,
            answer_link=portal_url("public.assignment_answer", token=raw),
            link=portal_url("organisation.to_confirm"),
            answer_by=expires_at,
        )
    return sent


def ask_organisation_to_confirm(assignment: Assignment) -> int:
    return _ask_organisation(assignment, reminder=False)


def remind_organisation_to_confirm(assignment: Assignment) -> int:
    return _ask_organisation(assignment, reminder=True)


def tell_coordinators_of_dispute(assignment: Assignment) -> int:
    return _to_coordinators(
        assignment.request,
        event="assignment_disputed",
        key=f"assignment-disputed:{assignment.id}:{assignment.version}",
        subject=_l("An organisation disputes a report"),
    )


def tell_organisation_of_resolution(assignment: Assignment) -> int:
    link = portal_url("organisation.request", request_id=assignment.request_id)
    return sum(
        _to(
            person,
            event="assignment_resolved",
            key=f"assignment-resolved:{assignment.id}:{assignment.version}:{person.id}",
            subject=_l("The centre has resolved your objection"),
            request=assignment.request,
            link=link,
        )
        for person in _organisation_people(assignment.request)
    )
