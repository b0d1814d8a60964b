"""indexes for the overview's counts: offers by state and expiry, trainings by type and
completion day (what runs out finds them in a window of days)

Revision ID: 5a8c2e7d1b90
Revises: 3f6a2d9c1e84
Create Date: 2026-12-07 18:40:00

"""

from alembic import op

revision = "5a8c2e7d1b90"
down_revision = "3f6a2d9c1e84"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index("ix_offers_state_expires", ["state", "expires_at"], unique=False)
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index("ix_qualifications_type_completed", ["type_id", "completed_on"], unique=False)


def downgrade():
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifications_type_completed")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_state_expires")
