"""Rows written into the schema of an older revision, as it was then: the tables are read from
the database (not the current models, which may have columns the old schema lacks), and every
column that must have a value and has no default gets a plain one unless given."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa


def _plain(column: sa.Column) -> Any:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.DateTime):
        return datetime.now(UTC)
    if isinstance(kind, sa.Date):
        return date.today()
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def _first_referenced(connection: sa.Connection, column: sa.Column) -> Any:
    """A required reference nobody gave: the first row of the table it refers to."""
    target = next(iter(column.foreign_keys)).column
    return connection.execute(
        sa.select(sa.func.min(sa.column(target.name))).select_from(sa.table(target.table.name))
    ).scalar()


def insert(connection: sa.Connection, table: str, **values: Any) -> int:
    """Inserts one row into `table` as the database has it now; returns its id."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    row = dict(values)
    for column in reflected.columns:
        needs_value = not (column.primary_key or column.nullable or column.server_default is not None)
        if column.name not in row and needs_value:
            row[column.name] = _first_referenced(connection, column) if column.foreign_keys else _plain(column)
    return connection.execute(reflected.insert().values(**row)).inserted_primary_key[0]


def scene(connection: sa.Connection, request_state: str, places_filled: int) -> dict[str, int]:
    """A coordinator, an organisation with a member, a volunteer with a profile, a request of the
    organisation by phone in nine days and an accepted offer to the volunteer: their ids."""
    now = datetime.now(UTC)

    def user(number: int, **roles: bool) -> int:
        return insert(
            connection,
            "users",
            email=f"person{number}@example.org",
            given_name="Test",
            family_name=f"Person{number}",
            password_hash="x",
            locale="de",
            session_version=1,
            active=True,
            is_coordinator=roles.get("coordinator", False),
            is_volunteer=roles.get("volunteer", False),
        )

    coordinator, staff, person = user(1, coordinator=True), user(2), user(3, volunteer=True)
    organisation = insert(connection, "organisations", name="Verein", name_key="verein", status="approved")
    insert(connection, "memberships", user_id=staff, organisation_id=organisation, is_admin=True)
    profile = insert(
        connection,
        "volunteer_profiles",
        user_id=person,
        status="applicant",
        gender="not_stated",
        contact_channel="none",
        max_assignments_per_month=4,
    )
    request = insert(
        connection,
        "support_requests",
        organisation_id=organisation,
        created_by_id=staff,
        area="language",
        kind="interpreting",
        places_needed=1,
        places_filled=places_filled,
        language_code="tir",
        topic="authorities",
        mode="phone",
        starts_at=now + (datetime(2000, 1, 10) - datetime(2000, 1, 1)),
        duration_minutes=60,
        gender_preference="none",
        client_reference="K-1",
        state=request_state,
        version=1,
    )
    offer = insert(
        connection,
        "offers",
        request_id=request,
        profile_id=profile,
        state="accepted",
        offered_at=now,
        expires_at=now + (datetime(2000, 1, 3) - datetime(2000, 1, 1)),
    )
    return {
        "coordinator": coordinator,
        "staff": staff,
        "person": person,
        "organisation": organisation,
        "request": request,
        "offer": offer,
    }
