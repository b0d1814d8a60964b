"""Error pages in the site layout, translated, without tracebacks.

When the database cannot be reached (a restart, a network fault, a full disk), every page
answers 503 with `Retry-After`, in the layout and with the security headers like any other
response. That page is made without the database: the visitor counts as signed out while it
renders (their session cookie is left as it is), so neither the layout nor the language
choice loads the account."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from ...extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Upload too large"), None),  # the message names the limit: see render_error
    429: (_l("Too many attempts"), _l("Please wait a moment before you try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
    503: (
        _l("Briefly unavailable"),
        _l(
            "The portal cannot reach its data at the moment. Please try again in a few minutes. "
            "If you were sending a form, go back in your browser: what you typed is usually still there."
        ),
    ),
}
#: Seconds after which a client may try again when the database is unreachable.
DATABASE_RETRY_AFTER = 30
#: What the database driver raises when the server is down, unreachable or out of connections.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def render_error(code: int, retry_after: int | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if message is None:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = _l(
            "What you sent is larger than %(size)d MB. Go back in your browser, choose a smaller file "
            "(for example a scan at a lower resolution) and send the form again.",
            size=max(limit // 2**20, 1),
        )
    response = render_template("errors/error.html", code=code, title=title, message=message, retry_after=retry_after)
    return response, code


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    if code not in MESSAGES:
        return error
    retry_after = getattr(error, "retry_after", None)
    body, status = render_error(code, retry_after)
    headers = {}
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    if code == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return body, status, headers


def _handle_internal_error(error: InternalServerError):
    db.session.rollback()
    original = getattr(error, "original_exception", None)
    log.error("Unhandled error: %s", type(original).__name__ if original else error)
    return render_error(500)


def discard_session() -> None:
    """Ends the request's transaction when its connection may be dead: a rollback that fails
    would fail again when the request ends, so the connections are dropped instead."""
    try:
        db.session.rollback()
    except Exception:
        with contextlib.suppress(Exception):
            db.session.invalidate()


def _handle_database_unavailable(error: Exception):
    discard_session()
    # Render as for a visitor: loading the signed-in account would need the database.
    login_manager._update_request_context_with_user(None)
    log.error("Database unavailable: %s", type(error).__name__)
    body, status = render_error(503, DATABASE_RETRY_AFTER)
    return body, status, {"Retry-After": str(DATABASE_RETRY_AFTER)}


def register_error_pages(app: Flask) -> None:
    from .service_errors import init_app as handle_refusals

    handle_refusals(app)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, _handle_internal_error)
    for exception in DATABASE_UNAVAILABLE:
        app.register_error_handler(exception, _handle_database_unavailable)
