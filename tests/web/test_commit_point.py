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
from volunteers.web.edge.service_errors import attempt, handle_service_error
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
        assert not commits_once(lambda: attempt(refused_change, done="Done."))()
    assert _outbox_rows_committed(app) == 0


def test_a_view_that_fails_after_a_flush_commits_nothing(app):
    def failing_view():
        _queue_a_mail()
        raise NotFound()

    with app.test_request_context("/", method="POST"), pytest.raises(NotFound):
        commits_once(failing_view)()
    assert _outbox_rows_committed(app) == 0


def test_attempt_returns_what_the_service_returned(app):
    with app.test_request_context("/", method="POST"):
        outcome = commits_once(lambda: attempt(lambda: (_queue_a_mail(), 42)[1], done="Done."))()
        assert outcome and outcome.result == 42
        assert ("success", "Done.") in _flashes()
    assert _outbox_rows_committed(app) == 1


def test_a_refusal_shows_at_its_field_and_keeps_what_was_typed(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class NameForm(FlaskForm):
        name = StringField("Name")

    def refused_change():
        _queue_a_mail()
        raise ServiceError("Not this name.", field="name")

    with app.test_request_context("/", method="POST", data={"name": "Typed"}):
        form = NameForm(meta={"csrf": False})
        outcome = commits_once(lambda: attempt(refused_change, form))()
        assert not outcome and str(outcome.error.message) == "Not this name."
        assert form.name.errors == ["Not this name."] and form.name.data == "Typed"
        assert _flashes() == []
    assert _outbox_rows_committed(app) == 0


def test_a_refusal_no_route_expected_is_a_409_page_and_keeps_nothing(app):
    def careless_view():
        _queue_a_mail()
        raise ServiceError("The request was cancelled in the meantime.")

    with app.test_request_context("/", method="POST"):
        try:
            commits_once(careless_view)()
        except ServiceError as error:
            page, status = handle_service_error(error)
    assert status == 409 and "cancelled in the meantime" in page
    assert _outbox_rows_committed(app) == 0


def _flashes() -> list[tuple[str, str]]:
    from flask import get_flashed_messages

    return [(category, str(message)) for category, message in get_flashed_messages(with_categories=True)]
