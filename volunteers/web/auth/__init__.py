"""Accounts: sign-in, registration, mail links, passwords. Each module adds its pages to the blueprint."""

from . import account, recovery, registration, routes, second_factor  # noqa: F401  (register the pages)
from .blueprint import bp

__all__ = ["bp"]
