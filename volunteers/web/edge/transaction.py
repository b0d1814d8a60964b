"""The one commit point of a request (as Indico's request handler has it).

Every view runs inside `commits_once`: when it returns, the request's change is committed
once, whatever page or redirect it returns (a refused login attempt counts too); when it raises
(an `abort(404)`, a database outage, a bug), everything is rolled back and the error page is
made from a clean session. A `ServiceError` is turned into a rollback by the helpers in
`service_errors.py` before the view returns, so a refused change, and the mail it would have
queued in the outbox, is never committed. A request whose CSRF check failed commits nothing.

Routes and helpers never commit themselves: they `flush()` where they must learn of a conflict
(a stale version, a unique rule) while they can still show it on the form.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

from flask import Flask, g

from ...extensions import db


def commit_apart() -> None:
    """Commits what the request has done so far, on its own, for the few records that must
    stand whatever becomes of the request's change: a rate-limit count taken before the
    action it counts, form entries kept over a login timeout and taken back."""
    db.session.commit()


def commits_once(view: Callable) -> Callable:
    @functools.wraps(view)
    def committing_view(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
        except BaseException:
            # A dead connection cannot roll back; the error pages discard the session then.
            with contextlib.suppress(Exception):
                db.session.rollback()
            raise
        if g.get("csrf_failed"):
            db.session.rollback()
        else:
            commit_apart()
        return response

    committing_view.commits_once = True  # type: ignore[attr-defined]
    return committing_view


def init_app(app: Flask) -> None:
    """Wraps every view registered so far; call it after the blueprints are registered."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "commits_once", False):
            app.view_functions[endpoint] = commits_once(view)
