"""Who may do what: role gates for whole areas and predicates for single records."""

from __future__ import annotations

import enum

from .models import Membership, Organisation, User


class Role(enum.Enum):
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    ORGANISATION = "organisation"


def has_role(user: User, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    if role is Role.COORDINATOR:
        return user.is_coordinator
    if role is Role.VOLUNTEER:
        return user.is_volunteer
    return user.is_organisation_member


def roles_of(user: User) -> list[Role]:
    return [role for role in Role if has_role(user, role)]


def home_endpoint(user: User) -> str:
    """Where a user lands after login: the first of their roles, coordinators first."""
    for role in roles_of(user):
        return f"{role.value}.home"
    return "auth.no_role"


def membership(user: User, organisation: Organisation) -> Membership | None:
    for item in user.memberships:
        if item.organisation_id == organisation.id:
            return item
    return None


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return user.is_coordinator or membership(user, organisation) is not None


def can_manage_members(user: User, organisation: Organisation) -> bool:
    """Admins of an approved organisation invite colleagues (before approval nobody can)."""
    item = membership(user, organisation)
    return organisation.is_approved and item is not None and item.is_admin


def can_submit_requests(user: User, organisation: Organisation) -> bool:
    """Only members of an approved organisation submit support requests."""
    return organisation.is_approved and membership(user, organisation) is not None
