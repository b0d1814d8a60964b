"""The coordinators' home (what waits for them) and the audit log."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...clock import today
from ...db_types import utcnow
from ...extensions import db
from ...jobs import job_states
from ...models import AuditEvent, Organisation, OrganisationStatus, VolunteerProfile
from ...notifications.worker import outbox_health
from ..pages.pagination import paginate
from .blueprint import bp
from .organisations import pending_query
from .work_queue import queue_items


@bp.route("/")
def home():
    pending_count = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.status == OrganisationStatus.PENDING)
    )
    pending = db.session.scalars(pending_query().limit(5)).all()
    statuses = dict(
        db.session.execute(
            select(VolunteerProfile.status, func.count(VolunteerProfile.id)).group_by(VolunteerProfile.status)
        ).all()
    )
    return render_template(
        "coordinator/home.html",
        pending=pending,
        pending_count=pending_count,
        health=outbox_health(),
        jobs=job_states(),
        volunteer_counts=statuses,
        queue=queue_items(utcnow(), today()),
    )


@bp.route("/audit")
def audit_log():
    query = (
        select(AuditEvent)
        .options(
            selectinload(AuditEvent.actor),
            selectinload(AuditEvent.subject_user),
            selectinload(AuditEvent.organisation),
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    page = paginate(query, per_page=50)
    return render_template("coordinator/audit.html", page=page)
