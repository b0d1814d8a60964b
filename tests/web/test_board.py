"""The coordinators' board: soonest appointment first unless they sort by submission or by
organisation (a GET parameter that carries no personal data); each row says language or
health and the kind of work; pages and sorting stay in the database, on an index."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests import factories
from tests.pages import tree, visible_text
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models.enums import Area, WorkKind
from volunteers.services import board
from volunteers.services.organisations import name_key


def _references(html: str) -> list[str]:
    """The client references in the board's rows, top to bottom."""
    return re.findall(r"K-BOARD-\d+", visible_text(html))


def _board(client, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    response = client.get(f"/coordinator/requests?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def three(ctx):
    """Submitted in the order 1, 2, 3; due in the order 3, 1, 2; organisations B, A, C."""
    now = utcnow()
    names = {1: "Bürgerhilfe e.V.", 2: "Afghanischer Frauenverein", 3: "Caritas-Gruppe"}
    days = {1: 10, 2: 20, 3: 5}
    for number in (1, 2, 3):
        _, organisation = factories.organisation_user()
        organisation.name, organisation.name_key = names[number], name_key(names[number])
        factories.support_request(
            organisation,
            client_reference=f"K-BOARD-{number}",
            starts_at=factories.next_weekday(1, 9, weeks=1) + timedelta(days=days[number]),
            created_at=now - timedelta(hours=10 - number),
            urgent=number == 2,
            urgent_reason="Frist beim Amt" if number == 2 else None,
            area=Area.HEALTH if number == 1 else Area.LANGUAGE,
            kind=WorkKind.ACCOMPANYING if number == 1 else WorkKind.INTERPRETING,
        )


def test_the_soonest_appointment_comes_first(three, client, login):
    login(client, factories.coordinator())
    assert _references(_board(client)) == ["K-BOARD-3", "K-BOARD-1", "K-BOARD-2"]


def test_coordinators_sort_by_submission_or_organisation(three, client, login):
    login(client, factories.coordinator())
    assert _references(_board(client, sort="submitted")) == ["K-BOARD-3", "K-BOARD-2", "K-BOARD-1"]
    assert _references(_board(client, sort="organisation")) == ["K-BOARD-2", "K-BOARD-1", "K-BOARD-3"]
    assert _references(_board(client, sort="date")) == ["K-BOARD-3", "K-BOARD-1", "K-BOARD-2"]
    assert _references(_board(client, sort="nonsense")) == ["K-BOARD-3", "K-BOARD-1", "K-BOARD-2"]


def test_the_sort_is_offered_as_links_that_keep_the_tab(three, client, login):
    login(client, factories.coordinator(locale="en"))
    page = tree(_board(client, sort="organisation", tab="to_fill"))
    links = {node.attrs["href"]: node for node in page.iter() if node.tag == "a" and "href" in node.attrs}
    assert "/coordinator/requests?tab=to_fill&sort=submitted" in links
    assert links["/coordinator/requests?tab=to_fill&sort=organisation"].attrs.get("aria-current") == "true"
    assert "/coordinator/requests?tab=filled&sort=organisation" in links


def test_each_row_says_language_or_health_and_the_kind_of_work(three, client, login):
    login(client, factories.coordinator(locale="en"))
    rows = [" ".join(node.text().split()) for node in tree(_board(client)).iter() if node.tag == "tr"][1:]
    assert "Health support" in rows[1] and "Accompanying to appointments" in rows[1]
    assert "Language support" in rows[0] and "Interpreting or language mediation" in rows[0]


def test_pages_keep_the_sort_and_cost_no_query_per_row(ctx, client, login, count_queries):
    login(client, factories.coordinator())
    _, organisation = factories.organisation_user()
    for number in range(3):
        factories.support_request(organisation, client_reference=f"K-BOARD-{number}")
    with count_queries() as few:
        _board(client, sort="organisation")
    for number in range(3, 30):
        _, other = factories.organisation_user()
        factories.support_request(other, client_reference=f"K-BOARD-{number}")
    with count_queries() as many:
        html = _board(client, sort="organisation")
    assert len(many) == len(few)
    assert len(_references(html)) == 25
    assert "/coordinator/requests?page=2&tab=to_fill&sort=organisation" in html.replace("&amp;", "&")


def _sqlite_index_on(connection, table: str, column: str) -> str:
    for row in connection.exec_driver_sql(f"PRAGMA index_list('{table}')"):
        columns = [info[2] for info in connection.exec_driver_sql(f"PRAGMA index_info('{row[1]}')")]
        if columns == [column]:
            return row[1]
    raise AssertionError(f"no index on {table}.{column}")


@pytest.mark.parametrize("sort", list(board.BoardSort))
@pytest.mark.parametrize("tab", list(board.BOARD_TABS))
def test_every_sort_reads_the_rows_in_order_from_an_index(ctx, sort, tab):
    """The database can walk an index in the order asked for (no sort of every request):
    PostgreSQL with sorting and sequential scans made prohibitively expensive still finds a
    plan without a full Sort (an Incremental Sort only orders ties); SQLite, told to use the
    index the service names for it, needs no temporary B-tree for the ORDER BY."""
    query = board.board_query(tab, sort).limit(25)
    index = board.SORT_INDEXES["to_fill" if tab == "to_fill" else "other", sort]
    with db.engine.connect() as connection:
        compiled = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "sqlite":  # INDEXED BY fails unless the index can serve the query
            compiled = compiled.replace("FROM support_requests", f"FROM support_requests INDEXED BY {index}")
            by_name = _sqlite_index_on(connection, "organisations", "name_key")  # the UNIQUE constraint's
            compiled = compiled.replace("JOIN organisations", f"JOIN organisations INDEXED BY {by_name}")
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
            assert not re.search(r"^\s*(->\s*)?Sort\s+\(", plan, flags=re.M), plan  # Incremental Sort: ties
            assert "Index" in plan and "Seq Scan on support_requests" not in plan, plan
        else:
            plan = "\n".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
