"""volunteers: profiles, languages, availability, qualifications, declarations, police certificates

Revision ID: 0ce4e2b4cf27
Revises: 57a7c4a365f4
Create Date: 2026-11-24 23:17:03.500487

"""
from alembic import op
import sqlalchemy as sa
import datetime

import volunteers.db_types


# Reference data, frozen here. The catalogue holds the programmes of ../shared/DOMAIN.md; where
# no source fixed a value (validity, refresher, requirements) it is a proposal that
# coordinators change in the app.
TYPES = [
    # code, name_de, name_en, area, teaching units, validity months, refresher months, order
    ("lay-interpreter-basic", "Grundkurs Laiendolmetschen (WIR)", "Lay interpreter basic course (WIR)",
     "language", 24, None, 24, 10),
    ("integration-guide-basic", "WIR-Integrationslotsen: Basisqualifizierung", "WIR integration guide: basic course",
     "general", 30, None, 24, 20),
    ("health-guide-gkv", "GKV-Gesundheitslotse („WIR fördern Gesundheit“)",
     "Health guide (GKV, “WIR fördern Gesundheit”)", "health", 36, 36, None, 30),
    ("mimi-health-mediator", "MiMi-Gesundheitsmediation (Ethno-Medizinisches Zentrum)",
     "MiMi health mediator (Ethno-Medical Centre)", "health", 67, 36, None, 40),
    ("health-module-interpreters", "Fachmodul Gesundheit für Sprachmittlung",
     "Health specialist module for interpreters", "health", 8, 36, None, 50),
    ("deepening-seminar", "Vertiefungsseminar", "Deepening seminar", "general", 4, None, None, 80),
    ("reflection-meeting", "Reflexionstreffen", "Reflection meeting", "general", 3, None, None, 90),
]
INCLUDES = [("mimi-health-mediator", "health-guide-gkv")]
REFRESHERS = [
    (basic, refresher)
    for basic in ("lay-interpreter-basic", "integration-guide-basic")
    for refresher in ("deepening-seminar", "reflection-meeting")
]
REQUIREMENTS = [
    # area, kind, min language level, min German level, {group: [accepted type codes]}
    ("language", "interpreting", "C1", "B1", {1: ["lay-interpreter-basic"]}),
    ("language", "accompanying", "B2", "B1", {1: ["lay-interpreter-basic", "integration-guide-basic"]}),
    ("language", "information_event", "B2", "B1", {1: ["lay-interpreter-basic", "integration-guide-basic"]}),
    ("language", "mentoring", "B1", "B1", {1: ["integration-guide-basic", "lay-interpreter-basic"]}),
    ("health", "interpreting", "C1", "B1",
     {1: ["lay-interpreter-basic"], 2: ["health-module-interpreters", "mimi-health-mediator"]}),
    ("health", "accompanying", "B2", "B1", {1: ["health-guide-gkv", "mimi-health-mediator"]}),
    ("health", "information_event", "B2", "B2", {1: ["mimi-health-mediator", "health-guide-gkv"]}),
    ("health", "mentoring", "B1", "B1", {1: ["health-guide-gkv", "mimi-health-mediator"]}),
]
DECLARATIONS = [
    (
        "confidentiality-neutrality",
        "Schweigepflicht, Neutralität, Transparenz und wertneutrale Sprachmittlung",
        "Confidentiality, neutrality, transparency and value-neutral language mediation",
        10,
        "Ich verpflichte mich,\n"
        "1. über alles, was ich bei meinen Einsätzen über die unterstützten Personen und ihre Angelegenheiten "
        "erfahre, Stillschweigen zu bewahren, auch gegenüber meiner Familie und über das Ende meines Ehrenamts "
        "hinaus (Schweigepflicht);\n"
        "2. neutral zu bleiben: Ich ergreife keine Partei, gebe keine eigenen Ratschläge und verfolge keine "
        "eigenen Interessen (Neutralität);\n"
        "3. vollständig zu übertragen: Ich gebe das Gesagte sinngemäß wieder, lasse nichts weg und füge nichts "
        "hinzu; Nebengespräche mache ich allen Beteiligten gegenüber offen (Transparenz);\n"
        "4. ohne eigene Wertung zu vermitteln (wertneutrale Sprachmittlung);\n"
        "5. einen Einsatz abzulehnen oder abzubrechen, wenn ich befangen bin oder er meine Kompetenzen "
        "übersteigt, und die Koordination des Zentrums darüber zu informieren.",
        "I undertake\n"
        "1. to keep confidential everything I learn during my assignments about the people supported and their "
        "affairs, also towards my family and after my volunteering ends (confidentiality);\n"
        "2. to stay neutral: I take no sides, give no advice of my own and pursue no interests of my own "
        "(neutrality);\n"
        "3. to convey everything: I render what is said faithfully, leave nothing out and add nothing; I make "
        "side conversations known to everyone present (transparency);\n"
        "4. to mediate without judging what is said (value-neutral language mediation);\n"
        "5. to decline or stop an assignment when I am biased or it exceeds my competence, and to tell the "
        "centre's coordinators.",
    ),
    (
        "data-protection",
        "Verpflichtung auf den Datenschutz",
        "Data-protection commitment",
        20,
        "Ich verpflichte mich, personenbezogene Daten, die mir im Ehrenamt bekannt werden, nur für den "
        "jeweiligen Einsatz zu verwenden und nicht an Dritte weiterzugeben. Ich bewahre keine Kopien, Fotos oder "
        "Notizen mit personenbezogenen Daten über den Einsatz hinaus auf und vernichte Unterlagen danach oder gebe "
        "sie zurück. Diese Verpflichtung gilt auch nach dem Ende meines Ehrenamts. Verstöße können nach der "
        "Datenschutz-Grundverordnung und dem Hessischen Datenschutz- und Informationsfreiheitsgesetz geahndet "
        "werden.",
        "I undertake to use personal data that I learn of as a volunteer only for the assignment concerned and "
        "not to pass it on to anyone. I keep no copies, photos or notes containing personal data beyond the "
        "assignment, and I destroy or return documents afterwards. This commitment continues after my "
        "volunteering ends. Breaches may be sanctioned under the General Data Protection Regulation and the "
        "Hessian Data Protection and Freedom of Information Act.",
    ),
]
DECLARATIONS_EFFECTIVE_FROM = datetime.date(2026, 1, 1)


# revision identifiers, used by Alembic.
revision = '0ce4e2b4cf27'
down_revision = '57a7c4a365f4'
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('title_de', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations')),
    sa.UniqueConstraint('key', name=op.f('uq_declarations_key'))
    )
    op.create_table('qualification_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name_de', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('area', sa.Enum('language', 'health', 'general', name='qualification_area', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('teaching_units', sa.Integer(), nullable=True),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('refresher_months', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification_types')),
    sa.UniqueConstraint('code', name=op.f('uq_qualification_types_code'))
    )
    op.create_table('requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.Enum('language', 'health', name='requirement_area', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('kind', sa.Enum('interpreting', 'accompanying', 'information_event', 'mentoring', name='requirement_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('min_language_level', sa.Enum('native', 'C2', 'C1', 'B2', 'B1', 'A2', 'A1', name='min_language_level', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('min_german_level', sa.Enum('native', 'C2', 'C1', 'B2', 'B1', 'A2', 'A1', name='min_german_level', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('needs_police_certificate', sa.Boolean(), nullable=False),
    sa.Column('extended_certificate_for_minors', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requirements')),
    sa.UniqueConstraint('area', 'kind', name=op.f('uq_requirements_area'))
    )
    op.create_table('declaration_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body_de', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_declaration_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_declaration_versions_declaration_id_declarations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_versions')),
    sa.UniqueConstraint('declaration_id', 'number', name=op.f('uq_declaration_versions_declaration_id'))
    )
    with op.batch_alter_table('declaration_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_versions_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('qualification_type_includes',
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('included_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['included_type_id'], ['qualification_types.id'], name=op.f('fk_qualification_type_includes_included_type_id_qualification_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['qualification_types.id'], name=op.f('fk_qualification_type_includes_type_id_qualification_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('type_id', 'included_type_id', name=op.f('pk_qualification_type_includes'))
    )
    op.create_table('qualification_type_refreshers',
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('refresher_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['refresher_type_id'], ['qualification_types.id'], name=op.f('fk_qualification_type_refreshers_refresher_type_id_qualification_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['qualification_types.id'], name=op.f('fk_qualification_type_refreshers_type_id_qualification_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('type_id', 'refresher_type_id', name=op.f('pk_qualification_type_refreshers'))
    )
    op.create_table('requirement_accepted_types',
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requirement_id'], ['requirements.id'], name=op.f('fk_requirement_accepted_types_requirement_id_requirements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['qualification_types.id'], name=op.f('fk_requirement_accepted_types_type_id_qualification_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('requirement_id', 'type_id', 'group', name=op.f('pk_requirement_accepted_types'))
    )
    op.create_table('volunteer_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('imported_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_volunteer_imports_created_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_imports'))
    )
    with op.batch_alter_table('volunteer_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_imports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_imports_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('volunteer_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('home_place_id', sa.Integer(), nullable=True),
    sa.Column('mobility', sa.Enum('car', 'public_transport', 'remote_only', name='mobility', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('max_travel_km', sa.Integer(), nullable=True),
    sa.Column('german_level', sa.Enum('native', 'C2', 'C1', 'B2', 'B1', 'A2', 'A1', name='german_level', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('area_language', sa.Boolean(), nullable=False),
    sa.Column('area_health', sa.Boolean(), nullable=False),
    sa.Column('kind_interpreting', sa.Boolean(), nullable=False),
    sa.Column('kind_accompanying', sa.Boolean(), nullable=False),
    sa.Column('kind_information_event', sa.Boolean(), nullable=False),
    sa.Column('kind_mentoring', sa.Boolean(), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', 'diverse', 'not_stated', name='gender', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('gender_self_description', sa.String(length=100), nullable=True),
    sa.Column('max_assignments_per_month', sa.Integer(), nullable=False),
    sa.Column('contact_channel', sa.Enum('none', 'phone', 'email', name='contact_channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('applicant', 'active', 'paused', 'retired', name='volunteer_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['home_place_id'], ['places.id'], name=op.f('fk_volunteer_profiles_home_place_id_places')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_volunteer_profiles_user_id'))
    )
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_profiles_home_place_id'), ['home_place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_profiles_status'), ['status'], unique=False)

    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_absences_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences'))
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absences_profile_id'), ['profile_id'], unique=False)

    op.create_table('availability_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('day_part', sa.Enum('morning', 'afternoon', 'evening', name='day_part', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_availability_slots_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_slots')),
    sa.UniqueConstraint('profile_id', 'weekday', 'day_part', name=op.f('uq_availability_slots_profile_id'))
    )
    with op.batch_alter_table('availability_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_slots_profile_id'), ['profile_id'], unique=False)

    op.create_table('declaration_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_declaration_signatures_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['declaration_versions.id'], name=op.f('fk_declaration_signatures_version_id_declaration_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_signatures')),
    sa.UniqueConstraint('profile_id', 'version_id', name=op.f('uq_declaration_signatures_profile_id'))
    )
    with op.batch_alter_table('declaration_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_signatures_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_signatures_version_id'), ['version_id'], unique=False)

    op.create_table('police_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('simple', 'extended', name='certificate_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('shown_on', sa.Date(), nullable=False),
    sa.Column('result', sa.Enum('no_entries', 'entries', name='certificate_result', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expired_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_police_certificates_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_police_certificates_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_certificates'))
    )
    with op.batch_alter_table('police_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_certificates_next_due_on'), ['next_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_certificates_profile_id'), ['profile_id'], unique=False)

    op.create_table('qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=True),
    sa.Column('other_description', sa.String(length=300), nullable=True),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('teaching_units', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', name='qualification_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('submitted_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('expired_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('has_proof', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_qualifications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_qualifications_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_qualifications_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['type_id'], ['qualification_types.id'], name=op.f('fk_qualifications_type_id_qualification_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualifications'))
    )
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualifications_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qualifications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_qualifications_type_id'), ['type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qualifications_valid_until'), ['valid_until'], unique=False)

    op.create_table('volunteer_languages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('language_code', sa.String(length=3), nullable=False),
    sa.Column('level', sa.Enum('native', 'C2', 'C1', 'B2', 'B1', 'A2', 'A1', name='language_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['language_code'], ['languages.code'], name=op.f('fk_volunteer_languages_language_code_languages')),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_volunteer_languages_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_languages')),
    sa.UniqueConstraint('profile_id', 'language_code', name=op.f('uq_volunteer_languages_profile_id'))
    )
    with op.batch_alter_table('volunteer_languages', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_languages_language_level', ['language_code', 'level'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_languages_profile_id'), ['profile_id'], unique=False)

    op.create_table('volunteer_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('applicant', 'active', 'paused', 'retired', name='from_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('applicant', 'active', 'paused', 'retired', name='to_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_volunteer_status_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['profile_id'], ['volunteer_profiles.id'], name=op.f('fk_volunteer_status_changes_profile_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_status_changes'))
    )
    with op.batch_alter_table('volunteer_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_status_changes_profile_id'), ['profile_id'], unique=False)

    op.create_table('proof_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', volunteers.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualifications.id'], name=op.f('fk_proof_files_qualification_id_qualifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proof_files')),
    sa.UniqueConstraint('qualification_id', name=op.f('uq_proof_files_qualification_id'))
    )
    with op.batch_alter_table('action_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=254),
               nullable=True)
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=True)

    # ### end Alembic commands ###

    with op.batch_alter_table('action_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_tokens_token_purpose'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_action_tokens_token_purpose'),
            "purpose IN ('confirm_email', 'change_email', 'reset_password', 'invitation')",
        )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitations_invitation_role'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_invitations_invitation_role'), "role IN ('coordinator', 'organisation', 'volunteer')"
        )

    _seed_reference_data()
    # Volunteers who registered before profiles existed get an empty one.
    op.execute(
        "INSERT INTO volunteer_profiles (user_id, area_language, area_health, kind_interpreting, "
        "kind_accompanying, kind_information_event, kind_mentoring, gender, max_assignments_per_month, "
        "contact_channel, status, created_at, updated_at, version) "
        "SELECT id, false, false, false, false, false, false, 'not_stated', 4, 'none', 'applicant', "
        "created_at, created_at, 1 FROM users WHERE is_volunteer"
    )
    op.execute(
        "INSERT INTO volunteer_status_changes (profile_id, to_status, changed_at) "
        "SELECT id, 'applicant', created_at FROM volunteer_profiles"
    )


def _seed_reference_data():
    connection = op.get_bind()
    types = sa.table(
        "qualification_types",
        sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name_de", sa.String),
        sa.column("name_en", sa.String), sa.column("area", sa.String), sa.column("teaching_units", sa.Integer),
        sa.column("validity_months", sa.Integer), sa.column("refresher_months", sa.Integer),
        sa.column("active", sa.Boolean), sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(types, [
        dict(code=code, name_de=de, name_en=en, area=area, teaching_units=units, validity_months=validity,
             refresher_months=refresher, active=True, sort_order=order)
        for code, de, en, area, units, validity, refresher, order in TYPES
    ])
    ids = dict(connection.execute(sa.text("SELECT code, id FROM qualification_types")).all())
    op.bulk_insert(
        sa.table("qualification_type_includes", sa.column("type_id", sa.Integer), sa.column("included_type_id", sa.Integer)),
        [dict(type_id=ids[a], included_type_id=ids[b]) for a, b in INCLUDES],
    )
    op.bulk_insert(
        sa.table("qualification_type_refreshers", sa.column("type_id", sa.Integer), sa.column("refresher_type_id", sa.Integer)),
        [dict(type_id=ids[a], refresher_type_id=ids[b]) for a, b in REFRESHERS],
    )
    requirements = sa.table(
        "requirements",
        sa.column("area", sa.String), sa.column("kind", sa.String), sa.column("min_language_level", sa.String),
        sa.column("min_german_level", sa.String), sa.column("needs_police_certificate", sa.Boolean),
        sa.column("extended_certificate_for_minors", sa.Boolean),
    )
    op.bulk_insert(requirements, [
        dict(area=area, kind=kind, min_language_level=level, min_german_level=german, needs_police_certificate=True,
             extended_certificate_for_minors=True)
        for area, kind, level, german, _ in REQUIREMENTS
    ])
    requirement_ids = {
        (area, kind): rid for rid, area, kind in connection.execute(sa.text("SELECT id, area, kind FROM requirements"))
    }
    op.bulk_insert(
        sa.table("requirement_accepted_types", sa.column("requirement_id", sa.Integer),
                 sa.column("type_id", sa.Integer), sa.column("group", sa.Integer)),
        [
            {"requirement_id": requirement_ids[(area, kind)], "type_id": ids[code], "group": group}
            for area, kind, _, _, groups in REQUIREMENTS
            for group, codes in groups.items()
            for code in codes
        ],
    )
    declarations = sa.table(
        "declarations", sa.column("key", sa.String), sa.column("title_de", sa.String),
        sa.column("title_en", sa.String), sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(declarations, [
        dict(key=key, title_de=de, title_en=en, sort_order=order) for key, de, en, order, _, _ in DECLARATIONS
    ])
    declaration_ids = dict(connection.execute(sa.text("SELECT key, id FROM declarations")).all())
    versions = sa.table(
        "declaration_versions", sa.column("declaration_id", sa.Integer), sa.column("number", sa.Integer),
        sa.column("body_de", sa.Text), sa.column("body_en", sa.Text), sa.column("effective_from", sa.Date),
        sa.column("created_at", volunteers.db_types.UTCDateTime()),
    )
    op.bulk_insert(versions, [
        dict(declaration_id=declaration_ids[key], number=1, body_de=body_de, body_en=body_en,
             effective_from=DECLARATIONS_EFFECTIVE_FROM,
             created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
        for key, _, _, _, body_de, body_en in DECLARATIONS
    ])


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.execute("DELETE FROM action_tokens WHERE purpose = 'change_email'")
    op.execute("DELETE FROM invitations WHERE role = 'volunteer'")
    op.execute("DELETE FROM users WHERE email IS NULL OR password_hash IS NULL")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitations_invitation_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_invitations_invitation_role'), "role IN ('coordinator', 'organisation')")
    with op.batch_alter_table('action_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_tokens_token_purpose'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_action_tokens_token_purpose'), "purpose IN ('confirm_email', 'reset_password', 'invitation')"
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=False)
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=254),
               nullable=False)

    with op.batch_alter_table('action_tokens', schema=None) as batch_op:
        batch_op.drop_column('new_email')

    op.drop_table('proof_files')
    with op.batch_alter_table('volunteer_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_status_changes_profile_id'))

    op.drop_table('volunteer_status_changes')
    with op.batch_alter_table('volunteer_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_languages_profile_id'))
        batch_op.drop_index('ix_volunteer_languages_language_level')

    op.drop_table('volunteer_languages')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualifications_valid_until'))
        batch_op.drop_index(batch_op.f('ix_qualifications_type_id'))
        batch_op.drop_index(batch_op.f('ix_qualifications_status'))
        batch_op.drop_index(batch_op.f('ix_qualifications_profile_id'))

    op.drop_table('qualifications')
    with op.batch_alter_table('police_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_certificates_profile_id'))
        batch_op.drop_index(batch_op.f('ix_police_certificates_next_due_on'))

    op.drop_table('police_certificates')
    with op.batch_alter_table('declaration_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_signatures_version_id'))
        batch_op.drop_index(batch_op.f('ix_declaration_signatures_profile_id'))

    op.drop_table('declaration_signatures')
    with op.batch_alter_table('availability_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_slots_profile_id'))

    op.drop_table('availability_slots')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absences_profile_id'))

    op.drop_table('absences')
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_profiles_status'))
        batch_op.drop_index(batch_op.f('ix_volunteer_profiles_home_place_id'))

    op.drop_table('volunteer_profiles')
    with op.batch_alter_table('volunteer_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_imports_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_imports_created_at'))

    op.drop_table('volunteer_imports')
    op.drop_table('requirement_accepted_types')
    op.drop_table('qualification_type_refreshers')
    op.drop_table('qualification_type_includes')
    with op.batch_alter_table('declaration_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_versions_declaration_id'))

    op.drop_table('declaration_versions')
    op.drop_table('requirements')
    op.drop_table('qualification_types')
    op.drop_table('declarations')
    # ### end Alembic commands ###
