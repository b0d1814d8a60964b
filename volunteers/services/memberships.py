"""An organisation's administrators manage its members: remove one, make one an administrator
or take the rights back. An organisation always keeps an administrator and a contact person who
is a member."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Membership, Organisation, User
from ..notifications.events import notify_membership_removed
from ..permissions import membership
from . import ServiceError, audit


def may_manage(user: User, organisation: Organisation) -> bool:
    """Administrators manage the members of their organisation (approved or not)."""
    item = membership(user, organisation)
    return item is not None and item.is_admin


def _check_admin(actor: User, organisation: Organisation) -> None:
    """Under the organisation's lock, read afresh: the actor may have lost the rights a moment ago."""
    still_admin = db.session.scalar(
        select(Membership.id).where(
            Membership.organisation_id == organisation.id,
            Membership.user_id == actor.id,
            Membership.is_admin.is_(True),
        )
    )
    if still_admin is None:
        raise ServiceError(_l("Only an administrator of this organisation manages its members."))


def _lock(organisation: Organisation) -> None:
    """Two administrators acting at once see each other's change (on SQLite every write
    transaction holds the lock already), so neither can take away the last administrator."""
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())


def admin_count(organisation: Organisation) -> int:
    return db.session.execute(
        select(func.count(Membership.id)).where(
            Membership.organisation_id == organisation.id, Membership.is_admin.is_(True)
        )
    ).scalar_one()


def _other_admins(member: Membership) -> int:
    return db.session.execute(
        select(func.count(Membership.id)).where(
            Membership.organisation_id == member.organisation_id,
            Membership.is_admin.is_(True),
            Membership.id != member.id,
        )
    ).scalar_one()


def _last_admin(member: Membership) -> ServiceError:
    return ServiceError(
        _l(
            "%(name)s is the organisation's only administrator. Make another member an administrator first.",
            name=member.user.full_name,
        )
    )


def _current(actor: User, member: Membership) -> Membership:
    """The membership as it is now, under the organisation's lock (another administrator may
    have changed or ended it since the page was shown)."""
    name = member.user.full_name
    _lock(member.organisation)
    db.session.refresh(member.organisation)  # its contact person, as it is now
    _check_admin(actor, member.organisation)
    current = db.session.get(Membership, member.id, populate_existing=True)
    if current is None:
        raise ServiceError(_l("%(name)s is no longer a member of the organisation.", name=name))
    return current


def removal_refused(member: Membership) -> ServiceError | None:
    """Why this member cannot be removed now, if they cannot (shown before anyone confirms)."""
    if member.is_admin and _other_admins(member) == 0:
        return _last_admin(member)
    if member.organisation.contact_user_id == member.user_id:
        return ServiceError(
            _l(
                "%(name)s is the organisation's contact person. Choose another contact person in the "
                "organisation's details first.",
                name=member.user.full_name,
            )
        )
    return None


def remove(actor: User, member: Membership) -> None:
    """Ends the membership; the person is told by mail. Requests they submitted stay with the
    organisation (its contact person, always a member, gets their mails)."""
    organisation = member.organisation
    member = _current(actor, member)
    if (refused := removal_refused(member)) is not None:
        raise refused
    person = member.user
    db.session.delete(member)
    db.session.flush()
    db.session.expire(person, ["memberships"])
    audit.record("membership.removed", actor=actor, subject=person, organisation=organisation)
    notify_membership_removed(person, organisation)


def set_admin(actor: User, member: Membership, admin: bool) -> None:
    """Makes a member an administrator, or takes the rights back (never from the last one)."""
    organisation = member.organisation
    member = _current(actor, member)
    if member.is_admin == admin:
        message = (
            _l("%(name)s is an administrator already.", name=member.user.full_name)
            if admin
            else _l("%(name)s is no administrator any more.", name=member.user.full_name)
        )
        raise ServiceError(message)
    if not admin and _other_admins(member) == 0:
        raise _last_admin(member)
    member.is_admin = admin
    action = "membership.admin_granted" if admin else "membership.admin_revoked"
    audit.record(action, actor=actor, subject=member.user, organisation=organisation)


def was_removed(organisation: Organisation, user_id: int) -> bool:
    """Whether this person was a member once and was removed (a second click on "remove")."""
    return (
        db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.action == "membership.removed",
                AuditEvent.organisation_id == organisation.id,
                AuditEvent.subject_user_id == user_id,
            )
            .limit(1)
        )
        is not None
    )
