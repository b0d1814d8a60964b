"""languages and varieties: coordinators maintain the list (a variety names its language; an
entry is retired rather than deleted once in use); the languages missing so far and the
varieties of Arabic

Revision ID: 0fb67db126bd
Revises: 5313b50617bd
Create Date: 2026-12-07 11:32:35.698223

"""
from alembic import op
import sqlalchemy as sa
import volunteers.db_types


# revision identifiers, used by Alembic.
revision = '0fb67db126bd'
down_revision = '5313b50617bd'
branch_labels = None
depends_on = None

#: (ISO 639-3 code, German name, English name, the language it is a variety of)
LANGUAGES = [
    ("sqi", "Albanisch", "Albanian", None),
    ("pol", "Polnisch", "Polish", None),
    ("hbs", "Bosnisch/Kroatisch/Serbisch", "Bosnian/Croatian/Serbian", None),
    ("bos", "Bosnisch", "Bosnian", "hbs"),
    ("hrv", "Kroatisch", "Croatian", "hbs"),
    ("srp", "Serbisch", "Serbian", "hbs"),
    ("spa", "Spanisch", "Spanish", None),
    ("vie", "Vietnamesisch", "Vietnamese", None),
    ("ita", "Italienisch", "Italian", None),
    ("por", "Portugiesisch", "Portuguese", None),
    ("ell", "Griechisch", "Greek", None),
    ("kat", "Georgisch", "Georgian", None),
    ("hye", "Armenisch", "Armenian", None),
    ("che", "Tschetschenisch", "Chechen", None),
    ("cmn", "Chinesisch (Mandarin)", "Chinese (Mandarin)", None),
    ("apc", "Levantinisches Arabisch", "Levantine Arabic", "ara"),
    ("acm", "Irakisches Arabisch", "Iraqi Arabic", "ara"),
    ("arz", "Ägyptisches Arabisch", "Egyptian Arabic", "ara"),
    ("afb", "Golf-Arabisch", "Gulf Arabic", "ara"),
    ("apd", "Sudanesisches Arabisch", "Sudanese Arabic", "ara"),
    ("ary", "Marokkanisches Arabisch (Darija)", "Moroccan Arabic (Darija)", "ara"),
    ("arq", "Algerisches Arabisch", "Algerian Arabic", "ara"),
    ("aeb", "Tunesisches Arabisch", "Tunisian Arabic", "ara"),
]
#: Entries the first migration inserted that are varieties of another.
EXISTING_VARIETIES = [("pnb", "pan")]


def upgrade():
    with op.batch_alter_table('languages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_code', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('retired_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_languages_parent_code'), ['parent_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_languages_parent_code_languages'), 'languages', ['parent_code'], ['code'])

    languages = sa.table(
        "languages",
        sa.column("code", sa.String),
        sa.column("name_de", sa.String),
        sa.column("name_en", sa.String),
        sa.column("parent_code", sa.String),
    )
    existing = {row[0] for row in op.get_bind().execute(sa.select(languages.c.code))}
    # Parents first (the list is in that order), and nothing a coordinator may have added already.
    op.bulk_insert(
        languages,
        [
            {"code": code, "name_de": de, "name_en": en, "parent_code": parent}
            for code, de, en, parent in LANGUAGES
            if code not in existing
        ],
    )
    for code, parent in EXISTING_VARIETIES:
        op.execute(languages.update().where(languages.c.code == code).values(parent_code=parent))


def downgrade():
    languages = sa.table("languages", sa.column("code", sa.String))
    op.execute(languages.delete().where(languages.c.code.in_([code for code, *_ in LANGUAGES if _[-1] is not None])))
    op.execute(languages.delete().where(languages.c.code.in_([code for code, *_ in LANGUAGES])))
    with op.batch_alter_table('languages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_languages_parent_code_languages'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_languages_parent_code'))
        batch_op.drop_column('retired_at')
        batch_op.drop_column('parent_code')
