"""Sign-in, logout, password reset and change, confirming a new address, invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ...extensions import db
from ...models import InvitationRole, TokenPurpose
from ...permissions import home_endpoint
from ...services import accounts, auth, invitations, throttle, tokens
from ...services.auth import LoginResult
from ...services.rate_limits import Action
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from ..security import sessions
from ..security.links import client_address, safe_next
from ..security.rate_limit import over_limit, replayed, too_many
from .blueprint import bp, go_home
from .forms import (
    ChangePasswordForm,
    FirstPasswordForm,
    ForgotPasswordForm,
    InvitationAccountForm,
    LoginForm,
    ResetPasswordForm,
)
from .recovery import remember_device
from .second_factor import begin_second_step


@bp.route("/home")
def home():
    return go_home()


@bp.route("/no-role")
def no_role():
    return render_template("auth/no_role.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return go_home()
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        device = throttle.read_device_token(request.cookies.get(throttle.DEVICE_COOKIE))
        outcome = auth.authenticate(form.email.data, form.password.data, client_address(), device)
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
            page = render_template("auth/login.html", form=form, throttled=True)
            return page, 429, {"Retry-After": str(outcome.retry_after)}
        if outcome.result is LoginResult.SECOND_FACTOR:
            assert outcome.user is not None
            return begin_second_step(outcome.user, form.remember.data, form.next.data)
        if outcome.result is LoginResult.OK:
            assert outcome.user is not None
            sessions.begin(outcome.user, remember=form.remember.data)
            response = redirect(safe_next(form.next.data) or url_for(home_endpoint(outcome.user)))
            remember_device(response, outcome.user)
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


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Logging out did not work: the form had expired. Please try again."), "error")
        return go_home()
    # Raising the session version ends this and every other session, remember-me included.
    current_user.end_all_sessions()
    sessions.end()
    flash(_("You have been logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        confirmed = attempt(lambda: accounts.confirm_email_change(token))
        if not confirmed:
            return redirect(url_for("public.index"))
        if confirmed.result is not None:
            flash(_("Your new email address is confirmed; use it to log in from now on."), "success")
            return go_home() if current_user.is_authenticated else redirect(url_for("auth.login"))
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.CHANGE_EMAIL, token) is not None
    return render_template("auth/confirm_email_change.html", form=form, valid=valid), (200 if valid else 410)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if replayed(form):
            return render_template("auth/forgot_password.html", form=form), 400
        if wait := over_limit(Action.MAIL_LINK):
            return too_many(form, "auth/forgot_password.html", wait)
        auth.request_password_reset(form.email.data)
        return render_template("auth/forgot_password_sent.html")
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    link = tokens.peek(TokenPurpose.RESET_PASSWORD, token)
    # An account the centre recorded has no password yet: its owner reads the data-protection
    # information and agrees first, as when taking it over by invitation.
    first = link is not None and link.user is not None and not link.user.has_password
    form = FirstPasswordForm() if first else ResetPasswordForm()
    if form.validate_on_submit():
        if wait := over_limit(Action.NEW_PASSWORD):
            return too_many(form, "auth/reset_password.html", wait, valid=True, first=first)
        if reset := attempt(
            lambda: auth.reset_password(token, form.password.data, consent=first and form.privacy.data), form
        ):
            if (user := reset.result) is not None:
                sessions.end()
                flash(_("Your password has been changed. Please log in with the new password."), "success")
                response = redirect(url_for("auth.login"))
                # The link proved the mailbox: this browser is the owner's (services/throttle.py).
                remember_device(response, user)
                return response
            db.session.rollback()
    valid = tokens.peek(TokenPurpose.RESET_PASSWORD, token) is not None
    return render_template("auth/reset_password.html", form=form, valid=valid, first=first), (200 if valid else 410)


@bp.route("/password/change", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if wait := over_limit(Action.PASSWORD_CHECK):
            return too_many(form, "auth/change_password.html", wait)
        if attempt(lambda: auth.change_password(current_user, form.current_password.data, form.password.data), form):
            # Other sessions ended with the new session version; this one carries on.
            sessions.renew(current_user._get_current_object())
            flash(_("Your password has been changed. You have been logged out everywhere else."), "success")
            return go_home()
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = invitations.open_invitation(token)
    if invitation is None:
        return render_template("auth/invitation.html", invitation=None), 410
    existing = accounts.find_by_email(invitation.email)
    if existing is not None and not existing.has_password:
        # A person the centre recorded: the link proved the mailbox, so they choose a password
        # (and agree to the data-protection information) for the account the centre made.
        volunteer = invitation.role is InvitationRole.VOLUNTEER
        return _account_form(
            token,
            invitation,
            invitations.take_over,
            _("Welcome! Your account is ready. Please check your profile.")
            if volunteer
            else _("Welcome! Your account is ready."),
            lambda user: _joined(invitation),
            recorded=existing,
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


def _joined(invitation) -> str:
    """Where a person the centre recorded lands after taking the account over: where the
    invitation leads, not the volunteer's pages they had before."""
    if invitation.role is InvitationRole.VOLUNTEER:
        return url_for("volunteer.profile")
    if invitation.role is InvitationRole.COORDINATOR:
        return url_for("coordinator.home")
    return url_for("organisation.detail", organisation_id=invitation.organisation_id)


def _account_form(token, invitation, create, welcome: str, destination, recorded=None):
    """The form for the account's name, password and language; `create` makes it (or, for
    the account of a person the centre `recorded`, gives it its first password)."""
    if current_user.is_authenticated:
        return render_template("auth/invitation.html", invitation=invitation, state="other_account")
    person = recorded or invitation
    form = InvitationAccountForm(given_name=person.given_name, family_name=person.family_name, locale=person.locale)
    context = {"invitation": invitation, "state": "new_account", "recorded": recorded is not None}
    if form.validate_on_submit():
        if wait := over_limit(Action.NEW_PASSWORD):
            return too_many(form, "auth/invitation.html", wait, **context)
        made = attempt(
            lambda: create(
                token,
                given_name=form.given_name.data,
                family_name=form.family_name.data,
                password=form.password.data,
                locale=form.locale.data,
            ),
            form,
        )
        if made:
            sessions.begin(made.result, remember=False)
            flash(welcome, "success")
            return redirect(destination(made.result))
    return render_template("auth/invitation.html", form=form, **context)


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
    if form.validate_on_submit() and attempt(
        lambda: invitations.accept_as(current_user, token), done=_("You have accepted the invitation.")
    ):
        return go_home()
    return render_template("auth/invitation.html", invitation=invitation, state="accept", form=form)
