"""reference texts per locale: one JSON column per text instead of a column per language

The names of languages and trainings, the titles of declarations and the texts of their
versions move from `<text>_de` / `<text>_en` columns into `names` / `titles` / `bodies`
({"de": ..., "en": ...}), so a new UI language needs no schema change (volunteers/texts.py).
The downgrade keeps German and English (English falls back to German); texts in other
languages have no column to go back to and are dropped.

Revision ID: 3f6a2d9c1e84
Revises: c4d81e2f9a6b
Create Date: 2026-12-07 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3f6a2d9c1e84"
down_revision = "c4d81e2f9a6b"
branch_labels = None
depends_on = None

#: table, its key and the key's type, the JSON column, the old columns' prefix and type
TEXTS = [
    ("languages", "code", sa.String(3), "names", "name", sa.String(80)),
    ("qualification_types", "id", sa.Integer(), "names", "name", sa.String(200)),
    ("declarations", "id", sa.Integer(), "titles", "title", sa.String(200)),
    ("declaration_versions", "id", sa.Integer(), "bodies", "body", sa.Text()),
]


def _texts(de, en) -> dict:
    return {locale: text for locale, text in (("de", de), ("en", en)) if text}


def upgrade():
    connection = op.get_bind()
    for table_name, key, key_type, json_name, prefix, old_type in TEXTS:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(sa.Column(json_name, sa.JSON(), nullable=True))
        table = sa.table(
            table_name,
            sa.column(key, key_type),
            sa.column(f"{prefix}_de", old_type),
            sa.column(f"{prefix}_en", old_type),
            sa.column(json_name, sa.JSON()),
        )
        rows = connection.execute(sa.select(table.c[key], table.c[f"{prefix}_de"], table.c[f"{prefix}_en"])).all()
        for row_key, de, en in rows:
            connection.execute(table.update().where(table.c[key] == row_key).values({json_name: _texts(de, en)}))
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.alter_column(json_name, existing_type=sa.JSON(), nullable=False)
            batch_op.drop_column(f"{prefix}_en")
            batch_op.drop_column(f"{prefix}_de")


def downgrade():
    connection = op.get_bind()
    for table_name, key, key_type, json_name, prefix, old_type in reversed(TEXTS):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(sa.Column(f"{prefix}_de", old_type, nullable=True))
            batch_op.add_column(sa.Column(f"{prefix}_en", old_type, nullable=True))
        table = sa.table(
            table_name,
            sa.column(key, key_type),
            sa.column(f"{prefix}_de", old_type),
            sa.column(f"{prefix}_en", old_type),
            sa.column(json_name, sa.JSON()),
        )
        for row_key, texts in connection.execute(sa.select(table.c[key], table.c[json_name])).all():
            german = texts.get("de") or next(iter(texts.values()), "")
            connection.execute(
                table.update()
                .where(table.c[key] == row_key)
                .values({f"{prefix}_de": german, f"{prefix}_en": texts.get("en") or german})
            )
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.alter_column(f"{prefix}_de", existing_type=old_type, nullable=False)
            batch_op.alter_column(f"{prefix}_en", existing_type=old_type, nullable=False)
            batch_op.drop_column(json_name)
