"""A form sent after the login timed out is not carried out (web/security/sessions.py), and not lost:
if its CSRF token belongs to the session that timed out, its fields (never passwords, tokens
or files) are kept on the server for the same account (services/kept_forms.py); the session
keeps only a random handle. The login then leads back to the page the form was on, and there,
once, every form whose fields were sent opens filled in (web/pages/forms.Form), to check and send
again. Nothing of it goes into a URL or a log."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from ...models import User
from ...services import kept_forms
from .transaction import commit_apart

#: In the session: {"handle": ..., "page": the path to return to, "user": the account's id}.
KEPT_FORM = "kept_form"


def _never_kept(name: str) -> bool:
    last = name.rsplit("-", 1)[-1]
    return last == "csrf_token" or "password" in name.lower()


def _is_page(path: str) -> bool:
    """A page of this site that a signed-in person opens (not the login pages)."""
    from ..security.access import PUBLIC_ENDPOINTS

    try:
        endpoint, _values = current_app.create_url_adapter(request).match(urlsplit(path).path, method="GET")
    except HTTPException:  # not found, not a page (POST only), or a redirect
        return False
    return endpoint not in PUBLIC_ENDPOINTS and not endpoint.startswith("auth.")


def _current_path() -> str:
    return request.full_path.rstrip("?")


def return_page() -> str | None:
    """Where the form was: its own address if that is a page, else the page it was sent from
    (the Referer, on this site only)."""
    if _is_page(_current_path()):
        return _current_path()
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    path = unquote(parts.path) + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") and not path.startswith("//") and _is_page(path) else None


def _csrf_token_sent() -> str:
    for name, value in request.form.items():
        if name.rsplit("-", 1)[-1] == "csrf_token":
            return value
    return ""


def keep_submission(user: User, return_to: str | None) -> dict | None:
    """Called for a POST whose session timed out, before the session ends: keeps what was
    typed for `user` and returns what the new session is to hold, or None if nothing is kept."""
    if return_to is None or request.blueprint == "auth":
        return None
    try:
        # The session that timed out is still there: only its own forms are kept.
        validate_csrf(_csrf_token_sent())
    except (ValidationError, CSRFError):
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True) if not _never_kept(name)]
    files = any(upload.filename for upload in request.files.values())
    if not fields:
        return None
    handle = kept_forms.keep(user, fields, return_to, files_left_out=files)
    if handle is None:
        return None
    commit_apart()
    return {"handle": handle, "page": return_to, "user": user.id}


def carry_over(kept: object, user: User) -> None:
    """At a login: the handle stays in the new session only for the account it belongs to."""
    if isinstance(kept, dict) and kept.get("user") == user.id:
        session[KEPT_FORM] = kept


def restore():
    """Runs before a signed-in GET: on the page a kept form belongs to, takes its entries
    (once) for the forms of the page to open with."""
    kept = session.get(KEPT_FORM)
    if not isinstance(kept, dict) or request.method != "GET" or not current_user.is_authenticated:
        return None
    if kept.get("page") != _current_path():
        return None
    session.pop(KEPT_FORM, None)
    # The login check read in a transaction of its own; taking the entries deletes them, so
    # (on SQLite) the next transaction begins with the write lock (see db_types.py).
    commit_apart()
    g.writes_on_get = True
    try:
        entries = kept_forms.take(current_user, str(kept.get("handle", "")), kept["page"])
        commit_apart()
    finally:
        g.writes_on_get = False
    if entries is None:
        return None
    g.kept_entries = MultiDict(entries.fields)
    flash(_("Your entries are back in the form. Check them and send the form again."), "info")
    if entries.files_left_out:
        flash(_("Files are not kept: choose the file again."), "info")
    return None


def kept_values(name: str) -> list[str]:
    """Values of a field that is not part of a form class (a list of checkboxes), as kept."""
    entries = g.get("kept_entries")
    return entries.getlist(name) if entries is not None else []
