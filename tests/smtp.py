"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    # aiosmtpd's Controller(port=0) does not work: pick a free port ourselves.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: Recipients at this domain are refused (550), as a real server refuses an unknown mailbox.
REFUSED_DOMAIN = "refused.example"


class _Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self._sink = _Sink()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self._sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._sink.lock:
            return list(self._sink.messages)

    def clear(self) -> None:
        with self._sink.lock:
            self._sink.messages.clear()
            self._sink.envelopes.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


class SilentServer:
    """Accepts TCP connections and never says a word: the worker must give up on its own."""

    def __init__(self) -> None:
        self.port = free_port()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", self.port))
        self._socket.listen(8)
        self._accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._stopped = False
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._accepted.append(connection)

    def close(self) -> None:
        self._stopped = True
        self._socket.close()
        for connection in self._accepted:
            connection.close()


class TricklingServer(SilentServer):
    """Greets with a line that never ends: one byte every `interval` seconds, each within any
    read timeout, so only a deadline for the whole conversation ends the wait. It stops after
    `lasts` seconds, so that a worker without a deadline is not stuck beyond the test."""

    def __init__(self, interval: float = 0.3, lasts: float = 20) -> None:
        self.interval = interval
        self.lasts = lasts
        super().__init__()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._accepted.append(connection)
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        import time

        ends = time.monotonic() + self.lasts
        try:
            while not self._stopped and time.monotonic() < ends:
                connection.sendall(b"2")
                time.sleep(self.interval)
        except OSError:
            return
        finally:
            connection.close()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def body_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content()
