"""Pages anyone may open, and the calendar feeds. Each module adds its routes to the blueprint."""

from . import feeds, routes  # noqa: F401  (register the routes)
from .blueprint import bp

__all__ = ["bp"]
