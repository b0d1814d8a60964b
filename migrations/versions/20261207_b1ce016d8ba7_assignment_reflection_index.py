"""an index for the coordinators' list of reflection talks wished and not held yet

Revision ID: b1ce016d8ba7
Revises: ab90f8680046
Create Date: 2026-12-07 22:00:00

"""

import sqlalchemy as sa
from alembic import op

SQLITE = "wants_reflection_talk = 1 AND reflection_done_at IS NULL"
POSTGRESQL = "wants_reflection_talk = true AND reflection_done_at IS NULL"

revision = "b1ce016d8ba7"
down_revision = "ab90f8680046"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_reflection_waiting",
            ["appointment_at", "id"],
            sqlite_where=sa.text(SQLITE),
            postgresql_where=sa.text(POSTGRESQL),
        )


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_reflection_waiting")
