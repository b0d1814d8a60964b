"""Every account: searching, reactivating and deactivating, resetting a lost second factor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Membership, User
from ...services import accounts, second_factor
from ...services.rate_limits import Action
from ..edge.confirm import Confirmation, confirm_then
from ..edge.service_errors import attempt
from ..pages import search as search_terms
from ..pages.forms import ConfirmForm
from ..pages.pagination import paginate
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp


@bp.route("/accounts", methods=["GET", "POST"])
def accounts_list():
    if request.method == "POST":
        if ConfirmForm().validate_on_submit():
            search_terms.remember("accounts", "" if "clear" in request.form else request.form.get("q", ""))
        return redirect(url_for("coordinator.accounts_list"))
    search = search_terms.current("accounts")
    query = (
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.organisation))
        .order_by(User.family_name, User.given_name, User.id)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(User.given_name).like(pattern),
                func.lower(User.family_name).like(pattern),
                User.email.like(pattern),
            )
        )
    page = paginate(query)
    return render_template("coordinator/accounts.html", page=page, search=search, form=ConfirmForm())


@bp.post("/accounts/<int:user_id>/activate")
def activate_account(user_id: int):
    """Reactivating is safe and takes one tap; deactivating asks first."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    else:
        attempt(lambda: accounts.set_active(current_user, user, True), done=_("The account is active again."))
    return redirect(url_for("coordinator.accounts_list", page=request.args.get("page", 1, type=int)))


@bp.route("/accounts/<int:user_id>/second-factor", methods=["GET", "POST"])
def reset_second_factor(user_id: int):
    """For a person who lost the phone and the recovery codes; audited, and the person is told."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id or not user.has_second_factor:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and (wait := over_limit(Action.DECISION)):  # the person is told by mail
        return too_many(form, "coordinator/reset_second_factor.html", wait, person=user)
    if form.validate_on_submit() and attempt(
        lambda: second_factor.reset(current_user, user),
        done=_("Two-step login of %(name)s is off, and all their sessions have ended.", name=user.full_name),
    ):
        return redirect(url_for("coordinator.accounts_list"))
    return render_template("coordinator/reset_second_factor.html", person=user, form=form)


@bp.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate_account(user_id: int):
    user = db.get_or_404(User, user_id)
    back = url_for("coordinator.accounts_list", page=request.args.get("page", 1, type=int))
    if not user.active:
        flash(_("This account is deactivated already."), "error")
        return redirect(back)

    def confirmation() -> Confirmation:
        happens = [
            _("%(name)s can no longer log in; every session ends at once.", name=user.full_name),
            _("Invitations this account sent can no longer be accepted."),
        ]
        if user.profile is not None:
            happens.append(
                _("Offers still waiting for this volunteer's answer are withdrawn; confirmed assignments stay.")
            )
        return Confirmation(
            title=_("Deactivate the account of %(name)s?", name=user.full_name),
            facts=[(_("Email address"), user.email or "–")],
            happens=[*happens, _("A coordinator can reactivate the account later.")],
            told=[_("Volunteers whose offers are withdrawn, by mail.")] if user.profile is not None else [],
            confirm_label=_("Yes, deactivate"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: accounts.set_active(current_user, user, False),
        _("The account is deactivated and all its sessions have ended."),
        back,
        limit=Action.DECISION,  # offers still open are withdrawn by mail
    )
