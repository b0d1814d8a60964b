"""The coordinators' area. Each module adds the pages of one subject to the blueprint."""

from . import catalogue, imports, offers, records, requests, routes, volunteers  # noqa: F401  (register the pages)
from .blueprint import bp

__all__ = ["bp"]
