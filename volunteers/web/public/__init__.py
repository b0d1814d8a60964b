"""Pages anyone may open, the calendar feeds, and the mail links that work without login. Each
module adds its routes to the blueprint."""

from . import assignment_links, feeds, routes  # noqa: F401  (register the routes)
from .blueprint import bp

__all__ = ["bp"]
