"""Benchmark of the mail worker against plain smtplib, and of the time from a click to the SMTP
server.

    python bench/mail.py [--database sqlite|postgresql] [--url URL] [--messages 500] [--clicks 10]

1. Throughput: `--messages` mails are queued in the outbox as any event queues them, then sent
   by the worker's own loop (what `flask send-mail` runs: batch after batch of 50, one SMTP
   connection per batch, each message claimed, sent and marked sent in the database). The same
   messages, built the same way, are then sent with plain `smtplib` over one connection, with
   no database at all. Both go to an aiosmtpd server on loopback; the share is worker / smtplib.
2. Latency: `flask send-mail --loop` runs as a separate process with its default interval, as
   in the demo; `--clicks` times a mail is queued and committed (what a coordinator's click
   does) and the time until the SMTP server has it is taken.

Run it from the repository root with the project's virtualenv. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.factories import queued_mail  # noqa: E402
from tests.smtp import SmtpServer  # noqa: E402
from volunteers import create_app  # noqa: E402
from volunteers.extensions import db  # noqa: E402
from volunteers.models import OutboxMessage, OutboxStatus  # noqa: E402
from volunteers.notifications.transport import Envelope, build_message  # noqa: E402
from volunteers.notifications.worker import deliver_due  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from matching import database  # noqa: E402


def queue(count: int, prefix: str) -> None:
    """Mails as any event queues them (the "account exists" mail), committed one by one."""
    for number in range(count):
        queued_mail(f"{prefix}:{number}", f"{prefix}{number}@example.org", subject="Ihr Konto", locale="de")


def envelopes() -> list[Envelope]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING))
    return [
        Envelope(
            id=row.id,
            event=row.event,
            locale=row.locale,
            recipient=row.recipient,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            calendar=row.calendar,
            calendar_method=row.calendar_method,
            message_id=row.message_id,
            attempts=row.attempts,
            created_at=row.created_at,
        )
        for row in rows
    ]


def worker_rate(count: int) -> float:
    started = time.perf_counter()
    sent = 0
    while report := deliver_due():
        if not report.claimed:
            break
        sent += len(report.sent)
    elapsed = time.perf_counter() - started
    assert sent == count, f"the worker sent {sent} of {count}"
    return count / elapsed


def smtplib_rates(rows: list[Envelope], port: int, sender: str) -> tuple[float, float]:
    """Plain smtplib over one connection: the messages built as the worker builds them (MIME
    from the stored texts) while sending, and, second, already built before the clock starts."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as host:
        for row in rows:
            host.sendmail(sender, [row.recipient], build_message(row).as_bytes())
    building = len(rows) / (time.perf_counter() - started)
    prebuilt = [(row.recipient, build_message(row).as_bytes()) for row in rows]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as host:
        for recipient, body in prebuilt:
            host.sendmail(sender, [recipient], body)
    return building, len(prebuilt) / (time.perf_counter() - started)


def click_latencies(url: str, port: int, clicks: int, server: SmtpServer) -> list[float]:
    env = dict(os.environ)
    env.update(
        {
            "VOLUNTEERS_ENV": "testing",
            "TEST_DATABASE_URL": url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "FLASK_APP": "wsgi",
        }
    )
    flask = str(Path(sys.executable).with_name("flask"))
    worker = subprocess.Popen([flask, "send-mail", "--loop"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        server.clear()  # looking for one message among hundreds would be timed too
        time.sleep(3)  # started and idle
        latencies = []
        for number in range(clicks):
            recipient = f"click{number}@example.org"
            queued_mail(f"click:{number}", recipient, subject="Ihr Konto", locale="de")  # committed, as a click
            clicked = time.perf_counter()
            while not server.to(recipient):
                if time.perf_counter() - clicked > 30:
                    raise RuntimeError("no mail within 30 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - clicked)
            time.sleep(0.37)  # clicks at odd moments of the worker's poll
        return latencies
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--clicks", type=int, default=10)
    args = parser.parse_args(argv)
    if args.database == "postgresql" and not args.url:
        parser.error("--database postgresql needs --url or $BENCH_DATABASE_URL")
    server = SmtpServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as workdir, database(args.database, args.url, 0, Path(workdir)) as url:
            app = create_app(
                "testing",
                {"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port},
            )
            with app.app_context():
                upgrade()
                queue(args.messages, "bare")
                rows = envelopes()
                bare, prebuilt = smtplib_rates(rows, server.port, app.config["MAIL_DEFAULT_SENDER"])
                db.session.execute(OutboxMessage.__table__.delete())
                db.session.commit()
                queue(args.messages, "worker")
                worker = worker_rate(args.messages)
                latencies = click_latencies(url, server.port, args.clicks, server) if args.clicks else []
                db.session.remove()
                db.engine.dispose()
    finally:
        server.stop()
    print(f"database      {args.database}")
    print(f"messages      {args.messages}")
    print(f"smtplib       {bare:8.1f} messages/s   (built while sending)")
    print(f"smtplib       {prebuilt:8.1f} messages/s   (built before)")
    print(f"worker        {worker:8.1f} messages/s   ({worker / bare:.0%} / {worker / prebuilt:.0%} of smtplib)")
    if latencies:
        ms = sorted(latency * 1000 for latency in latencies)
        print(
            f"click → SMTP  p50 {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms over {len(ms)} clicks "
            "(flask send-mail --loop, default interval)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
