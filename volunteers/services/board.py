"""The coordinators' board of requests: which requests each tab shows, and in which order.

Soonest appointment first is the default: what is due next needs a volunteer next. Urgent
requests are not put first: "urgent" means "less notice than usual", so the appointment date
already brings them up, and an urgent request for next month must not push tomorrow's down; the
board marks them, and every open request due within two days, instead.

Every order is read from an index, so a page costs the same with years of history: the tab
"to fill" (open or partly filled) has partial indexes of its own, the other tabs (one state
each) composite ones beginning with the state. `SORT_INDEXES` names them; a test checks that
each really serves its order on both databases.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from ..models import Organisation, SupportRequest
from ..models.enums import RequestState


class BoardSort(enum.Enum):
    DATE = "date"  # the appointment, soonest first
    SUBMITTED = "submitted"  # newest first: what came in since one last looked
    ORGANISATION = "organisation"  # A to Z, each one's requests soonest first


#: The board's tabs: which states each shows.
BOARD_TABS = {
    "to_fill": RequestState.to_fill(),
    "filled": (RequestState.FILLED,),
    "unmatched": (RequestState.UNMATCHED,),
    "cancelled": (RequestState.CANCELLED,),
}
DEFAULT_TAB = "to_fill"

#: Which index gives each order: (tab "to_fill" or any other tab, sort) -> support_requests index.
SORT_INDEXES = {
    ("to_fill", BoardSort.DATE): "ix_support_requests_to_fill_starts",
    ("to_fill", BoardSort.SUBMITTED): "ix_support_requests_to_fill_created",
    ("to_fill", BoardSort.ORGANISATION): "ix_support_requests_to_fill_organisation",
    ("other", BoardSort.DATE): "ix_support_requests_state_starts",
    ("other", BoardSort.SUBMITTED): "ix_support_requests_state_created",
    ("other", BoardSort.ORGANISATION): "ix_support_requests_organisation_state_starts",
}


def parse_sort(value: str | None) -> BoardSort:
    try:
        return BoardSort(value)
    except ValueError:
        return BoardSort.DATE


def parse_tab(value: str | None) -> str:
    return value if value in BOARD_TABS else DEFAULT_TAB


def board_query(tab: str, sort: BoardSort) -> Select:
    """The tab's requests in the chosen order, with what each row shows loaded alongside."""
    states = BOARD_TABS[parse_tab(tab)]
    # The states as literals in the SQL, so the planner can match the partial indexes.
    wanted = bindparam(
        "board_states", list(states), expanding=True, literal_execute=True, type_=SupportRequest.state.type
    )
    query = (
        select(SupportRequest)
        .where(SupportRequest.state.in_(wanted))
        .options(
            selectinload(SupportRequest.language),
            selectinload(SupportRequest.organisation),
            selectinload(SupportRequest.place),
        )
    )
    if sort is BoardSort.SUBMITTED:
        return query.order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())
    if sort is BoardSort.ORGANISATION:
        return query.join(Organisation, SupportRequest.organisation).order_by(
            Organisation.name_key, SupportRequest.starts_at, SupportRequest.id
        )
    return query.order_by(SupportRequest.starts_at, SupportRequest.id)


def splits_at_now(tab: str, sort: BoardSort) -> bool:
    """On the tabs of settled requests, "appointment, next first" puts what is still ahead
    first and the past after it, the latest first (the tab "to fill" keeps one order: a request
    still open after its time is the first thing to look at)."""
    return sort is BoardSort.DATE and parse_tab(tab) != DEFAULT_TAB


def upcoming_then_past(query: Select, now: datetime) -> tuple[Select, Select]:
    """The board's query (by appointment) cut at `now`: the part ahead, soonest first, and the
    part past, latest first; each reads the state-and-appointment index, one of them backwards."""
    upcoming = query.where(SupportRequest.starts_at >= now)
    past = (
        query.where(SupportRequest.starts_at < now)
        .order_by(None)
        .order_by(SupportRequest.starts_at.desc(), SupportRequest.id.desc())
    )
    return upcoming, past
