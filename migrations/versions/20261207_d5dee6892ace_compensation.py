"""compensation: rules per programme from the day they apply (seeded with the county's figures
from 2026: 20 EUR per assignment of lay interpreting, 5 EUR an hour for WIR-Lotsen within 6 h a
week and 276 h a year, coordinating Lotsen 9 h and 414 h; 0.30 EUR per kilometre on site), the
volunteer's programme and tax-free allowance, an assignment's amount, and the coordinators'
exceptions to the cap per client and to a volunteer's limits

Revision ID: d5dee6892ace
Revises: b1ce016d8ba7
Create Date: 2026-12-07 20:59:03

"""

import datetime

import sqlalchemy as sa
from alembic import op

import volunteers.db_types

revision = 'd5dee6892ace'
down_revision = 'b1ce016d8ba7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compensation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.Enum('per_assignment', 'lotse', 'coordinating_lotse', name='compensation_programme', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('per_assignment_cents', sa.Integer(), nullable=False),
    sa.Column('per_hour_cents', sa.Integer(), nullable=False),
    sa.Column('per_km_cents', sa.Integer(), nullable=False),
    sa.Column('weekly_minutes', sa.Integer(), nullable=True),
    sa.Column('yearly_minutes', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('per_assignment_cents >= 0 AND per_hour_cents >= 0 AND per_km_cents >= 0', name=op.f('ck_compensation_rules_amounts_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_compensation_rules_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_rules')),
    sa.UniqueConstraint('programme', 'effective_from', name='one_rule_per_day')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_cents', sa.Integer(), nullable=True))

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('limit_override_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('limit_override_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_offers_limit_override_by_id_users'), 'users', ['limit_override_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cap_exception_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cap_exception_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cap_exception_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_support_requests_cap_exception_by_id_users'), 'users', ['cap_exception_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme', sa.Enum('per_assignment', 'lotse', 'coordinating_lotse', name='programme', native_enum=False, create_constraint=True, length=32), server_default='per_assignment', nullable=False))
        batch_op.add_column(sa.Column('tax_allowance', sa.Enum('volunteer', 'instructor', name='tax_allowance', native_enum=False, create_constraint=True, length=32), server_default='volunteer', nullable=False))

    rules = sa.table(
        "compensation_rules",
        sa.column("programme", sa.String()),
        sa.column("effective_from", sa.Date()),
        sa.column("per_assignment_cents", sa.Integer()),
        sa.column("per_hour_cents", sa.Integer()),
        sa.column("per_km_cents", sa.Integer()),
        sa.column("weekly_minutes", sa.Integer()),
        sa.column("yearly_minutes", sa.Integer()),
        sa.column("created_at", volunteers.db_types.UTCDateTime(timezone=True)),
    )
    start = datetime.date(2026, 1, 1)
    created = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    op.bulk_insert(
        rules,
        [
            {"programme": "per_assignment", "effective_from": start, "per_assignment_cents": 2000,
             "per_hour_cents": 0, "per_km_cents": 30, "weekly_minutes": None, "yearly_minutes": None,
             "created_at": created},
            {"programme": "lotse", "effective_from": start, "per_assignment_cents": 0, "per_hour_cents": 500,
             "per_km_cents": 30, "weekly_minutes": 6 * 60, "yearly_minutes": 276 * 60, "created_at": created},
            {"programme": "coordinating_lotse", "effective_from": start, "per_assignment_cents": 0,
             "per_hour_cents": 500, "per_km_cents": 30, "weekly_minutes": 9 * 60, "yearly_minutes": 414 * 60,
             "created_at": created},
        ],
    )


def downgrade():
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        # The enums' CHECK constraints first: SQLite's copy of the table would still name the columns.
        batch_op.drop_constraint(op.f("ck_volunteer_profiles_tax_allowance"), type_="check")
        batch_op.drop_constraint(op.f("ck_volunteer_profiles_programme"), type_="check")
        batch_op.drop_column('tax_allowance')
        batch_op.drop_column('programme')

    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_support_requests_cap_exception_by_id_users'), type_='foreignkey')
        batch_op.drop_column('cap_exception_at')
        batch_op.drop_column('cap_exception_by_id')
        batch_op.drop_column('cap_exception_reason')

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_offers_limit_override_by_id_users'), type_='foreignkey')
        batch_op.drop_column('limit_override_by_id')
        batch_op.drop_column('limit_override_reason')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('amount_cents')

    op.drop_table('compensation_rules')
