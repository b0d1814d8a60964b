"""The coordinators' area. Each module adds the pages of one subject to the blueprint."""

from . import (  # noqa: F401  (register the pages)
    accounts,
    assignments,
    catalogue,
    imports,
    invitations,
    languages,
    limits,
    notes,
    offers,
    organisation_details,
    organisations,
    outbox,
    records,
    requests,
    routes,
    settlement,
    volunteers,
    week,
)
from .blueprint import bp

__all__ = ["bp"]
