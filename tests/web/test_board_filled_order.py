"""On the tabs of settled requests (filled, unmatched, cancelled) "appointment, next first"
means what is still ahead, soonest first, then what is past, latest first, a page at a time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests import factories
from tests.pages import visible_text
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models.enums import RequestState
from volunteers.services import board


def _filled(organisation, number: int, days: int) -> None:
    record = factories.support_request(
        organisation, client_reference=f"K-FILLED-{number}", starts_at=utcnow() + timedelta(days=days)
    )
    record.state = RequestState.FILLED
    db.session.commit()


def _references(client, page: int = 1) -> list[str]:
    response = client.get(f"/coordinator/requests?tab=filled&page={page}")
    assert response.status_code == 200
    return re.findall(r"K-FILLED-\d+", visible_text(response.get_data(as_text=True)))


def test_the_filled_tab_shows_upcoming_soonest_first_then_past_latest_first(ctx, client, login):
    _, organisation = factories.organisation_user()
    for number, days in ((1, -10), (2, 20), (3, -2), (4, 3)):
        _filled(organisation, number, days)
    login(client, factories.coordinator())
    assert _references(client) == ["K-FILLED-4", "K-FILLED-2", "K-FILLED-3", "K-FILLED-1"]


def test_the_order_holds_across_pages(ctx, client, login, count_queries):
    _, organisation = factories.organisation_user()
    for number in range(1, 25):  # 24 ahead: the past begins on the first page's last row
        _filled(organisation, number, number)
    for number in range(25, 28):
        _filled(organisation, number, 24 - number)  # -1, -2, -3 days
    login(client, factories.coordinator())
    with count_queries() as queries:
        first = _references(client)
    assert first == [f"K-FILLED-{n}" for n in range(1, 26)]
    assert _references(client, 2) == ["K-FILLED-26", "K-FILLED-27"]
    assert len(queries) < 15


@pytest.mark.parametrize("tab", [tab for tab in board.BOARD_TABS if tab != "to_fill"])
def test_the_past_part_is_read_backwards_from_the_index(ctx, tab):
    _upcoming, past = board.upcoming_then_past(board.board_query(tab, board.BoardSort.DATE), utcnow())
    index = board.SORT_INDEXES["other", board.BoardSort.DATE]
    with db.engine.connect() as connection:
        compiled = str(past.limit(25).compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "sqlite":
            compiled = compiled.replace("FROM support_requests", f"FROM support_requests INDEXED BY {index}")
            plan = "\n".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
            assert not re.search(r"^\s*(->\s*)?Sort\s+\(", plan, flags=re.M), plan
