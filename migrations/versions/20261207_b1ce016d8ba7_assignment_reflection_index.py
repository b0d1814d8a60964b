"""an index for the coordinators' list of reflection talks wished and not held yet

Revision ID: b1ce016d8ba7
Revises: ab90f8680046
Create Date: 2026-12-07 22:00:00

"""

from alembic import op

revision = "b1ce016d8ba7"
down_revision = "ab90f8680046"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_reflection_waiting", ["wants_reflection_talk", "reflection_done_at", "appointment_at"]
        )


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_reflection_waiting")
