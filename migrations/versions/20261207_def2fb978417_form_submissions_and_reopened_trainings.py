"""create forms safe to send twice (form_submissions); reopened training rejections

Revision ID: def2fb978417
Revises: 77ebb1dacc8c
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

import volunteers.db_types

revision = "def2fb978417"
down_revision = "77ebb1dacc8c"
branch_labels = None
depends_on = None

KINDS = (
    "training",
    "request",
    "offers",
    "volunteer",
    "invitation",
    "absence",
    "exclusion",
    "police_certificate",
    "qualification_type",
    "declaration_version",
    "organisation",
    "registration",
)


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="created_record", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("created_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_form_submissions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("key", name=op.f("uq_form_submissions_key")),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submissions_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopened_at", volunteers.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reopened_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reopen_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_qualifications_reopened_by_id_users"), "users", ["reopened_by_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_qualifications_reopened_by_id_users"), type_="foreignkey")
        batch_op.drop_column("reopen_reason")
        batch_op.drop_column("reopened_by_id")
        batch_op.drop_column("reopened_at")

    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_created_at"))
    op.drop_table("form_submissions")
