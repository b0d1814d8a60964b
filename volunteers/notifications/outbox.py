"""Queueing: render a mail in the recipient's language and add it to the outbox.

Called by services inside the transaction of the change that causes the mail, so a
rolled-back change leaves no row and sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import exists, select

from ..db_types import upsert, utcnow
from ..extensions import db
from ..i18n import normalise_locale
from ..models import OutboxMessage, OutboxStatus
from .links import mail_domain


def already_queued(key: str) -> bool:
    return bool(db.session.scalar(select(exists().where(OutboxMessage.key == key))))


#: A mail's subject: a (lazy) string, or a callable returning one; rendered in the recipient's language.
Subject = str | Callable[[], str]
#: A calendar attachment: (method, a callable returning the .ics text).
CalendarEntry = tuple[str, Callable[[], str]]


def queue_mail(
    *,
    event: str,
    key: str,
    recipient: str,
    locale: str | None,
    subject: Subject,
    calendar: CalendarEntry | None = None,
    **context: object,
) -> bool:
    """Adds one outbox row; returns False if a row with this key exists (nothing queued).

    `subject` is a lazy string or a callable, evaluated in the recipient's language;
    `calendar`, if given, is (method, callable returning the .ics text), also rendered so.
    """
    locale = normalise_locale(locale) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        rendered_subject = str(subject() if callable(subject) else subject)
        context.setdefault("subject", rendered_subject)
        context["mail_locale"] = locale
        body_text = render_template(f"email/{event}.txt", **context)
        body_html = render_template(f"email/{event}.html", **context)
        calendar_method, calendar_text = (calendar[0], calendar[1]()) if calendar else (None, None)

    now = utcnow()
    values = {
        "key": key,
        "event": event,
        "recipient": recipient,
        "locale": locale,
        "subject": rendered_subject,
        "body_text": body_text,
        "body_html": body_html,
        "calendar": calendar_text,
        "calendar_method": calendar_method,
        "message_id": make_msgid(domain=mail_domain()),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    # ON CONFLICT DO NOTHING keeps the surrounding transaction usable when the key exists.
    statement = (
        upsert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)  # a row comes back only if it was inserted
    )
    return db.session.execute(statement).first() is not None
