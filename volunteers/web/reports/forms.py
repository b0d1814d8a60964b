"""The volunteer's report and the organisation's objection: shape only (the rules are in
services/assignments.py, and their refusals appear at these fields)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ...clock import BERLIN
from ...labels import choices
from ...models import Assignment
from ...models.assignment import FEEDBACK_MAX_LENGTH, REASON_MAX_LENGTH
from ...models.enums import CancelledBy, Mode, Outcome
from ...services import assignments
from ...services.assignments import Report
from ..pages.forms import Form


def _enum_or_none(enum_cls):
    def coerce(value):
        if value in (None, "") or isinstance(value, enum_cls):
            return value or None
        return enum_cls(value)

    return coerce


#: The volunteer reports of themselves: the choices that name them say "I" and "me".
_IN_FIRST_PERSON = {
    Outcome.VOLUNTEER_ABSENT: _l("I could not come"),
    CancelledBy.VOLUNTEER: _l("by me"),
}


class ReportForm(Form):
    #: Whether the person filling it in is the volunteer (the coordinators' form says False).
    first_person = True

    outcome = RadioField(
        _l("What happened?"),
        coerce=_enum_or_none(Outcome),
        validators=[InputRequired(message=_l("Choose what happened."))],
    )
    cancelled_by = RadioField(
        _l("If cancelled at short notice: by whom?"), coerce=_enum_or_none(CancelledBy), validators=[Optional()]
    )
    start_day = DateField(_l("Day it began"), validators=[Optional()])
    start_time = TimeField(_l("Actual start"), validators=[Optional()])
    duration_minutes = IntegerField(
        _l("Actual duration (minutes)"),
        validators=[Optional(), NumberRange(min=1, max=1440, message=_l("Enter between 1 and 1440 minutes."))],
    )
    travel_km = IntegerField(
        _l("Kilometres travelled, there and back"),
        validators=[Optional(), NumberRange(min=0, max=2000, message=_l("Enter between 0 and 2000 kilometres."))],
    )
    long_detour_confirmed = BooleanField(_l("The kilometres are right (a detour, a different start)"))
    feedback = TextAreaField(
        _l("Feedback for the centre"),
        description=_l("Only the centre reads it. Please write nothing about the person's health or private life."),
        validators=[
            Optional(),
            Length(
                max=FEEDBACK_MAX_LENGTH,
                message=_l("Keep the feedback under %(max)d characters.", max=FEEDBACK_MAX_LENGTH),
            ),
        ],
    )
    wants_reflection_talk = BooleanField(_l("I would like a reflection talk with the centre"))

    def offer(self, assignment: Assignment) -> ReportForm:
        """Choices, and (on a fresh form) the plan as the suggestion: start, duration and the
        straight-line kilometres there and back."""
        own = _IN_FIRST_PERSON if self.first_person else {}
        self.outcome.choices = [(value, own.get(Outcome(value), text)) for value, text in choices(Outcome)]
        self.cancelled_by.choices = [(value, own.get(CancelledBy(value), text)) for value, text in choices(CancelledBy)]
        if not self.is_submitted():
            start = assignment.appointment_at.astimezone(BERLIN)
            self.start_day.data = self.start_day.data or start.date()
            self.start_time.data = self.start_time.data or start.time().replace(second=0, microsecond=0)
            self.duration_minutes.data = self.duration_minutes.data or assignment.request.duration_minutes
            if self.travel_km.data is None:
                self.travel_km.data = assignments.straight_km(assignment)
        if assignment.request.mode is not Mode.ON_SITE:
            del self.travel_km
            del self.long_detour_confirmed
        return self

    def validate_report(self, assignment: Assignment) -> bool:
        """The form's own checks; when they fail but the form says what happened, the report's
        rules too, each at its field, so that every error shows at once."""
        if not self.is_submitted():
            return False
        if self.validate():
            return True
        if self.outcome.data is not None and not self.outcome.errors:
            for problem in assignments.problems(assignment, self.report()):
                field = self._fields.get(problem.field or "")
                if field is None or field.errors or (field is self.start_time and self.start_day.errors):
                    continue  # already said at the field (an unreadable day leaves no start to check)
                field.errors = [*field.errors, problem.message]
        return False

    def started_at(self) -> datetime | None:
        """The actual start typed in (Europe/Berlin), when both day and time are given."""
        if self.start_day.data and self.start_time.data:
            return datetime.combine(self.start_day.data, self.start_time.data, tzinfo=BERLIN)
        return None

    def report(self) -> Report:
        travel = getattr(self, "travel_km", None)
        detour = getattr(self, "long_detour_confirmed", None)
        return Report(
            outcome=self.outcome.data,
            started_at=self.started_at(),
            duration_minutes=self.duration_minutes.data,
            travel_km=travel.data if travel is not None else None,
            cancelled_by=self.cancelled_by.data,
            feedback=self.feedback.data,
            wants_reflection_talk=bool(self.wants_reflection_talk.data),
            long_detour_confirmed=bool(detour.data) if detour is not None else False,
        )


class DisputeForm(Form):
    reason = TextAreaField(
        _l("What was different?"),
        description=_l("For example: it took 45 minutes; nobody came. Please write nothing about the person's health."),
        validators=[
            InputRequired(message=_l("Say what was different, in a sentence.")),
            Length(max=REASON_MAX_LENGTH, message=_l("Keep it under %(max)d characters.", max=REASON_MAX_LENGTH)),
        ],
    )
