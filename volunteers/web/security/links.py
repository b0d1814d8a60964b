"""Helpers for links: safe `next` targets, the client address, and token redaction in logs (the
secrets of mail links and of calendar feeds)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import request

_TOKEN_PATH = re.compile(
    r"((?:/|%2F)(?:confirm|email(?:/|%2F)(?:confirm|stop)|password(?:/|%2F)reset|invitation|offer|login(?:/|%2F)unlock"
    r"|calendar)(?:/|%2F))[A-Za-z0-9_\-]{8,}",
    re.IGNORECASE,
)


def redact_tokens(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1[redacted]", text)


def safe_next(target: str | None) -> str | None:
    """A path on this site, or None: `next` must never send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def client_address() -> str:
    """The client as seen through ProxyFix (configure PROXY_COUNT behind a proxy)."""
    return request.remote_addr or "unknown"
