"""Rate limits at the web edge (see services/rate_limits.py): a submission is counted before
any hashing or mail, and one over the limit gets its form back as a 429, with what was typed
(passwords excepted) and when to try again."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, render_template, request, session
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer

from ...db_types import utcnow
from ...formatting import format_time
from ...models import User
from ...services import rate_limits
from ...services.rate_limits import Action
from ..edge.transaction import commit_apart
from .links import client_address


def over_limit(action: Action, account: User | None = None) -> int:
    """Counts this submission; returns the seconds to wait if it is over a limit, else 0.
    The account counted is the signed-in one, or `account` for a request that carries its
    own credential (a calendar feed's token).

    The count is committed on its own, before the action: it must stand when the action is
    then refused and rolled back (a weak password, a name already taken), or a script could
    make the app hash and check forever without being counted."""
    user = account or (current_user._get_current_object() if current_user.is_authenticated else None)
    wait = rate_limits.hit(action, client=client_address(), user=user)
    commit_apart()
    return wait


def wait_message(wait: int) -> str:
    until = utcnow() + timedelta(seconds=wait)
    return _(
        "Too many attempts from your network or account. Please try again at %(time)s (in %(wait)s).",
        time=format_time(until),
        wait=format_timedelta(timedelta(seconds=wait), add_direction=False, threshold=1.1),
    )


def _clear_passwords(form: FlaskForm) -> None:
    for field in form:
        if field.type == "PasswordField":
            field.data = ""


def too_many(form: FlaskForm, template: str, wait: int, **context):
    """The form's page again, as a 429, with what was typed and when to try again."""
    _clear_passwords(form)
    form.form_errors.append(wait_message(wait))
    return render_template(template, form=form, **context), 429, {"Retry-After": str(wait)}


def too_many_flashed(wait: int) -> None:
    """For a button without fields: the message goes to the next page."""
    flash(wait_message(wait), "error")


def replayed(form: FlaskForm) -> bool:
    """Spends this submission's form token: True if it was sent before (a captured request
    sent again) or is older than a day, and then the form says so. The session gets a new
    token, so the page shown next carries one that was never spent."""
    token = request.form.get("csrf_token", "")
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    try:
        URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(
            token, max_age=int(rate_limits.FORM_TOKEN_AGE.total_seconds())
        )
        fresh = rate_limits.spend_form_token(token)
    except BadData:
        fresh = False
    commit_apart()
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    if not fresh:
        _clear_passwords(form)
        form.form_errors.append(
            _("This form had been sent already or had expired. Please check your entries and send it again.")
        )
    return not fresh
