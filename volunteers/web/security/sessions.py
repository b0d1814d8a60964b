"""How long a login lasts.

A login lives in the signed session cookie, which holds when the password (and second
factor) was entered and when the last request came. Every request checks both against the
limits of the user's role: an inactivity timeout and an absolute lifetime, both shorter for
coordinators, who see health-related data. "Stay logged in" keeps the cookie when the browser
closes and, for volunteers and organisation staff, skips the inactivity timeout; it never
outlasts the absolute lifetime, because that is counted from the login written into the
signed cookie, not from the cookie's age. (Flask-Login's separate remember-me cookie carries
no login time, so it is not used.)
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, flash, g, redirect, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_url, logout_user
from flask_login import login_user as _flask_login_user

from ...models import User

#: The time the password (and second factor) was entered, as seconds since the epoch.
AUTHENTICATED_AT = "auth_at"
#: The time of the last request.
SEEN_AT = "seen_at"
REMEMBER = "remember"


class SessionEnd(enum.Enum):
    IDLE = "idle"
    LIFETIME = "lifetime"
    ENDED_ELSEWHERE = "ended_elsewhere"


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    lifetime: timedelta
    #: Whether "stay logged in" skips the inactivity timeout.
    remember_skips_idle: bool


def limits_for(user: User) -> Limits:
    config = current_app.config
    if user.is_coordinator:
        return Limits(
            idle=timedelta(minutes=config["COORDINATOR_SESSION_IDLE_MINUTES"]),
            lifetime=timedelta(hours=config["COORDINATOR_SESSION_MAX_HOURS"]),
            remember_skips_idle=False,
        )
    return Limits(
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config["SESSION_MAX_HOURS"]),
        remember_skips_idle=True,
    )


def _clear_keeping_language(locale: str | None) -> None:
    session.clear()
    if locale:
        session["locale"] = locale


def begin(user: User, remember: bool) -> None:
    """A fresh session for someone who has just proved who they are: nothing from before the
    login is carried over (but the language, and the handle of a form kept for this account
    over a timeout)."""
    from ..edge.kept_forms import KEPT_FORM, carry_over

    kept = session.get(KEPT_FORM)
    _clear_keeping_language(session.get("locale"))
    carry_over(kept, user)
    _flask_login_user(user, remember=False, fresh=True)
    now = time.time()
    session[AUTHENTICATED_AT] = now
    session[SEEN_AT] = now
    session[REMEMBER] = bool(remember)
    session.permanent = bool(remember)


def renew(user: User) -> None:
    """After a password change the login id carries the new session version; the rest stays."""
    _flask_login_user(user, remember=False, fresh=True)
    session[AUTHENTICATED_AT] = time.time()


def end() -> None:
    """Logs out and forgets everything the session held (searches, form tokens, flashes);
    only the language stays, so the next page speaks it."""
    locale = session.get("locale")
    if current_user.is_authenticated:
        locale = current_user.locale
    logout_user()
    _clear_keeping_language(locale)


def _reason(user: User) -> SessionEnd | None:
    limits = limits_for(user)
    now = time.time()
    authenticated_at = session.get(AUTHENTICATED_AT)
    if not isinstance(authenticated_at, int | float) or now - authenticated_at > limits.lifetime.total_seconds():
        return SessionEnd.LIFETIME
    if session.get(REMEMBER) and limits.remember_skips_idle:
        return None
    seen_at = session.get(SEEN_AT)
    if not isinstance(seen_at, int | float) or now - seen_at > limits.idle.total_seconds():
        return SessionEnd.IDLE
    return None


def _message(reason: SessionEnd, limits: Limits | None) -> str:
    if reason is SessionEnd.IDLE and limits is not None:
        minutes = int(limits.idle.total_seconds() // 60)
        return ngettext(
            "You have been logged out after no activity for %(num)d minute. Please log in again.",
            "You have been logged out after no activity for %(num)d minutes. Please log in again.",
            minutes,
        )
    if reason is SessionEnd.LIFETIME and limits is not None:
        hours = int(limits.lifetime.total_seconds() // 3600)
        return ngettext(
            "For your safety a login lasts at most %(num)d hour. Please log in again.",
            "For your safety a login lasts at most %(num)d hours. Please log in again.",
            hours,
        )
    return _(
        "You have been logged out: the account was logged out elsewhere, or its password or "
        "access changed. Please log in again."
    )


def enforce_limits():
    """Runs before the access gate: ends a session past its limits and says why."""
    # The health check answers load balancers, not people: it must not need the account.
    if request.endpoint in {"static", "public.health"} or "_user_id" not in session:
        return None
    from ..edge import kept_forms
    from .access import PUBLIC_ENDPOINTS

    user = current_user._get_current_object()
    if user.is_authenticated:
        reason = _reason(user)
        if reason is None:
            session[SEEN_AT] = time.time()
            return None
        limits = limits_for(user)
    else:
        # Logged out on another device, password changed or account deactivated.
        reason, limits = SessionEnd.ENDED_ELSEWHERE, None
    # (Logging out after the timeout has nothing to say about it.)
    sent = request.method == "POST" and request.endpoint not in PUBLIC_ENDPOINTS | {"auth.logout"}
    next_url = kept_forms.return_page() if sent else request.full_path.rstrip("?")
    # A form sent after a timeout is not carried out, but what was typed is kept for the same
    # person; not after a session that was ended on purpose (logout elsewhere, new password).
    kept = kept_forms.keep_submission(user, next_url) if sent and reason is not SessionEnd.ENDED_ELSEWHERE else None
    end()
    flash(_message(reason, limits), "info")
    if kept is not None:
        session[kept_forms.KEPT_FORM] = kept
        flash(
            _(
                "What you typed has not been saved yet, but it is kept for you for an hour: after you log "
                "in, the form opens filled in, for you to check and send again."
            ),
            "info",
        )
    elif sent:
        flash(_("What you sent has not been saved. After you log in, please send it again."), "info")
    g.session_ended = reason
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return redirect(login_url("auth.login", next_url=next_url))
