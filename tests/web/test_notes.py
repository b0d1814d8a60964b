"""Coordinators' internal notes on a volunteer, an organisation and a request: added with
author and time, changed only by their author, deleted after a confirmation, a page at a
time, in the audit log, and never shown to volunteers or organisations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, submit
from volunteers.extensions import db
from volunteers.models import AuditEvent, OrganisationNote, RequestNote, SupportRequest, VolunteerNote


def _records():
    staff, organisation = factories.organisation_user(locale="en")
    person = factories.volunteer(locale="en")
    record = factories.support_request(organisation)
    return staff, person, organisation, record


def _pages(person, organisation, record) -> dict[str, str]:
    return {
        "volunteer": f"/coordinator/volunteers/{person.profile.id}",
        "organisation": f"/coordinator/organisations/{organisation.id}",
        "request": f"/coordinator/requests/{record.id}",
    }


def _notes_section(page: str) -> str:
    return page.split('id="notes"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("kind", ["volunteer", "organisation", "request"])
def test_a_coordinator_adds_a_note_shown_with_author_and_time(ctx, client, login, kind):
    _staff, person, organisation, record = _records()
    author = factories.coordinator(given_name="Miriam", family_name="Schäfer", locale="en")
    login(client, author)
    page = _pages(person, organisation, record)[kind]
    empty = client.get(page).get_data(as_text=True)
    assert "No notes yet." in _notes_section(empty)
    assert "no health details" in _notes_section(empty)

    response = submit(client, f"{page}/notes", {"note-body": "  Prefers to be called after 4 pm.  "}, page=page)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{page}#notes"
    section = _notes_section(client.get(page).get_data(as_text=True))
    assert "Prefers to be called after 4 pm." in section
    assert "Miriam Schäfer" in section and "<time datetime=" in section
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "note.added"))
    assert event.actor_id == author.id and event.details["kind"] == kind
    assert "Prefers" not in str(event.details)  # ids only, never the text


def test_the_volunteers_history_shows_that_a_note_was_added(ctx, client, login):
    person = factories.volunteer(locale="en")
    login(client, factories.coordinator(locale="en"))
    page = f"/coordinator/volunteers/{person.profile.id}"
    submit(client, f"{page}/notes", {"note-body": "Called back."}, page=page)
    history = client.get(page).get_data(as_text=True).split('id="history"', 1)[1]
    assert "Note added" in history


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write the note."), ("x" * 2001, "Use at most 2000 characters.")],
)
def test_an_empty_or_too_long_note_is_an_error_at_the_field_and_the_text_stays(ctx, client, login, body, message):
    _staff, person, organisation, record = _records()
    login(client, factories.coordinator(locale="en"))
    for page in _pages(person, organisation, record).values():
        response = submit(client, f"{page}/notes", {"note-body": body}, page=page)
        assert response.status_code == 400, page
        text = response.get_data(as_text=True)
        assert re.search(r'id="note-body-error"[^>]*>.*?' + re.escape(message), text, re.S), page
        assert 'href="#note-body"' in text
        if body.strip():
            assert body in text
    assert db.session.scalar(select(func.count(VolunteerNote.id))) == 0


def _add(client, page: str, body: str) -> None:
    assert submit(client, f"{page}/notes", {"note-body": body}, page=page).status_code == 302


def test_only_the_author_changes_a_note_and_a_stale_edit_says_so(ctx, app, client, other_client, login):
    _staff, person, organisation, record = _records()
    author = factories.coordinator(locale="en")
    colleague = factories.coordinator(locale="en")
    login(client, author)
    login(other_client, colleague)
    page = _pages(person, organisation, record)["organisation"]
    _add(client, page, "First contact: the chair, Mr K.")
    note = db.session.scalar(select(OrganisationNote))
    edit = f"/coordinator/notes/organisation/{note.id}/edit"

    # The colleague sees no link and cannot open or post the form.
    assert f'href="{edit}"' not in other_client.get(page).get_data(as_text=True)
    assert other_client.get(edit).status_code == 404
    token = csrf_token(other_client, page)
    assert other_client.post(edit, data={"csrf_token": token, "note-body": "hijacked"}).status_code == 404

    # Two tabs of the author: the second save is refused, with the text kept.
    assert f'href="{edit}"' in client.get(page).get_data(as_text=True)
    first_tab = client.get(edit).get_data(as_text=True)
    version = re.search(r'name="note-version" type="hidden" value="(\d+)"', first_tab).group(1)
    assert submit(client, edit, {"note-body": "First contact: the chair.", "note-version": version}).status_code == 302
    stale = submit(client, edit, {"note-body": "Another wording", "note-version": version})
    assert stale.status_code == 400
    assert "changed in the meantime" in stale.get_data(as_text=True)
    assert "Another wording" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OrganisationNote, note.id).body == "First contact: the chair."
    assert db.session.get(OrganisationNote, note.id).edited_at is not None
    assert "changed" in _notes_section(client.get(page).get_data(as_text=True))
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "note.edited")) == 1


def test_deleting_asks_first_and_any_coordinator_may(ctx, client, other_client, login):
    _staff, person, organisation, record = _records()
    login(client, factories.coordinator(locale="en"))
    login(other_client, factories.coordinator(locale="en"))
    page = _pages(person, organisation, record)["request"]
    _add(client, page, "Wrote health details here by mistake")
    note_id = db.session.scalar(select(RequestNote.id))
    delete = f"/coordinator/notes/request/{note_id}/delete"
    question = other_client.get(delete)
    assert question.status_code == 200
    assert "Wrote health details here by mistake" in question.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RequestNote.id))) == 1  # opening the page deletes nothing
    done = submit(other_client, delete)
    assert done.status_code == 302 and done.headers["Location"] == f"{page}#notes"
    assert db.session.scalar(select(func.count(RequestNote.id))) == 0
    assert "No notes yet." in client.get(page).get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "note.deleted"))
    assert event.details == {"kind": "request", "note_id": note_id, "request_id": record.id}


def test_unknown_notes_are_404(ctx, client, login):
    login(client, factories.coordinator())
    for path in ("/coordinator/notes/volunteer/999/edit", "/coordinator/notes/request/999/delete"):
        assert client.get(path).status_code == 404
    assert client.get("/coordinator/notes/user/1/delete").status_code == 404
    page = "/coordinator/requests"
    assert submit(client, "/coordinator/volunteers/999/notes", {"note-body": "x"}, page=page).status_code == 404
    assert submit(client, "/coordinator/organisations/999/notes", {"note-body": "x"}, page=page).status_code == 404


def test_notes_come_a_page_at_a_time_in_a_fixed_number_of_queries(ctx, client, login, count_queries):
    _staff, person, organisation, record = _records()
    author = factories.coordinator(locale="en")
    login(client, author)
    page = _pages(person, organisation, record)["volunteer"]

    def add(count: int) -> None:
        for number in range(count):
            db.session.add(VolunteerNote(profile_id=person.profile.id, body=f"note number {number}", author=author))
        db.session.commit()

    add(2)
    with count_queries() as few:
        client.get(page)
    add(11)
    with count_queries() as many:
        text = client.get(page).get_data(as_text=True)
    assert len(few) == len(many)
    assert _notes_section(text).count('class="note"') == 10
    assert f"{page}?notes_page=2#notes" in text
    second = client.get(f"{page}?notes_page=2").get_data(as_text=True)
    assert _notes_section(second).count('class="note"') == 3


def test_volunteers_and_organisations_never_see_a_note(app, ctx, client, login, deliver, smtp_server):
    from tests import walk_data
    from tests.walk import walk

    world = walk_data.build()
    coordinator = factories.coordinator()
    login(client, coordinator)
    samir = walk_data.person("samir.nasser")
    organisation = samir.memberships[0].organisation
    record = db.session.scalar(select(SupportRequest).where(SupportRequest.organisation_id == organisation.id))
    marker = "NOTE-MARKER-7f3a"
    for page in _pages(samir, organisation, record).values():
        _add(client, page, f"{marker} internal")
    deliver()

    for role, email in (
        ("volunteer and organisation admin", "samir.nasser@wir-vielfalt.example"),
        ("organisation member", "lina.mahmoud@wir-vielfalt.example"),
    ):
        seen = 0
        for visit in walk(app, world, role):
            seen += 1
            assert marker not in visit.html, visit.how
        assert seen > 20
        assert all(marker not in str(mail) for mail in smtp_server.to(email))
