"""forms sent after the inactivity timeout, kept for their author for an hour (kept_forms)

Revision ID: 5c1e0f7a9b32
Revises: def2fb978417
Create Date: 2026-12-07 18:00:00

"""

import sqlalchemy as sa
from alembic import op

import volunteers.db_types

revision = "5c1e0f7a9b32"
down_revision = "def2fb978417"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("handle_hash", sa.String(length=64), nullable=False),
        sa.Column("return_to", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("files_left_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_kept_forms_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_forms")),
        sa.UniqueConstraint("handle_hash", name=op.f("uq_kept_forms_handle_hash")),
    )
    with op.batch_alter_table("kept_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_forms_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kept_forms_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("kept_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_forms_user_id"))
        batch_op.drop_index(batch_op.f("ix_kept_forms_expires_at"))
    op.drop_table("kept_forms")
