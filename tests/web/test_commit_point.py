"""The one commit point (web/edge/transaction.py): a view's change is committed once when it
returns; a refusal or an error leaves nothing behind, above all no mail in the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from volunteers.extensions import db
from volunteers.models import OutboxMessage
from volunteers.notifications.outbox import queue_mail
from volunteers.services import ServiceError
from volunteers.web.edge.service_errors import commit_or_flash
from volunteers.web.edge.transaction import commits_once


def _queue_a_mail() -> None:
    queue_mail(
        event="account_exists",
        key="commit-point:1",
        recipient="someone@example.org",
        locale="en",
        subject="Test message",
        given_name="Test",
        login_link="http://127.0.0.1/login",
        reset_link="http://127.0.0.1/password/forgot",
    )
    db.session.flush()


def _outbox_rows_committed(app) -> int:
    """Counted in a new application context, so in a new session: only what was committed."""
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_every_view_runs_inside_the_commit_point(app):
    assert [name for name, view in app.view_functions.items() if not getattr(view, "commits_once", False)] == []


def test_a_view_that_returns_commits_its_change_once(app):
    with app.test_request_context("/", method="POST"):
        assert commits_once(lambda: (_queue_a_mail(), "done")[1])() == "done"
    assert _outbox_rows_committed(app) == 1


def test_a_refusal_after_a_flush_leaves_no_mail_queued(app):
    def refused_change():
        _queue_a_mail()
        raise ServiceError("Not now.")

    with app.test_request_context("/", method="POST"):
        assert commits_once(lambda: commit_or_flash(refused_change, "Done."))() is False
    assert _outbox_rows_committed(app) == 0


def test_a_view_that_fails_after_a_flush_commits_nothing(app):
    def failing_view():
        _queue_a_mail()
        raise NotFound()

    with app.test_request_context("/", method="POST"), pytest.raises(NotFound):
        commits_once(failing_view)()
    assert _outbox_rows_committed(app) == 0
