"""who and how on every request event: the actor's role, the channel, and a reason

Revision ID: 77ebb1dacc8c
Revises: b7e3c91a4d25
Create Date: 2026-12-07 09:00:00

Existing rows: answers carried their channel in the note ("link", "portal", "phone"); an
answer by mail link had no actor, although the link was the volunteer's own: it gets the
volunteer as its actor. Events without an actor were the system's (`flask tick`, or a
consequence of another move); the others were a coordinator's, the offer's volunteer's, or
else an organisation member's.
"""

import sqlalchemy as sa
from alembic import op

revision = "77ebb1dacc8c"
down_revision = "b7e3c91a4d25"
branch_labels = None
depends_on = None

ACTORS = "actor_role IN ('coordinator', 'volunteer', 'organisation', 'system')"
CHANNELS = "channel IN ('portal', 'link', 'phone', 'job', 'automatic')"

OFFER_VOLUNTEER = (
    "(SELECT volunteer_profiles.user_id FROM offers JOIN volunteer_profiles "
    "ON offers.profile_id = volunteer_profiles.id WHERE offers.id = request_events.offer_id)"
)


def upgrade():
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_role", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))

    op.execute(f"UPDATE request_events SET actor_id = {OFFER_VOLUNTEER} WHERE note = 'link' AND offer_id IS NOT NULL")
    op.execute(
        "UPDATE request_events SET channel = CASE "
        "WHEN note IN ('link', 'portal', 'phone') THEN note "
        "WHEN actor_id IS NULL AND to_state IN ('expired', 'unmatched') THEN 'job' "
        "WHEN actor_id IS NULL THEN 'automatic' "
        "ELSE 'portal' END"
    )
    op.execute(
        "UPDATE request_events SET actor_role = CASE "
        "WHEN note IN ('link', 'portal') THEN 'volunteer' "
        "WHEN note = 'phone' THEN 'coordinator' "
        "WHEN actor_id IS NULL THEN 'system' "
        "WHEN subject = 'request' AND from_state IS NOT NULL AND from_state <> to_state "
        "AND to_state <> 'cancelled' THEN 'system' "
        "WHEN subject = 'offer' AND to_state = 'withdrawn' AND note IN ('filled', 'unavailable') THEN 'system' "
        "WHEN EXISTS (SELECT 1 FROM users WHERE users.id = request_events.actor_id AND users.is_coordinator) "
        "THEN 'coordinator' "
        f"WHEN offer_id IS NOT NULL AND actor_id = {OFFER_VOLUNTEER} THEN 'volunteer' "
        "ELSE 'organisation' END"
    )
    op.execute("UPDATE request_events SET channel = 'automatic' WHERE actor_role = 'system' AND channel = 'portal'")
    op.execute("UPDATE request_events SET note = NULL WHERE note IN ('link', 'portal', 'phone')")

    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.alter_column("actor_role", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("channel", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_check_constraint(op.f("ck_request_events_event_actor"), ACTORS)
        batch_op.create_check_constraint(op.f("ck_request_events_event_channel"), CHANNELS)


def downgrade():
    op.execute(
        "UPDATE request_events SET note = channel "
        "WHERE subject = 'offer' AND to_state IN ('accepted', 'declined') AND note IS NULL"
    )
    op.execute("UPDATE request_events SET actor_id = NULL WHERE channel = 'link'")
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_request_events_event_channel"), type_="check")
        batch_op.drop_constraint(op.f("ck_request_events_event_actor"), type_="check")
        batch_op.drop_column("reason")
        batch_op.drop_column("channel")
        batch_op.drop_column("actor_role")
