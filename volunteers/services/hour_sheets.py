"""The hour sheet of a volunteer for a settlement month, as plain data: who issues it, whose it
is, each paid assignment (date, place, duration, kilometres, amount; never the topic or the
client's reference), extra lines, and the totals. volunteers/pdf/hour_sheet.py renders it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..formatting import format_date
from ..models import AdjustmentLine, Assignment, User, VolunteerProfile
from . import audit, hours
from .settlement import first_of


@dataclass(frozen=True)
class ExtraLine:
    """A line that is not an assignment of the month: the settlement's adjustment of a closed
    month, for example (a correction carried into this one). Negative figures are allowed."""

    text: str
    minutes: int = 0
    km: int = 0
    cents: int = 0


@dataclass
class HourSheet:
    issuer: str
    volunteer: str
    month: date
    lines: list[hours.Line]
    #: Where the settlement's adjustment lines go (the lead adds them from the settlement).
    extra_lines: list[ExtraLine] = field(default_factory=list)
    #: Assignments of the month reported but not yet confirmed: not on the sheet, only counted.
    unconfirmed: int = 0

    @property
    def minutes(self) -> int:
        return sum(line.minutes for line in self.lines) + sum(line.minutes for line in self.extra_lines)

    @property
    def km(self) -> int:
        return sum(line.km for line in self.lines) + sum(line.km for line in self.extra_lines)

    @property
    def cents(self) -> int:
        return sum(line.cents for line in self.lines) + sum(line.cents for line in self.extra_lines)


def build_hour_sheet(
    profile: VolunteerProfile, month: date, issuer: str, extra_lines: Sequence[ExtraLine] = ()
) -> HourSheet:
    """The hour sheet of `profile` for the settlement month beginning on `month` (its first
    day): the paid assignments as services/hours.py counts them, plus `extra_lines`."""
    return HourSheet(
        issuer=issuer,
        volunteer=profile.user.full_name,
        month=first_of(month),
        lines=hours.paid_lines(profile, month),
        extra_lines=adjustment_lines(profile, first_of(month)) + list(extra_lines),
        unconfirmed=hours.unconfirmed_count(profile, month),
    )


def adjustment_lines(profile: VolunteerProfile, month: date) -> list[ExtraLine]:
    """The settlement's adjustments carried into `month`: each names the appointment it
    corrects and why."""
    rows = db.session.execute(
        select(AdjustmentLine, Assignment.appointment_at)
        .join(Assignment, Assignment.id == AdjustmentLine.assignment_id)
        .where(Assignment.profile_id == profile.id, AdjustmentLine.month == month)
        .order_by(AdjustmentLine.created_at, AdjustmentLine.id)
    ).all()
    return [
        ExtraLine(
            text=_("Adjustment to %(date)s: %(reason)s", date=format_date(appointment_at), reason=line.reason),
            minutes=line.minutes_difference,
            km=line.km_difference,
            cents=line.cents_difference,
        )
        for line, appointment_at in rows
    ]


def record_download(actor: User, profile: VolunteerProfile, month: date) -> None:
    """Every download of an hour sheet is audited: who, whose, which month."""
    audit.record("hour_sheet.downloaded", actor=actor, subject=profile.user, month=month.strftime("%Y-%m"))


__all__ = ["ExtraLine", "HourSheet", "adjustment_lines", "build_hour_sheet", "record_download"]
