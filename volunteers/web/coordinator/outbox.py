"""The mail outbox: what was sent, what waits, what failed, and sending a failed message again."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import OutboxMessage, OutboxStatus
from ...notifications.worker import outbox_health, retry_failed
from ...services import audit
from ...services.rate_limits import Action
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from ..pages.pagination import paginate
from ..security.rate_limit import over_limit, too_many_flashed
from .blueprint import bp

OUTBOX_FILTERS = {status.value: status for status in OutboxStatus}


@bp.route("/outbox")
def outbox():
    status = OUTBOX_FILTERS.get(request.args.get("status", ""))
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    page = paginate(query)
    return render_template(
        "coordinator/outbox.html",
        page=page,
        status=status,
        statuses=list(OutboxStatus),
        health=outbox_health(),
        retry_form=ConfirmForm(),
    )


@bp.post("/outbox/<int:message_id>/retry")
def retry_mail(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    elif wait := over_limit(Action.DECISION):
        too_many_flashed(wait)
    else:

        def retry() -> None:
            retry_failed(message)
            audit.record("mail.retried", actor=current_user, message_id=message.id)

        attempt(retry, done=_("The message will be sent again."))
    return redirect(url_for("coordinator.outbox", status="failed"))
