"""typed request history: the subject as an enum, an edit's changed fields as a list

Revision ID: c4d81e2f9a6b
Revises: 5c1e0f7a9b32
Create Date: 2026-12-07 15:00:00

Existing rows: an edit of a request was written as the note "changed: area, kind, ..." (column
names, cut at 280 characters) and parsed back for the page; its fields move into
`changed_fields` (a JSON list) and the note is cleared. `subject` ("request" or "offer") gets
its CHECK constraint.
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d81e2f9a6b"
down_revision = "5c1e0f7a9b32"
branch_labels = None
depends_on = None

CHANGED = "changed: "
SUBJECTS = "subject IN ('request', 'offer')"

events = sa.table(
    "request_events",
    sa.column("id", sa.Integer()),
    sa.column("note", sa.String(300)),
    sa.column("changed_fields", sa.JSON()),
)


def upgrade():
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_fields", sa.JSON(), nullable=True))
        batch_op.alter_column("subject", existing_type=sa.String(length=16), type_=sa.String(length=32))
        batch_op.create_check_constraint(op.f("ck_request_events_event_subject"), SUBJECTS)

    connection = op.get_bind()
    edits = connection.execute(sa.select(events.c.id, events.c.note).where(events.c.note.like(CHANGED + "%"))).all()
    for event_id, note in edits:
        fields = [name for name in note[len(CHANGED) :].split(", ") if name]
        connection.execute(
            events.update().where(events.c.id == event_id).values(changed_fields=fields or None, note=None)
        )


def downgrade():
    connection = op.get_bind()
    edits = connection.execute(
        sa.select(events.c.id, events.c.changed_fields).where(events.c.changed_fields.is_not(None))
    ).all()
    for event_id, fields in edits:
        if fields:
            note = (CHANGED + ", ".join(fields))[:300]
            connection.execute(events.update().where(events.c.id == event_id).values(note=note))

    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_request_events_event_subject"), type_="check")
        batch_op.alter_column("subject", existing_type=sa.String(length=32), type_=sa.String(length=16))
        batch_op.drop_column("changed_fields")
