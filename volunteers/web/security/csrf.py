"""A rejected CSRF token re-renders the form with a message and keeps what was typed.

CSRFProtect checks every POST before the view runs. On failure we run the view anyway
with `g.csrf_failed` set: its form fails validation (the same token check), so it re-renders
with the submitted values and the error. A guard refuses any commit during such a request,
so nothing can change. The access gate has already run (web/security/access.py).
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, make_response, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from ..edge.errors import handle_http_exception, render_error


class CommitRefused(RuntimeError):
    pass


def handle_csrf_error(error: CSRFError):
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return render_error(400)
    g.csrf_failed = True
    try:
        response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
    except HTTPException as http_error:  # e.g. the view's 404 for an unknown id
        return handle_http_exception(http_error)
    if response.status_code == 200:
        response.status_code = 400
    return response


@event.listens_for(Session, "before_commit")
def _refuse_commit_after_csrf_failure(session: Session) -> None:
    if has_request_context() and g.get("csrf_failed"):
        raise CommitRefused("commit refused: the request failed its CSRF check")
