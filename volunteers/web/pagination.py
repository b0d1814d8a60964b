"""Page numbers from the query string, checked."""

from __future__ import annotations

from flask import request

PER_PAGE = 25
#: Beyond this a page is empty anyway; the cap keeps the OFFSET within every database's range.
MAX_PAGE = 100_000


def page_number() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
