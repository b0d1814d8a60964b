"""An organisation's administrator on a phone manages members and invitations: makes a colleague
an administrator, takes the rights back, removes a member and revokes an invitation, each
destructive step on a confirmation page; a coordinator revokes an invitation to coordinate and one
of an organisation, and checks trainings from their list. axe-core on every page, no sideways
scrolling, in German and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import audit, fresh
from tests.browser.test_confirmations import PHONE, _fits
from tests.browser.test_volunteer_journey import _log_in
from volunteers.extensions import db
from volunteers.models import Membership, Qualification
from volunteers.models.enums import QualificationStatus
from volunteers.services import invitations

pytestmark = pytest.mark.browser


def _check(page) -> None:
    audit(page)
    _fits(page)
    _actions_in_view(page)


def _actions_in_view(page) -> None:
    """A table that scrolls sideways inside its frame passes _fits, yet hides the actions at the
    end of its rows: every link and button in a table shows without scrolling it."""
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('main .table-wrap')].flatMap(wrap => {
            const frame = wrap.getBoundingClientRect();
            return [...wrap.querySelectorAll('a, button')]
                .filter(control => { const box = control.getBoundingClientRect();
                                     return box.right > frame.right + 1 || box.left < frame.left - 1; })
                .map(control => control.textContent.trim());
        })"""
    )
    assert not hidden, f"{page.url}: actions off-screen in a table: {hidden}"


def _invite(admin, organisation, email: str, role=None):
    from volunteers.models import InvitationRole

    invitation = invitations.invite(
        admin,
        role=role or InvitationRole.ORGANISATION,
        organisation=organisation if role is None else None,
        email=email,
        given_name="Jana",
        family_name="Koch",
        locale="de",
    )
    db.session.commit()
    return invitation


@pytest.mark.parametrize("locale", ["de", "en"])
def test_an_admin_manages_members_and_invitations_on_a_phone(ctx, new_page, locale):
    admin = factories.user(given_name="Amal", family_name="Admin", locale=locale)
    clara = factories.user(given_name="Clara", family_name="Mitglied", locale=locale)
    organisation = factories.organisation(admin=admin, members=(clara,))
    invitation = _invite(admin, organisation, "jana.koch@example.org")
    base = f"/organisation/{organisation.id}"

    page = new_page(locale, **PHONE)
    _log_in(page, admin.email)
    page.goto(base)
    _check(page)

    page.locator(f"form[action='{base}/members/{clara.id}/admin'] button").click()
    expect(page).to_have_url(re.compile(rf"{base}#members$"))
    _check(page)
    fresh()
    assert db.session.get(Membership, _membership_id(organisation, clara)).is_admin

    page.locator(f"a[href='{base}/members/{clara.id}/admin/remove']").click()
    _check(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{base}#members$"))
    fresh()
    assert not db.session.get(Membership, _membership_id(organisation, clara)).is_admin

    page.locator(f"a[href='{base}/members/{clara.id}/remove']").click()
    _check(page)
    page.locator("main form a.button").click()  # "No, go back" changes nothing
    expect(page).to_have_url(re.compile(rf"{base}#members$"))
    page.locator(f"a[href='{base}/members/{clara.id}/remove']").click()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{base}#members$"))
    _check(page)
    fresh()
    assert _membership_id(organisation, clara) is None

    page.locator(f"a[href='{base}/invitations/{invitation.id}/revoke']").click()
    _check(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{base}#invitations$"))
    _check(page)
    fresh()
    assert not invitations.is_open(invitation)


def _membership_id(organisation, user) -> int | None:
    found = db.session.query(Membership).filter_by(organisation_id=organisation.id, user_id=user.id).one_or_none()
    return found.id if found else None


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_coordinator_revokes_invitations_and_checks_trainings_from_the_list(ctx, new_page, locale):
    from datetime import timedelta

    from volunteers.clock import today
    from volunteers.models import InvitationRole

    coordinator = factories.coordinator(locale=locale)
    admin, organisation = factories.organisation_user(locale=locale)
    to_join = _invite(admin, organisation, "member.to.be@example.org")
    to_coordinate = _invite(coordinator, None, "kai@example.org", role=InvitationRole.COORDINATOR)
    person = factories.volunteer(locale=locale)
    training = Qualification(
        profile_id=person.profile.id,
        type=factories.qualification_type("health-guide-gkv"),
        provider="AOK Hessen",
        completed_on=today() - timedelta(days=10),
    )
    db.session.add(training)
    db.session.commit()

    page = new_page(locale, **PHONE)
    _log_in(page, coordinator.email)
    page.goto("/coordinator/invitations")
    _check(page)
    page.locator(f"a[href='/coordinator/invitations/{to_coordinate.id}/revoke']").click()
    _check(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/coordinator/invitations#invitations$"))
    _check(page)

    page.goto(f"/coordinator/organisations/{organisation.id}")
    _check(page)
    page.locator(f"a[href='/coordinator/invitations/{to_join.id}/revoke']").click()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/coordinator/organisations/{organisation.id}#invitations$"))
    fresh()
    assert not invitations.is_open(to_coordinate) and not invitations.is_open(to_join)

    page.goto("/coordinator/trainings")
    _check(page)
    page.locator(f"a[href^='/coordinator/trainings/{training.id}/reject']").click()
    _check(page)
    page.fill("textarea", "Das Zertifikat ist nicht lesbar.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/coordinator/trainings$"))
    _check(page)
    fresh()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.REJECTED
