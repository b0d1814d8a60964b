""" "Login and security": the page every signed-in person has, with their address (changed
with the password, confirmed by the new address, told to the old one), the password and the
second factor (web/auth/second_factor.py)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import accounts, second_factor
from ...services.rate_limits import Action
from ..edge.service_errors import attempt
from ..security.rate_limit import over_limit, wait_message
from .blueprint import bp
from .forms import EmailChangeForm, PasswordConfirmForm


def security_page(email_form=None, renew_form=None, disable_form=None, status: int = 200, headers=None):
    """The page, with any one of its forms as it came back (errors and what was typed)."""
    user = current_user._get_current_object()
    for form in (email_form, renew_form, disable_form):
        if form is not None:
            form.current_password.data = ""
    page = render_template(
        "auth/security.html",
        codes_left=second_factor.remaining_recovery_codes(user) if user.has_second_factor else 0,
        required=second_factor.is_required(user),
        email_form=email_form or EmailChangeForm(formdata=None),
        renew_form=renew_form or PasswordConfirmForm(prefix="renew", formdata=None),
        disable_form=disable_form or PasswordConfirmForm(prefix="disable", formdata=None),
    )
    return page, status, headers or {}


@bp.route("/account/security")
def security():
    return security_page()


@bp.post("/account/email")
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        if wait := over_limit(Action.PASSWORD_CHECK):
            form.form_errors.append(wait_message(wait))
            return security_page(email_form=form, status=429, headers={"Retry-After": str(wait)})
        if attempt(
            lambda: accounts.request_email_change(current_user, form.new_email.data, form.current_password.data),
            form,
            done=_("We have sent a link to the new address. Your address changes once you open it."),
        ):
            return redirect(url_for("auth.security"))
    return security_page(email_form=form, status=400)
