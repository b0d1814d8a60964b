"""Response headers on every response, error pages included."""

from __future__ import annotations

from flask import Response, abort, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        # Pages may show personal data: never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def add_hsts(response: Response) -> Response:
    """Over HTTPS, browsers keep using HTTPS for a year (Strict-Transport-Security)."""
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def refuse_nul_bytes() -> None:
    """A NUL byte is no text anyone types, and PostgreSQL refuses it in text: answer 400."""
    if "\x00" in request.path or b"%00" in request.query_string:
        abort(400)
    is_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.method == "POST" and is_form and any("\x00" in value for value in request.form.values()):
        abort(400)


def warn_about_unconfigured_proxy() -> None:
    """Behind a proxy without PROXY_COUNT every visitor seems to come from the proxy's
    address, and login throttling would count them all as one client: say so, once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "X-Forwarded-For" in request.headers and not app.extensions.get("volunteers.proxy_warned"):
        app.extensions["volunteers.proxy_warned"] = True
        app.logger.warning("Requests carry X-Forwarded-For but PROXY_COUNT is 0: set PROXY_COUNT behind a proxy.")
