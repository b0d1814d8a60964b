"""Reading mails that reached the test SMTP server."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

from tests.smtp import body_text

LINK = re.compile(r"https?://[^\s<>\"]+")


def links(message: EmailMessage) -> list[str]:
    return LINK.findall(body_text(message))


def path_of_link(message: EmailMessage, contains: str) -> str:
    """The path of the first link in the mail whose URL contains `contains`."""
    for link in links(message):
        if contains in link:
            return urlsplit(link).path
    raise AssertionError(f"no link containing {contains!r} in: {body_text(message)}")
