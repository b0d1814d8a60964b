"""Error pages in the site layout, translated, without tracebacks."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Upload too large"), _l("What you sent is larger than allowed. Please send a smaller file.")),
    429: (_l("Too many attempts"), _l("Please wait a moment before you try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
}


def render_error(code: int, retry_after: int | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
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


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, _handle_internal_error)
