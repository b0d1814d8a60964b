"""the settled month's index only over the rows that have one (and their state): with most rows
still unsettled, a full index told the planner that a month matched every row, and it scanned
all confirmed assignments instead

Revision ID: c7d2e4f6a8b1
Revises: a3c5e7f91b2d
Create Date: 2026-12-08 01:20:00

"""

import sqlalchemy as sa
from alembic import op

WHERE = "settled_month IS NOT NULL"

revision = "c7d2e4f6a8b1"
down_revision = "a3c5e7f91b2d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_settled_month")
        batch_op.create_index(
            "ix_assignments_settled_month",
            ["settled_month", "state"],
            sqlite_where=sa.text(WHERE),
            postgresql_where=sa.text(WHERE),
        )


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_settled_month")
        batch_op.create_index("ix_assignments_settled_month", ["settled_month"], unique=False)
