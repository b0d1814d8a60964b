"""Links that help owners keep their accounts: the old address stops (or undoes) a change of
address it did not ask for."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...models import TokenPurpose
from ...services import accounts, tokens
from .. import sessions
from ..forms import ConfirmForm
from .blueprint import bp


@bp.route("/email/stop/<token>", methods=["GET", "POST"])
def stop_email_change(token: str):
    # Mail scanners open links: only this page's POST uses the token.
    form = ConfirmForm()
    if form.validate_on_submit():
        stopped = accounts.stop_email_change(token)
        if stopped is not None:
            user, reset = stopped
            db.session.commit()
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
