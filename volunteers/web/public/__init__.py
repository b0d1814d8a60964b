"""Pages anyone may open, and the mail links that work without login."""

from . import assignment_links, routes  # noqa: F401  (register the pages)
from .routes import bp

__all__ = ["bp"]
