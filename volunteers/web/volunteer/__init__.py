"""The volunteer's own area. Each module adds the pages of one subject to the blueprint."""

from . import routes  # noqa: F401  (home)
from .blueprint import bp

__all__ = ["bp"]
