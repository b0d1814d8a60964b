"""Argon2id hashing with the cost from the configuration."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 10
#: Argon2 hashes anything, but an unbounded input is a cheap way to burn CPU.
MAX_PASSWORD_LENGTH = 256


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
