"""Delivery through a real SMTP conversation: retries, timeouts, leases, two workers."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.smtp import REFUSED_DOMAIN, SilentServer, TricklingServer, free_port
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import OutboxMessage, OutboxStatus
from volunteers.notifications.worker import backoff, deliver_due


def _queue(count: int = 1, prefix: str = "mail") -> None:
    for number in range(count):
        factories.queued_mail(f"{prefix}:{number}", f"{prefix}{number}@example.org")


def _rows() -> list[OutboxMessage]:
    db.session.commit()  # a fresh transaction: on SQLite an open one keeps an old snapshot
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_delivery_keeps_the_message_id_of_the_row(ctx, deliver, smtp_server):
    _queue()
    report = deliver()
    assert len(report.sent) == 1
    [row] = _rows()
    assert row.status is OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    [message] = smtp_server.messages
    assert message["Message-ID"] == row.message_id
    assert len(message.get_all("Message-ID")) == 1
    assert message["To"] == "mail0@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert deliver().claimed == 0  # nothing is sent twice


def test_smtp_down_keeps_the_row_pending_then_exactly_one_message_arrives(ctx, app, deliver, smtp_server, monkeypatch):
    _queue()
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    now = utcnow()
    report = deliver(now=now)
    assert report.retrying and not report.sent
    [row] = _rows()
    assert row.status is OutboxStatus.PENDING and row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert row.next_attempt_at == now + backoff(1)
    assert row.claimed_until is None

    assert deliver(now=now + timedelta(seconds=30)).claimed == 0  # backoff: not yet due
    report = deliver(now=now + backoff(1))
    assert report.retrying  # still down: second attempt
    assert _rows()[0].next_attempt_at == now + backoff(1) + backoff(2)

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    report = deliver(now=now + backoff(1) + backoff(2))
    assert report.sent
    [row] = _rows()
    assert row.status is OutboxStatus.SENT and row.attempts == 3
    assert len(smtp_server.messages) == 1


def test_a_server_that_never_answers_does_not_hang_the_worker(ctx, app, deliver, monkeypatch):
    _queue()
    silent = SilentServer()
    monkeypatch.setitem(app.config, "MAIL_PORT", silent.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    try:
        started = time.monotonic()
        report = deliver()
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert report.retrying
    assert elapsed < 10
    assert "timed out" in _rows()[0].last_error.lower()


def test_after_the_last_attempt_a_message_is_failed_and_a_coordinator_retries_it(
    ctx, app, client, login, deliver, smtp_server, monkeypatch
):
    _queue()
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    now = utcnow()
    for attempt in range(1, 4):
        deliver(now=now)
        now += backoff(attempt)
    [row] = _rows()
    assert row.status is OutboxStatus.FAILED and row.attempts == 3 and row.failed_at is not None
    assert deliver(now=now + timedelta(days=1)).claimed == 0  # failed is final

    coordinator = factories.coordinator()
    login(client, coordinator)
    home = client.get("/coordinator/").get_data(as_text=True)
    assert "/coordinator/outbox?status=failed" in home
    listing = client.get("/coordinator/outbox?status=failed").get_data(as_text=True)
    assert "mail0@example.org" in listing and "Connection" in listing

    response = submit(client, f"/coordinator/outbox/{row.id}/retry", page="/coordinator/outbox?status=failed")
    assert response.status_code == 302
    [row] = _rows()
    assert row.status is OutboxStatus.PENDING and row.attempts == 0

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    assert deliver().sent
    assert len(smtp_server.messages) == 1
    # Retrying a message that is not failed is refused with a message, not a 500.
    again = submit(client, f"/coordinator/outbox/{row.id}/retry", page="/coordinator/outbox")
    assert again.status_code == 302
    assert _rows()[0].status is OutboxStatus.SENT


def test_a_leased_row_is_not_taken_again_until_the_lease_ends(ctx, app, deliver, smtp_server):
    _queue()
    now = utcnow()
    from volunteers.notifications.worker import claim_due

    # A worker claims the row and then dies before sending.
    assert claim_due(now, 10, "crashed-worker") == [_rows()[0].id]
    assert deliver(now=now).claimed == 0
    lease = timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])
    report = deliver(now=now + lease + timedelta(seconds=1))
    assert report.sent
    [row] = _rows()
    assert row.attempts == 2
    assert smtp_server.messages[0]["Message-ID"] == row.message_id


def test_two_workers_at_once_deliver_each_message_once(ctx, app, smtp_server):
    _queue(40, prefix="pair")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                for _ in range(20):
                    if deliver_due(limit=5).claimed == 0:
                        break
                db.session.remove()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(ids) == 40
    assert len(set(ids)) == 40
    assert {row.status for row in _rows()} == {OutboxStatus.SENT}
    assert {row.attempts for row in _rows()} == {1}


def test_without_smtp_the_worker_writes_eml_files(ctx, app, deliver, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    _queue(2)
    assert len(deliver().sent) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    content = files[0].read_text()
    row = _rows()[0]
    assert f"Message-ID: {row.message_id}" in content
    assert "Subject: Test message" in content
    assert not list((tmp_path / "mail").glob("*.part"))


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (6, 32), (20, 360)])
def test_backoff_doubles_and_is_capped(attempts, minutes):
    assert backoff(attempts) == timedelta(minutes=minutes)


def test_no_transaction_is_open_while_a_message_is_sent(ctx, app, deliver, monkeypatch):
    """On SQLite an open transaction would hold the write lock through the SMTP conversation."""
    import sqlite3

    from volunteers.notifications import worker

    _queue()
    open_during_send: list[bool] = []
    real_transport = worker.make_transport

    class Probe:
        def __init__(self) -> None:
            self.inner = real_transport()

        def send(self, envelope) -> None:
            open_during_send.append(db.session().in_transaction())
            if db.engine.dialect.name == "sqlite":
                # Another writer gets the lock at once, without waiting.
                other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                other.close()
            self.inner.send(envelope)

        def close(self) -> None:
            self.inner.close()

    monkeypatch.setattr(worker, "make_transport", Probe)
    assert deliver().sent
    assert open_during_send == [False]


def test_a_worker_slower_than_its_lease_does_not_send_a_message_twice(ctx, app, deliver, monkeypatch, smtp_server):
    """The lease is renewed when little of it is left (here before every message, what was sent
    recorded first): a worker that fell behind skips what another took."""
    from volunteers.notifications import worker

    _queue(2, prefix="slow")
    monkeypatch.setitem(app.config, "MAIL_LEASE_SECONDS", 1)
    real_record = worker._record_sent
    second = {}

    def record_then_stall(message_ids, claim_token):
        recorded = bool(message_ids)
        real_record(message_ids, claim_token)
        if recorded and not second:
            second["report"] = None
            time.sleep(1.5)  # the first worker stalls; the lease on its second message runs out
            second["report"] = deliver()  # and a second worker takes that message

    monkeypatch.setattr(worker, "_record_sent", record_then_stall)
    first = deliver()
    assert len(first.sent) == 1
    assert len(second["report"].sent) == 1
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_a_sent_message_keeps_only_its_envelope(ctx, deliver):
    _queue()
    deliver()
    [row] = _rows()
    assert row.status is OutboxStatus.SENT
    assert row.body_text == "" and row.body_html == ""
    assert row.subject == "Test message" and row.recipient == "mail0@example.org"


# ---------------------------------------------------------------------------------------------
# Misbehaving servers cost one deadline per batch, not one per message


def _deliver_within(deliver, seconds: float):
    """Runs the worker in a thread; None if it is still busy after `seconds`."""
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("report", deliver()), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    return result.get("report"), time.monotonic() - started


def test_a_server_that_trickles_a_byte_at_a_time_is_cut_off_by_the_deadline(ctx, app, deliver, monkeypatch):
    _queue()
    trickling = TricklingServer(interval=0.3, lasts=15)
    monkeypatch.setitem(app.config, "MAIL_PORT", trickling.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    try:
        report, elapsed = _deliver_within(deliver, 8)
    finally:
        trickling.close()
    assert report is not None, "the worker is still waiting for the trickling server"
    assert report.retrying and elapsed < 5
    [row] = _rows()
    assert "timed out" in row.last_error.lower() and row.status is OutboxStatus.PENDING
    assert row.claimed_until is None


@pytest.mark.parametrize("peer", [SilentServer, TricklingServer])
def test_after_a_timeout_the_rest_of_the_batch_waits_without_an_attempt(ctx, app, deliver, monkeypatch, peer):
    _queue(5, prefix="batch")
    server = peer()
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    now = utcnow()
    try:
        report, elapsed = _deliver_within(lambda: deliver(now=now), 10)
    finally:
        server.close()
    assert report is not None and elapsed < 4  # one deadline, not five
    assert len(report.retrying) == 1 and len(report.deferred) == 4 and report.claimed == 5
    rows = _rows()
    assert sorted(row.attempts for row in rows) == [0, 0, 0, 0, 1]
    assert {row.next_attempt_at for row in rows} == {now + backoff(1)}
    assert {row.claimed_until for row in rows} == {None} and {row.claim_token for row in rows} == {None}
    assert deliver(now=now + timedelta(seconds=30)).claimed == 0  # all wait for the next try


def test_a_refused_recipient_does_not_hold_up_the_others(ctx, app, deliver, smtp_server):
    factories.queued_mail("refused", f"nobody@{REFUSED_DOMAIN}")
    _queue(2, prefix="fine")
    report = deliver()
    assert len(report.retrying) == 1 and len(report.sent) == 2 and not report.deferred
    assert {str(m["To"]) for m in smtp_server.messages} == {"fine0@example.org", "fine1@example.org"}


def test_a_batch_renews_its_lease_and_skips_a_row_taken_by_another_worker(ctx, app, monkeypatch, smtp_server):
    """A long batch keeps its rows by renewing the lease for the rest of it; a row that another
    worker took meanwhile (the lease had run out) is not sent by this one."""
    from sqlalchemy import update

    from volunteers.notifications.worker import _Batch, claim_due

    _queue(3, prefix="lease")
    now = utcnow()
    first, second, third = claim_due(now, 10, "this-worker")
    monkeypatch.setitem(app.config, "MAIL_LEASE_SECONDS", 1)  # under two send timeouts: renewed before sending
    batch = _Batch([first, second, third], "this-worker", now)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == second).values(claim_token="other-worker"))
    db.session.commit()
    assert batch.held(0)
    assert [envelope.id for envelope in batch.envelopes] == [first, third]
    rows = {row.id: row for row in _rows()}
    assert rows[first].claimed_until > now + timedelta(seconds=0.5)
    assert rows[second].claim_token == "other-worker"


def test_a_worker_that_dies_before_recording_what_it_sent_loses_nothing(ctx, app, deliver, monkeypatch, smtp_server):
    """Sent messages are recorded a few at a time: if the worker dies first, they are sent again
    once the lease ends, with the same Message-ID (at least once, never lost)."""
    from volunteers.notifications import worker

    _queue(3, prefix="dies")

    def dies(message_ids, claim_token):
        raise RuntimeError("the worker's process was killed")

    monkeypatch.setattr(worker, "_record_sent", dies)
    now = utcnow()
    with pytest.raises(RuntimeError):
        deliver(now=now)
    assert len(smtp_server.messages) == 3
    assert all(row.status is OutboxStatus.PENDING for row in _rows())
    monkeypatch.undo()
    lease = timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])
    assert len(deliver(now=now + lease + timedelta(seconds=1)).sent) == 3
    assert all(row.status is OutboxStatus.SENT for row in _rows())
    first, again = smtp_server.messages[:3], smtp_server.messages[3:]
    assert sorted(m["Message-ID"] for m in first) == sorted(m["Message-ID"] for m in again)
