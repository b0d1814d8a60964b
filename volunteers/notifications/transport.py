"""Where rendered mail goes: an SMTP server (with a timeout), or .eml files under instance/mail/.

Flask-Mail opens SMTP connections without a timeout, so a server that accepts and never
answers would hang the worker; `TimeoutConnection` passes one.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_mail import Connection, Message

from ..extensions import mail

if TYPE_CHECKING:
    from .worker import Envelope


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


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, using the settings as they are now."""

    def __init__(self, timeout: float) -> None:
        super().__init__(current_app.extensions["mail"])
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        config = current_app.config
        server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if config["MAIL_USE_SSL"]:
            host = smtplib.SMTP_SSL(server, port, timeout=self.timeout)
        else:
            host = smtplib.SMTP(server, port, timeout=self.timeout)
        if config["MAIL_USE_TLS"]:
            host.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


class SmtpTransport:
    """One connection for a batch, reopened after an error."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._connection: TimeoutConnection | None = None

    def send(self, row: Envelope) -> None:
        if self._connection is None:
            connection = TimeoutConnection(self.timeout)
            connection.__enter__()
            self._connection = connection
        try:
            self._connection.send(build_message(row))
        except Exception:
            self._discard()
            raise

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            with contextlib.suppress(OSError):
                connection.host.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()


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


__all__ = ["FileTransport", "SmtpTransport", "build_message", "mail", "make_transport"]
