"""Page numbers from the query string, checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from flask import abort, redirect, request
from sqlalchemy import Select, func, select

from ...extensions import db

PER_PAGE = 25
#: Beyond this a page is empty anyway; the cap keeps the OFFSET within every database's range.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The page asked for; `name` tells apart the lists of a page with several."""
    return min(max(request.args.get(name, 1, type=int) or 1, 1), MAX_PAGE)


class Paged(Protocol):
    page: int

    @property
    def pages(self) -> int: ...


P = TypeVar("P", bound=Paged)


def within_pages(page: P, name: str = "page") -> P:
    """`page`, unless it is past the last page of a list that has some: then a redirect to the
    last page (a bookmark or a link from before rows went away), with the other arguments kept,
    instead of an empty page that says nothing matches."""
    if request.method == "GET" and page.pages and page.page > page.pages:
        # The query string as it came, with the page number changed: not through url_for, which
        # takes some argument names (endpoint, _anchor, the route's own ids) for itself.
        arguments = [(key, value) for key, value in request.args.items(multi=True) if key != name]
        abort(redirect(f"{request.path}?{urlencode([(name, str(page.pages)), *arguments])}"))
    return page


def paginate(query: Select, per_page: int = PER_PAGE, name: str = "page") -> Any:
    """The page of `query` the query string asks for (`name`), counted and cut in the database."""
    return within_pages(db.paginate(query, page=page_number(name), per_page=per_page, error_out=False), name)


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


def two_part_page(first: Select, second: Select, page: int, per_page: int = PER_PAGE) -> ListPage:
    """A page of one list made of two queries, each in its own (indexed) order: the first's
    rows, then the second's; counted and cut in the database."""
    first_total, second_total = (
        db.session.scalar(select(func.count()).select_from(part.order_by(None).subquery())) for part in (first, second)
    )
    start = (page - 1) * per_page
    items: list[Any] = []
    if start < first_total:
        items = list(db.session.scalars(first.offset(start).limit(per_page)))
    if len(items) < per_page and start + len(items) < first_total + second_total:
        skip = max(0, start - first_total)
        items += db.session.scalars(second.offset(skip).limit(per_page - len(items)))
    return ListPage(items, page, per_page, first_total + second_total)
