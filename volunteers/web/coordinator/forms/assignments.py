"""Coordinators' forms after the appointment: the report taken by phone, the figures of a
correction or a resolved dispute (with a reason), and the buttons that carry the version of the
assignment they were shown with. Shape only: the rules are in services/assignments.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ....clock import BERLIN
from ....labels import choices
from ....models import Assignment
from ....models.assignment import FEEDBACK_MAX_LENGTH, REASON_MAX_LENGTH
from ....models.enums import CancelledBy, Mode, Outcome
from ....services.assignments import Report
from ...pages.forms import Form
from ...reports.forms import ReportForm


class PhoneReportForm(ReportForm):
    """The volunteer's report, told to a coordinator on the phone: the same fields, worded for
    the one typing it in."""

    first_person = False

    feedback = TextAreaField(
        _l("Feedback for the centre"),
        description=_l(
            "What the volunteer wants the centre to know. Only coordinators read it. "
            "Write nothing about the person's health or private life."
        ),
        validators=[
            Optional(),
            Length(
                max=FEEDBACK_MAX_LENGTH,
                message=_l("Keep the feedback under %(max)d characters.", max=FEEDBACK_MAX_LENGTH),
            ),
        ],
    )
    wants_reflection_talk = BooleanField(_l("The volunteer would like a reflection talk with the centre"))


def _reason_field(label, hint) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        validators=[
            DataRequired(message=_l("Say why, in a sentence.")),
            Length(max=REASON_MAX_LENGTH, message=_l("Keep it under %(max)d characters.", max=REASON_MAX_LENGTH)),
        ],
    )


class FiguresForm(ReportForm):
    """The figures of a report as a coordinator corrects them, with the reason and the version
    of the assignment the form was filled from."""

    feedback = None
    wants_reflection_talk = None
    long_detour_confirmed = None
    reason = _reason_field(
        _l("Why are the figures corrected?"),
        _l("For example: the ticket shows 12 km. It goes into the history and the audit log."),
    )
    version = HiddenField()

    def of(self, assignment: Assignment) -> FiguresForm:
        """Choices, and on a fresh form the figures as they were reported."""
        self.outcome.choices = choices(Outcome)
        self.cancelled_by.choices = choices(CancelledBy)
        if not self.is_submitted():
            self.outcome.data = assignment.outcome
            self.cancelled_by.data = assignment.cancelled_by
            if assignment.started_at is not None:
                start = assignment.started_at.astimezone(BERLIN)
                self.start_day.data = start.date()
                self.start_time.data = start.time().replace(second=0, microsecond=0)
            self.duration_minutes.data = assignment.duration_minutes
            self.travel_km.data = assignment.travel_km
            self.version.data = str(assignment.version)
        if assignment.request.mode is not Mode.ON_SITE:
            del self.travel_km
        return self

    def figures(self) -> Report:
        travel = getattr(self, "travel_km", None)
        return Report(
            outcome=self.outcome.data,
            started_at=self.started_at(),
            duration_minutes=self.duration_minutes.data,
            travel_km=travel.data if travel is not None else None,
            cancelled_by=self.cancelled_by.data,
        )


AS_REPORTED = "as_reported"
CORRECTED = "corrected"


class ResolveForm(FiguresForm):
    """A dispute resolved: as reported, or with the figures corrected; always with a reason."""

    decision = RadioField(
        _l("How is the dispute resolved?"),
        choices=[
            SelectChoice(AS_REPORTED, _l("As the volunteer reported it")),
            SelectChoice(CORRECTED, _l("With the corrected figures below")),
        ],
        validators=[InputRequired(message=_l("Choose how the dispute is resolved."))],
    )
    reason = _reason_field(
        _l("Why?"),
        _l("For example: asked both, it took 45 minutes. It goes into the history; only coordinators read it."),
    )

    def resolution(self) -> Report | None:
        """The corrected figures, or None: as reported."""
        return self.figures() if self.decision.data == CORRECTED else None

    def validate(self, extra_validators=None) -> bool:
        """As reported, the figures below are not looked at (nor their typing errors)."""
        valid = super().validate(extra_validators)
        if self.decision.data == AS_REPORTED:
            figures = ("outcome", "cancelled_by", "start_day", "start_time", "duration_minutes", "travel_km")
            for name in figures:
                if name in self._fields:
                    self._fields[name].errors = []
            valid = not any(field.errors for field in self)
        return valid


class VersionForm(Form):
    """A button that changes an assignment: it carries the version the page showed."""

    version = HiddenField()
