"""settlement months and adjustment lines: a month coordinators open and close (closing settles
its confirmed assignments), and the adjustment lines that carry a correction of a settled
assignment into a later open month

Revision ID: a3c5e7f91b2d
Revises: d5dee6892ace
Create Date: 2026-12-07 23:26:31

"""

import sqlalchemy as sa
from alembic import op

import volunteers.db_types

revision = "a3c5e7f91b2d"
down_revision = "d5dee6892ace"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "settlement_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open", "closed", name="settlement_month_state", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_settlement_months_closed_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_settlement_months_opened_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_months")),
        sa.UniqueConstraint("month", name=op.f("uq_settlement_months_month")),
    )
    op.create_table(
        "adjustment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("minutes_difference", sa.Integer(), nullable=False),
        sa.Column("km_difference", sa.Integer(), nullable=False),
        sa.Column("cents_difference", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "minutes_difference <> 0 OR km_difference <> 0 OR cents_difference <> 0",
            name=op.f("ck_adjustment_lines_something_differs"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_adjustment_lines_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_adjustment_lines_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["month"],
            ["settlement_months.month"],
            name=op.f("fk_adjustment_lines_month_settlement_months"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment_lines")),
    )
    with op.batch_alter_table("adjustment_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adjustment_lines_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index("ix_adjustment_lines_month_assignment", ["month", "assignment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("adjustment_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_adjustment_lines_month_assignment")
        batch_op.drop_index(batch_op.f("ix_adjustment_lines_assignment_id"))

    op.drop_table("adjustment_lines")
    op.drop_table("settlement_months")
