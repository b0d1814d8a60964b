"""Page numbers from the query string, checked."""

from __future__ import annotations

from flask import request

PER_PAGE = 25
#: Beyond this a page is empty anyway; the cap keeps the OFFSET within every database's range.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The page asked for; `name` tells apart the lists of a page with several."""
    return min(max(request.args.get(name, 1, type=int) or 1, 1), MAX_PAGE)
