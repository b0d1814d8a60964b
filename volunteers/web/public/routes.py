"""Pages anyone may open: the start page, data protection, accessibility, language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ...extensions import db
from ...i18n import normalise_locale
from ...notifications.requests import appointment
from ...services import accounts, offers
from ...services.privacy import PRIVACY_NOTICE_VERSION
from ..edge.confirm import Confirmation, render_confirmation
from ..edge.errors import DATABASE_RETRY_AFTER, discard_session
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from ..pages.what_to_do import what_to_do
from ..security.links import safe_next
from .blueprint import bp


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    return render_template("public/index.html")


@bp.route("/privacy")
def privacy():
    return render_template("public/privacy.html", version=PRIVACY_NOTICE_VERSION)


@bp.route("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")


@bp.post("/language")
def set_language():
    """The language switch: a POST form, so it works without JavaScript."""
    form = ConfirmForm()
    target = safe_next(request.form.get("next")) or url_for("public.index")
    if not _opens_with_get(target):
        # The page that answered a form (a POST) cannot be opened again: the nearest page above
        # it that can (/volunteer/calendar for /volunteer/calendar/on), else the home page.
        target = _page_above(target) or url_for("auth.home")
    locale = normalise_locale(request.form.get("locale"))
    if form.validate_on_submit() and locale:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_locale(current_user, locale)
    return redirect(target)


def _page_above(target: str) -> str | None:
    path = urlsplit(target).path.rstrip("/")
    while "/" in path.strip("/"):
        path = path.rsplit("/", 1)[0]
        if _opens_with_get(path):
            return path
    return None


def _opens_with_get(target: str) -> bool:
    """Whether a GET of `target` (a path on this site) reaches a page, not a 405."""
    try:
        current_app.url_map.bind("").match(urlsplit(target).path, method="GET")
    except MethodNotAllowed:
        return False
    except HTTPException:  # not found, or a redirect: the GET shows what it shows
        return True
    return True


@bp.route("/offer/<token>", methods=["GET", "POST"])
def offer_response(token: str):
    """The link in an offer mail: a page with two buttons, working without login. Only the
    buttons' POST uses the link (mail scanners open every link)."""
    form = ConfirmForm()
    answer = request.form.get("answer")
    if form.validate_on_submit() and answer in ("accept", "decline"):
        accept = answer == "accept"
        if not accept and request.form.get("confirmed") != "yes" and offers.offer_for_link(token) is not None:
            return _confirm_decline(token, form)
        # The refusal is the whole answer page (with what to do next), not a flash above it.
        answered = attempt(lambda: offers.answer_by_link(token, accept), form)
        if answered.error is not None:
            way_out = what_to_do(offers.offer_for_link(token)) if accept else None
            return render_template(
                "public/offer_response.html", offer=None, message=answered.error.message, way_out=way_out
            ), 409
        return render_template("public/offer_answered.html", offer=answered.result, accepted=accept)
    offer = offers.offer_for_link(token)
    if offer is None:
        return render_template("public/offer_response.html", offer=None, message=None), 410
    error = None
    if request.method == "POST":  # a failed security check, or neither button
        error = next(iter(form.errors.get("csrf_token", [])), None) or _("Please answer with one of the two buttons.")
    return render_template(
        "public/offer_response.html",
        offer=offer,
        message=None,
        error=error,
        appointment=appointment(offer.request),
        form=form,
    ), (400 if error else 200)


def _confirm_decline(token: str, form: ConfirmForm):
    """Saying no asks first; the link stays good until the answer is confirmed. (A link that
    is no longer good goes on to the answer, which says why.)"""
    offer = offers.offer_for_link(token)
    what = appointment(offer.request)
    back = url_for("public.offer_response", token=token)
    confirmation = Confirmation(
        title=_("Decline this request?"),
        facts=[(_("What:"), what.what), (_("When:"), what.when), (_("Where:"), what.where)],
        happens=[_("The centre asks someone else. You cannot accept this request afterwards.")],
        told=[_("The centre sees your answer at once (no mail is sent).")],
        confirm_label=_("Yes, decline"),
        back_url=back,
        hidden=[("answer", "decline"), ("confirmed", "yes")],
        action=back,
    )
    return render_confirmation(confirmation, form)


@bp.route("/healthz")
def health():
    """For a load balancer or monitoring: the app runs and reaches its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means unhealthy
        discard_session()
        current_app.logger.error("health check failed: %s", type(error).__name__)
        headers = {"Content-Type": "text/plain", "Retry-After": str(DATABASE_RETRY_AFTER)}
        return "not ok: database unavailable\n", 503, headers
    return "ok\n", 200, {"Content-Type": "text/plain"}
