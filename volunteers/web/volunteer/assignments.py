"""The volunteer's offers and assignments: answer in the portal, or cancel when ill (declining
and cancelling ask first)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...db_types import utcnow
from ...extensions import db
from ...models import Offer, SupportRequest
from ...models.enums import OfferState
from ...notifications.requests import appointment
from ...services import offers
from ...services.rate_limits import Action
from ...services.short_notice import is_short_notice
from ..edge.confirm import Confirmation, confirm_then, no_longer_possible, reason_form
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from ..pages.pagination import paginate
from ..pages.what_to_do import what_to_do
from ..security.rate_limit import over_limit, too_many_flashed
from .blueprint import bp
from .reports import assignments_of
from .routes import own_profile

#: Past assignments per page.
PAST_PER_PAGE = 10


def _own_offers(profile_id: int, *conditions):
    return (
        select(Offer)
        .join(SupportRequest, Offer.request_id == SupportRequest.id)
        .where(Offer.profile_id == profile_id, *conditions)
        .options(
            selectinload(Offer.request).selectinload(SupportRequest.language),
            selectinload(Offer.request).selectinload(SupportRequest.place),
        )
    )


@bp.route("/assignments")
def assignments():
    """Offers to answer and confirmed assignments ahead (both few at any time), and the past
    ones a page at a time, the latest first."""
    profile = own_profile()
    now = utcnow()
    accepted = Offer.state == OfferState.ACCEPTED
    past = _own_offers(profile.id, accepted, SupportRequest.starts_at <= now).order_by(
        SupportRequest.starts_at.desc(), Offer.id.desc()
    )
    past_page = paginate(past, per_page=PAST_PER_PAGE, name="past_page")
    return render_template(
        "volunteer/assignments.html",
        open_offers=db.session.scalars(
            _own_offers(profile.id, Offer.state == OfferState.OFFERED, Offer.expires_at > now).order_by(
                SupportRequest.starts_at
            )
        ).all(),
        upcoming=db.session.scalars(
            _own_offers(profile.id, accepted, SupportRequest.starts_at > now).order_by(SupportRequest.starts_at)
        ).all(),
        past=past_page,
        reports=assignments_of(list(past_page.items)),
        now=now,
        form=ConfirmForm(),
    )


def _own_offer_or_404(offer_id: int) -> Offer:
    profile = own_profile()
    return db.one_or_404(select(Offer).where(Offer.id == offer_id, Offer.profile_id == profile.id))


def appointment_facts(offer: Offer) -> list[tuple[object, object]]:
    what = appointment(offer.request)
    return [(_("What:"), what.what), (_("When:"), what.when), (_("Where:"), what.where)]


@bp.post("/offers/<int:offer_id>/accept")
def accept_offer(offer_id: int):
    """Saying yes is safe and takes one tap; saying no or cancelling asks first."""
    offer = _own_offer_or_404(offer_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for("volunteer.assignments"))
    if wait := over_limit(Action.ANSWER):
        too_many_flashed(wait)
        return redirect(url_for("volunteer.assignments"))
    accepted = attempt(
        lambda: offers.answer_in_portal(current_user, offer, accept=True),
        done=_("Thank you! The assignment is confirmed; a mail with a calendar entry is on its way."),
    )
    if not accepted and (way_out := what_to_do(offer)):
        flash(way_out, "error")
    return redirect(url_for("volunteer.assignments"))


def _unless_still_possible(offer: Offer, target: OfferState):
    message = no_longer_possible(offer, target)
    if message is None:
        return None
    flash(message, "error")
    return redirect(url_for("volunteer.assignments"))


@bp.route("/offers/<int:offer_id>/decline", methods=["GET", "POST"])
def decline_offer(offer_id: int):
    offer = _own_offer_or_404(offer_id)
    if (gone := _unless_still_possible(offer, OfferState.DECLINED)) is not None:
        return gone

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Decline this request?"),
            facts=appointment_facts(offer),
            happens=[_("The centre asks someone else. You cannot accept this request afterwards.")],
            told=[_("The centre sees your answer at once (no mail is sent).")],
            confirm_label=_("Yes, decline"),
            back_url=url_for("volunteer.assignments"),
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: offers.answer_in_portal(current_user, offer, accept=False),
        _("You have declined. Thank you for answering."),
        url_for("volunteer.assignments"),
    )


@bp.route("/offers/<int:offer_id>/cancel", methods=["GET", "POST"])
def cancel_assignment(offer_id: int):
    offer = _own_offer_or_404(offer_id)
    if (gone := _unless_still_possible(offer, OfferState.CANCELLED_BY_VOLUNTEER)) is not None:
        return gone
    form = reason_form(
        _("Why can you not come?"),
        _("Only the centre reads this; the organisation is told that you cancelled, not why."),
        required=True,
        required_message=_("Say why you cannot come: only the centre reads it."),
    )

    def confirmation() -> Confirmation:
        short = is_short_notice(offer.request, utcnow())
        phone = current_app.config["CONTACT_PHONE"]
        return Confirmation(
            title=_("Cancel this assignment?"),
            facts=appointment_facts(offer),
            happens=[
                _("Your place opens again; the centre looks for someone else."),
                _("Your calendar entry is cancelled: you get a mail with the cancellation."),
                _("If you cancelled by mistake, call the centre: it can ask you again while the place is free."),
            ],
            told=[
                _("The centre's coordinators, by mail at once, marked as short notice.")
                if short
                else _("The centre's coordinators, by mail."),
                _("The organisation, by mail: that you cannot come."),
            ],
            note=(
                ngettext(
                    "The appointment begins in less than %(num)d hour: the centre has little time to find "
                    "someone else.",
                    "The appointment begins in less than %(num)d hours: the centre has little time to find "
                    "someone else.",
                    current_app.config["SHORT_NOTICE_HOURS"],
                )
                + (" " + _("If you can, please also call the centre: %(phone)s.", phone=phone) if phone else "")
            )
            if short
            else None,
            confirm_label=_("Yes, cancel the assignment"),
            back_label=_("No, I will come"),
            back_url=url_for("volunteer.assignments"),
        )

    return confirm_then(
        confirmation,
        form,
        lambda: offers.cancel_by_volunteer(current_user, offer, form.reason.data),
        _("You have cancelled. The centre and the organisation have been told. Thank you for letting us know."),
        url_for("volunteer.assignments"),
        limit=Action.ANSWER,
    )
