"""Every connection the app uses enforces foreign keys, also after migrations ran (on
SQLite they are off unless each connection turns them on, and migrations turn them off)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from volunteers.extensions import db


def test_foreign_keys_are_enforced_after_a_migration_run(app):
    with app.app_context():
        app.test_cli_runner().invoke(args=["db", "check"])
        upgrade()
        for _ in range(4):  # more connections than the pool keeps
            with db.engine.connect() as connection, pytest.raises(sa.exc.IntegrityError):
                connection.execute(
                    sa.text(
                        "INSERT INTO memberships (user_id, organisation_id, is_admin, created_at) "
                        "VALUES (424242, 424242, false, '2026-01-01 00:00:00')"
                    )
                )
