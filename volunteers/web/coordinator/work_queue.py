"""The overview's work queue as coordinators read it: a sentence and a link per task, and the
names of the board's filtered lists the links lead to."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ...services.work_queue import ASSIGNMENT_TASKS, OFFER_WARNING, REQUEST_TASKS, RUNNING_OUT_DAYS, Task, counts

_WARNING_HOURS = int(OFFER_WARNING.total_seconds() // 3600)

#: What the board shows when a task's link is followed.
BOARD_FILTERS = {
    Task.SHORT_NOTICE: _l("requests to fill again after a volunteer cancelled at short notice"),
    Task.URGENT: _l("urgent requests still to fill"),
    Task.SOON: _l("requests to fill within two days"),
    Task.NO_SPEAKER: _l("requests to fill for which no active volunteer speaks the language"),
    Task.OFFERS_EXPIRING: _l("requests with an offer that runs out within %(hours)d hours", hours=_WARNING_HOURS),
    Task.UNASKED: _l("requests to fill with nobody asked at the moment"),
    Task.OFFERS_WAITING: _l("requests with offers waiting for an answer"),
}
assert set(BOARD_FILTERS) == set(REQUEST_TASKS)


def board_filter(value: str | None) -> Task | None:
    """The task a board link names, if it is one the board filters by."""
    return next((task for task in REQUEST_TASKS if task.value == value), None)


def _sentence(task: Task, count: int) -> str:
    match task:
        case Task.SHORT_NOTICE:
            return ngettext(
                "%(num)d request to fill again: a volunteer cancelled at short notice",
                "%(num)d requests to fill again: volunteers cancelled at short notice",
                count,
            )
        case Task.URGENT:
            return ngettext("%(num)d urgent request still to fill", "%(num)d urgent requests still to fill", count)
        case Task.SOON:
            return ngettext(
                "%(num)d request to fill within two days", "%(num)d requests to fill within two days", count
            )
        case Task.NO_SPEAKER:
            return ngettext(
                "%(num)d request for which no active volunteer speaks the language",
                "%(num)d requests for which no active volunteer speaks the language",
                count,
            )
        case Task.OFFERS_EXPIRING:
            return ngettext(
                "%(num)d offer runs out within %(hours)d hours without an answer",
                "%(num)d offers run out within %(hours)d hours without an answer",
                count,
                hours=_WARNING_HOURS,
            )
        case Task.UNASKED:
            return ngettext(
                "%(num)d request to fill with nobody asked at the moment",
                "%(num)d requests to fill with nobody asked at the moment",
                count,
            )
        case Task.OFFERS_WAITING:
            return ngettext("%(num)d offer waiting for an answer", "%(num)d offers waiting for an answer", count)
        case Task.FAILED_MAIL:
            return ngettext(
                "%(num)d message could not be delivered.", "%(num)d messages could not be delivered.", count
            )
        case Task.DISPUTES:
            return ngettext(
                "%(num)d report disputed by the organisation, to resolve",
                "%(num)d reports disputed by the organisation, to resolve",
                count,
            )
        case Task.MISSING_REPORTS:
            return ngettext(
                "%(num)d report still missing after the last reminder",
                "%(num)d reports still missing after the last reminder",
                count,
            )
        case Task.REFLECTION_TALKS:
            return ngettext(
                "%(num)d reflection talk a volunteer asked for",
                "%(num)d reflection talks volunteers asked for",
                count,
            )
        case Task.ORGANISATIONS:
            return ngettext("%(num)d organisation awaiting approval", "%(num)d organisations awaiting approval", count)
        case Task.TRAININGS:
            return ngettext("%(num)d training to check", "%(num)d trainings to check", count)
        case Task.RUNNING_OUT:
            return ngettext(
                "%(num)d training or police certificate runs out within %(days)d days",
                "%(num)d trainings or police certificates run out within %(days)d days",
                count,
                days=RUNNING_OUT_DAYS,
            )
        case Task.APPLICANTS:
            return ngettext(
                "%(num)d applicant waiting for a first talk and a decision",
                "%(num)d applicants waiting for a first talk and a decision",
                count,
            )
    raise ValueError(task)


def _url(task: Task) -> str:
    if task in REQUEST_TASKS:
        return url_for("coordinator.board", queue=task.value)
    if task in ASSIGNMENT_TASKS:
        return url_for("coordinator.assignments", show=ASSIGNMENT_TASKS[task].value)
    return {
        Task.FAILED_MAIL: lambda: url_for("coordinator.outbox", status="failed"),
        Task.ORGANISATIONS: lambda: url_for("coordinator.organisations_list", status="pending"),
        Task.TRAININGS: lambda: url_for("coordinator.pending_trainings"),
        Task.RUNNING_OUT: lambda: url_for("coordinator.expiring", days=RUNNING_OUT_DAYS),
        Task.APPLICANTS: lambda: url_for("coordinator.volunteers", status="applicant"),
    }[task]()


@dataclass(frozen=True)
class QueueItem:
    task: Task
    count: int
    text: str
    url: str

    @property
    def pressing(self) -> bool:
        return self.task.pressing


def queue_items(now, today) -> list[QueueItem]:
    """Every task with its count, the most pressing first."""
    return [QueueItem(task, count, _sentence(task, count), _url(task)) for task, count in counts(now, today).items()]
