"""Offers on the coordinators' request page: answers given by phone, and withdrawing. Saying
yes takes one tap; declining, cancelling and withdrawing ask first (see web/edge/confirm.py)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...db_types import utcnow
from ...extensions import db
from ...models import Offer, VolunteerProfile
from ...models.enums import OfferAction, OfferState
from ...services import offers
from ...services.rate_limits import Action
from ...services.short_notice import is_short_notice
from ...services.transitions import offer_actions
from ..edge.confirm import Confirmation, confirm_then, no_longer_possible, reason_form
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from ..security.rate_limit import over_limit, too_many_flashed
from ..volunteer.assignments import appointment_facts
from .blueprint import bp


def _offer_or_404(offer_id: int) -> Offer:
    return db.one_or_404(
        select(Offer)
        .where(Offer.id == offer_id)
        .options(selectinload(Offer.request), selectinload(Offer.profile).selectinload(VolunteerProfile.user))
    )


def _back(offer: Offer) -> str:
    return url_for("coordinator.request", request_id=offer.request_id) + "#offers"


@bp.post("/offers/<int:offer_id>/accept")
def record_acceptance(offer_id: int):
    """The volunteer said yes by phone."""
    offer = _offer_or_404(offer_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    elif wait := over_limit(Action.OFFER):
        too_many_flashed(wait)
    else:
        attempt(
            lambda: offers.answer_in_portal(current_user, offer, accept=True),
            done=_("The acceptance is recorded; the volunteer and the organisation have been told."),
        )
    return redirect(_back(offer))


def _confirmation(offer: Offer, action: str) -> Confirmation:
    name = offer.profile.user.full_name
    confirmed = offer.state is OfferState.ACCEPTED
    freed = [_("The place opens again; the next candidates are shown on the request page.")]
    calendar = _("%(name)s's calendar entry is cancelled.", name=name)
    if action == "decline":
        return Confirmation(
            title=_("Record that %(name)s declined?", name=name),
            facts=appointment_facts(offer),
            happens=[
                _("The offer closes and its mail link stops working."),
                _("%(name)s can be asked again later.", name=name),
            ],
            confirm_label=_("Yes, record the decline"),
            back_url=_back(offer),
        )
    if action == "cancel":
        short = is_short_notice(offer.request, utcnow())
        return Confirmation(
            title=_("Record that %(name)s cannot come?", name=name),
            facts=appointment_facts(offer),
            happens=[*freed, calendar]
            + ([_("The request is marked as cancelled at short notice; its candidates come first.")] if short else []),
            told=[
                _("%(name)s, by mail, with the calendar cancellation.", name=name),
                _("The centre's coordinators, by mail at once, marked as short notice.")
                if short
                else _("The centre's coordinators, by mail."),
                _("The organisation, by mail: that the volunteer cannot come."),
            ],
            confirm_label=_("Yes, record the cancellation"),
            back_url=_back(offer),
        )
    return Confirmation(
        title=_("Withdraw %(name)s from this assignment?", name=name)
        if confirmed
        else _("Withdraw the offer to %(name)s?", name=name),
        facts=appointment_facts(offer),
        happens=[*freed, calendar] if confirmed else [_("The offer closes and its mail link stops working.")],
        told=[_("%(name)s, by mail.", name=name)]
        + ([_("The organisation, by mail: that the volunteer can no longer come.")] if confirmed else []),
        confirm_label=_("Yes, withdraw"),
        back_url=_back(offer),
    )


@bp.route("/offers/<int:offer_id>/<any(decline, withdraw, cancel):action>", methods=["GET", "POST"])
def change_offer(offer_id: int, action: str):
    offer = _offer_or_404(offer_id)
    chosen = OfferAction(action)
    if chosen not in offer_actions(offer):  # the page offered it, but someone else acted since
        begun = offer.request.starts_at <= utcnow()
        message = _("The appointment has begun: what happened goes into its report, not a withdrawal.")
        flash(
            (message if begun else None) or no_longer_possible(offer, chosen.target) or _("You may not do this."),
            "error",
        )
        return redirect(_back(offer))
    if action == "decline":
        form = ConfirmForm()
    elif action == "cancel":
        form = reason_form(
            _("What the volunteer said"),
            _("For the history; only coordinators read it."),
            required=True,
            required_message=_("Write down why the volunteer cannot come: only coordinators read it."),
        )
    else:
        form = reason_form(_("Why"), _("For the history; only coordinators read it."))

    def change() -> None:
        if action == "decline":
            offers.answer_in_portal(current_user, offer, accept=False)
        elif action == "cancel":
            offers.cancel_by_volunteer(current_user, offer, form.reason.data)
        else:
            offers.withdraw_by_coordinator(current_user, offer, form.reason.data)

    done = {
        "decline": _("The decline is recorded."),
        "withdraw": _("The offer is withdrawn; the volunteer has been told."),
        "cancel": _("The cancellation is recorded; the place is free again."),
    }
    return confirm_then(lambda: _confirmation(offer, action), form, change, done[action], _back(offer), Action.OFFER)
