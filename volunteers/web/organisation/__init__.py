"""The area of migrant organisations' staff. Each module adds the pages of one subject."""

from . import confirmations, details, members, requests, routes  # noqa: F401  (register the pages)
from .blueprint import bp

__all__ = ["bp"]
