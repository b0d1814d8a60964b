"""Where rendered mail goes: an SMTP server (with a deadline), or .eml files under instance/mail/.

Flask-Mail opens SMTP connections without a timeout, so a server that accepts and never
answers would hang the worker; `TimeoutConnection` passes one. A socket timeout bounds each
read only: a server that sends a byte now and then would still hold the worker for ever. So
the whole conversation of one message (connecting if needed, then sending it) has a deadline
of MAIL_TIMEOUT seconds; when it passes, a watchdog shuts the socket and the send fails with
`ConversationTimeout`.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_mail import Connection, Message

from ..extensions import mail


@dataclass(frozen=True)
class Envelope:
    """What the transport needs, read once so that nothing stays open while sending."""

    id: int
    event: str
    recipient: str
    locale: str
    subject: str
    body_text: str
    body_html: str
    calendar: str | None
    calendar_method: str | None
    message_id: str
    attempts: int
    created_at: datetime


def build_message(row: Envelope) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[row.recipient],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"Auto-Submitted": "auto-generated", "Content-Language": row.locale},
    )
    # Stable per outbox row (an `extra_headers` Message-ID would be a second header).
    message.msgId = row.message_id
    if row.calendar:
        message.attach(
            "invitation.ics" if row.calendar_method != "CANCEL" else "cancellation.ics",
            f"text/calendar; method={row.calendar_method}; charset=UTF-8",
            row.calendar.encode(),
        )
    return message


class ConversationTimeout(TimeoutError):
    """One message's SMTP conversation took longer than its deadline."""


def is_server_failure(error: Exception) -> bool:
    """True when the server, or the way to it, failed rather than this one message (a refused
    recipient, refused content): the rest of a batch would fail the same way."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        return False
    return isinstance(error, OSError)  # timeouts, refused connections, disconnects, TLS, login


class _Watchdog:
    """Shuts the connection's socket when the deadline passes, ending any read or write."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._host: smtplib.SMTP | None = None
        self._done = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def watch(self, host: smtplib.SMTP | None) -> None:
        with self._lock:
            self._host = host
            late = self.fired and not self._done
        if late:  # the deadline passed while connecting, before there was a socket to shut
            self._shut(host)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            host = self._host
        self._shut(host)

    @staticmethod
    def _shut(host: smtplib.SMTP | None) -> None:
        sock = getattr(host, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also under TLS: it wakes a read blocked in another thread.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def stop(self) -> bool:
        """Stops watching; True if the deadline had passed."""
        with self._lock:
            self._done = True
        self._timer.cancel()
        return self.fired


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, using the settings as they are now."""

    def __init__(self, timeout: float, watchdog: _Watchdog | None = None) -> None:
        super().__init__(current_app.extensions["mail"])
        self.timeout = timeout
        self.watchdog = watchdog

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        config = current_app.config
        server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        host: smtplib.SMTP | smtplib.SMTP_SSL
        # Made first and connected after, so that the watchdog knows it during the greeting.
        host = smtplib.SMTP_SSL(timeout=self.timeout) if config["MAIL_USE_SSL"] else smtplib.SMTP(timeout=self.timeout)
        if self.watchdog is not None:
            self.watchdog.watch(host)
        host.connect(server, port)
        if self.watchdog is not None:
            self.watchdog.watch(host)
        if config["MAIL_USE_TLS"]:
            host.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


class SmtpTransport:
    """One connection for a batch, reopened after an error. Each message, with the connecting
    it needs, has `timeout` seconds in all."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._connection: TimeoutConnection | None = None

    def send(self, row: Envelope) -> None:
        watchdog = _Watchdog(self.timeout)
        watchdog.start()
        try:
            if self._connection is None:
                connection = TimeoutConnection(self.timeout, watchdog)
                connection.__enter__()
                self._connection = connection
            else:
                self._connection.watchdog = watchdog
                watchdog.watch(self._connection.host)
            self._connection.send(build_message(row))
        except Exception as error:
            timed_out = watchdog.stop()
            self._discard()
            if timed_out:
                raise ConversationTimeout(f"SMTP conversation timed out after {self.timeout} s") from error
            raise
        if watchdog.stop():  # the deadline passed just as the server said yes: the socket is shut
            self._discard()

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            with contextlib.suppress(OSError):
                connection.host.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            watchdog = _Watchdog(self.timeout)  # saying goodbye has a deadline too
            watchdog.start()
            watchdog.watch(connection.host)
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()
            finally:
                watchdog.stop()


class FileTransport:
    """Writes each message as an .eml file, so a person trying the demo can open every mail."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def send(self, row: Envelope) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = build_message(row).as_bytes()
        name = f"{row.created_at:%Y%m%d-%H%M%S}-{row.id:06d}-{row.event}.eml"
        # Write then rename: a reader never sees half a file, and a re-send overwrites.
        fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, self.directory / name)

    def close(self) -> None:
        pass


def make_transport() -> SmtpTransport | FileTransport:
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpTransport(timeout=config["MAIL_TIMEOUT"])
    if config.get("MAIL_FILE_DIR"):
        return FileTransport(config["MAIL_FILE_DIR"])
    raise RuntimeError("Neither MAIL_SERVER nor MAIL_FILE_DIR is configured")


__all__ = [
    "ConversationTimeout",
    "FileTransport",
    "SmtpTransport",
    "build_message",
    "is_server_failure",
    "mail",
    "make_transport",
]
