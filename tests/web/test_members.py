"""An organisation's administrators manage its members and invitations: remove a member (asked
first; never the last administrator or the contact person; the person is told by mail; their
requests stay with the organisation), make a member an administrator or take the rights back,
revoke an open invitation (its link dies at once). Coordinators revoke invitations to coordinate
and any organisation's. Other organisations' members and invitations are 404."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, submit
from tests.mailbox import path_of_link
from tests.smtp import body_text
from volunteers.extensions import db
from volunteers.models import AuditEvent, Invitation, InvitationRole, Membership, SupportRequest, User
from volunteers.services import invitations


def _team():
    """An approved organisation: Amal (admin, contact person), Bernd (admin), Clara (member)."""
    amal = factories.user(given_name="Amal", family_name="Admin", locale="en")
    bernd = factories.user(given_name="Bernd", family_name="Zweitadmin", locale="en")
    clara = factories.user(given_name="Clara", family_name="Mitglied", locale="en")
    organisation = factories.organisation(name="Verein Nordhessen e.V.", admin=amal, members=(clara,))
    db.session.add(Membership(user=bernd, organisation=organisation, is_admin=True))
    db.session.commit()
    return organisation, amal, bernd, clara


def _membership(organisation, user) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.organisation_id == organisation.id, Membership.user_id == user.id)
    )


def _audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _invite(client, organisation, email="jana.koch@example.org", **changes):
    data = {"given_name": "Jana", "family_name": "Koch", "email": email, "locale": "en", **changes}
    page = f"/organisation/{organisation.id}"
    assert submit(client, f"{page}/invite", data, page=page).status_code == 302


def test_an_admin_removes_a_member_who_is_told_and_whose_requests_stay(ctx, app, client, login, deliver, smtp_server):
    organisation, amal, _bernd, clara = _team()
    record = factories.support_request(organisation, created_by_id=clara.id, client_reference="K-CLARA")
    colleague = app.test_client()
    login(colleague, clara)
    assert colleague.get(f"/organisation/requests/{record.id}").status_code == 200

    login(client, amal)
    page = client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    remove = f"/organisation/{organisation.id}/members/{clara.id}/remove"
    assert f'href="{remove}"' in page
    confirmation = client.get(remove)
    assert confirmation.status_code == 200
    text = confirmation.get_data(as_text=True)
    assert "Remove Clara Mitglied from Verein Nordhessen e.V.?" in text
    assert "stay with the organisation" in text
    assert _membership(organisation, clara) is not None  # opening it changes nothing

    done = submit(client, remove, page=remove)
    assert done.status_code == 302 and done.headers["Location"] == f"/organisation/{organisation.id}#members"
    assert _membership(organisation, clara) is None
    [event] = _audited("membership.removed")
    assert (event.actor_id, event.subject_user_id, event.organisation_id) == (amal.id, clara.id, organisation.id)
    assert "no longer a member" in client.get(done.headers["Location"]).get_data(as_text=True)

    # Her access ends at once; her request stays with the organisation.
    assert colleague.get(f"/organisation/requests/{record.id}").status_code in (403, 404)
    assert colleague.get(f"/organisation/{organisation.id}").status_code in (403, 404)
    assert db.session.get(SupportRequest, record.id).organisation_id == organisation.id
    assert "K-CLARA" in client.get("/organisation/requests").get_data(as_text=True)

    deliver()
    [mail] = smtp_server.to(clara.email)
    assert "Verein Nordhessen e.V." in mail["Subject"]
    assert "stay with the organisation" in body_text(mail)

    # The same confirmation sent again (a second tab) says so instead of a 404.
    again = submit(client, remove, page=f"/organisation/{organisation.id}")
    assert again.status_code == 302
    assert "no longer a member" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_the_last_admin_and_the_contact_person_stay(ctx, client, other_client, login):
    organisation, amal, bernd, _clara = _team()
    login(client, bernd)
    # Amal is the contact person: removing her is refused with what to do.
    refused = client.get(f"/organisation/{organisation.id}/members/{amal.id}/remove")
    assert refused.status_code == 302
    assert "contact person" in client.get(refused.headers["Location"]).get_data(as_text=True)
    forced = submit(
        client, f"/organisation/{organisation.id}/members/{amal.id}/remove", page=f"/organisation/{organisation.id}"
    )
    assert forced.status_code in (302, 409) and _membership(organisation, amal) is not None

    # Bernd gives up his rights (asked first); then Amal is the last admin and cannot.
    give_up = f"/organisation/{organisation.id}/members/{bernd.id}/admin/remove"
    assert "Give up your administrator rights?" in client.get(give_up).get_data(as_text=True)
    assert submit(client, give_up, page=give_up).status_code == 302
    assert not _membership(organisation, bernd).is_admin
    assert client.get(give_up).status_code == 403  # no admin any more
    assert client.get(f"/organisation/{organisation.id}/members/{amal.id}/remove").status_code == 403

    login(other_client, amal)
    # The page offers nothing that would be refused: the only admin is marked as such.
    page = other_client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    assert f"/members/{amal.id}/admin/remove" not in page and f"/members/{amal.id}/remove" not in page
    assert "the only administrator" in page
    last = f"/organisation/{organisation.id}/members/{amal.id}/admin/remove"
    response = submit(other_client, last, page=f"/organisation/{organisation.id}")
    assert response.status_code == 409
    assert "only administrator" in response.get_data(as_text=True)
    assert _membership(organisation, amal).is_admin
    assert [event.subject_user_id for event in _audited("membership.admin_revoked")] == [bernd.id]


def test_an_admin_makes_a_member_an_administrator_with_one_tap(ctx, client, login):
    organisation, amal, _bernd, clara = _team()
    login(client, amal)
    page = f"/organisation/{organisation.id}"
    grant = f"{page}/members/{clara.id}/admin"
    assert f'action="{grant}"' in client.get(page).get_data(as_text=True)
    assert submit(client, grant, page=page).status_code == 302
    assert _membership(organisation, clara).is_admin
    [event] = _audited("membership.admin_granted")
    assert (event.actor_id, event.subject_user_id) == (amal.id, clara.id)
    again = submit(client, grant, page=page)  # a second tap changes nothing and says so
    assert "already" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_audited("membership.admin_granted")) == 1


def test_members_who_are_not_admins_manage_nobody(ctx, client, login):
    organisation, amal, _bernd, clara = _team()
    login(client, clara)
    page = f"/organisation/{organisation.id}"
    text = client.get(page).get_data(as_text=True)
    assert "/remove" not in text and "/admin" not in text and "Open invitations" not in text
    for method, path in [
        ("GET", f"{page}/members/{amal.id}/remove"),
        ("POST", f"{page}/members/{amal.id}/remove"),
        ("POST", f"{page}/members/{clara.id}/admin"),
        ("GET", f"{page}/members/{amal.id}/admin/remove"),
    ]:
        data = {"csrf_token": _token(client, page)} if method == "POST" else None
        assert client.open(path, method=method, data=data).status_code == 403, path
    assert _membership(organisation, amal).is_admin and not _membership(organisation, clara).is_admin


def _token(client, page):
    return csrf_token(client, page)


def test_an_admin_revokes_an_invitation_and_its_link_stops_working(ctx, app, client, login, deliver, smtp_server):
    organisation, amal, _bernd, _clara = _team()
    login(client, amal)
    _invite(client, organisation)
    deliver()
    link = path_of_link(smtp_server.to("jana.koch@example.org")[0], "/invitation/")
    page = client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    invitation = db.session.scalar(select(Invitation))
    revoke = f"/organisation/{organisation.id}/invitations/{invitation.id}/revoke"
    assert "jana.koch@example.org" in page and f'href="{revoke}"' in page
    confirmation = client.get(revoke).get_data(as_text=True)
    assert "Revoke the invitation to Jana Koch?" in confirmation and "stops working at once" in confirmation
    assert app.test_client().get(link).status_code == 200  # opening the confirmation changes nothing

    done = submit(client, revoke, page=revoke)
    assert done.status_code == 302
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "is revoked" in after and "jana.koch@example.org" not in after
    guest = app.test_client()
    assert guest.get(link).status_code == 410
    accepted = guest.post(link, data={"given_name": "Jana", "family_name": "Koch"})
    assert accepted.status_code in (400, 410)
    assert db.session.scalar(select(User).where(User.email == "jana.koch@example.org")) is None
    [event] = _audited("invitation.revoked")
    assert (event.actor_id, event.organisation_id, event.details["invitation_id"]) == (
        amal.id,
        organisation.id,
        invitation.id,
    )
    again = submit(client, revoke, page=f"/organisation/{organisation.id}")
    assert "no longer open" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_audited("invitation.revoked")) == 1


def test_other_organisations_members_and_invitations_are_404(ctx, client, login):
    organisation, amal, _bernd, _clara = _team()
    outsider_admin = factories.user(locale="en")
    theirs_member = factories.user()
    theirs = factories.organisation(admin=outsider_admin, members=(theirs_member,))
    invitation = invitations.invite(
        outsider_admin,
        role=InvitationRole.ORGANISATION,
        organisation=theirs,
        email="someone@example.org",
        given_name="Some",
        family_name="One",
        locale="de",
    )
    db.session.commit()
    login(client, amal)
    mine = f"/organisation/{organisation.id}"
    token = _token(client, mine)
    for method, path in [
        ("GET", f"{mine}/members/{theirs_member.id}/remove"),
        ("POST", f"{mine}/members/{theirs_member.id}/remove"),
        ("POST", f"{mine}/members/{theirs_member.id}/admin"),
        ("GET", f"{mine}/members/{outsider_admin.id}/admin/remove"),
        ("GET", f"{mine}/invitations/{invitation.id}/revoke"),
        ("POST", f"{mine}/invitations/{invitation.id}/revoke"),
    ]:
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 404, path
    assert _membership(theirs, theirs_member) is not None and invitations.is_open(invitation)


def test_coordinators_revoke_coordinator_and_organisation_invitations(ctx, app, client, login):
    organisation, amal, _bernd, _clara = _team()
    admin_client = app.test_client()
    login(admin_client, amal)
    _invite(admin_client, organisation, email="member.to.be@example.org")
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    submit(
        client,
        "/coordinator/invitations",
        {"given_name": "Kai", "family_name": "Koordination", "email": "kai@example.org", "locale": "en"},
    )
    to_coordinate = db.session.scalar(select(Invitation).where(Invitation.role == InvitationRole.COORDINATOR))
    to_join = db.session.scalar(select(Invitation).where(Invitation.role == InvitationRole.ORGANISATION))

    listing = client.get("/coordinator/invitations").get_data(as_text=True)
    revoke = f"/coordinator/invitations/{to_coordinate.id}/revoke"
    assert "kai@example.org" in listing and f'href="{revoke}"' in listing
    assert "member.to.be@example.org" not in listing
    done = submit(client, revoke, page=revoke)
    assert done.headers["Location"] == "/coordinator/invitations#invitations"
    assert not invitations.is_open(to_coordinate)
    assert "kai@example.org" not in client.get("/coordinator/invitations").get_data(as_text=True)

    organisation_page = f"/coordinator/organisations/{organisation.id}"
    revoke = f"/coordinator/invitations/{to_join.id}/revoke"
    assert f'href="{revoke}"' in client.get(organisation_page).get_data(as_text=True)
    done = submit(client, revoke, page=revoke)
    assert done.headers["Location"] == f"{organisation_page}#invitations"
    assert not invitations.is_open(to_join)
    assert {event.actor_id for event in _audited("invitation.revoked")} == {coordinator.id}


def test_members_and_invitations_come_a_page_at_a_time(ctx, client, login, count_queries):
    organisation, amal, _bernd, _clara = _team()
    login(client, amal)
    page = f"/organisation/{organisation.id}"

    def invite(count: int, start: int) -> None:
        for number in range(start, start + count):
            invitations.invite(
                amal,
                role=InvitationRole.ORGANISATION,
                organisation=organisation,
                email=f"colleague{number}@example.org",
                given_name="Col",
                family_name=f"League{number}",
                locale="de",
            )
            db.session.add(Membership(user=factories.user(), organisation=organisation))
        db.session.commit()

    invite(1, 0)
    with count_queries() as few:
        client.get(page)
    from volunteers.services.invitations import DAILY_LIMIT

    invite(DAILY_LIMIT - 1, 1)
    with count_queries() as many:
        text = client.get(page).get_data(as_text=True)
    assert len(few) == len(many)
    assert "23 members" in text and "20 open invitations" in text
    assert f"{page}?members_page=2#members" in text and f"{page}?invitations_page=2#invitations" in text
    second = client.get(f"{page}?members_page=2&invitations_page=2").get_data(as_text=True)
    assert second.count("/remove") - second.count("/admin/remove") == 3


def test_two_admins_taking_each_others_rights_at_once_leave_one_admin(ctx, app):
    import threading

    from volunteers.services import ServiceError, memberships

    organisation, amal, bernd, _clara = _team()
    organisation_id = organisation.id
    outcomes: list[str] = []
    barrier = threading.Barrier(2)
    db.session.commit()

    def demote(actor_id: int, target_id: int) -> None:
        with app.app_context():
            actor = db.session.get(User, actor_id)
            member = db.session.scalar(
                select(Membership).where(Membership.organisation_id == organisation_id, Membership.user_id == target_id)
            )
            _ = actor.memberships, member.user, member.organisation  # what the page had loaded
            db.session.commit()  # both changes start their transaction after the barrier
            barrier.wait(timeout=30)
            try:
                memberships.set_admin(actor, member, False)
                db.session.commit()
                outcomes.append("won")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=demote, args=(amal.id, bernd.id)),
        threading.Thread(target=demote, args=(bernd.id, amal.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "won"]
    db.session.commit()
    assert [m.is_admin for m in (_membership(organisation, amal), _membership(organisation, bernd))].count(True) == 1
    assert len(_audited("membership.admin_revoked")) == 1
