"""The funding limits on the coordinators' request page: candidates and open offers flagged
with the limit they would pass, the client's funded assignments, and the two decisions with a
reason (each asks first): overriding a volunteer's limit for one offer, and an exception to
the funded assignments per client for one request."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...formatting import format_date, format_money, format_number
from ...models import Offer, RequestEvent, SupportRequest
from ...models.enums import LimitNote, OfferState
from ...services import funding
from ...services import volunteers as volunteer_service
from ...services.limits import LimitKind
from ..edge.confirm import Confirmation, confirm_then, reason_form
from ..edge.service_errors import attempt, form_status, submitted_version
from ..requests.views import request_or_404
from ..volunteer.assignments import appointment_facts
from .blueprint import bp
from .forms.funding import FundingForm
from .offers import _offer_or_404
from .volunteers import volunteer_or_404


def _hours(value: float) -> str:
    return format_number(round(value, 2))


def _euros(cents: float) -> str:
    return format_money(round(cents))


def flag_text(flag: funding.Flag) -> str:
    """A flag in words: "would reach 7 of 6 hours in the week of 14 Dec 2026"."""
    if flag.kind is LimitKind.WEEKLY_HOURS:
        monday = flag.day - timedelta(days=flag.day.weekday())
        return _(
            "would reach %(after)s of %(limit)s hours in the week of %(monday)s",
            after=_hours(flag.after),
            limit=_hours(flag.limit),
            monday=format_date(monday),
        )
    if flag.kind is LimitKind.YEARLY_HOURS:
        return _(
            "would reach %(after)s of %(limit)s hours in %(year)d",
            after=_hours(flag.after),
            limit=_hours(flag.limit),
            year=flag.day.year,
        )
    return _(
        "would pass the yearly allowance: %(paid)s of %(limit)s paid or due, %(after)s with this one",
        paid=_euros(flag.so_far),
        limit=_euros(flag.limit),
        after=_euros(flag.after),
    )


def limits_section(record: SupportRequest, shown_ids: list[int], events: list[RequestEvent]) -> dict:
    """What the request page shows of the limits: the flags of the candidates listed and of the
    offers waiting for an answer (weighed together, in a fixed number of queries), the client's
    standing, and each offer's override and refusals from the history."""
    waiting = [offer.profile_id for offer in record.offers if offer.state is OfferState.OFFERED]
    flagged = funding.flags(record, [*shown_ids, *waiting]) if record.state.is_live else {}
    overrides = {e.offer_id: e for e in events if e.note == LimitNote.OVERRIDDEN}
    refused = {e.offer_id: e for e in events if e.note == LimitNote.REFUSED}
    exception = next((e for e in reversed(events) if e.note == LimitNote.CAP_EXCEPTION), None)
    standing = funding.client_standing(record)
    return {
        "limit_flags": {pid: [flag_text(flag) for flag in found] for pid, found in flagged.items() if found},
        "standing": standing,
        "standing_line": standing_text(record, standing),
        "overrides": overrides,
        "refusals": refused,
        "cap_exception": exception,
    }


def _back(record_id: int) -> str:
    return url_for("coordinator.request", request_id=record_id) + "#offers"


@bp.route("/offers/<int:offer_id>/override-limits", methods=["GET", "POST"])
def override_limits(offer_id: int):
    offer: Offer = _offer_or_404(offer_id)
    back = _back(offer.request_id)
    if offer.state is not OfferState.OFFERED or offer.limit_override_reason:
        flash(_("This offer no longer needs an override. The page shows the current state."), "error")
        return redirect(back)
    name = offer.profile.user.full_name
    form = reason_form(
        _("Why the limit may be passed"),
        _("Kept in the audit log and the request's history; only coordinators read it."),
        required=True,
        required_message=_("Say why the limit may be passed: it is kept in the audit log."),
    )
    flags = funding.flags(offer.request, [offer.profile_id]).get(offer.profile_id, [])

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Let %(name)s accept although a funding limit is passed?", name=name),
            facts=[*appointment_facts(offer), *((_("Limit:"), flag_text(flag)) for flag in flags)],
            happens=[
                _("%(name)s can accept this offer; the limit is passed knowingly.", name=name),
                _("The override and its reason are kept in the audit log and the request's history."),
            ],
            confirm_label=_("Yes, override the limit"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        form,
        lambda: funding.override_limits(current_user, offer, form.reason.data),
        _("The limit is overridden for this offer; %(name)s can accept it now.", name=name),
        back,
    )


@bp.route("/requests/<int:request_id>/cap-exception", methods=["GET", "POST"])
def cap_exception(request_id: int):
    record = request_or_404(request_id)
    back = url_for("coordinator.request", request_id=record.id) + "#client-cap"
    if record.cap_exception_reason or not record.state.is_live:
        flash(_("This request no longer needs an exception. The page shows the current state."), "error")
        return redirect(back)
    standing = funding.client_standing(record)
    form = reason_form(
        _("Why the exception is needed"),
        _("Kept in the audit log and the request's history; only coordinators read it."),
        required=True,
        required_message=_("Say why the exception is needed: it is kept in the audit log."),
    )

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_(
                "Grant an exception to the funded assignments for client %(reference)s?",
                reference=record.client_reference,
            ),
            facts=[(_("Funded assignments:"), standing_text(record, standing))],
            happens=[
                _("Offers and acceptances for this request may pass the funded assignments per client."),
                _("The exception stays with the request: it cannot be withdrawn later."),
                _("The exception and its reason are kept in the audit log and the request's history."),
            ],
            confirm_label=_("Yes, grant the exception"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        form,
        lambda: funding.grant_cap_exception(current_user, record, form.reason.data),
        _("The exception is granted for this request."),
        back,
    )


@bp.route("/volunteers/<int:profile_id>/funding", methods=["GET", "POST"])
def volunteer_funding(profile_id: int):
    """The volunteer's programme and tax-free allowance, which their limits follow."""
    profile = volunteer_or_404(profile_id)
    form = FundingForm() if request.method == "POST" else FundingForm(obj=profile)
    if request.method == "GET":
        form.version.data = str(profile.version)
    if form.validate_on_submit():
        changed = attempt(
            lambda: volunteer_service.set_funding(
                current_user, profile, form.programme.data, form.tax_allowance.data, submitted_version(form)
            ),
            form,
            record=profile,
        )
        if changed:
            flash(_("Programme and allowance are saved.") if changed.result else _("Nothing was changed."), "success")
            return redirect(url_for("coordinator.volunteer", profile_id=profile.id) + "#person")
    return render_template("coordinator/volunteers/funding.html", form=form, profile=profile), form_status(form)


def standing_text(record: SupportRequest, standing: funding.ClientStanding) -> str:
    return _(
        "Client %(reference)s: %(count)d of %(cap)d funded assignments in %(year)d",
        reference=record.client_reference,
        count=standing.count,
        cap=standing.cap,
        year=standing.year,
    )
