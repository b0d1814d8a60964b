"""The coordinators' area. Each module adds the pages of one subject to the blueprint."""

from . import routes  # noqa: F401  (overview, organisations, outbox, accounts, audit)
from .blueprint import bp

__all__ = ["bp"]
