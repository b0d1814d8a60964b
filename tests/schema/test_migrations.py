"""The schema comes from migrations: `upgrade head` equals the models, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from volunteers import create_app
from volunteers.extensions import db
from volunteers.models import Language, Place, PlaceKind

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_upgrade_head_equals_the_models(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_flask_db_check_is_clean(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_there_is_one_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_reference_data_is_in_place(ctx):
    places = db.session.scalars(select(Place)).all()
    assert len(places) == 30
    county = [p for p in places if p.ags and p.ags.startswith("06633")]
    assert len(county) == 28
    assert {p.name for p in county} >= {"Wesertal", "Söhrewald", "Fuldabrück", "Hofgeismar"}
    kassel = next(p for p in places if p.kind is PlaceKind.CITY)
    assert kassel.name == "Kassel" and kassel.latitude and kassel.longitude
    assert sum(p.kind is PlaceKind.ELSEWHERE for p in places) == 1
    assert all(p.latitude and p.longitude for p in places if p.kind is not PlaceKind.ELSEWHERE)
    codes = set(db.session.scalars(select(Language.code)))
    assert {"prs", "pes", "ckb", "kmr", "tir", "ara", "ukr", "pus", "bul", "fra"} <= codes
    assert db.session.scalar(select(func.count(Language.code))) == 44
    # The languages the first list lacked, and the varieties of Arabic, matched on their own.
    assert {"sqi", "pol", "hbs", "bos", "hrv", "srp", "spa", "vie"} <= codes
    arabic = set(db.session.scalars(select(Language.code).where(Language.parent_code == "ara")))
    assert arabic == {"apc", "acm", "arz", "afb", "apd", "ary", "arq", "aeb"}
    assert db.session.get(Language, "pnb").parent_code == "pan"
    assert db.session.scalar(select(func.count()).where(Language.retired_at.is_not(None))) == 0


def test_downgrade_to_nothing_and_up_again(database_url, tmp_path):
    # Its own database, so the session's stays as it is.
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/roundtrip.sqlite3"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_FILE_DIR": str(tmp_path)})
        _roundtrip(app)
    else:
        from tests.conftest import _postgres_database

        databases = _postgres_database(database_url)
        url = next(databases)
        try:
            app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_FILE_DIR": str(tmp_path)})
            _roundtrip(app)
            with app.app_context():
                db.engine.dispose()
        finally:
            databases.close()


def _roundtrip(app) -> None:
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert "users" not in db.inspect(db.engine).get_table_names()
        upgrade()
        assert db.session.scalar(select(func.count(Place.id))) == 30
        db.session.remove()


def test_check_constraints_allow_every_value_of_the_models_enums(ctx):
    """Autogenerate does not compare CHECK constraints: a new state needs a hand-written step.
    This catches one that was forgotten."""
    import sqlalchemy as sa

    inspector = sa.inspect(db.engine)
    for table in db.metadata.sorted_tables:
        checks = " ".join(str(c["sqltext"]) for c in inspector.get_check_constraints(table.name))
        for column in table.columns:
            if isinstance(column.type, sa.Enum):
                for value in column.type.enums:
                    assert f"'{value}'" in checks, f"{table.name}.{column.name} does not allow {value!r}"


def test_volunteers_who_registered_before_profiles_get_one_with_history(database_url, tmp_path):
    """A migration test with data: the state before the volunteer schema, then upgrade."""
    import sqlalchemy as sa

    from volunteers.models import StatusChange, VolunteerProfile

    def run(app):
        with app.app_context():
            upgrade(revision="57a7c4a365f4")
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO users (email, given_name, family_name, password_hash, locale, session_version, "
                        "active, is_coordinator, is_volunteer, created_at) VALUES ('early@example.org', 'Early', "
                        "'Bird', 'x', 'de', 1, true, false, true, '2026-11-01 10:00:00')"
                    )
                )
            upgrade()
            profile = db.session.scalar(select(VolunteerProfile))
            assert profile.user.email == "early@example.org" and profile.status.value == "applicant"
            history = db.session.scalars(select(StatusChange)).all()
            assert [(h.profile_id, h.from_status, h.to_status.value) for h in history] == [
                (profile.id, None, "applicant")
            ]
            db.session.remove()
            db.engine.dispose()

    if database_url.startswith("sqlite"):
        run(
            create_app(
                "testing",
                {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/early.sqlite3", "MAIL_FILE_DIR": str(tmp_path)},
            )
        )
    else:
        from tests.conftest import _postgres_database

        databases = _postgres_database(database_url)
        try:
            run(create_app("testing", {"SQLALCHEMY_DATABASE_URI": next(databases), "MAIL_FILE_DIR": str(tmp_path)}))
        finally:
            databases.close()


def test_phone_numbers_are_normalised_and_bad_ones_kept(database_url, tmp_path):
    """The migration to E.164 on data: valid numbers change form, anything else stays as it was."""
    import sqlalchemy as sa

    from volunteers.models import VolunteerProfile

    typed = {
        "kassel@example.org": ("0561 123456", "+49561123456"),
        "vienna@example.org": ("+43 1 234567", "+431234567"),
        "mobile@example.org": ("0170/1234567", "+491701234567"),
        "smiley@example.org": ("abc 🙂", "abc 🙂"),
        "short@example.org": ("0561 1", "0561 1"),
    }

    def run(app):
        with app.app_context():
            upgrade(revision="57a7c4a365f4")  # volunteers registered; their profiles come next
            with db.engine.begin() as connection:
                for email in typed:
                    connection.execute(
                        sa.text(
                            "INSERT INTO users (email, given_name, family_name, password_hash, locale, "
                            "session_version, active, is_coordinator, is_volunteer, created_at) VALUES "
                            "(:email, 'A', 'B', 'x', 'de', 1, true, false, true, '2026-11-01 10:00:00')"
                        ),
                        {"email": email},
                    )
            upgrade(revision="7c1d2e9f4a10")  # the head before phone numbers were checked
            with db.engine.begin() as connection:
                for email, (phone, _expected) in typed.items():
                    connection.execute(
                        sa.text(
                            "UPDATE volunteer_profiles SET phone = :phone "
                            "WHERE user_id = (SELECT id FROM users WHERE email = :email)"
                        ),
                        {"phone": phone, "email": email},
                    )
            upgrade()
            stored = {p.user.email: p.phone for p in db.session.scalars(select(VolunteerProfile))}
            assert stored == {email: expected for email, (_typed, expected) in typed.items()}
            db.session.remove()
            db.engine.dispose()

    if database_url.startswith("sqlite"):
        run(
            create_app(
                "testing",
                {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/phones.sqlite3", "MAIL_FILE_DIR": str(tmp_path)},
            )
        )
    else:
        from tests.conftest import _postgres_database

        databases = _postgres_database(database_url)
        try:
            run(create_app("testing", {"SQLALCHEMY_DATABASE_URI": next(databases), "MAIL_FILE_DIR": str(tmp_path)}))
        finally:
            databases.close()
