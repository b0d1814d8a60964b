"""Other people's records are as unknown as missing ones: every route that takes the id of a
record someone owns answers 404 to anyone else, says nothing happened, and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests import factories
from tests.conftest import csrf_token
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import (
    Absence,
    Assignment,
    Invitation,
    InvitationRole,
    Membership,
    Offer,
    Organisation,
    ProofFile,
    Qualification,
    SupportRequest,
    VolunteerImport,
)
from volunteers.models.enums import AssignmentState, OfferState, Outcome, RequestState
from volunteers.services import assignments, invitations, offers
from volunteers.services.assignments import Report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Others:
    """Records of a volunteer, an organisation and a coordinator that the intruders do not own."""

    absence_id: int
    offer_id: int
    training_id: int
    organisation_id: int
    request_id: int
    import_id: int
    member_id: int
    invitation_id: int
    #: A past appointment of the organisation's, reported by its volunteer: to confirm.
    assignment_id: int


def _others() -> Others:
    owner = factories.available_volunteer(place_name="Kassel")
    absence = Absence(profile_id=owner.profile.id, starts_on=today() + timedelta(days=30), ends_on=today())
    absence.ends_on = absence.starts_on
    training = Qualification(
        profile_id=owner.profile.id,
        type=factories.qualification_type("health-guide-gkv"),
        provider="AOK Hessen",
        completed_on=today() - timedelta(days=10),
    )
    db.session.add_all([absence, training])
    db.session.flush()
    db.session.add(
        ProofFile(
            qualification_id=training.id,
            filename="zertifikat.pdf",
            content_type="application/pdf",
            data=PDF,
            size=len(PDF),
            sha256="0" * 64,
        )
    )
    member = factories.user()
    staff = factories.user()
    organisation = factories.organisation(admin=staff, members=(member,))
    invitation = invitations.invite(
        staff,
        role=InvitationRole.ORGANISATION,
        organisation=organisation,
        email="invited@example.org",
        given_name="Ina",
        family_name="Eingeladen",
        locale="de",
    )
    record = factories.support_request(organisation, created_by_id=staff.id)
    [offer] = offers.make_offers(factories.coordinator(), record, [owner.profile.id])
    upload = VolunteerImport(created_by_id=factories.coordinator().id, filename="pool.csv", content=b"x")
    db.session.add(upload)
    db.session.commit()
    *_, helper, assignment = factories.ended_assignment(organisation=organisation)
    report = Report(Outcome.TOOK_PLACE, started_at=assignment.appointment_at, duration_minutes=90, travel_km=40)
    assignments.report(assignments.acting_as_volunteer(helper, assignment), assignment, report)
    db.session.commit()
    return Others(
        absence.id,
        offer.id,
        training.id,
        organisation.id,
        record.id,
        upload.id,
        member.id,
        invitation.id,
        assignment.id,
    )


def _intruder(coordinator: bool = False):
    """A volunteer who is also the admin of an approved organisation of their own (and, for the
    coordinators' routes, a coordinator: coordinators see every volunteer, but another
    coordinator's import is theirs alone)."""
    account = factories.volunteer(coordinator=coordinator)
    factories.organisation(admin=account)
    return account


def _unchanged(others: Others) -> None:
    db.session.expire_all()
    assert db.session.get(Absence, others.absence_id) is not None
    assert db.session.get(Offer, others.offer_id).state is OfferState.OFFERED
    assert db.session.get(Qualification, others.training_id) is not None
    assert db.session.get(SupportRequest, others.request_id).state is RequestState.OPEN
    assert db.session.get(VolunteerImport, others.import_id).imported_at is None
    assert db.session.query(Invitation).count() == 1
    assert invitations.is_open(db.session.get(Invitation, others.invitation_id))
    [membership] = db.session.query(Membership).filter_by(user_id=others.member_id).all()
    assert membership.organisation_id == others.organisation_id and not membership.is_admin
    assert db.session.get(Organisation, others.organisation_id).street is None
    assert db.session.get(Assignment, others.assignment_id).state is AssignmentState.REPORTED


#: (endpoint, method, path, form data) for every route that takes another person's record.
def _attempts(others: Others) -> list[tuple[str, str, str, dict]]:
    request_form = factories.request_form()
    organisation = f"/organisation/{others.organisation_id}"
    return [
        ("volunteer.remove_absence", "POST", f"/volunteer/absences/{others.absence_id}/remove", {}),
        ("volunteer.accept_offer", "POST", f"/volunteer/offers/{others.offer_id}/accept", {}),
        *(
            ("volunteer.decline_offer", method, f"/volunteer/offers/{others.offer_id}/decline", {})
            for method in ("GET", "POST")
        ),
        *(
            ("volunteer.cancel_assignment", method, f"/volunteer/offers/{others.offer_id}/cancel", {})
            for method in ("GET", "POST")
        ),
        *(
            ("volunteer.withdraw_training", method, f"/volunteer/trainings/{others.training_id}/withdraw", {})
            for method in ("GET", "POST")
        ),
        ("volunteer.proof", "GET", f"/volunteer/trainings/{others.training_id}/proof", {}),
        *(
            ("volunteer.report_assignment", method, f"/volunteer/offers/{others.offer_id}/report", {})
            for method in ("GET", "POST")
        ),
        ("organisation.detail", "GET", f"/organisation/{others.organisation_id}", {}),
        (
            "organisation.invite",
            "POST",
            f"/organisation/{others.organisation_id}/invite",
            {"email": "new@example.org", "given_name": "Neu", "family_name": "Person", "locale": "de"},
        ),
        *(
            ("organisation.remove_member", method, f"{organisation}/members/{others.member_id}/remove", {})
            for method in ("GET", "POST")
        ),
        ("organisation.grant_admin", "POST", f"{organisation}/members/{others.member_id}/admin", {}),
        *(
            ("organisation.revoke_admin", method, f"{organisation}/members/{others.member_id}/admin/remove", {})
            for method in ("GET", "POST")
        ),
        *(
            ("organisation.revoke_invitation", method, f"{organisation}/invitations/{others.invitation_id}/revoke", {})
            for method in ("GET", "POST")
        ),
        ("organisation.edit_details", "GET", f"/organisation/{others.organisation_id}/edit", {}),
        (
            "organisation.edit_details",
            "POST",
            f"/organisation/{others.organisation_id}/edit",
            {"version": "1", "street": "Fremde Straße 1", "postal_code": "34117", "place_id": "1"},
        ),
        ("organisation.new_request", "GET", f"/organisation/{others.organisation_id}/requests/new", {}),
        ("organisation.new_request", "POST", f"/organisation/{others.organisation_id}/requests/new", request_form),
        ("organisation.request", "GET", f"/organisation/requests/{others.request_id}", {}),
        ("organisation.edit_request", "GET", f"/organisation/requests/{others.request_id}/edit", {}),
        ("organisation.edit_request", "POST", f"/organisation/requests/{others.request_id}/edit", request_form),
        ("organisation.cancel_request", "POST", f"/organisation/requests/{others.request_id}/cancel", {"reason": "x"}),
        ("organisation.confirm_assignment", "POST", f"/organisation/assignments/{others.assignment_id}/confirm", {}),
        *(
            (
                "organisation.dispute_assignment",
                method,
                f"/organisation/assignments/{others.assignment_id}/dispute",
                {"reason": "Nie passiert"},
            )
            for method in ("GET", "POST")
        ),
        ("coordinator.import_preview", "GET", f"/coordinator/volunteers/import/{others.import_id}", {}),
        ("coordinator.import_confirm", "POST", f"/coordinator/volunteers/import/{others.import_id}", {}),
    ]


def test_every_route_with_another_persons_record_is_a_404_and_changes_nothing(ctx, app, client, other_client, login):
    others = _others()
    login(client, _intruder())
    login(other_client, _intruder(coordinator=True))
    tokens = {
        client: csrf_token(client, "/volunteer/availability"),
        other_client: csrf_token(other_client, "/coordinator/"),
    }
    for endpoint, method, path, data in _attempts(others):
        intruder = other_client if endpoint.startswith("coordinator.") else client
        payload = {**data, "csrf_token": tokens[intruder]} if method == "POST" else None
        response = intruder.open(path, method=method, data=payload)
        assert response.status_code == 404, (endpoint, method, response.status_code)
        page = response.get_data(as_text=True)
        assert "removed" not in page and "entfernt" not in page, endpoint
        _unchanged(others)
    # Nothing was said to have happened on the next page either.
    assert "flash--success" not in client.get("/volunteer/availability").get_data(as_text=True)


def test_the_walk_covers_every_owned_record_route(ctx, app):
    """A new route in the volunteers' or organisations' areas that takes an id must be walked above."""
    walked = {endpoint for endpoint, *_ in _attempts(Others(1, 1, 1, 1, 1, 1, 1, 1, 1))}
    owned = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("volunteer", "organisation")
        and any(isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments)
    }
    # A declaration version is the centre's text, not a volunteer's record; the hours pages take
    # a year and a month of the signed-in volunteer's own hours, never anyone else's.
    assert owned - walked == {"volunteer.sign_declaration", "volunteer.hours_of_year", "volunteer.hour_sheet"}


def _unknown_id_url(app, rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = 2**31 - 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "sample"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_ids_are_404_everywhere(ctx, app, client, login, method):
    login(client, _intruder(coordinator=True))
    token = csrf_token(client, "/volunteer/availability")
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods
        and any(isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments)
    ]
    assert len(rules) > 10
    for rule in rules:
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(_unknown_id_url(app, rule), method=method, data=data)
        assert response.status_code == 404, (rule.endpoint, response.status_code)


def test_a_volunteer_removes_their_own_absence(ctx, client, login):
    account = factories.volunteer()
    absence = Absence(profile_id=account.profile.id, starts_on=today() + timedelta(days=3), ends_on=today())
    absence.ends_on = absence.starts_on
    db.session.add(absence)
    db.session.commit()
    absence_id = absence.id
    login(client, account)
    response = client.post(
        f"/volunteer/absences/{absence_id}/remove",
        data={"csrf_token": csrf_token(client, "/volunteer/availability")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "flash--success" in response.get_data(as_text=True)
    assert db.session.get(Absence, absence_id) is None
