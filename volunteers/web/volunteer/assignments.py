"""The volunteer's offers and assignments: answer in the portal, or cancel when ill."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...db_types import utcnow
from ...extensions import db
from ...models import Offer, SupportRequest
from ...models.enums import OfferState
from ...services import offers
from ..forms import ConfirmForm
from ..service_errors import commit_or_flash
from .blueprint import bp
from .routes import own_profile


def _own_offers(profile_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .join(SupportRequest, Offer.request_id == SupportRequest.id)
            .where(Offer.profile_id == profile_id)
            .options(
                selectinload(Offer.request).selectinload(SupportRequest.language),
                selectinload(Offer.request).selectinload(SupportRequest.place),
            )
            .order_by(SupportRequest.starts_at)
        )
    )


@bp.route("/assignments")
def assignments():
    profile = own_profile()
    now = utcnow()
    mine = _own_offers(profile.id)
    return render_template(
        "volunteer/assignments.html",
        open_offers=[o for o in mine if o.state is OfferState.OFFERED and o.expires_at > now],
        upcoming=[o for o in mine if o.state is OfferState.ACCEPTED and o.request.starts_at > now],
        past=[o for o in mine if o.state is OfferState.ACCEPTED and o.request.starts_at <= now][-10:],
        form=ConfirmForm(),
    )


@bp.post("/offers/<int:offer_id>/<any(accept, decline, cancel):action>")
def answer(offer_id: int, action: str):
    profile = own_profile()
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.profile_id != profile.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for("volunteer.assignments"))
    changes = {
        "accept": lambda: offers.answer_in_portal(current_user, offer, accept=True),
        "decline": lambda: offers.answer_in_portal(current_user, offer, accept=False),
        "cancel": lambda: offers.cancel_by_volunteer(current_user, offer),
    }
    done = {
        "accept": _("Thank you! The assignment is confirmed; a mail with a calendar entry is on its way."),
        "decline": _("You have declined. Thank you for answering."),
        "cancel": _(
            "You have cancelled. The centre and the organisation have been told. Thank you for letting us know."
        ),
    }
    commit_or_flash(changes[action], done[action])
    return redirect(url_for("volunteer.assignments"))
