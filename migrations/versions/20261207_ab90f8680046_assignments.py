"""assignments after the appointment: the volunteer's report, the organisation's answer, the
month that settles it; the request history's subject may be an assignment

Revision ID: ab90f8680046
Revises: 9d4f1c6b2e57
Create Date: 2026-12-07 20:38:16

"""

import sqlalchemy as sa
from alembic import op

import volunteers.db_types

revision = 'ab90f8680046'
down_revision = '9d4f1c6b2e57'
branch_labels = None
depends_on = None

SUBJECTS = "subject IN ('request', 'offer')"
SUBJECTS_WITH_ASSIGNMENTS = "subject IN ('request', 'offer', 'assignment')"
PURPOSES = (
    "purpose IN ('confirm_email', 'change_email', 'reset_password', 'invitation', 'offer_response', "
    "'stop_email_change', 'unlock_login'"
)
PURPOSES_WITH_ASSIGNMENTS = PURPOSES + ", 'report_assignment', 'confirm_assignment')"


def upgrade():
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('appointment_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('awaiting_report', 'reported', 'confirmed', 'disputed', 'settled', name='assignment_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('outcome', sa.Enum('took_place', 'client_absent', 'volunteer_absent', 'cancelled_short_notice', name='assignment_outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('cancelled_by', sa.Enum('client', 'organisation', 'volunteer', name='assignment_cancelled_by', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('started_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('travel_km', sa.Integer(), nullable=True),
    sa.Column('straight_km', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('wants_reflection_talk', sa.Boolean(), nullable=False),
    sa.Column('reflection_done_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('report_channel', sa.Enum('portal', 'link', 'phone', 'job', 'automatic', name='assignment_report_channel', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('answered_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_automatically', sa.Boolean(), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=True),
    sa.Column('settled_month', sa.Date(), nullable=True),
    sa.Column('volunteer_reminders', sa.Integer(), nullable=False),
    sa.Column('organisation_reminded_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 1440', name=op.f('ck_assignments_duration_in_range')),
    sa.CheckConstraint('travel_km IS NULL OR travel_km BETWEEN 0 AND 2000', name=op.f('ck_assignments_travel_km_in_range')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_assignments_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_assignments_offer_id_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_assignments_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_assignments_reported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_assignments_request_id_support_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_assignments_offer_id'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_profile_appointment', ['profile_id', 'appointment_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_settled_month'), ['settled_month'], unique=False)
        batch_op.create_index('ix_assignments_state_appointment', ['state', 'appointment_at'], unique=False)

    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_request_events_event_subject"), type_="check")
        batch_op.create_check_constraint(op.f("ck_request_events_event_subject"), SUBJECTS_WITH_ASSIGNMENTS)
    # Enum values live in CHECK constraints, which autogenerate does not compare.
    with op.batch_alter_table("action_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_action_tokens_token_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_action_tokens_token_purpose"), PURPOSES_WITH_ASSIGNMENTS)


def downgrade():
    op.execute("DELETE FROM action_tokens WHERE purpose IN ('report_assignment', 'confirm_assignment')")
    with op.batch_alter_table("action_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_action_tokens_token_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_action_tokens_token_purpose"), PURPOSES + ")")
    op.execute("DELETE FROM request_events WHERE subject = 'assignment'")
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_request_events_event_subject"), type_="check")
        batch_op.create_check_constraint(op.f("ck_request_events_event_subject"), SUBJECTS)
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_state_appointment')
        batch_op.drop_index(batch_op.f('ix_assignments_settled_month'))
        batch_op.drop_index(batch_op.f('ix_assignments_request_id'))
        batch_op.drop_index('ix_assignments_profile_appointment')

    op.drop_table('assignments')
