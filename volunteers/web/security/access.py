"""Deny by default: every endpoint needs a signed-in user unless it is listed as public,
and each role's blueprint is open only to that role.

This runs as the first `before_request` of the app, before the CSRF check, so that a
rejected CSRF token can safely re-render the form (see web/security/csrf.py).
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from ...extensions import login_manager
from ...permissions import Role, has_role

#: Endpoints a visitor may open without signing in. Everything else is closed.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "public.index",
        "public.privacy",
        "public.accessibility",
        "public.set_language",
        "public.health",
        "auth.login",
        "auth.second_factor_login",
        "auth.register",
        "auth.register_volunteer",
        "auth.register_organisation",
        "auth.registered",
        "auth.confirm_email",
        "auth.confirm_email_change",
        "auth.stop_email_change",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.request_unlock",
        "auth.unlock_login",
        "auth.invitation",
        "public.offer_response",
        # Calendar apps fetch it without a session: the token in the address is the credential.
        "public.calendar_feed",
        "public.assignment_report",
        "public.assignment_answer",
    }
)

#: Blueprints that belong to one role.
ROLE_OF_BLUEPRINT = {
    "coordinator": Role.COORDINATOR,
    "volunteer": Role.VOLUNTEER,
    "organisation": Role.ORGANISATION,
}


def enforce_access():
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    role = ROLE_OF_BLUEPRINT.get(request.blueprint or "")
    if role is not None and not has_role(current_user, role):
        abort(403)
    return None
