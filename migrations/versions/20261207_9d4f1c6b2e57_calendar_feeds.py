"""calendar feeds: a volunteer's subscription address for calendar apps (only the SHA-256 of
its token is stored)

Revision ID: 9d4f1c6b2e57
Revises: 5a8c2e7d1b90
Create Date: 2026-12-07 20:40:49

"""

import sqlalchemy as sa
from alembic import op

import volunteers.db_types

revision = "9d4f1c6b2e57"
down_revision = "5a8c2e7d1b90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_calendar_feeds_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("profile_id", name=op.f("uq_calendar_feeds_profile_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade():
    op.drop_table("calendar_feeds")
