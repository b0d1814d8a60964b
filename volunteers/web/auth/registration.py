"""Registration of volunteers and organisations (also adding a role to a signed-in account)
and confirming the address."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import CreatedRecord, TokenPurpose
from ...services import accounts, organisations, tokens
from ...services.rate_limits import Action
from ..edge.once import create_once
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from ..pages.places import get_place
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp, go_home
from .forms import BecomeVolunteerForm, OrganisationFields, OrganisationRegistrationForm, VolunteerRegistrationForm


@bp.route("/register")
def register():
    return render_template("auth/register.html")


@bp.route("/register/volunteer", methods=["GET", "POST"])
def register_volunteer():
    if current_user.is_authenticated:
        return _become_volunteer()
    form = VolunteerRegistrationForm(locale=str(get_locale()))
    template = "auth/register_volunteer.html"

    def register() -> None:  # the page says the same whether the address was known: no id to show
        accounts.register_volunteer(
            email=form.email.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            password=form.password.data,
            locale=form.locale.data,
        )

    if form.validate_on_submit():
        # Counted before any hashing or mail; a form sent twice creates (and mails) once.
        if wait := over_limit(Action.REGISTER):
            return too_many(form, template, wait)
        if create_once(form, CreatedRecord.REGISTRATION, register):
            return redirect(url_for("auth.registered"))
    return render_template(template, form=form)


def _become_volunteer():
    if current_user.is_volunteer:
        return redirect(url_for("volunteer.home"))
    form = BecomeVolunteerForm()
    if form.validate_on_submit():
        if not attempt(
            lambda: accounts.add_volunteer_role(current_user), done=_("You are now registered as a volunteer as well.")
        ):
            return go_home()
        return redirect(url_for("volunteer.home"))
    return render_template("auth/become_volunteer.html", form=form)


@bp.route("/register/organisation", methods=["GET", "POST"])
def register_organisation():
    if current_user.is_authenticated:
        return _add_organisation()
    form = OrganisationRegistrationForm(locale=str(get_locale()))
    template = "auth/register_organisation.html"

    def register() -> None:  # as for volunteers: no id to show
        accounts.register_organisation(
            organisation_name=form.organisation_name.data,
            place=get_place(form.place.data),
            email=form.email.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            password=form.password.data,
            locale=form.locale.data,
        )

    if form.validate_on_submit():
        if wait := over_limit(Action.REGISTER):
            return too_many(form, template, wait)
        if create_once(form, CreatedRecord.REGISTRATION, register):
            return redirect(url_for("auth.registered"))
    return render_template(template, form=form)


def _add_organisation():
    form = OrganisationFields()
    template = "auth/add_organisation.html"
    if form.validate_on_submit():
        # A new organisation mails every coordinator.
        if wait := over_limit(Action.REGISTER):
            return too_many(form, template, wait)
        created = create_once(
            form,
            CreatedRecord.ORGANISATION,
            lambda: organisations.create_organisation(
                current_user, form.organisation_name.data, get_place(form.place.data)
            ),
        )
        if created:
            if not created.again:
                flash(_("The organisation is registered. A coordinator will check and approve it."), "success")
            return redirect(url_for("organisation.detail", organisation_id=created.record_id))
    return render_template(template, form=form)


@bp.route("/registered")
def registered():
    return render_template("auth/registered.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    # Mail scanners open links: only this page's POST uses the token.
    form = ConfirmForm()
    if form.validate_on_submit():
        user = accounts.confirm_email(token)
        if user is not None:
            flash(_("Thank you: your email address is confirmed."), "success")
            if current_user.is_authenticated:
                return go_home()
            flash(_("You can log in now."), "info")
            return redirect(url_for("auth.login"))
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.CONFIRM_EMAIL, token) is not None
    return render_template("auth/confirm_email.html", form=form, valid=valid), (200 if valid else 410)
