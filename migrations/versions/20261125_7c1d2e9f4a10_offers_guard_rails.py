"""guard rails for requests and offers: places filled within bounds, one live offer per
volunteer and request

Revision ID: 7c1d2e9f4a10
Revises: 545f2fa8019e
Create Date: 2026-11-25 02:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7c1d2e9f4a10"
down_revision = "545f2fa8019e"
branch_labels = None
depends_on = None

LIVE = "state IN ('offered', 'accepted')"


def upgrade():
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "places_filled_in_range", "places_filled >= 0 AND places_filled <= places_needed"
        )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            "uq_offers_live_per_volunteer",
            ["request_id", "profile_id"],
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )


def downgrade():
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("uq_offers_live_per_volunteer")
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_constraint("places_filled_in_range", type_="check")
