"""Page numbers from the query string, checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request

PER_PAGE = 25
#: Beyond this a page is empty anyway; the cap keeps the OFFSET within every database's range.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The page asked for; `name` tells apart the lists of a page with several."""
    return min(max(request.args.get(name, 1, type=int) or 1, 1), MAX_PAGE)


@dataclass
class ListPage:
    """A page of a list the app computes whole (rules the database cannot apply), with the
    attributes of a database page, so the pagination macros take either."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, everything: Sequence[Any], page: int, per_page: int = PER_PAGE) -> ListPage:
        start = (page - 1) * per_page
        return cls(list(everything[start : start + per_page]), page, per_page, len(everything))

    @property
    def pages(self) -> int:
        return max(0, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None
