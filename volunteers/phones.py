"""Phone numbers: checked with `phonenumbers` (Google's libphonenumber data), stored in one
form, E.164 ("+495611234567"), and shown as people write them: German numbers nationally
("0561 1234567"), others internationally ("+43 1 234567"). A number without a country code
is read as German. Pure functions; the form field in web/pages/forms.py and the services use them.
"""

from __future__ import annotations

import re

import phonenumbers
from flask_babel import lazy_gettext as _l

#: How a number without a country code is read, and which numbers are shown nationally.
DEFAULT_REGION = "DE"
#: What people type into a phone field besides digits: spaces, + ( ) / . - and the like.
_ALLOWED = re.compile(r"^[0-9+()/.\-\s\u00a0\u2010-\u2015]+$")
_MAX_LENGTH = 40

INVALID = _l("Enter a phone number with digits only, for example 0561 1234567 or +43 1 234567.")


class InvalidPhone(ValueError):
    """The text is not a phone number; `message` says what to type instead."""

    def __init__(self, message=INVALID) -> None:
        super().__init__(str(message))
        self.message = message


def normalise(text: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, or InvalidPhone. Letters are refused, not read as on a keypad."""
    text = (text or "").strip()
    if not text or len(text) > _MAX_LENGTH or not _ALLOWED.match(text):
        raise InvalidPhone()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone() from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_optional(text: str | None) -> str | None:
    """None for an empty field, else as `normalise`."""
    return normalise(text) if text and text.strip() else None


def is_normalised(value: str | None) -> bool:
    """Whether a stored value is a valid number in E.164 (an old one may not be)."""
    if not value or not value.startswith("+"):
        return False
    try:
        return normalise(value) == value
    except InvalidPhone:
        return False


def display(value: str | None) -> str:
    """How a stored number is shown: nationally if German, else internationally. A value that
    is not a number (kept from before numbers were checked) is shown as it is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    national = phonenumbers.region_code_for_number(number) == DEFAULT_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def tel_uri(value: str | None) -> str:
    """A tel: link for a valid stored number, else an empty string."""
    return f"tel:{value}" if is_normalised(value) else ""


__all__ = ["DEFAULT_REGION", "InvalidPhone", "display", "is_normalised", "normalise", "normalise_optional", "tel_uri"]
