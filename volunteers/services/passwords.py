"""Argon2id hashing with the cost from the configuration, and the strength check every new
password passes (registration, reset, change, invitations, `flask create-user`)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import ServiceError

MIN_PASSWORD_LENGTH = 10
#: Argon2 hashes anything, but an unbounded input is a cheap way to burn CPU.
MAX_PASSWORD_LENGTH = 256

#: zxcvbn's score from 0 to 4; 3 means "safely unguessable" (about 10^8 guesses and more),
#: which no common password, keyboard row, repetition or name with a year reaches.
MIN_STRENGTH = 3
#: zxcvbn looks at this many characters (its own limit); a longer password is judged by them.
_STRENGTH_PREFIX = 72
#: Words anyone would try first against this site.
_SITE_WORDS = (
    "wir",
    "vielfalt",
    "wirvielfalt",
    "vielfaltszentrum",
    "landkreis",
    "kassel",
    "ehrenamt",
    "ehrenamtlich",
    "freiwillig",
    "volunteer",
    "passwort",
    "password",
)
#: zxcvbn keeps the words of the current check in a module-level dictionary.
_strength_lock = threading.Lock()

#: zxcvbn's feedback (English) in the site's languages.
_FEEDBACK = {
    "Use a few words, avoid common phrases.": _l("Use a few words, avoid common phrases."),
    "No need for symbols, digits, or uppercase letters.": _l("No need for symbols, digits, or uppercase letters."),
    "Add another word or two. Uncommon words are better.": _l("Add another word or two. Uncommon words are better."),
    "Straight rows of keys are easy to guess.": _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Short keyboard patterns are easy to guess."),
    "Use a longer keyboard pattern with more turns.": _l("Use a longer keyboard pattern with more turns."),
    'Repeats like "aaa" are easy to guess.': _l('Repeats like "aaa" are easy to guess.'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        'Repeats like "abcabcabc" are only slightly harder to guess than "abc".'
    ),
    "Avoid repeated words and characters.": _l("Avoid repeated words and characters."),
    'Sequences like "abc" or "6543" are easy to guess.': _l('Sequences like "abc" or "6543" are easy to guess.'),
    "Avoid sequences.": _l("Avoid sequences."),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Avoid recent years.": _l("Avoid recent years."),
    "Avoid years that are associated with you.": _l("Avoid years that are associated with you."),
    "Dates are often easy to guess.": _l("Dates are often easy to guess."),
    "Avoid dates and years that are associated with you.": _l("Avoid dates and years that are associated with you."),
    "This is a top-10 common password.": _l("This is one of the 10 most common passwords."),
    "This is a top-100 common password.": _l("This is one of the 100 most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l("This is similar to a commonly used password."),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l("Names and surnames by themselves are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Common names and surnames are easy to guess."),
    "Capitalization doesn't help very much.": _l("Capital letters do not help very much."),
    "All-uppercase is almost as easy to guess as all-lowercase.": _l(
        "All capitals are almost as easy to guess as all small letters."
    ),
    "Reversed words aren't much harder to guess.": _l("Words spelt backwards are not much harder to guess."),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": _l(
        "Predictable substitutions like “@” instead of “a” do not help very much."
    ),
}


def _guesses_from(value: str) -> list[str]:
    """The value, its local part if it is an address, and each of its words."""
    value = value.strip().lower()
    words = value.replace("@", " ").replace(".", " ").replace("-", " ").replace("_", " ").split()
    return [value, value.split("@")[0], *words]


def ensure_strong(password: str, *, user_inputs: Iterable[str | None] = ()) -> None:
    """Refuses a password that is short, common or guessable (names, the address, words of
    this site, keyboard rows, repetitions, years), with zxcvbn's advice in the user's language.
    Works offline: zxcvbn ships its word lists."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ServiceError(
            _l("Use between %(min)d and %(max)d characters.", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
            field="password",
        )
    personal = [guess for value in user_inputs if value for guess in _guesses_from(value)]
    # zxcvbn scores "Nadia Karimi 2026" as strong for Nadia Karimi (it reads "Nadia " as random
    # characters): what is left without the person's own words must be strong on its own.
    rest = password
    for word in sorted({guess for guess in personal if len(guess) >= 3}, key=len, reverse=True):
        rest = re.sub(re.escape(word), "", rest, flags=re.IGNORECASE)
    result: Mapping[str, Any] = {"score": 0, "feedback": {}}  # nothing but the person's own words
    if rest.strip():
        # Loaded on the first password set in this process, not at start: its word lists take
        # about 12 MB in every web worker, and most requests never set a password.
        from zxcvbn import zxcvbn

        with _strength_lock:
            result = zxcvbn(rest[:_STRENGTH_PREFIX], user_inputs=[*personal, *_SITE_WORDS])
    if result["score"] >= MIN_STRENGTH:
        return
    feedback = result.get("feedback") or {}
    advice = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])[:1]]
    known = [str(_FEEDBACK[text]) for text in advice if text in _FEEDBACK]
    if rest != password:
        known.insert(0, str(_l("Your own name or address does not make a password harder to guess.")))
    message = _l("This password is too easy to guess.")
    hint = _l("Three or four unrelated words make a strong password that is easy to remember.")
    raise ServiceError(" ".join([str(message), *known, str(hint)]), field="password")


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password, and for an account with none yet (a volunteer the centre
    recorded or imported), after the same Argon2 work: the answer's timing tells nothing."""
    if password_hash is None:
        spend_verification_time(password)
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def spend_verification_time(password: str) -> None:
    """Costs what a real check costs, so an unknown email answers as slowly as a known one."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    config = current_app.config
    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])
    cache = current_app.extensions.setdefault("volunteers.dummy_hash", {})
    if key not in cache:
        cache[key] = hasher().hash("not a real password")
    return cache[key]
