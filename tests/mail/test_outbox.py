"""Queueing: a mail is an outbox row written in the transaction of its cause."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from volunteers.extensions import db
from volunteers.models import OutboxMessage, OutboxStatus
from volunteers.notifications.events import notify_account_exists, notify_password_changed


def _count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_a_rolled_back_change_leaves_no_mail(ctx, deliver, smtp_server):
    user = factories.volunteer()
    user.end_all_sessions()
    notify_password_changed(user)
    db.session.flush()
    assert _count() == 1
    db.session.rollback()
    assert _count() == 0
    assert deliver().claimed == 0
    assert smtp_server.messages == []


def test_the_same_cause_is_queued_once(ctx):
    user = factories.volunteer()
    assert notify_account_exists(user) is True
    assert notify_account_exists(user) is False
    db.session.commit()
    assert _count() == 1


def test_a_duplicate_key_keeps_the_surrounding_transaction_usable(ctx):
    user = factories.volunteer()
    notify_account_exists(user)
    notify_account_exists(user)
    user.given_name = "Still Saved"
    db.session.commit()
    db.session.expire_all()
    assert user.given_name == "Still Saved"


def test_mail_is_rendered_in_the_recipients_language(ctx):
    german = factories.volunteer(locale="de", given_name="Dilan")
    english = factories.volunteer(locale="en", given_name="Tesfay")
    notify_account_exists(german)
    notify_account_exists(english)
    db.session.commit()
    rows = {row.recipient: row for row in db.session.scalars(select(OutboxMessage))}
    assert rows[english.email].subject == "You already have an account"
    assert rows[english.email].locale == "en"
    assert "Hello Tesfay" in rows[english.email].body_text
    assert rows[german.email].locale == "de"
    assert rows[german.email].subject == "Sie haben bereits ein Konto"
    assert "Hallo Dilan" in rows[german.email].body_text
    assert 'lang="de"' in rows[german.email].body_html


def test_each_row_has_a_stable_unique_message_id(ctx):
    for number in range(3):
        factories.queued_mail(f"test:{number}", f"r{number}@example.org")
    ids = db.session.scalars(select(OutboxMessage.message_id)).all()
    assert len(set(ids)) == 3
    assert all(i.startswith("<") and i.endswith("@127.0.0.1>") for i in ids)
    assert {row.status for row in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.PENDING}
