"""Links that help owners keep their accounts: the old address stops (or undoes) a change of
address it did not ask for; a mail link lets one browser past the login throttling that a
stranger on the same network caused."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...models import TokenPurpose, User
from ...services import accounts, auth, throttle, tokens
from ...services.rate_limits import Action
from ..pages.forms import ConfirmForm
from ..security import sessions
from ..security.rate_limit import over_limit, replayed, too_many
from .blueprint import bp
from .forms import ForgotPasswordForm


def remember_device(response, user: User) -> None:
    """Marks this browser as one the account's owner uses (see services/throttle.py): its
    login attempts count on their own, so nobody else on the network can hold them up."""
    response.set_cookie(
        throttle.DEVICE_COOKIE,
        throttle.issue_device_token(user),
        max_age=int(throttle.DEVICE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.route("/login/unlock", methods=["GET", "POST"])
def request_unlock():
    form = ForgotPasswordForm()
    template = "auth/unlock_request.html"
    if form.validate_on_submit():
        if replayed(form):
            return render_template(template, form=form), 400
        if wait := over_limit(Action.MAIL_LINK):
            return too_many(form, template, wait)
        auth.request_unlock(form.email.data)
        return render_template("auth/unlock_sent.html")
    return render_template(template, form=form)


@bp.route("/login/unlock/<token>", methods=["GET", "POST"])
def unlock_login(token: str):
    # Mail scanners open links: only this page's POST uses the token.
    form = ConfirmForm()
    if form.validate_on_submit():
        user = auth.unlock(token)
        if user is not None:
            flash(_("This browser is now recognised as yours. Please log in with your password."), "success")
            response = redirect(url_for("auth.login"))
            remember_device(response, user)
            return response
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.UNLOCK_LOGIN, token) is not None
    return render_template("auth/unlock.html", form=form, valid=valid), (200 if valid else 410)


@bp.route("/email/stop/<token>", methods=["GET", "POST"])
def stop_email_change(token: str):
    # Mail scanners open links: only this page's POST uses the token.
    form = ConfirmForm()
    if form.validate_on_submit():
        stopped = accounts.stop_email_change(token)
        if stopped is not None:
            user, reset = stopped
            sessions.end()
            flash(
                _(
                    "The change is stopped and your address is %(email)s. Every session has been logged out. "
                    "Whoever asked for the change knew your password: please choose a new one now.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("auth.reset_password", token=reset))
        db.session.rollback()
    valid = tokens.peek(TokenPurpose.STOP_EMAIL_CHANGE, token) is not None
    return render_template("auth/stop_email_change.html", form=form, valid=valid), (200 if valid else 410)
