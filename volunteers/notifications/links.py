"""Absolute links for mails, built from BASE_URL (mails are rendered outside requests too)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def portal_url(endpoint: str, **values: object) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def mail_domain() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
