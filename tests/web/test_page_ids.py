"""Every page, for every role, with the demo data: ids are unique, and every `label[for]`,
`aria-describedby`, `aria-labelledby`, `aria-controls` and in-page link points to an id on
the page. The walk follows the app's own GET routes with real ids, so a new page is checked
without being listed here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import (
    Declaration,
    Offer,
    Organisation,
    QualificationType,
    Requirement,
    SupportRequest,
    TokenPurpose,
    User,
    VolunteerProfile,
)
from volunteers.models.enums import OfferState

#: The accounts whose pages are walked; a visitor walks too.
ROLES = {
    "coordinator": "koordination@wir-vielfalt.example",
    "coordinator (English)": "jonas.becker@wir-vielfalt.example",
    "volunteer": "amina.haddad@wir-vielfalt.example",
    "volunteer with an offer": "jean.mukendi@wir-vielfalt.example",
    "volunteer and organisation admin": "samir.nasser@wir-vielfalt.example",
    "organisation member": "lina.mahmoud@wir-vielfalt.example",
    "organisation awaiting approval": "mariia.bondar@wir-vielfalt.example",
}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.references: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"])
        if tag == "label" and values.get("for"):
            self.references.append(("label[for]", values["for"]))
        for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for target in (values.get(attribute) or "").split():
                self.references.append((attribute, target))
        href = values.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.references.append(("href", href[1:]))

    handle_startendtag = handle_starttag


def id_problems(page: str) -> list[str]:
    """Duplicate ids and references to ids that are not on the page."""
    parser = _References()
    parser.feed(page)
    problems = [f"id {name!r} appears {count} times" for name, count in Counter(parser.ids).items() if count > 1]
    known = set(parser.ids)
    # `#main` is the skip link's target; it is on every page.
    problems += [f"{kind} points to missing id {target!r}" for kind, target in parser.references if target not in known]
    return problems


def _real_values() -> dict[str, list]:
    """Every id of the demo data each URL argument can take."""

    def ids(model) -> list[int]:
        return list(db.session.scalars(select(model.id).order_by(model.id)))

    from volunteers.models import NOTE_MODELS, Language, Qualification

    return {
        "code": list(db.session.scalars(select(Language.code).order_by(Language.code))),
        "note_id": sorted({note_id for model in NOTE_MODELS.values() for note_id in ids(model)}),
        "profile_id": ids(VolunteerProfile),
        "organisation_id": ids(Organisation),
        "request_id": ids(SupportRequest),
        "type_id": ids(QualificationType),
        "declaration_id": ids(Declaration),
        "qualification_id": ids(Qualification),
        "offer_id": ids(Offer),
        "user_id": ids(User),
    }


def _tokens() -> dict[str, str]:
    """Live mail-link tokens, so the pages behind them are walked too."""
    from volunteers.services import tokens

    someone = db.session.scalar(select(User).where(User.email == "farid.sultani@wir-vielfalt.example"))
    offered = db.session.scalar(select(Offer).where(Offer.state == OfferState.OFFERED).order_by(Offer.id))
    assert someone is not None and offered is not None
    made = {
        "public.offer_response": tokens.issue(TokenPurpose.OFFER_RESPONSE, offer=offered),
        "auth.reset_password": tokens.issue(TokenPurpose.RESET_PASSWORD, user=someone),
        "auth.confirm_email": tokens.issue(TokenPurpose.CONFIRM_EMAIL, user=someone),
        "auth.confirm_email_change": tokens.issue(
            TokenPurpose.CHANGE_EMAIL, user=someone, new_email="farid.new@wir-vielfalt.example"
        ),
    }
    db.session.commit()
    return made


def _urls(app, rule: Rule, values: dict[str, list], tokens: dict[str, str]) -> list[str]:
    """The URLs of one GET route with real values (every id of the demo data)."""
    if rule.endpoint == "static":
        return []
    combinations: list[dict] = [{}]
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if isinstance(converter, IntegerConverter):
            choices = values.get(argument, [])
        elif isinstance(converter, AnyConverter):
            choices = sorted(converter.items)
        elif argument == "token" and rule.endpoint in tokens:
            choices = [tokens[rule.endpoint]]
        elif argument in values:
            choices = values[argument]
        elif (argument, rule.endpoint) in {
            ("area", "coordinator.edit_requirement"),
            ("kind", "coordinator.edit_requirement"),
        }:
            continue
        else:
            return []
        combinations = [{**c, argument: choice} for c in combinations for choice in choices]
    if rule.endpoint == "coordinator.edit_requirement":
        pairs = db.session.execute(select(Requirement.area, Requirement.kind)).all()
        combinations = [{"area": area.value, "kind": kind.value} for area, kind in pairs]
    with app.test_request_context():
        return [url_for(rule.endpoint, **c) for c in combinations]


def every_page(app, client) -> Iterator[tuple[str, str]]:
    """(url, text) of every HTML page the client may open: each GET route with every id of the
    data in the database (run `seed_demo` first), and the pages behind live mail links."""
    values = _real_values()
    tokens = _tokens()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        for url in _urls(app, rule, values, tokens):
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                yield url, response.get_data(as_text=True)


def _walk(app, client) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    visited = 0
    for url, page in every_page(app, client):
        visited += 1
        problems = id_problems(page)
        if problems:
            found[url] = problems
    return found | ({"(nothing)": ["no page rendered"]} if visited == 0 else {})


@pytest.fixture
def demo(app, ctx):
    seed_demo()
    db.session.commit()


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_page_has_unique_ids_and_every_reference_resolves(app, demo, client, login, role):
    if role is not None:
        user = db.session.scalar(select(User).where(User.email == ROLES[role]))
        login(client, user, DEMO_PASSWORD)
    assert _walk(app, client) == {}


def test_the_volunteer_page_with_errors_in_each_form_keeps_ids_unique(app, ctx, client, login):
    """The status and exclusion forms both have a reason: each error links to its own field."""
    from tests import factories
    from tests.conftest import submit

    person = factories.volunteer(locale="en")
    factories.organisation()
    login(client, factories.coordinator())
    page = f"/coordinator/volunteers/{person.profile.id}"
    status = submit(client, f"{page}/status", {"status-to_status": "active", "status-reason": ""}, page=page)
    exclusion = submit(client, f"{page}/exclusions", {"exclusion-reason": ""}, page=page)
    for response in (status, exclusion):
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert id_problems(text) == []
    assert 'href="#status-reason"' in status.get_data(as_text=True)
    assert '<label for="status-reason">' in status.get_data(as_text=True)
    assert 'href="#exclusion-organisation_id"' in exclusion.get_data(as_text=True)
