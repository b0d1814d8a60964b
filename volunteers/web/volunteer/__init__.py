"""The volunteer's own area. Each module adds the pages of one subject to the blueprint."""

from . import assignments, calendar, hours, profile, reports, routes, trainings  # noqa: F401  (register the pages)
from .blueprint import bp

__all__ = ["bp"]
