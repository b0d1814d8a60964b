"""Two-step login: the second step after the password, and on "Login and security"
(web/auth/account.py) setting it up (QR code, or the secret typed by hand), renewing its
recovery codes, or turning it off. Coordinators under COORDINATOR_SECOND_FACTOR=required are sent to set it up
before anything else."""

from __future__ import annotations

import time

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...extensions import db
from ...models import User
from ...permissions import home_endpoint
from ...services import auth, second_factor, throttle
from ...services.auth import LoginResult
from ...services.rate_limits import Action
from ..edge.service_errors import attempt, form_status
from ..security import sessions
from ..security.links import client_address, safe_next
from ..security.rate_limit import over_limit, wait_message
from .account import security_page
from .blueprint import bp
from .forms import PasswordConfirmForm, SecondFactorCodeForm, SecondFactorSetupForm
from .recovery import remember_device

#: The login waiting for its second step: account, session version, "stay logged in", next.
PENDING = "second_step"
#: How long the second step may follow the password.
PENDING_MINUTES = 5

#: What a coordinator who must set up a second factor may still open.
_OPEN_DURING_SETUP = frozenset(
    {
        "static",
        "auth.second_factor_setup",
        "auth.second_factor_start",
        "auth.logout",
        "public.set_language",
        "public.privacy",
        "public.accessibility",
        "public.health",
    }
)


def begin_second_step(user: User, remember: bool, next_url: str | None):
    """The password was right: the account is not logged in until the code is."""
    session[PENDING] = {
        "user": user.id,
        "version": user.session_version,
        "remember": bool(remember),
        "next": next_url or "",
        "at": time.time(),
    }
    return redirect(url_for("auth.second_factor_login"))


def _pending() -> tuple[User, dict] | None:
    data = session.get(PENDING)
    if not isinstance(data, dict) or not isinstance(data.get("at"), int | float):
        return None
    if time.time() - data["at"] > PENDING_MINUTES * 60:
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or user.session_version != data.get("version") or not user.has_second_factor:
        return None
    return user, data


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor_login():
    pending = _pending()
    if pending is None:
        session.pop(PENDING, None)
        flash(_("Please log in again: enter the code within a few minutes of the password."), "info")
        return redirect(url_for("auth.login"))
    user, data = pending
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        device = throttle.read_device_token(request.cookies.get(throttle.DEVICE_COOKIE))
        outcome = auth.complete_second_factor(user, form.code.data, client_address(), device)
        if outcome.result is LoginResult.OK:
            sessions.begin(user, remember=data["remember"])
            response = redirect(safe_next(data["next"]) or url_for(home_endpoint(user)))
            remember_device(response, user)
            return response
        form.code.data = ""
        if outcome.result is LoginResult.THROTTLED:
            form.form_errors.append(
                ngettext(
                    "Too many attempts. Please wait %(num)d second before you try again.",
                    "Too many attempts. Please wait %(num)d seconds before you try again.",
                    outcome.retry_after,
                )
            )
            page = render_template("auth/second_factor_login.html", form=form)
            return page, 429, {"Retry-After": str(outcome.retry_after)}
        form.code.errors = [_("This code is not correct. Enter the code the app shows now, or a recovery code.")]
    form.code.data = ""
    return render_template("auth/second_factor_login.html", form=form)


def _setup_page(form, start_form, status: int = 200, headers=None):
    user = current_user._get_current_object()
    secret = user.totp_pending_secret
    qr_code = None
    if secret is not None:
        uri = second_factor.provisioning_uri(user, secret)
        qr_code = segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")
    return (
        render_template(
            "auth/second_factor_setup.html",
            form=form,
            start_form=start_form,
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) if secret else None,
            qr_code=qr_code,
            required=second_factor.is_required(user),
        ),
        status,
        headers or {},
    )


@bp.post("/account/second-factor/start")
def second_factor_start():
    """A new secret to set up; the password first, so that a session left open somewhere
    cannot tie the account to a stranger's phone."""
    start_form = PasswordConfirmForm(prefix="start")
    if start_form.validate_on_submit():
        if wait := over_limit(Action.PASSWORD_CHECK):
            start_form.form_errors.append(wait_message(wait))
            return _setup_page(SecondFactorSetupForm(), start_form, 429, {"Retry-After": str(wait)})
        if attempt(lambda: second_factor.check_password(current_user, start_form.current_password.data), start_form):
            second_factor.start_setup(current_user)
            return redirect(url_for("auth.second_factor_setup"))
    start_form.current_password.data = ""
    return _setup_page(SecondFactorSetupForm(), start_form, 400)


@bp.route("/account/second-factor/setup", methods=["GET", "POST"])
def second_factor_setup():
    form = SecondFactorSetupForm()
    if form.validate_on_submit():
        if confirmed := attempt(lambda: second_factor.confirm_setup(current_user, form.code.data), form):
            return render_template("auth/recovery_codes.html", codes=confirmed.result, first=True)
        form.code.data = ""
        return _setup_page(form, PasswordConfirmForm(prefix="start"), 400)
    return _setup_page(form, PasswordConfirmForm(prefix="start"), form_status(form))


@bp.post("/account/second-factor/recovery-codes")
def renew_recovery_codes():
    form = PasswordConfirmForm(prefix="renew")
    if form.validate_on_submit():
        if wait := over_limit(Action.PASSWORD_CHECK):
            form.form_errors.append(wait_message(wait))
            return security_page(renew_form=form, status=429, headers={"Retry-After": str(wait)})
        renewed = attempt(lambda: second_factor.renew_recovery_codes(current_user, form.current_password.data), form)
        if renewed:
            return render_template("auth/recovery_codes.html", codes=renewed.result, first=False)
    return security_page(renew_form=form, status=400)


@bp.post("/account/second-factor/disable")
def disable_second_factor():
    form = PasswordConfirmForm(prefix="disable")
    if form.validate_on_submit():
        if wait := over_limit(Action.PASSWORD_CHECK):
            form.form_errors.append(wait_message(wait))
            return security_page(disable_form=form, status=429, headers={"Retry-After": str(wait)})
        if attempt(
            lambda: second_factor.disable(current_user, form.current_password.data),
            form,
            done=_("Two-step login is off. You now log in with your password alone."),
        ):
            return redirect(url_for("auth.security"))
    return security_page(disable_form=form, status=400)


def enforce_second_factor():
    """Runs after the access gate: a coordinator who must use a second factor and has none
    sets it up before anything else."""
    if request.endpoint in _OPEN_DURING_SETUP or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if user.has_second_factor or not second_factor.is_required(user):
        return None
    return redirect(url_for("auth.second_factor_setup"))
