"""Deny by default: every endpoint not listed as public sends a visitor to the login, each
role's area is closed to the other roles, and other organisations' records are 404."""

from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from tests import factories
from volunteers.models import OrganisationStatus
from volunteers.web.security.access import PUBLIC_ENDPOINTS


def _sample_url(app, rule: Rule) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if isinstance(converter, IntegerConverter):
            values[argument] = 1
        elif isinstance(converter, AnyConverter):
            values[argument] = sorted(converter.items)[0]
        else:
            values[argument] = "sample-value"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _closed_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS]


def test_every_closed_endpoint_sends_a_visitor_to_the_login(app, client):
    closed = _closed_rules(app)
    assert len(closed) > 15
    for rule in closed:
        url = _sample_url(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # A visitor without a session is sent to log in, whatever the method, before
            # CSRF is even checked.
            response = client.open(url, method=method)
            assert response.status_code == 302, (rule.endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/login?next="), rule.endpoint


def test_public_endpoints_exist_and_open_without_login(app, client):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS
    for path in [
        "/",
        "/login",
        "/register",
        "/register/volunteer",
        "/register/organisation",
        "/privacy",
        "/accessibility",
        "/password/forgot",
        "/registered",
        "/healthz",
    ]:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("make_user", "forbidden"),
    [
        ("volunteer", ["/coordinator/", "/coordinator/outbox", "/coordinator/accounts", "/organisation/"]),
        ("organisation", ["/coordinator/", "/coordinator/organisations", "/volunteer/"]),
        ("coordinator", ["/volunteer/", "/organisation/"]),
    ],
)
def test_each_area_is_open_only_to_its_role(ctx, client, login, make_user, forbidden):
    if make_user == "organisation":
        user, _ = factories.organisation_user()
    else:
        user = getattr(factories, make_user)()
    login(client, user)
    for path in forbidden:
        assert client.get(path).status_code == 403, path


def test_a_person_with_several_roles_opens_each_area(ctx, client, login):
    person = factories.volunteer()
    factories.organisation(admin=person)
    login(client, person)
    assert client.get("/volunteer/").status_code == 200
    assert client.get("/organisation/").status_code == 200
    assert client.get("/coordinator/").status_code == 403


def test_another_organisations_page_is_404(ctx, client, login):
    mine_admin, mine = factories.organisation_user()
    _, theirs = factories.organisation_user(status=OrganisationStatus.PENDING)
    login(client, mine_admin)
    assert client.get(f"/organisation/{mine.id}").status_code == 200
    assert client.get(f"/organisation/{theirs.id}").status_code == 404
    assert client.get("/organisation/999999").status_code == 404


def test_unknown_ids_are_404_for_coordinators(ctx, client, login):
    login(client, factories.coordinator())
    assert client.get("/coordinator/organisations/424242").status_code == 404
