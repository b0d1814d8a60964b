"""Organisations keep their own details up to date; coordinators see what changed, who changed
it and when; the name is the centre's to change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, submit
from volunteers.extensions import db
from volunteers.models import AuditEvent, Organisation, OrganisationChange


def _organisation():
    admin = factories.user(given_name="Selam", family_name="Gebre", locale="en")
    colleague = factories.user(given_name="Yonas", family_name="Tesfay", locale="en")
    organisation = factories.organisation(name="Eritreische Gemeinde e.V.", admin=admin, members=(colleague,))
    return admin, colleague, organisation


def _form(organisation, **changes) -> dict:
    data = {
        "version": str(organisation.version),
        "street": "Kasseler Straße 12",
        "postal_code": "34369",
        "place_id": str(factories.place("Hofgeismar").id),
        "contact_user_id": str(organisation.contact_user_id),
        "phone": "05671 123456",
        "email": "info@eritreische-gemeinde.example",
        "website": "www.eritreische-gemeinde.example",
        "description": "We support families from Eritrea in Tigrinya.",
    }
    data.update(changes)
    return data


def table_rows(page: str) -> list[list[str]]:
    """The text of each body row's cells, in the first table of `page`."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def _field_error(page: str, field: str) -> str | None:
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else None


def test_an_admin_changes_the_details_and_the_coordinator_sees_who_changed_what(ctx, client, other_client, login):
    admin, colleague, organisation = _organisation()
    login(client, admin)
    page = f"/organisation/{organisation.id}"
    assert f'href="{page}/edit"' in client.get(page).get_data(as_text=True)
    response = submit(
        client, f"{page}/edit", _form(organisation, contact_user_id=str(colleague.id)), page=f"{page}/edit"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    saved = db.session.get(Organisation, organisation.id)
    assert (saved.street, saved.postal_code, saved.place.name) == ("Kasseler Straße 12", "34369", "Hofgeismar")
    assert saved.contact_user_id == colleague.id
    assert saved.website == "https://www.eritreische-gemeinde.example"
    assert saved.phone == "+495671123456"  # stored in one form (E.164), shown as people write it
    shown = client.get(page).get_data(as_text=True)
    assert "Kasseler Straße 12" in shown and "Yonas Tesfay" in shown
    assert '<a href="tel:+495671123456">05671 123456</a>' in shown

    login(other_client, factories.coordinator(locale="en"))
    history = other_client.get(f"/coordinator/organisations/{organisation.id}").get_data(as_text=True)
    section = history.split('id="changes"', 1)[1]
    rows = {what: (before, after) for _when, _by, what, before, after in table_rows(section)}
    assert rows["Place"] == ("Baunatal", "Hofgeismar")
    assert rows["Contact person"] == ("Selam Gebre", "Yonas Tesfay")
    assert rows["Street and number"] == ("–", "Kasseler Straße 12")
    assert "Selam Gebre" in section  # who
    assert "<time datetime=" in section  # when
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "organisation.details_changed"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "3436", "Enter the five digits of the postal code."),
        ("phone", "call me", "Enter a phone number with digits only, for example 0561 1234567 or +43 1 234567."),
        ("email", "info@", "Enter an email address like name@example.org."),
        ("website", "javascript:alert(1)", "Enter a web address like www.example.org."),
        ("description", "x" * 1001, "Use at most 1000 characters."),
    ],
)
def test_bad_input_is_an_error_at_its_field_and_nothing_typed_is_lost(ctx, client, login, field, value, message):
    admin, _colleague, organisation = _organisation()
    login(client, admin)
    edit = f"/organisation/{organisation.id}/edit"
    response = submit(client, edit, _form(organisation, **{field: value}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _field_error(page, field) == f"Error: {message}"
    assert "Kasseler Straße 12" in page
    assert db.session.scalar(select(func.count(OrganisationChange.id))) == 0


def test_a_contact_person_must_be_a_member(ctx, client, login):
    admin, _colleague, organisation = _organisation()
    stranger = factories.user()
    login(client, admin)
    response = submit(
        client, f"/organisation/{organisation.id}/edit", _form(organisation, contact_user_id=str(stranger.id))
    )
    assert response.status_code == 400
    assert _field_error(response.get_data(as_text=True), "contact_user_id")


def test_only_the_organisations_admins_edit_others_get_404(ctx, client, other_client, login):
    _admin, colleague, organisation = _organisation()
    other_admin, other = factories.organisation_user()
    login(client, colleague)
    edit = f"/organisation/{organisation.id}/edit"
    assert client.get(edit).status_code == 403
    assert f'href="{edit}"' not in client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    token = csrf_token(client, f"/organisation/{organisation.id}")
    assert client.post(edit, data={**_form(organisation), "csrf_token": token}).status_code == 403
    login(other_client, other_admin)
    assert other_client.get(edit).status_code == 404
    token = csrf_token(other_client, f"/organisation/{other.id}")
    assert other_client.post(edit, data={**_form(organisation), "csrf_token": token}).status_code == 404
    assert other_client.get("/organisation/999999/edit").status_code == 404
    assert db.session.scalar(select(func.count(OrganisationChange.id))) == 0


def test_the_admin_cannot_change_the_name_but_a_coordinator_can(ctx, client, other_client, login):
    admin, _colleague, organisation = _organisation()
    login(client, admin)
    edit = f"/organisation/{organisation.id}/edit"
    assert 'name="name"' not in client.get(edit).get_data(as_text=True)
    assert submit(client, edit, _form(organisation, name="Renamed e.V.")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).name == "Eritreische Gemeinde e.V."

    factories.organisation(name="Taken e.V.")
    login(other_client, factories.coordinator(locale="en"))
    centre_edit = f"/coordinator/organisations/{organisation.id}/edit"
    organisation = db.session.get(Organisation, organisation.id)
    taken = submit(other_client, centre_edit, _form(organisation, name="  taken   E.V. "))
    assert taken.status_code == 400
    assert _field_error(taken.get_data(as_text=True), "name") == "Error: Another organisation already has this name."
    renamed = submit(other_client, centre_edit, _form(organisation, name="Eritreische Gemeinde Nordhessen e.V."))
    assert renamed.status_code == 302
    change = db.session.scalar(select(OrganisationChange).where(OrganisationChange.field == "name"))
    assert (change.old_value, change.new_value) == ("Eritreische Gemeinde e.V.", "Eritreische Gemeinde Nordhessen e.V.")


def test_a_stale_edit_says_so_and_keeps_what_was_typed(ctx, client, other_client, login):
    admin, _colleague, organisation = _organisation()
    login(client, admin)
    login(other_client, factories.coordinator(locale="en"))
    edit = f"/organisation/{organisation.id}/edit"
    first = _form(organisation, street="Erste Straße 1")
    assert (
        submit(
            other_client,
            f"/coordinator/organisations/{organisation.id}/edit",
            _form(organisation, name=organisation.name, phone="0561 10030"),
        ).status_code
        == 302
    )
    stale = submit(client, edit, first)
    assert stale.status_code == 400
    page = stale.get_data(as_text=True)
    assert "Someone changed these details in the meantime." in page
    assert "Erste Straße 1" in page


def test_the_history_comes_a_page_at_a_time(ctx, client, login, count_queries):
    admin, _colleague, organisation = _organisation()
    coordinator = factories.coordinator(locale="en")

    def changes(count: int) -> None:
        for number in range(count):
            db.session.add(
                OrganisationChange(
                    organisation_id=organisation.id, changed_by=admin, field="phone", new_value=str(number)
                )
            )
        db.session.commit()

    login(client, coordinator)
    page = f"/coordinator/organisations/{organisation.id}"
    changes(1)
    with count_queries() as few:
        client.get(page)
    changes(14)
    with count_queries() as many:
        text = client.get(page).get_data(as_text=True)
    assert len(few) == len(many)
    assert f"{page}?changes_page=2#changes" in text
