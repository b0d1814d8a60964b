"""Why a mail could not be delivered, in words a coordinator can act on.

The worker keeps the technical reason ("SMTPRecipientsRefused: {...}") for the centre's IT; the
outbox shows what it means first.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The exception's class name, as the worker writes it before the colon.
_PROBLEMS = {
    "SMTPRecipientsRefused": _l("The mail server refused the address."),
    "SMTPSenderRefused": _l("The mail server refused the sender address."),
    "SMTPAuthenticationError": _l("The mail server refused the login."),
    "SMTPDataError": _l("The mail server refused the message."),
    "SMTPConnectError": _l("The mail server could not be reached."),
    "SMTPServerDisconnected": _l("The mail server ended the connection."),
    "ConnectionRefusedError": _l("The mail server could not be reached."),
    "gaierror": _l("The mail server's name could not be found."),
    "TimeoutError": _l("The mail server did not answer in time."),
    "timeout": _l("The mail server did not answer in time."),
}


def delivery_problem(last_error: str | None) -> object:
    if not last_error:
        return "–"
    kind = last_error.split(":", 1)[0].strip()
    return _PROBLEMS.get(kind, _l("The mail could not be delivered."))
