"""What coordinators chase after appointments: the overview counts reports missing after the
last reminder, disputes and reflection talks wished (in the database, in the statement the
overview runs anyway), each linking to its list; the lists (`/coordinator/assignments?show=`)
are paginated in the database and read in order from an index, with no query per row."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests import factories
from tests.pages import visible_text
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models.enums import AssignmentState, Outcome
from volunteers.services.assignment_lists import LIST_INDEXES, AssignmentList, listed


def _queue(page: str) -> dict[str, str]:
    """The overview's work queue: text -> link."""
    section = re.search(r'<ol class="queue-list">(.*?)</ol>', page, re.S)
    assert section, "nothing in the work queue"
    return {
        " ".join(visible_text(label).split()): href.replace("&amp;", "&")
        for href, label in re.findall(r'<a href="([^"]+)">(.*?)</a>', section.group(1), re.S)
    }


def _rows(page: str) -> list[str]:
    """The list's rows, as text."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return (
        [" ".join(visible_text(row).split()) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]
        if body
        else []
    )


def _world():
    """One of each list's kind, and some that belong to none."""
    _staff, organisation = factories.organisation_user()
    amina = factories.active_volunteer(given_name="Amina", family_name="Haddad").profile
    jean = factories.active_volunteer(given_name="Jean", family_name="Mukendi").profile
    reported = {"outcome": Outcome.TOOK_PLACE, "duration_minutes": 90, "reported_at": utcnow() - timedelta(days=2)}
    made = {
        "missing": factories.past_assignment(organisation, jean, 6, "A-MISSING", volunteer_reminders=2),
        # Reminded once so far: not yet the coordinators' task.
        "recent": factories.past_assignment(organisation, amina, 2, "A-RECENT", volunteer_reminders=1),
        "disputed": factories.past_assignment(
            organisation,
            amina,
            9,
            "A-DISPUTED",
            state=AssignmentState.DISPUTED,
            dispute_reason="Nobody came from the centre.",
            **reported,
        ),
        "reflection": factories.past_assignment(
            organisation,
            jean,
            8,
            "A-REFLECTION",
            state=AssignmentState.CONFIRMED,
            wants_reflection_talk=True,
            **reported,
        ),
        "held": factories.past_assignment(
            organisation,
            amina,
            20,
            "A-HELD",
            state=AssignmentState.CONFIRMED,
            wants_reflection_talk=True,
            reflection_done_at=utcnow() - timedelta(days=3),
            **reported,
        ),
        "reported": factories.past_assignment(
            organisation, amina, 3, "A-REPORTED", state=AssignmentState.REPORTED, **reported
        ),
    }
    return made


def test_the_overview_counts_what_to_chase_and_links_to_each_list(ctx, client, login):
    made = _world()
    login(client, factories.coordinator(locale="en"))
    queue = _queue(client.get("/coordinator/").get_data(as_text=True))
    assert queue["1 report disputed by the organisation, to resolve"] == "/coordinator/assignments?show=disputed"
    assert queue["1 report still missing after the last reminder"] == "/coordinator/assignments?show=missing"
    assert queue["1 reflection talk a volunteer asked for"] == "/coordinator/assignments?show=reflection"

    expected = {
        "missing": ["A-MISSING"],
        "disputed": ["A-DISPUTED"],
        "reflection": ["A-REFLECTION"],
        "reported": ["A-REPORTED"],
    }
    for show, references in expected.items():
        page = client.get(f"/coordinator/assignments?show={show}").get_data(as_text=True)
        rows = _rows(page)
        assert len(rows) == len(references) and all(ref in row for ref, row in zip(references, rows, strict=True))
        assignment = made[show]
        assert f'href="/coordinator/requests/{assignment.request_id}#assignment-{assignment.offer_id}"' in page
        assert f'href="/coordinator/volunteers/{assignment.profile_id}"' in page
    missing = _rows(client.get("/coordinator/assignments?show=missing").get_data(as_text=True))[0]
    assert "Jean Mukendi" in missing and "Waiting for the report" in missing and "reminded 2 times by mail" in missing
    assert made["missing"].request.organisation.name in missing
    disputed = _rows(client.get("/coordinator/assignments?show=disputed").get_data(as_text=True))[0]
    assert "Disputed" in disputed and "Nobody came from the centre." in disputed
    reported = _rows(client.get("/coordinator/assignments?show=reported").get_data(as_text=True))[0]
    assert "counts as confirmed on" in reported
    tabs = visible_text(client.get("/coordinator/assignments").get_data(as_text=True))
    assert "Reports missing (1)" in tabs and "Disputed (1)" in tabs and "Reflection talks (1)" in tabs
    assert "Waiting for the organisation (1)" in tabs
    assert client.get("/coordinator/assignments?show=nonsense").status_code == 200  # the first list


def test_an_empty_list_says_so_and_only_coordinators_see_the_lists(ctx, client, other_client, login):
    login(client, factories.coordinator(locale="en"))
    assert "Nothing in this list." in client.get("/coordinator/assignments?show=disputed").get_data(as_text=True)
    login(other_client, factories.active_volunteer())
    assert other_client.get("/coordinator/assignments").status_code in (403, 404)


def test_the_lists_are_paginated_in_the_database_with_no_query_per_row(ctx, client, login, count_queries):
    _staff, organisation = factories.organisation_user()
    profile = factories.active_volunteer().profile
    for number in range(3):
        factories.past_assignment(organisation, profile, 10 + number, f"A-{number:02}", volunteer_reminders=2)
    login(client, factories.coordinator(locale="en"))
    with count_queries() as few:
        assert client.get("/coordinator/assignments?show=missing").status_code == 200
    for number in range(3, 27):
        other = factories.active_volunteer().profile
        factories.past_assignment(organisation, other, 10 + number, f"A-{number:02}", volunteer_reminders=2)
    with count_queries() as many:
        page = client.get("/coordinator/assignments?show=missing").get_data(as_text=True)
    assert len(many) == len(few)
    rows = _rows(page)
    assert len(rows) == 25 and "A-26" in rows[0] and "A-02" in rows[-1]  # the oldest appointment first
    assert "/coordinator/assignments?page=2&show=missing" in page.replace("&amp;", "&")
    second = _rows(client.get("/coordinator/assignments?show=missing&page=2").get_data(as_text=True))
    assert len(second) == 2 and "A-00" in second[-1]


def test_the_overview_runs_the_same_statements_with_more_assignments(ctx, client, login, count_queries):
    login(client, factories.coordinator(locale="en"))
    _world()
    with count_queries() as few:
        client.get("/coordinator/")
    for _ in range(3):
        _world()
    with count_queries() as many:
        page = client.get("/coordinator/").get_data(as_text=True)
    assert len(many) == len(few)
    assert "4 reports disputed by the organisation, to resolve" in page


def _sqlite_plan(connection, compiled: str) -> str:
    return "\n".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.parametrize("which", list(AssignmentList))
def test_every_list_reads_its_rows_in_order_from_an_index(ctx, which):
    """As the board's orders (tests/web/test_board.py): PostgreSQL with sorting and sequential
    scans made prohibitively expensive finds a plan without a full Sort; SQLite, told to use the
    index named for the list, needs no temporary B-tree for the ORDER BY."""
    query = listed(which, utcnow()).limit(25)
    index = LIST_INDEXES[which]
    with db.engine.connect() as connection:
        compiled = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
            assert not re.search(r"^\s*(->\s*)?Sort\s+\(", plan, flags=re.M), plan  # Incremental Sort: ties
            assert index in plan and "Seq Scan on assignments" not in plan, plan
        else:  # INDEXED BY fails unless the index can serve the query
            # Without another test's statistics of this table (ANALYZE by the planner job's tests,
            # over other rows): the plan of a fresh database, read again by this connection.
            if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
                connection.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'assignments'")
                connection.exec_driver_sql("ANALYZE sqlite_schema")
            plan = _sqlite_plan(
                connection, compiled.replace("FROM assignments", f"FROM assignments INDEXED BY {index}")
            )
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
            assert index in plan, plan
            assert index in _sqlite_plan(connection, compiled), "the planner does not choose the index by itself"
