"""What `flask tick` runs. Each job is due after its interval, claimed by a conditional
UPDATE (two tick runners never run the same job at once), and safe to run twice.
Later issues add reminders, expiry, deadlines and the retention clean-up here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, text, update

from .clock import today
from .db_types import upsert, utcnow
from .extensions import db
from .models import ActionToken, FormSubmission, Invitation, JobState, VolunteerImport
from .services import assignments, kept_forms, offers, rate_limits, throttle
from .services.expiry import remind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    #: Stable, in the database; people read `label`.
    name: str
    interval: timedelta
    run: Callable[[datetime], str]
    label: object = None


def purge_expired(now: datetime) -> str:
    """Mail-link tokens a week after they expired or were used, open invitations a month
    after they expired, throttling records once they are quiet, rate-limit counters once
    their window has ended, uploads for an import a day on, the keys of create forms a month on,
    entries kept over a login timeout after their hour."""
    week_ago = now - timedelta(days=7)
    tokens = db.session.execute(
        delete(ActionToken).where(or_(ActionToken.expires_at < week_ago, ActionToken.used_at < week_ago))
    ).rowcount
    invitations = db.session.execute(
        delete(Invitation).where(Invitation.accepted_at.is_(None), Invitation.expires_at < now - timedelta(days=30))
    ).rowcount
    throttles = throttle.purge(now) + rate_limits.purge(now)
    kept = kept_forms.purge(now)
    imports = db.session.execute(
        delete(VolunteerImport).where(VolunteerImport.created_at < now - timedelta(days=1))
    ).rowcount
    # A month: long enough that a form left open and sent again late still creates nothing twice.
    keys = db.session.execute(
        delete(FormSubmission).where(FormSubmission.created_at < now - timedelta(days=30))
    ).rowcount
    return (
        f"{tokens} tokens, {invitations} invitations, {throttles} throttle records, {imports} imports, "
        f"{keys} form keys, {kept} kept forms"
    )


def send_reminders(now: datetime) -> str:
    """Reminders 60 and 14 days before something runs out, and marking what has run out."""
    return str(remind(today()))


def follow_requests(now: datetime) -> str:
    """Unanswered offers expire; requests whose day has come with places free become
    unmatched (coordinators and organisation told); confirmed volunteers hear the day before."""
    expired = offers.expire_offers(now)
    unmatched = offers.mark_unmatched(now)
    reminded = offers.remind_day_before(today())
    return f"{expired} offers expired, {unmatched} requests unmatched, {reminded} reminders for tomorrow"


def follow_assignments(now: datetime) -> str:
    """Appointments that have ended become assignments waiting for the report; volunteers are
    asked to report one and four days after, organisations to confirm three days after the
    report; reports nobody answered within CONFIRMATION_DAYS count as confirmed."""
    begun = assignments.begin_ended(now)
    volunteers, organisations = assignments.remind(now)
    confirmed = assignments.confirm_unanswered(now, current_app.config["CONFIRMATION_DAYS"])
    return (
        f"{begun} assignments begun, {volunteers} volunteers and {organisations} organisations reminded, "
        f"{confirmed} confirmed without an answer"
    )


def planner_statistics(now: datetime) -> str:
    """SQLite's query planner has no statistics unless ANALYZE gathers them, and without them
    it may walk the wrong index (matching: all active volunteers instead of the speakers of one
    language). PostgreSQL's autovacuum keeps its own."""
    if db.session.get_bind().dialect.name != "sqlite":
        return "left to autovacuum"
    db.session.execute(text("ANALYZE"))
    return "analysed"


JOBS: tuple[Job, ...] = (
    Job("purge-expired", timedelta(hours=1), purge_expired, _l("Deleting expired links and records")),
    Job("planner-statistics", timedelta(days=1), planner_statistics, _l("Database statistics")),
    Job("remind", timedelta(hours=6), send_reminders, _l("Reminders of what runs out")),
    Job("requests", timedelta(minutes=10), follow_requests, _l("Following up requests and offers")),
    Job("assignments", timedelta(minutes=10), follow_assignments, _l("Following up appointments that took place")),
)


def job_label(name: str) -> object:
    """What the coordinators' overview calls a job."""
    for job in JOBS:
        if job.name == name:
            return job.label or _l("Scheduled job")
    return _l("A job that no longer runs")


def _ensure_states(now: datetime) -> None:
    for job in JOBS:
        db.session.execute(
            upsert(JobState)
            .values(name=job.name, next_run_at=now, run_count=0)
            .on_conflict_do_nothing(index_elements=["name"])
        )
    db.session.commit()


def _claim(job: Job, now: datetime) -> bool:
    result = db.session.execute(
        update(JobState)
        .where(JobState.name == job.name, JobState.next_run_at <= now)
        .values(next_run_at=now + job.interval, last_started_at=now, run_count=JobState.run_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def run_due(now: datetime | None = None) -> list[tuple[str, str]]:
    """Runs every job that is due, once. Returns (job, outcome) for each job that ran."""
    now = now or utcnow()
    _ensure_states(now)
    outcomes = []
    for job in JOBS:
        if not _claim(job, now):
            continue
        try:
            outcome = job.run(now)
            error = None
            db.session.commit()
        except Exception as exc:  # one failing job must not stop the others
            db.session.rollback()
            log.exception("Job %s failed", job.name)
            outcome, error = f"failed: {type(exc).__name__}", f"{type(exc).__name__}: {exc}"[:1000]
        db.session.execute(
            update(JobState)
            .where(JobState.name == job.name)
            .values(last_finished_at=utcnow(), last_error=error)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        outcomes.append((job.name, outcome))
    return outcomes


def job_states() -> list[JobState]:
    return list(db.session.scalars(select(JobState).order_by(JobState.name)))
