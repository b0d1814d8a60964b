"""A password made of the person's own name (typed in the same form) and a year is refused."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import submit
from tests.pages import visible_text
from tests.web.test_registration import VOLUNTEER
from volunteers.extensions import db
from volunteers.models import User


def test_the_own_name_and_a_year_is_refused_at_registration(ctx, client):
    data = {
        **VOLUNTEER,
        "given_name": "Nadia",
        "family_name": "Karimi",
        "email": "n.k@example.org",
        "password": "Nadia Karimi 2026",
        "password_repeat": "Nadia Karimi 2026",
        "locale": "en",
    }
    response = submit(client, "/register/volunteer", data, headers={"Accept-Language": "en"})
    assert response.status_code == 200  # the form again, with the error at the password
    page = visible_text(response.get_data(as_text=True))
    assert "Your own name or address does not make a password harder to guess." in page
    assert db.session.scalar(select(User)) is None


def test_unrelated_words_with_the_name_elsewhere_pass(ctx, client):
    data = {**VOLUNTEER, "given_name": "Nadia", "family_name": "Karimi", "password": "Tulpe Fahrrad Wolke"}
    data["password_repeat"] = data["password"]
    assert submit(client, "/register/volunteer", data).status_code == 302
