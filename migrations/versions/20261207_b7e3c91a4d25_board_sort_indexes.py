"""indexes for the board's orders: by appointment, by submission, by organisation

Revision ID: b7e3c91a4d25
Revises: 0fb67db126bd
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e3c91a4d25"
down_revision = "0fb67db126bd"
branch_labels = None
depends_on = None

TO_FILL = "state IN ('open', 'partly_filled')"
TO_FILL_INDEXES = {
    "ix_support_requests_to_fill_starts": ["starts_at", "id"],
    "ix_support_requests_to_fill_created": ["created_at", "id"],
    "ix_support_requests_to_fill_organisation": ["organisation_id", "starts_at", "id"],
}


def upgrade():
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.create_index("ix_support_requests_state_created", ["state", "created_at"])
        batch_op.create_index("ix_support_requests_organisation_state_starts", ["organisation_id", "state", "starts_at"])
        for name, columns in TO_FILL_INDEXES.items():
            batch_op.create_index(name, columns, sqlite_where=sa.text(TO_FILL), postgresql_where=sa.text(TO_FILL))


def downgrade():
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        for name in reversed(TO_FILL_INDEXES):
            batch_op.drop_index(name)
        batch_op.drop_index("ix_support_requests_organisation_state_starts")
        batch_op.drop_index("ix_support_requests_state_created")
