"""Sign-in, registration, mail links (confirmation, reset, invitation) and password change."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ...extensions import db
from ...models import CreatedRecord, InvitationRole, TokenPurpose
from ...permissions import home_endpoint
from ...services import ServiceError, accounts, auth, invitations, organisations, throttle, tokens
from ...services.auth import LoginResult
from ..forms import ConfirmForm
from ..once import create_once
from ..places import get_place
from ..service_errors import commit_or_flash, show_on_form
from .forms import (
    BecomeVolunteerForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InvitationAccountForm,
    LoginForm,
    OrganisationFields,
    OrganisationRegistrationForm,
    ResetPasswordForm,
    VolunteerRegistrationForm,
)
from .links import client_address, safe_next

bp = Blueprint("auth", __name__)


def _home():
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/home")
def home():
    return _home()


@bp.route("/no-role")
def no_role():
    return render_template("auth/no_role.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return _home()
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        device = throttle.read_device_token(request.cookies.get(throttle.DEVICE_COOKIE))
        outcome = auth.authenticate(form.email.data, form.password.data, client_address(), device)
        db.session.commit()
        if outcome.result is LoginResult.THROTTLED:
            # The login page again, as a 429, with the address still filled in.
            form.password.data = ""
            form.form_errors.append(
                ngettext(
                    "Too many attempts. Please wait %(num)d second before you try again.",
                    "Too many attempts. Please wait %(num)d seconds before you try again.",
                    outcome.retry_after,
                )
            )
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(outcome.retry_after)}
        if outcome.result is LoginResult.OK:
            assert outcome.user is not None
            login_user(outcome.user, remember=form.remember.data)
            response = redirect(safe_next(form.next.data) or url_for(home_endpoint(outcome.user)))
            _remember_device(response, outcome.user)
            return response
        messages = {
            LoginResult.INVALID: _("The email address or the password is not correct."),
            LoginResult.INACTIVE: _("This account has been deactivated. Please contact the centre."),
            LoginResult.UNCONFIRMED: _(
                "Please confirm your email address first. We have sent you a link (at most one an hour); "
                "it may take a few minutes to arrive."
            ),
        }
        form.form_errors.append(messages[outcome.result])
    form.password.data = ""
    return render_template("auth/login.html", form=form)


def _remember_device(response, user) -> None:
    """Marks this browser as one the account's owner uses (see services/throttle.py)."""
    response.set_cookie(
        throttle.DEVICE_COOKIE,
        throttle.issue_device_token(user),
        max_age=int(throttle.DEVICE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Logging out did not work: the form had expired. Please try again."), "error")
        return _home()
    # Raising the session version ends this and every other session, remember-me included.
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash(_("You have been logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/register")
def register():
    return render_template("auth/register.html")


@bp.route("/register/volunteer", methods=["GET", "POST"])
def register_volunteer():
    if current_user.is_authenticated:
        return _become_volunteer()
    form = VolunteerRegistrationForm(locale=str(get_locale()))

    def register() -> None:  # the page says the same whether the address was known: no id to show
        accounts.register_volunteer(
            email=form.email.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            password=form.password.data,
            locale=form.locale.data,
        )

    if form.validate_on_submit() and create_once(form, CreatedRecord.REGISTRATION, register):
        return redirect(url_for("auth.registered"))
    return render_template("auth/register_volunteer.html", form=form)


def _become_volunteer():
    if current_user.is_volunteer:
        return redirect(url_for("volunteer.home"))
    form = BecomeVolunteerForm()
    if form.validate_on_submit():
        try:
            accounts.add_volunteer_role(current_user)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _home()
        db.session.commit()
        flash(_("You are now registered as a volunteer as well."), "success")
        return redirect(url_for("volunteer.home"))
    return render_template("auth/become_volunteer.html", form=form)


@bp.route("/register/organisation", methods=["GET", "POST"])
def register_organisation():
    if current_user.is_authenticated:
        return _add_organisation()
    form = OrganisationRegistrationForm(locale=str(get_locale()))

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

    if form.validate_on_submit() and create_once(form, CreatedRecord.REGISTRATION, register):
        return redirect(url_for("auth.registered"))
    return render_template("auth/register_organisation.html", form=form)


def _add_organisation():
    form = OrganisationFields()
    if form.validate_on_submit() and (
        created := create_once(
            form,
            CreatedRecord.ORGANISATION,
            lambda: organisations.create_organisation(
                current_user, form.organisation_name.data, get_place(form.place.data)
            ),
        )
    ):
        if not created.again:
            flash(_("The organisation is registered. A coordinator will check and approve it."), "success")
        return redirect(url_for("organisation.detail", organisation_id=created.record_id))
    return render_template("auth/add_organisation.html", form=form)


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
            db.session.commit()
            flash(_("Thank you: your email address is confirmed."), "success")
            if current_user.is_authenticated:
                return _home()
            flash(_("You can log in now."), "info")
            return redirect(url_for("auth.login"))
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.CONFIRM_EMAIL, token) is not None
    return render_template("auth/confirm_email.html", form=form, valid=valid), (200 if valid else 410)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = accounts.confirm_email_change(token)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("public.index"))
        if user is not None:
            db.session.commit()
            flash(_("Your new email address is confirmed; use it to log in from now on."), "success")
            return _home() if current_user.is_authenticated else redirect(url_for("auth.login"))
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.CHANGE_EMAIL, token) is not None
    return render_template("auth/confirm_email_change.html", form=form, valid=valid), (200 if valid else 410)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        auth.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/forgot_password_sent.html")
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = auth.reset_password(token, form.password.data)
        if user is not None:
            db.session.commit()
            logout_user()
            flash(_("Your password has been changed. Please log in with the new password."), "success")
            return redirect(url_for("auth.login"))
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.RESET_PASSWORD, token) is not None
    return render_template("auth/reset_password.html", form=form, valid=valid), (200 if valid else 410)


@bp.route("/password/change", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            auth.change_password(current_user, form.current_password.data, form.password.data)
        except ServiceError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            # Other sessions ended with the new session version; this one carries on.
            remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
            login_user(current_user._get_current_object(), remember=bool(remembered))
            flash(_("Your password has been changed. You have been logged out everywhere else."), "success")
            return _home()
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = invitations.open_invitation(token)
    if invitation is None:
        return render_template("auth/invitation.html", invitation=None), 410
    existing = accounts.find_by_email(invitation.email)
    if invitation.role is InvitationRole.VOLUNTEER and existing is not None and not existing.has_password:
        # A volunteer the centre recorded creates the account the centre made for them.
        return _account_form(
            token,
            invitation,
            invitations.take_over,
            _("Welcome! Your account is ready. Please check your profile."),
            lambda user: url_for("volunteer.profile"),
        )
    if existing is not None:
        return _accept_existing(token, invitation, existing)
    return _account_form(
        token,
        invitation,
        invitations.accept_with_new_account,
        _("Welcome! Your account is ready."),
        lambda user: url_for(home_endpoint(user)),
    )


def _account_form(token, invitation, create, welcome: str, destination):
    """The form for the new account's name, password and language; `create` makes it."""
    if current_user.is_authenticated:
        return render_template("auth/invitation.html", invitation=invitation, state="other_account")
    form = InvitationAccountForm(
        given_name=invitation.given_name, family_name=invitation.family_name, locale=invitation.locale
    )
    if form.validate_on_submit():
        try:
            user = create(
                token,
                given_name=form.given_name.data,
                family_name=form.family_name.data,
                password=form.password.data,
                locale=form.locale.data,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(welcome, "success")
            return redirect(destination(user))
    return render_template("auth/invitation.html", invitation=invitation, state="new_account", form=form)


def _accept_existing(token, invitation, existing):
    if not current_user.is_authenticated:
        return render_template(
            "auth/invitation.html",
            invitation=invitation,
            state="log_in",
            login_url=url_for("auth.login", next=url_for("auth.invitation", token=token)),
        )
    if current_user.id != existing.id:
        return render_template("auth/invitation.html", invitation=invitation, state="other_account")
    form = ConfirmForm()
    if form.validate_on_submit() and commit_or_flash(
        lambda: invitations.accept_as(current_user, token), _("You have accepted the invitation.")
    ):
        return _home()
    return render_template("auth/invitation.html", invitation=invitation, state="accept", form=form)
