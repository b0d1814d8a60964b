"""phone numbers stored in one form (E.164)

Numbers were stored as typed ("0561 123456", "+49 (0)561 …"). From now on they are checked and
stored in E.164 ("+49561123456") and shown formatted. This normalises what is there, reading a
number without a country code as German. A value that is not a valid number is kept as it is,
not cleared: it is the only way the centre has to reach that person, a coordinator can still
read it (the volunteer's page marks it "not a valid phone number"), and whoever next saves the
profile is asked to correct it at the field. Such a value is never passed to an organisation.
Downgrade keeps the normalised numbers (they are valid text for the old code too).

Revision ID: b7e3f1a2c9d4
Revises: 7c1d2e9f4a10
Create Date: 2026-12-07
"""

import re

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = "b7e3f1a2c9d4"
down_revision = "7c1d2e9f4a10"
branch_labels = None
depends_on = None

# A copy of the rule in volunteers/phones.py as it was when this migration was written.
_ALLOWED = re.compile(r"^[0-9+()/.\-\s\u00a0\u2010-\u2015]+$")


def _e164(text: str) -> str | None:
    text = text.strip()
    if not text or len(text) > 40 or not _ALLOWED.match(text):
        return None
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def upgrade():
    connection = op.get_bind()
    profiles = sa.table("volunteer_profiles", sa.column("id", sa.Integer), sa.column("phone", sa.String))
    rows = connection.execute(sa.select(profiles.c.id, profiles.c.phone).where(profiles.c.phone.is_not(None)))
    for profile_id, phone in rows.all():
        normalised = _e164(phone)
        if normalised is not None and normalised != phone:
            connection.execute(profiles.update().where(profiles.c.id == profile_id).values(phone=normalised))


def downgrade():
    pass
