"""The monthly settlement: coordinators open a month, see per volunteer what it pays and what
is still open, move open items to the next month, and close it. Closing settles every confirmed
assignment of the month at once and locks it; a later correction of a settled assignment is an
adjustment line in the next open month (`adjust`), never an edit.

An assignment belongs to the month `Assignment.settled_month` when that is set (when its month
was closed, or when it was moved to a later month), otherwise to the Europe/Berlin calendar
month of its appointment (`in_month`, ranges in SQL, no per-row Python)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, and_, func, insert, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from ..clock import start_of_day
from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..formatting import format_date
from ..models import (
    Assignment,
    RequestEvent,
    SettlementMonth,
    User,
    VolunteerProfile,
)
from ..models.enums import Actor, AssignmentState, Channel, EventSubject, MonthState
from . import ServiceError, audit, transitions
from .transitions import By

#: What a month pays: assignments the organisation confirmed (or that counted as confirmed).
PAYABLE = (AssignmentState.CONFIRMED, AssignmentState.SETTLED)
#: How many open items the refusal to close names (the month page lists them all).
NAMED_OPEN_ITEMS = 10

STALE_MONTH = _l(
    "This month was changed in the meantime (by someone else or in another window). "
    "The page shows it as it is now; check it and try again."
)
MONTH_CLOSED = _l("This month is closed already: its assignments are settled. A correction goes into the next month.")


# ---------------------------------------------------------------------------------------------
# Months


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in Kassel, as UTC."""
    return start_of_day(month), start_of_day(next_month(month))


def in_month(month: date) -> ColumnElement[bool]:
    """The assignments that belong to `month` (the rule in the module's docstring)."""
    start, end = bounds(month)
    return or_(
        Assignment.settled_month == month,
        and_(Assignment.settled_month.is_(None), Assignment.appointment_at >= start, Assignment.appointment_at < end),
    )


def month_parts(month: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """`in_month` as its two parts, for a UNION ALL of two indexed queries where a count or a
    sum over many rows must not scan the table (an OR across two columns reads every row)."""
    start, end = bounds(month)
    return (
        Assignment.settled_month == month,
        and_(Assignment.settled_month.is_(None), Assignment.appointment_at >= start, Assignment.appointment_at < end),
    )


def in_months(first: date, last: date) -> ColumnElement[bool]:
    """The assignments that belong to any month from `first` to `last` (both included)."""
    start, end = bounds(first)[0], bounds(last)[1]
    return or_(
        and_(Assignment.settled_month >= first, Assignment.settled_month <= last),
        and_(Assignment.settled_month.is_(None), Assignment.appointment_at >= start, Assignment.appointment_at < end),
    )


def belongs_to(assignment: Assignment, month: date) -> bool:
    """`in_month` for one assignment already loaded."""
    if assignment.settled_month is not None:
        return assignment.settled_month == month
    start, end = bounds(month)
    return start <= assignment.appointment_at < end


def is_over(month: date, now: datetime | None = None) -> bool:
    """Whether the month has ended in Kassel (only then can it be closed)."""
    return (now or utcnow()) >= bounds(month)[1]


def month_or_none(month: date) -> SettlementMonth | None:
    return db.session.scalar(select(SettlementMonth).where(SettlementMonth.month == month))


def open_month(coordinator: User, month: date, today: date) -> SettlementMonth:
    """Opens a past or the current month for settlement (the rows of a month are counted as
    they come in, so a month of the future has nothing to settle yet)."""
    month = first_of(month)
    if month > first_of(today):
        raise ServiceError(_l("Only a past month or the current one can be opened."), "month")
    if month_or_none(month) is not None:
        raise ServiceError(_l("This month has been opened already."), "month")
    return create_month(coordinator, month)


def create_month(coordinator: User, month: date) -> SettlementMonth:
    row = SettlementMonth(month=month, state=MonthState.OPEN, opened_by=coordinator, opened_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("settlement.opened", actor=coordinator, month=month.isoformat())
    return row


def months_listing() -> Select[SettlementMonth]:
    """Every month opened so far, latest first (for the paginated list)."""
    return (
        select(SettlementMonth).options(selectinload(SettlementMonth.closed_by)).order_by(SettlementMonth.month.desc())
    )


@dataclass(frozen=True)
class MonthCounts:
    payable: int
    open: int


def counts(months: Sequence[date]) -> dict[date, MonthCounts]:
    """For each month: its payable assignments and its open items (one query for all)."""
    if not months:
        return {}
    payable = Assignment.state.in_(PAYABLE)
    waiting = Assignment.state.in_(AssignmentState.open_items())
    columns = []
    for month in months:
        columns += [
            func.count(Assignment.id).filter(in_month(month), payable),
            func.count(Assignment.id).filter(in_month(month), waiting),
        ]
    start, end = bounds(min(months))[0], bounds(max(months))[1]
    row = db.session.execute(
        select(*columns).where(
            or_(
                Assignment.settled_month.in_(months),
                and_(Assignment.appointment_at >= start, Assignment.appointment_at < end),
            )
        )
    ).one()
    return {month: MonthCounts(int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i, month in enumerate(months)}


# ---------------------------------------------------------------------------------------------
# Open items


def open_items(month: date) -> Select[Assignment]:
    """What keeps the month from being closed: not reported, not confirmed, disputed; oldest
    appointment first."""
    return (
        select(Assignment)
        .where(in_month(month), Assignment.state.in_(AssignmentState.open_items()))
        .options(
            selectinload(Assignment.profile).selectinload(VolunteerProfile.user),
            selectinload(Assignment.request),
        )
        .order_by(Assignment.appointment_at, Assignment.id)
    )


def _check_open(row: SettlementMonth, expected_version: int | None) -> None:
    if not row.is_open:
        raise ServiceError(MONTH_CLOSED)
    if expected_version is not None and expected_version != row.version:
        raise ServiceError(STALE_MONTH, "version")


def move_to_next_month(
    coordinator: User,
    row: SettlementMonth,
    assignment: Assignment,
    reason: str | None,
    expected_version: int | None = None,
) -> date:
    """An open item of an open month goes into the next month's settlement, its state as it is
    (with the reason in the request's history and the audit log)."""
    from .assignments import STALE, reason_text

    text = reason_text(reason)
    if not row.is_open:
        raise ServiceError(MONTH_CLOSED)
    if expected_version is not None and expected_version != assignment.version:
        raise ServiceError(STALE, "version")
    if not belongs_to(assignment, row.month) or assignment.state not in AssignmentState.open_items():
        raise ServiceError(
            _l("This assignment is no longer open in this month. The page shows the month as it is now.")
        )
    later = next_month(row.month)
    following = month_or_none(later)
    if following is not None and not following.is_open:
        raise ServiceError(_l("The next month is closed already: resolve the assignment instead."))
    assignment.settled_month = later
    transitions.history(
        assignment.request,
        By(Actor.COORDINATOR, coordinator),
        assignment.state,
        assignment.state,
        offer=assignment.offer,
        reason=text,
        changed=["settled_month"],
        assignment=True,
    )
    audit.record(
        "settlement.moved",
        actor=coordinator,
        subject=assignment.profile.user,
        assignment=assignment.id,
        month=later.isoformat(),
    )
    return later


# ---------------------------------------------------------------------------------------------
# Closing


def _describe(assignment: Assignment) -> str:
    return f"{assignment.profile.user.full_name} ({format_date(assignment.appointment_at)})"


def close(coordinator: User, row: SettlementMonth, expected_version: int | None, now: datetime | None = None) -> int:
    """Closes the month: refused while open items remain (the message names them); otherwise
    every confirmed assignment of the month is settled in it, at once, with its history. Of two
    coordinators closing at once only one does (the conditional UPDATE of the month's row, which
    also holds the row until the transaction ends). Returns how many were settled."""
    now = now or utcnow()
    _check_open(row, expected_version)
    if now < bounds(row.month)[1]:
        raise ServiceError(
            _l(
                "A month can be closed once it is over, from %(day)s: appointments may still come in.",
                day=format_date(next_month(row.month)),
            )
        )
    closed = rows_changed(
        update(SettlementMonth)
        .where(
            SettlementMonth.id == row.id,
            SettlementMonth.state == MonthState.OPEN,
            SettlementMonth.version == row.version,
        )
        .values(state=MonthState.CLOSED, closed_by_id=coordinator.id, closed_at=now, version=row.version + 1)
        .execution_options(synchronize_session=False)
    )
    if closed != 1:
        db.session.refresh(row)
        raise ServiceError(MONTH_CLOSED if not row.is_open else STALE_MONTH)
    from .assignments import begin_ended

    begin_ended(now)  # an appointment that ended before the job came round is open too
    waiting = db.session.scalars(open_items(row.month).limit(NAMED_OPEN_ITEMS + 1)).all()
    if waiting:
        total = db.session.scalar(
            select(func.count(Assignment.id)).where(
                in_month(row.month), Assignment.state.in_(AssignmentState.open_items())
            )
        )
        named = "; ".join(_describe(item) for item in waiting[:NAMED_OPEN_ITEMS])
        more = int(total or 0) - min(len(waiting), NAMED_OPEN_ITEMS)
        message = lazy_ngettext(
            "The month cannot be closed while %(num)d item is open: %(items)s. "
            "Resolve it, or move it to the next month.",
            "The month cannot be closed while %(num)d items are open: %(items)s. "
            "Resolve each, or move it to the next month.",
            int(total or 0),
            items=named + (f"; … (+{more})" if more > 0 else ""),
        )
        raise ServiceError(message)
    settled = _settle_confirmed(coordinator, row.month)
    audit.record("settlement.closed", actor=coordinator, month=row.month.isoformat(), settled=settled)
    db.session.expire_all()
    return settled


def _settle_confirmed(coordinator: User, month: date) -> int:
    """Every confirmed assignment of the month becomes settled in it, with one history entry
    each: one UPDATE and one INSERT, whatever their number."""
    confirmed = db.session.execute(
        select(Assignment.id, Assignment.request_id, Assignment.offer_id).where(
            in_month(month), Assignment.state == AssignmentState.CONFIRMED
        )
    ).all()
    if not confirmed:
        return 0
    settling = transitions.find(Assignment, AssignmentState.CONFIRMED, AssignmentState.SETTLED)
    if settling is None or Actor.COORDINATOR not in settling.who:
        raise ServiceError(_l("You may not do this."))
    ids = [row.id for row in confirmed]
    moved = rows_changed(
        update(Assignment)
        .where(Assignment.id.in_(ids), Assignment.state == AssignmentState.CONFIRMED)
        .values(state=AssignmentState.SETTLED, settled_month=month, version=Assignment.version + 1)
        .execution_options(synchronize_session=False)
    )
    if moved != len(ids):
        raise ServiceError(STALE_MONTH)
    at = utcnow()
    db.session.execute(
        insert(RequestEvent),
        [
            {
                "request_id": row.request_id,
                "offer_id": row.offer_id,
                "at": at,
                "actor_id": coordinator.id,
                "actor_role": Actor.COORDINATOR,
                "channel": Channel.PORTAL,
                "subject": EventSubject.ASSIGNMENT,
                "from_state": AssignmentState.CONFIRMED.value,
                "to_state": AssignmentState.SETTLED.value,
                "note": f"settlement {month.isoformat()[:7]}",
            }
            for row in confirmed
        ],
    )
    return len(ids)


def parse_month(text: str) -> date | None:
    """ "2026-11" as the month's first day; None when it is no month."""
    try:
        parsed = datetime.strptime(text, "%Y-%m").replace(tzinfo=UTC).date()
    except ValueError:
        return None
    return parsed if 2000 <= parsed.year <= 2100 and text == parsed.strftime("%Y-%m") else None


def month_key(month: date) -> str:
    return month.strftime("%Y-%m")


__all__ = [
    "MONTH_CLOSED",
    "STALE_MONTH",
    "belongs_to",
    "bounds",
    "close",
    "counts",
    "first_of",
    "in_month",
    "is_over",
    "month_key",
    "month_or_none",
    "months_listing",
    "move_to_next_month",
    "next_month",
    "open_items",
    "open_month",
    "parse_month",
]
