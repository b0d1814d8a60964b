"""Page numbers from the query string, checked."""

from __future__ import annotations

from flask import request

PER_PAGE = 25


def page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)
