"""Delivery: drain the outbox with leases, retries with exponential backoff, and a final
`failed` state that coordinators see and can retry.

A batch is claimed by one conditional UPDATE (and, on PostgreSQL, selected with SKIP LOCKED)
and committed, and its rows are read in one query. Each message is sent with no transaction
open (on SQLite an open one would hold the database's write lock for the whole SMTP
conversation) and only while the lease on it lasts longer than two send timeouts (it is renewed
for the rest of the batch in one UPDATE when it does not); its outcome is recorded in its own
short transaction. Two workers never send the same row while its lease runs. A crash after the
server accepted a message sends it again once the lease ends, with the same Message-ID
(at-least-once delivery). Sent rows keep only their envelope: the body, which may hold a
single-use link, is cleared.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, or_, select, update

from ..db_types import utcnow
from ..extensions import db
from ..models import OutboxMessage, OutboxStatus
from ..services import ServiceError
from .transport import Envelope, is_server_failure, make_transport

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: 1, 2, 4 ... minutes, at most 6 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    #: Not tried: the server had just failed, so they wait with the message that failed.
    deferred: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed) + len(self.deferred)


def _claimable(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim_due(now: datetime, limit: int, claim_token: str) -> list[int]:
    """Claims up to `limit` due rows for this worker in one conditional UPDATE; returns the ids
    it won, in the order they are due (a row another worker took at the same moment is not)."""
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    due = (
        select(OutboxMessage.id)
        .where(*_claimable(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    candidates = db.session.scalars(due.with_for_update(skip_locked=True)).all()  # SQLite ignores it
    if not candidates:
        db.session.commit()
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), *_claimable(now))
        .values(claimed_until=now + lease, claim_token=claim_token, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.id.in_(candidates), OutboxMessage.claim_token == claim_token)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    db.session.commit()
    return list(claimed)


class _Batch:
    """The envelopes of a claimed batch, read in one query, and the lease on them: renewed for
    the rest of the batch in one UPDATE whenever less than two send timeouts of it remain, so
    that no message is sent unless this worker holds it for its whole conversation."""

    def __init__(self, message_ids: list[int], claim_token: str, now: datetime) -> None:
        self.claim_token = claim_token
        self.lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
        self.margin = timedelta(seconds=2 * current_app.config["MAIL_TIMEOUT"])
        self.held_until = now + self.lease
        columns = [getattr(OutboxMessage, name) for name in Envelope.__dataclass_fields__]
        rows = db.session.execute(select(*columns).where(OutboxMessage.id.in_(message_ids), *self._ours())).all()
        db.session.commit()
        found = {row.id: Envelope(**row._asdict()) for row in rows}
        self.envelopes = [found[message_id] for message_id in message_ids if message_id in found]

    def _ours(self) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        return OutboxMessage.claim_token == self.claim_token, OutboxMessage.status == OutboxStatus.PENDING

    def held(self, position: int, before_renewal: Callable[[], None] = lambda: None) -> bool:
        """Whether this worker still holds the envelope at `position` (renewing if due; what
        `before_renewal` records goes first, so nothing sent outlives its lease unrecorded)."""
        if utcnow() + self.margin < self.held_until:
            return True
        before_renewal()
        rest = [envelope.id for envelope in self.envelopes[position:]]
        until = utcnow() + self.lease
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(rest), *self._ours())
            .values(claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        still = set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.id.in_(rest), *self._ours())))
        db.session.commit()
        self.held_until = until
        self.envelopes = self.envelopes[:position] + [e for e in self.envelopes[position:] if e.id in still]
        return position < len(self.envelopes)


def _finish(message_id: int, claim_token: str, **values: object) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == claim_token)
        .values(claimed_until=None, claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _defer(message_ids: list[int], claim_token: str, until: datetime) -> None:
    """Gives back claimed rows that were not tried: no attempt counted, due again at `until`."""
    if message_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(message_ids),
                OutboxMessage.claim_token == claim_token,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(
                claimed_until=None,
                claim_token=None,
                attempts=OutboxMessage.attempts - 1,
                next_attempt_at=until,
            )
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


#: Sent messages are recorded as sent this many at a time (one UPDATE and one commit), and
#: before anything else is written: a crash in between sends at most these again, with the
#: same Message-ID, once the lease ends (delivery is at least once, never lost).
RECORD_SENT_EVERY = 10


def _record_sent(message_ids: list[int], claim_token: str) -> None:
    if message_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.claim_token == claim_token)
            .values(
                status=OutboxStatus.SENT,
                sent_at=utcnow(),
                body_text="",
                body_html="",
                calendar=None,
                claimed_until=None,
                claim_token=None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        message_ids.clear()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def deliver_due(now: datetime | None = None, limit: int = 50) -> DeliveryReport:
    """Sends what is due now, once. Returns what happened to each claimed row."""
    now = now or utcnow()
    report = DeliveryReport()
    claim_token = secrets.token_hex(16)
    claimed = claim_due(now, limit, claim_token)
    if not claimed:
        return report
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    transport = make_transport()
    unrecorded: list[int] = []
    try:
        batch = _Batch(claimed, claim_token, now)
        position = 0
        while position < len(batch.envelopes):
            if not batch.held(position, before_renewal=lambda: _record_sent(unrecorded, claim_token)):
                break  # the rest went with the lease
            envelope = batch.envelopes[position]
            message_id = envelope.id
            position += 1
            attempts = envelope.attempts
            try:
                transport.send(envelope)
            except Exception as error:  # any failure of one message must not stop the rest
                _record_sent(unrecorded, claim_token)
                log.warning("Mail %s failed (attempt %s): %s", message_id, attempts, type(error).__name__)
                if attempts >= max_attempts:
                    _finish(
                        message_id,
                        claim_token,
                        status=OutboxStatus.FAILED,
                        failed_at=utcnow(),
                        last_error=_describe(error),
                    )
                    report.failed.append(message_id)
                else:
                    _finish(
                        message_id, claim_token, next_attempt_at=now + backoff(attempts), last_error=_describe(error)
                    )
                    report.retrying.append(message_id)
                if is_server_failure(error):
                    # The rest would each wait for the same dead server: they wait with this one.
                    rest = [later.id for later in batch.envelopes[position:]]
                    _defer(rest, claim_token, now + backoff(attempts))
                    report.deferred.extend(rest)
                    if rest:
                        log.warning("Mail server unavailable: %s further messages wait for the next try", len(rest))
                    break
            else:
                unrecorded.append(message_id)
                report.sent.append(message_id)
                if len(unrecorded) >= RECORD_SENT_EVERY:
                    _record_sent(unrecorded, claim_token)
    finally:
        try:
            _record_sent(unrecorded, claim_token)
        finally:
            transport.close()
            db.session.rollback()
    return report


@dataclass
class OutboxHealth:
    pending: int
    sent: int
    failed: int
    oldest_pending_at: datetime | None
    last_sent_at: datetime | None

    @property
    def healthy(self) -> bool:
        return self.failed == 0


def outbox_health() -> OutboxHealth:
    """Counts by status in one query, plus the two timestamps a coordinator wants to see."""
    rows = db.session.execute(
        select(
            OutboxMessage.status,
            func.count(OutboxMessage.id),
            func.min(OutboxMessage.created_at),
            func.max(OutboxMessage.sent_at),
        ).group_by(OutboxMessage.status)
    ).all()
    counts = dict.fromkeys(OutboxStatus, 0)
    oldest_pending = last_sent = None
    for status, count, oldest, newest_sent in rows:
        counts[status] = count
        if status is OutboxStatus.PENDING:
            oldest_pending = oldest
        if status is OutboxStatus.SENT:
            last_sent = newest_sent
    return OutboxHealth(
        pending=counts[OutboxStatus.PENDING],
        sent=counts[OutboxStatus.SENT],
        failed=counts[OutboxStatus.FAILED],
        oldest_pending_at=_aware(oldest_pending),
        last_sent_at=_aware(last_sent),
    )


def _aware(value: datetime | None) -> datetime | None:
    # min()/max() keep the column type, but be safe about what a driver hands back.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def retry_failed(message: OutboxMessage, now: datetime | None = None) -> None:
    """A coordinator sends a failed message again: back to pending with a fresh set of tries."""
    if message.status is not OutboxStatus.FAILED:
        raise ServiceError(_l("Only a failed message can be sent again."))
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.failed_at = None
    message.next_attempt_at = now or utcnow()
