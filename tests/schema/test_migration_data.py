"""Migrations with data: rows written before a migration read sensibly after it, on both
databases (each test migrates a database of its own)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from tests.schema import old_rows
from volunteers import create_app
from volunteers.db_types import utcnow
from volunteers.extensions import db


def _on_own_database(database_url: str, tmp_path, run: Callable) -> None:
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/data.sqlite3"
        run(create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_FILE_DIR": str(tmp_path)}))
        return
    from tests.conftest import _postgres_database

    databases = _postgres_database(database_url)
    try:
        run(create_app("testing", {"SQLALCHEMY_DATABASE_URI": next(databases), "MAIL_FILE_DIR": str(tmp_path)}))
    finally:
        databases.close()


def test_request_events_get_who_and_how(database_url, tmp_path):
    """Before, an answer by mail link had no actor and the channel sat in the note; events
    without an actor were the system's."""
    from volunteers.models import RequestEvent
    from volunteers.models.enums import Actor, Channel

    def run(app):
        with app.app_context():
            upgrade(revision="b7e3c91a4d25")  # the revision before who-and-how
            with db.engine.begin() as connection:
                ids = old_rows.scene(connection, "filled", places_filled=1)
            coordinator, staff, person = ids["coordinator"], ids["staff"], ids["person"]
            record_id, offer_id = ids["request"], ids["offer"]
            rows = [  # actor, subject, offer, from, to, note
                (staff, "request", None, None, "open", None),
                (coordinator, "offer", offer_id, None, "offered", None),
                (None, "offer", offer_id, "offered", "accepted", "link"),
                (None, "request", None, "open", "filled", None),
                (coordinator, "offer", offer_id, "offered", "declined", "phone"),
                (person, "offer", offer_id, "accepted", "cancelled_by_volunteer", None),
                (None, "offer", offer_id, "offered", "expired", None),
                (staff, "request", None, "filled", "cancelled", None),
            ]
            with db.engine.begin() as connection:
                for actor, subject, offer_id, source, target, note in rows:
                    connection.execute(
                        sa.text(
                            "INSERT INTO request_events (request_id, offer_id, at, actor_id, subject, from_state, "
                            "to_state, note) VALUES (:request, :offer, :at, :actor, :subject, :source, :target, :note)"
                        ),
                        {
                            "request": record_id,
                            "offer": offer_id,
                            "at": utcnow().replace(tzinfo=None),
                            "actor": actor,
                            "subject": subject,
                            "source": source,
                            "target": target,
                            "note": note,
                        },
                    )
            db.session.remove()
            upgrade()
            events = db.session.scalars(select(RequestEvent).order_by(RequestEvent.id)).all()
            assert [(e.actor_id, e.actor_role, e.channel, e.note) for e in events] == [
                (staff, Actor.ORGANISATION, Channel.PORTAL, None),
                (coordinator, Actor.COORDINATOR, Channel.PORTAL, None),
                (person, Actor.VOLUNTEER, Channel.MAIL_LINK, None),
                (None, Actor.SYSTEM, Channel.AUTOMATIC, None),
                (coordinator, Actor.COORDINATOR, Channel.PHONE, None),
                (person, Actor.VOLUNTEER, Channel.PORTAL, None),
                (None, Actor.SYSTEM, Channel.SCHEDULED_JOB, None),
                (staff, Actor.ORGANISATION, Channel.PORTAL, None),
            ]
            db.session.remove()
            db.engine.dispose()

    _on_own_database(database_url, tmp_path, run)


def test_request_edits_in_the_history_become_a_list_of_fields(database_url, tmp_path):
    """Before, an edit was the note "changed: area, kind, ..." parsed back by the page; after,
    the fields are a list (shown by their labels) and the note is free again."""
    from flask_babel import force_locale

    from volunteers.labels import field_names
    from volunteers.models import RequestEvent
    from volunteers.models.enums import EventSubject

    def run(app):
        with app.app_context():
            upgrade(revision="5c1e0f7a9b32")  # the revision before the typed history
            with db.engine.begin() as connection:
                ids = old_rows.scene(connection, "open", places_filled=0)
            staff_id, record_id = ids["staff"], ids["request"]
            rows = [  # subject, from, to, note
                ("request", None, "open", "entered by the centre"),
                ("request", "open", "open", "changed: area, kind, gender_preference"),
                ("request", "open", "open", "changed: starts_at"),
            ]
            with db.engine.begin() as connection:
                for subject, source, target, note in rows:
                    connection.execute(
                        sa.text(
                            "INSERT INTO request_events (request_id, at, actor_id, actor_role, channel, subject, "
                            "from_state, to_state, note) VALUES (:request, :at, :actor, 'organisation', 'portal', "
                            ":subject, :source, :target, :note)"
                        ),
                        {
                            "request": record_id,
                            "at": utcnow().replace(tzinfo=None),
                            "actor": staff_id,
                            "subject": subject,
                            "source": source,
                            "target": target,
                            "note": note,
                        },
                    )
            db.session.remove()
            upgrade()
            events = db.session.scalars(select(RequestEvent).order_by(RequestEvent.id)).all()
            assert [(e.subject, e.note, e.changed_fields) for e in events] == [
                (EventSubject.REQUEST, "entered by the centre", None),
                (EventSubject.REQUEST, None, ["area", "kind", "gender_preference"]),
                (EventSubject.REQUEST, None, ["starts_at"]),
            ]
            with app.test_request_context(), force_locale("en"):
                assert field_names(events[1].changed_fields) == "Area, Kind of work, Gender of the volunteer"
            db.session.remove()
            db.engine.dispose()

    _on_own_database(database_url, tmp_path, run)


def test_reference_texts_move_into_one_column_per_text_and_back(database_url, tmp_path):
    """The German and English names, titles and texts written before are the texts per locale
    after, and come back into their columns on a downgrade; an entry a coordinator added keeps
    its names, and a text in a third language (no column before) goes back as German."""
    from flask_migrate import downgrade

    from volunteers.models import Declaration, DeclarationVersion, Language, QualificationType

    before = "5c1e0f7a9b32"  # the revision before the texts moved

    queries = {
        "languages": "SELECT code, name_de, name_en FROM languages",
        "types": "SELECT code, name_de, name_en FROM qualification_types",
        "titles": "SELECT key, title_de, title_en FROM declarations",
        "bodies": "SELECT id, body_de, body_en FROM declaration_versions",
    }

    def old_texts(connection) -> dict:
        return {
            name: {row_key: (de, en) for row_key, de, en in connection.execute(sa.text(query))}
            for name, query in queries.items()
        }

    def run(app):
        with app.app_context():
            upgrade(revision=before)
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text("INSERT INTO languages (code, name_de, name_en) VALUES ('qaa', 'Ägyptisch', 'Egyptian')")
                )
                texts = old_texts(connection)
            assert texts["languages"]["prs"] == ("Dari", "Dari") and len(texts["bodies"]) >= 2
            db.session.remove()

            upgrade()
            languages = {language.code: language.names for language in db.session.scalars(select(Language))}
            assert languages == {code: {"de": de, "en": en} for code, (de, en) in texts["languages"].items()}
            assert db.session.get(Language, "qaa").name("en") == "Egyptian"
            types = {kind.code: kind.names for kind in db.session.scalars(select(QualificationType))}
            assert types == {code: {"de": de, "en": en} for code, (de, en) in texts["types"].items()}
            titles = {d.key: d.titles for d in db.session.scalars(select(Declaration))}
            assert titles == {key: {"de": de, "en": en} for key, (de, en) in texts["titles"].items()}
            bodies = {v.id: v.bodies for v in db.session.scalars(select(DeclarationVersion))}
            assert bodies == {row_id: {"de": de, "en": en} for row_id, (de, en) in texts["bodies"].items()}

            ukrainian = db.session.get(Language, "ukr")
            ukrainian.names = {**ukrainian.names, "uk": "Українська"}
            db.session.add(ukrainian)
            dari = db.session.get(Language, "prs")
            dari.names = {"de": "Dari"}  # no English name: English falls back to German
            db.session.commit()
            db.session.remove()

            downgrade(revision=before)
            with db.engine.connect() as connection:
                after = old_texts(connection)
            assert after == {**texts, "languages": {**texts["languages"], "prs": ("Dari", "Dari")}}
            db.session.remove()
            db.engine.dispose()

    _on_own_database(database_url, tmp_path, run)
