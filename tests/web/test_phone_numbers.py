"""Phone numbers are checked wherever they are typed (German by default), stored in E.164 and
shown as people write them: German numbers nationally, others internationally."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.web.test_volunteer_profile import _profile_data
from volunteers.extensions import db
from volunteers.models import User, VolunteerProfile
from volunteers.phones import display, normalise

BAD = ["abc 🙂", "0561 1", "ruf mich an", "+49 561 ABCDEF", "=1+2", "0" * 41]


@pytest.mark.parametrize("typed", BAD)
def test_a_volunteer_cannot_save_something_that_is_no_phone_number(ctx, client, login, typed):
    account = factories.volunteer()
    login(client, account)
    response = submit(client, "/volunteer/profile", _profile_data(account.profile, phone=typed, given_name="Amira"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="phone-error"' in page and "0561 1234567" in page  # says what to type
    assert 'value="Amira"' in page  # nothing typed is lost
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, account.profile.id).phone is None


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0561 / 12 34 56", "+49561123456", "0561 123456"),
        ("+49 (0)170 1234567", "+491701234567", "0170 1234567"),
        ("0043 1 234567", "+431234567", "+43 1 234567"),
    ],
)
def test_a_number_is_stored_in_e164_and_shown_as_people_write_it(
    ctx, client, other_client, login, typed, stored, shown
):
    account = factories.volunteer()
    login(client, account)
    assert submit(client, "/volunteer/profile", _profile_data(account.profile, phone=typed)).status_code == 302
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, account.profile.id).phone == stored
    assert f'value="{shown}"' in client.get("/volunteer/profile").get_data(as_text=True)

    login(other_client, factories.coordinator())
    page = other_client.get(f"/coordinator/volunteers/{account.profile.id}").get_data(as_text=True)
    assert f'<a href="tel:{stored}">{shown}</a>' in page
    export = other_client.get("/coordinator/volunteers.csv").data.decode("utf-8-sig")
    [row] = list(csv.reader(io.StringIO(export), delimiter=";"))[1:]
    assert row[3] in (shown, "'" + shown)  # an international "+" is kept from starting a formula


def test_the_coordinators_forms_check_the_number_too(ctx, client, login):
    account = factories.volunteer()
    login(client, factories.coordinator())
    edit = submit(
        client,
        f"/coordinator/volunteers/{account.profile.id}/edit",
        _profile_data(account.profile, phone="abc 🙂"),
    )
    assert edit.status_code == 400 and 'id="phone-error"' in edit.get_data(as_text=True)
    new = submit(
        client,
        "/coordinator/volunteers/new",
        {"given_name": "Ali", "family_name": "Paper", "email": "", "phone": "abc 🙂", "locale": "de"},
    )
    page = new.get_data(as_text=True)
    assert new.status_code == 400 and 'id="phone-error"' in page and 'value="Paper"' in page
    assert db.session.scalar(select(User).where(User.family_name == "Paper")) is None
    ok = submit(
        client,
        "/coordinator/volunteers/new",
        {"given_name": "Ali", "family_name": "Paper", "email": "", "phone": "0561 7654321", "locale": "de"},
    )
    assert ok.status_code == 302
    assert db.session.scalar(select(User).where(User.family_name == "Paper")).profile.phone == "+495617654321"


def test_an_old_unchecked_value_is_shown_as_it_is_and_marked(ctx, client, login):
    account = factories.volunteer()
    account.profile.phone = "abc 🙂"  # kept by the migration: it was saved before numbers were checked
    db.session.commit()
    login(client, factories.coordinator(locale="en"))
    page = client.get(f"/coordinator/volunteers/{account.profile.id}").get_data(as_text=True)
    assert "abc 🙂" in page and "not a valid phone number" in page and 'href="tel:' not in page


def test_the_pure_rules():
    assert normalise("0561 123456") == "+49561123456"
    assert display("+49561123456") == "0561 123456"
    assert display("+431234567") == "+43 1 234567"
    assert display("abc") == "abc" and display(None) == ""
