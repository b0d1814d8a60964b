"""The coordinators' board of requests, a request with its ranked candidates, offers and their
answers (also given by phone), requests taken by phone, and exclusions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ...clock import today
from ...db_types import utcnow
from ...extensions import db
from ...formatting import format_datetime
from ...labels import label
from ...models import CreatedRecord, Exclusion, Offer, Organisation, OrganisationStatus, SupportRequest
from ...models.enums import OfferState, RequestState
from ...services import board as board_service
from ...services import exclusions, nobody_found, offers
from ...services import requests as request_service
from ...services.candidates import near_misses, people, rank
from ...services.rate_limits import Action
from ...services.short_notice import marked_short_notice, who_cancelled_at_short_notice
from ...services.work_queue import request_condition
from ..edge.confirm import Confirmation, confirm_then, no_longer_possible, render_confirmation
from ..edge.kept_forms import kept_values
from ..edge.once import create_once
from ..edge.service_errors import attempt, form_status, submitted_version
from ..pages.forms import ConfirmForm
from ..pages.pagination import PER_PAGE, page_number, paginate, two_part_page, within_pages
from ..requests.forms import CancelRequestForm, OfferForm, RequestForm
from ..requests.views import (
    cancel_confirmation,
    cancelled_message,
    describe,
    history_of,
    last_moves,
    nobody_found_confirmation,
    request_or_404,
)
from ..security.rate_limit import over_limit, too_many, wait_message
from .assignments import after_the_appointment
from .blueprint import bp
from .forms import NobodyFoundForm
from .forms.exclusions import ExclusionForm, OrganisationChoiceForm
from .limits import limits_section
from .notes import add_note, notes_section
from .volunteers import render_volunteer, volunteer_or_404
from .work_queue import BOARD_FILTERS, board_filter

#: Requests still open this close to their date are highlighted.
HIGHLIGHT_DAYS = 2


@bp.route("/requests", endpoint="board")
def board():
    tab = board_service.parse_tab(request.args.get("tab"))
    sort = board_service.parse_sort(request.args.get("sort"))
    queue = board_filter(request.args.get("queue"))  # a task of the overview's work queue
    query = board_service.board_query(tab, sort)
    if queue is not None:
        query = query.where(request_condition(queue, utcnow()))
    if board_service.splits_at_now(tab, sort):
        page = within_pages(two_part_page(*board_service.upcoming_then_past(query, utcnow()), page_number(), PER_PAGE))
    else:
        page = paginate(query)
    return render_template(
        "coordinator/requests/board.html",
        page=page,
        tab=tab,
        tabs=list(board_service.BOARD_TABS),
        sort=sort,
        sorts=list(board_service.BoardSort),
        soon=utcnow() + timedelta(days=HIGHLIGHT_DAYS),
        queue=queue,
        queue_name=BOARD_FILTERS.get(queue),
        short_notice=marked_short_notice([record.id for record in page.items]),
    )


#: Candidates listed at first, and how many more each "show more" adds: the ranking is made in
#: full, but a page of 250 names helps nobody and costs the most to render.
CANDIDATES_SHOWN = 20


def shown_candidates(chosen: set[int] | frozenset[int], ranked_ids: list[int]) -> int:
    """How many candidates the page lists: as asked (?shown=), in steps of CANDIDATES_SHOWN,
    and at least down to the last one ticked in a shortlist that came back."""
    asked = request.args.get("shown", type=int) or CANDIDATES_SHOWN
    steps = max(1, -(-asked // CANDIDATES_SHOWN))
    last_ticked = max((ranked_ids.index(i) + 1 for i in chosen if i in ranked_ids), default=0)
    return max(steps * CANDIDATES_SHOWN, last_ticked)


def render_request(record: SupportRequest, status: int = 200, note_form=None, chosen=frozenset(), offer_form=None):
    """The request page; `chosen`: the candidates ticked in a shortlist that came back."""
    ranking = rank(record, named=0) if record.state.takes_offers else None
    shown = 0
    shown_ids: list[int] = []
    if ranking is not None:
        ranked_ids = [item.candidate.profile_id for item in ranking.result.ranked]
        shown = shown_candidates(chosen, ranked_ids)
        shown_ids = ranked_ids[:shown]
        ranking = replace(ranking, people=people(shown_ids))
    events = history_of(record)
    history = describe(events, record, for_centre=True)
    almost = near_misses(record, ranking) if ranking is not None else ()
    # A volunteer cancelled at short notice and the place is still free: candidates first.
    short_notice = who_cancelled_at_short_notice(record) if ranking is not None and record.starts_at > utcnow() else []
    return render_template(
        "coordinator/requests/request.html",
        record=record,
        ranking=ranking,
        history=history,
        last_moves=last_moves(history),
        near_misses=almost,
        short_notice=short_notice,
        after=after_the_appointment(record, events),
        form=ConfirmForm(),
        offer_form=offer_form or OfferForm(),
        may_edit=request_service.may_edit(current_user, record),
        may_report_nobody_found=nobody_found.may_report_nobody_found(current_user, record),
        chosen=chosen,
        shown=shown,
        step=CANDIDATES_SHOWN,
        **notes_section(record, note_form),
        **limits_section(record, shown_ids, events),
    ), status


@bp.route("/requests/<int:request_id>", endpoint="request")
def show_request(request_id: int):
    # After a login that followed a timed-out shortlist, the candidates ticked then.
    chosen = {int(value) for value in kept_values("profile_ids") if value.isdigit()}
    return render_request(request_or_404(request_id), chosen=chosen)


@bp.post("/requests/<int:request_id>/notes", endpoint="add_request_note")
def add_request_note(request_id: int):
    record = request_or_404(request_id)
    return add_note(record, lambda form: render_request(record, 400, note_form=form))


@bp.post("/requests/<int:request_id>/offers")
def make_offers(request_id: int):
    record = request_or_404(request_id)
    ranking = rank(record) if record.state.takes_offers else None
    # Those asked already pass here: a form sent twice is then answered by `create_once`.
    asked = {offer.profile_id for offer in record.offers}
    form = OfferForm(
        candidates=None if ranking is None else {r.candidate.profile_id for r in ranking.result.ranked} | asked
    )
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            flash(_("The form had expired. Please try again."), "error")
            return redirect(url_for("coordinator.request", request_id=record.id))
        return render_request(record, 400, offer_form=form, chosen=set(form.chosen))
    chosen = form.chosen
    if wait := over_limit(Action.OFFER):  # each volunteer chosen is mailed
        flash(wait_message(wait), "error")
        page, _status = render_request(request_or_404(request_id), chosen=set(chosen))
        return page, 429, {"Retry-After": str(wait)}
    made = []

    def offer():
        made.extend(offers.make_offers(current_user, record, chosen))
        return record.id

    created = create_once(form, CreatedRecord.OFFERS, offer)
    if created is None:  # the refusal shows above the candidates, where the answer opens
        return render_request(request_or_404(request_id), 409, offer_form=form, chosen=set(chosen))
    if not created.again:
        flash(
            ngettext(
                "Offered to %(num)d volunteer; they have been asked by mail.",
                "Offered to %(num)d volunteers; they have been asked by mail.",
                len(made),
            ),
            "success",
        )
    return redirect(url_for("coordinator.request", request_id=record.id) + "#offers")


@bp.route("/requests/new", methods=["GET", "POST"])
def new_request():
    """A request taken by phone, entered on the organisation's behalf."""
    chooser = OrganisationChoiceForm()
    form = RequestForm()
    if request.method == "POST" and chooser.validate() and form.validate_on_submit():
        if wait := over_limit(Action.REQUEST):  # every coordinator is mailed
            return too_many(form, "coordinator/requests/new.html", wait, chooser=chooser)
        organisation = db.session.get(Organisation, chooser.organisation_id.data)
        created = create_once(
            form,
            CreatedRecord.REQUEST,
            lambda: request_service.submit(current_user, organisation, form.data_for_service(), today()),
        )
        if created:
            if not created.again:
                flash(_("The request is entered on the organisation's behalf."), "success")
            return redirect(url_for("coordinator.request", request_id=created.record_id))
    return render_template("coordinator/requests/new.html", form=form, chooser=chooser), max(
        form_status(form), form_status(chooser)
    )


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
def edit_request(request_id: int):
    record = request_or_404(request_id)
    form = (
        RequestForm(held_language=record.language_code) if request.method == "POST" else RequestForm.for_request(record)
    )
    if form.validate_on_submit():
        if wait := over_limit(Action.REQUEST):  # those asked or confirmed are told by mail
            return too_many(form, "coordinator/requests/edit.html", wait, record=record)
        if attempt(
            lambda: request_service.edit(
                current_user, record, form.data_for_service(), submitted_version(form), today()
            ),
            form,
            done=_("The request is changed; those concerned have been told."),
            record=record,
        ):
            return redirect(url_for("coordinator.request", request_id=record.id))
    return render_template("coordinator/requests/edit.html", form=form, record=record), form_status(form)


@bp.route("/requests/<int:request_id>/cancel", methods=["GET", "POST"])
def cancel_request(request_id: int):
    record = request_or_404(request_id)
    back = url_for("coordinator.request", request_id=record.id)
    message = no_longer_possible(record, RequestState.CANCELLED)
    if message is None and not request_service.may_cancel(current_user, record):
        message = _("The appointment has begun or is over, so the request can no longer be cancelled.")
    if message is not None:
        flash(message, "error")
        return redirect(back)
    form = CancelRequestForm()
    return confirm_then(
        lambda: cancel_confirmation(record, current_user.is_coordinator, back),
        form,
        lambda: request_service.cancel(current_user, record, form.reason.data),
        cancelled_message(record, current_user.is_coordinator),
        back,
        limit=Action.REQUEST,
    )


@bp.route("/requests/<int:request_id>/nobody-found", methods=["GET", "POST"])
def report_nobody_found(request_id: int):
    """Before the appointment: the request becomes unmatched now and the organisation is told."""
    record = request_or_404(request_id)
    back = url_for("coordinator.request", request_id=record.id)
    message = no_longer_possible(record, RequestState.UNMATCHED)
    if message is None and not nobody_found.may_report_nobody_found(current_user, record):
        message = _(
            "The appointment has begun: the request becomes “unmatched” by itself, and the organisation is told."
        )
    if message is not None:
        flash(message, "error")
        return redirect(back)
    form = NobodyFoundForm()
    asked = sum(offer.state is OfferState.OFFERED for offer in record.offers)
    return confirm_then(
        lambda: nobody_found_confirmation(record, back),
        form,
        lambda: nobody_found.report_nobody_found(current_user, record, form.reason.data),
        _("The organisation has been told that nobody was found.")
        + (
            " " + ngettext("The volunteer asked has been told.", "The %(num)d volunteers asked have been told.", asked)
            if asked
            else ""
        ),
        back,
        limit=Action.REQUEST,
    )


@bp.post("/volunteers/<int:profile_id>/exclusions")
def add_exclusion(profile_id: int):
    profile = volunteer_or_404(profile_id)
    form = ExclusionForm()
    valid = form.validate_on_submit()
    if valid and request.form.get("confirmed") != "yes":
        organisation = db.session.get(Organisation, form.organisation_id.data)
        if organisation is not None and (
            live := exclusions.live_offers(profile, organisation, form.client_reference.data)
        ):
            return render_confirmation(_exclusion_confirmation(profile, organisation, form, live), form)
    if valid and (
        created := create_once(
            form,
            CreatedRecord.EXCLUSION,
            lambda: exclusions.add(
                current_user,
                profile,
                db.session.get(Organisation, form.organisation_id.data),
                form.client_reference.data,
                form.reason.data,
            ),
        )
    ):
        if not created.again:
            flash(_("The exclusion is recorded; matching respects it from now on."), "success")
        return redirect(url_for("coordinator.volunteer", profile_id=profile.id) + "#exclusions")
    return render_volunteer(volunteer_or_404(profile_id), 400, exclusion_form=form)


def _exclusion_confirmation(
    profile, organisation: Organisation, form: ExclusionForm, live: list[Offer]
) -> Confirmation:
    """Excluding someone who is asked, or confirmed, for this organisation (or this client):
    said first. Nothing happens to those offers by itself; the coordinator decides on each
    request's page, where withdrawing tells the volunteer and the organisation."""
    reference = (form.client_reference.data or "").strip()
    scope = (
        _("%(organisation)s, client %(reference)s", organisation=organisation.name, reference=reference)
        if reference
        else organisation.name
    )
    name = profile.user.full_name
    return Confirmation(
        title=_("%(name)s is asked or confirmed there: record the exclusion anyway?", name=name),
        facts=[
            (_("Excluded from"), scope),
            *((label(offer.state), format_datetime(offer.request.starts_at)) for offer in live),
        ],
        happens=[
            _("Matching no longer proposes %(name)s there.", name=profile.user.given_name),
            ngettext(
                "The offer or assignment above stays as it is: withdraw it on its request page if needed.",
                "The %(num)d offers and assignments above stay as they are: "
                "withdraw them on their request pages if needed.",
                len(live),
            ),
        ],
        confirm_label=_("Yes, record the exclusion"),
        back_url=url_for("coordinator.volunteer", profile_id=profile.id) + "#exclusions",
        hidden=[
            (form.submission_key.name, form.submission_key.data or ""),
            (form.organisation_id.name, str(form.organisation_id.data)),
            (form.client_reference.name, reference),
            ("confirmed", "yes"),
        ],
        danger=False,
    )


@bp.route("/exclusions/<int:exclusion_id>/remove", methods=["GET", "POST"])
def remove_exclusion(exclusion_id: int):
    exclusion = db.get_or_404(Exclusion, exclusion_id)
    profile = exclusion.profile
    back = url_for("coordinator.volunteer", profile_id=profile.id) + "#exclusions"

    def confirmation() -> Confirmation:
        scope = (
            _(
                "%(organisation)s, client %(reference)s",
                organisation=exclusion.organisation.name,
                reference=exclusion.client_reference,
            )
            if exclusion.client_reference
            else exclusion.organisation.name
        )
        return Confirmation(
            title=_("Remove this exclusion of %(name)s?", name=profile.user.full_name),
            facts=[(_("Excluded from"), scope), (_("Reason"), exclusion.reason)],
            happens=[_("Matching may propose %(name)s for this organisation again.", name=profile.user.given_name)],
            confirm_label=_("Yes, remove the exclusion"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: exclusions.remove(current_user, exclusion),
        _("The exclusion is removed."),
        back,
    )


def approved_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.status == OrganisationStatus.APPROVED).order_by(Organisation.name)
        )
    )
