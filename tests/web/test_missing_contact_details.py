"""A person the centre recorded without an email address shows '–' where the address would be,
never 'None'."""

from __future__ import annotations

import re

from tests import factories
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.models import User


def _recorded_without_address() -> User:
    person = User(
        email=None,
        given_name="Fatima",
        family_name="Rahimi",
        password_hash=None,
        locale="de",
        session_version=1,
        active=True,
        is_coordinator=False,
        is_volunteer=True,
    )
    db.session.add(person)
    db.session.commit()
    return person


def test_accounts_show_a_dash_and_the_account_state_for_a_person_without_an_address(app, ctx, client, login):
    coordinator = factories.coordinator(locale="en")
    _recorded_without_address()
    login(client, coordinator)
    page = client.get("/coordinator/accounts?q=Rahimi").get_data(as_text=True)
    [row] = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "Rahimi" in row]
    text = visible_text(row)
    assert "None" not in text
    assert "–" in text
    assert "not taken over yet" in text
    assert "not confirmed" not in text
