"""A form sent after the inactivity timeout (a coordinator who spent 31 minutes on a long
request) is not done, and not lost: what was typed is kept on the server for the same person
for an hour, and after the login the form opens filled in, to check and send again. Nothing
of it travels in a URL, a forged submission keeps nothing, and nothing is done without the
new login and a new press of the button."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from urllib.parse import unquote

from sqlalchemy import func, select

from tests import factories
from tests.conftest import form_tokens, submit
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import KeptForm, Offer, SupportRequest

ENGLISH = {"Accept-Language": "en"}
NEW_REQUEST = "/coordinator/requests/new"


def _idle(app, client) -> None:
    """The last request was longer ago than a coordinator's inactivity timeout."""
    minutes = app.config["COORDINATOR_SESSION_IDLE_MINUTES"] + 1
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - minutes * 60


def _requests() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(SupportRequest.id)))


def _kept() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(KeptForm.id)))


def _log_in(client, user, next_path: str):
    return submit(
        client,
        f"/login?next={next_path}",
        {"email": user.email, "password": factories.PASSWORD, "next": next_path},
        headers=ENGLISH,
    )


def _typed_request(client, organisation) -> dict:
    """The form as the coordinator filled it in, with the tokens of the page it came from."""
    return {
        **form_tokens(client, NEW_REQUEST),
        **factories.request_form(client_reference="KS-LONG-31", meeting_point="Klinikum, Haus 4"),
        "organisation_id": str(organisation.id),
    }


def test_a_request_sent_after_the_timeout_comes_back_filled_in_after_the_login(ctx, app, client):
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    assert _log_in(client, coordinator, "/coordinator/").status_code == 302
    typed = _typed_request(client, organisation)
    _idle(app, client)

    sent = client.post(NEW_REQUEST, data=typed, headers=ENGLISH)
    assert sent.status_code == 302
    location = unquote(sent.headers["Location"])
    assert location == f"/login?next={NEW_REQUEST}"  # the way back, and nothing typed in the URL
    assert _requests() == 0 and _kept() == 1  # nothing done, the entries kept
    login_page = client.get(sent.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "no activity for" in login_page
    assert "What you typed has not been saved yet" in login_page
    assert "KS-LONG-31" not in login_page

    back = _log_in(client, coordinator, NEW_REQUEST)
    assert back.status_code == 302 and back.headers["Location"] == NEW_REQUEST
    form = client.get(NEW_REQUEST, headers=ENGLISH)
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'value="KS-LONG-31"' in page and 'value="Klinikum, Haus 4"' in page
    assert "Check them and send the form again" in page
    assert 'class="error-summary"' not in page  # shown as typed, not yet checked
    assert _requests() == 0 and _kept() == 0  # used once, and still nothing done

    again = client.get(NEW_REQUEST).get_data(as_text=True)
    assert 'value="KS-LONG-31"' not in again  # only once
    resent = submit(client, NEW_REQUEST, {**typed, "csrf_token": form_tokens(client, NEW_REQUEST)["csrf_token"]})
    assert resent.status_code == 302 and _requests() == 1


def test_only_the_same_person_gets_the_entries_back(ctx, app, client):
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    colleague = factories.coordinator(locale="en")
    _log_in(client, coordinator, "/coordinator/")
    typed = _typed_request(client, organisation)
    _idle(app, client)
    client.post(NEW_REQUEST, data=typed)

    # Someone else logs in on the same computer: an empty form, and the browser gives the
    # entries up (the server deletes them at the end of their hour).
    assert _log_in(client, colleague, NEW_REQUEST).status_code == 302
    assert 'value="KS-LONG-31"' not in client.get(NEW_REQUEST).get_data(as_text=True)
    submit(client, "/logout", page="/coordinator/")
    assert _log_in(client, coordinator, NEW_REQUEST).status_code == 302
    assert 'value="KS-LONG-31"' not in client.get(NEW_REQUEST).get_data(as_text=True)

    # Nor does a handle copied from the session open them for another account.
    other = app.test_client()
    _log_in(other, coordinator, "/coordinator/")
    typed = _typed_request(other, organisation)
    _idle(app, other)
    other.post(NEW_REQUEST, data=typed)
    with other.session_transaction() as session:
        stolen = dict(session["kept_form"])
    submit(client, "/logout", page="/coordinator/")
    _log_in(client, colleague, "/coordinator/")
    with client.session_transaction() as session:
        session["kept_form"] = {**stolen, "user": colleague.id}
    assert 'value="KS-LONG-31"' not in client.get(NEW_REQUEST).get_data(as_text=True)
    assert _kept() == 1


def test_a_forged_submission_after_the_timeout_keeps_nothing(ctx, app, client):
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    _log_in(client, coordinator, "/coordinator/")
    typed = {**_typed_request(client, organisation), "csrf_token": "forged"}
    _idle(app, client)
    sent = client.post(NEW_REQUEST, data=typed, headers=ENGLISH)
    assert sent.status_code == 302 and _kept() == 0 and _requests() == 0
    assert "has not been saved" in client.get(sent.headers["Location"], headers=ENGLISH).get_data(as_text=True)


def test_a_form_sent_from_another_page_returns_to_that_page(ctx, app, client):
    """The note form posts to its own address; the entries come back on the record's page."""
    _staff, organisation = factories.organisation_user()
    record = factories.support_request(organisation)
    coordinator = factories.coordinator(locale="en")
    _log_in(client, coordinator, "/coordinator/")
    page = f"/coordinator/requests/{record.id}"
    typed = {**form_tokens(client, page), "note-body": "Called the organisation back at noon"}
    _idle(app, client)
    sent = client.post(f"{page}/notes", data=typed, headers={"Referer": f"http://localhost{page}", **ENGLISH})
    assert unquote(sent.headers["Location"]) == f"/login?next={page}"
    assert _log_in(client, coordinator, page).headers["Location"] == page
    assert "Called the organisation back at noon" in client.get(page).get_data(as_text=True)


def test_the_login_pages_and_files_are_never_kept(ctx, app, client):
    coordinator = factories.coordinator(locale="en")
    _log_in(client, coordinator, "/coordinator/")
    tokens = form_tokens(client, "/account/security")
    _idle(app, client)
    sent = client.post(
        "/account/email",
        data={**tokens, "email-new_email": "x@example.org", "email-current_password": factories.PASSWORD},
    )
    assert sent.status_code == 302 and _kept() == 0


def test_kept_entries_last_an_hour(ctx, app, client):
    from volunteers.jobs import purge_expired
    from volunteers.services.kept_forms import KEEP_FOR

    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    _log_in(client, coordinator, "/coordinator/")
    typed = _typed_request(client, organisation)
    _idle(app, client)
    client.post(NEW_REQUEST, data=typed)
    [kept] = db.session.scalars(select(KeptForm)).all()
    assert kept.expires_at - kept.created_at == KEEP_FOR == timedelta(hours=1)
    kept.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    _log_in(client, coordinator, NEW_REQUEST)
    assert 'value="KS-LONG-31"' not in client.get(NEW_REQUEST).get_data(as_text=True)
    purge_expired(utcnow())
    db.session.commit()
    assert _kept() == 0


def test_the_shortlist_of_candidates_comes_back_ticked(ctx, app, client):
    _staff, organisation = factories.organisation_user()
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, 2))
    person = factories.available_volunteer(place_name="Kassel")
    coordinator = factories.coordinator(locale="en")
    _log_in(client, coordinator, "/coordinator/")
    page = f"/coordinator/requests/{record.id}"
    typed = {**form_tokens(client, page), "profile_ids": str(person.profile.id)}
    _idle(app, client)
    sent = client.post(f"{page}/offers", data=typed, headers={"Referer": f"http://localhost{page}"})
    assert unquote(sent.headers["Location"]) == f"/login?next={page}"
    _log_in(client, coordinator, page)
    shown = client.get(page).get_data(as_text=True)
    assert f'id="candidate-{person.profile.id}" checked' in shown
    assert db.session.scalar(select(func.count(Offer.id))) == 0  # nobody was asked


def test_a_file_is_not_kept_and_the_page_says_so(ctx, app, client):
    volunteer = factories.volunteer(locale="en")
    _log_in(client, volunteer, "/volunteer/")
    page = "/volunteer/trainings/new"
    typed = {**form_tokens(client, page), "provider": "VHS Baunatal", "completed_on": "2026-03-02"}
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - (app.config["SESSION_IDLE_MINUTES"] + 1) * 60
    typed["proof"] = (io.BytesIO(b"%PDF-1.4 certificate"), "certificate.pdf")
    sent = client.post(page, data=typed, content_type="multipart/form-data")
    assert unquote(sent.headers["Location"]) == f"/login?next={page}"
    [kept] = db.session.scalars(select(KeptForm)).all()
    assert kept.files_left_out and "PDF" not in kept.fields and "certificate" not in kept.fields
    _log_in(client, volunteer, page)
    shown = client.get(page, headers=ENGLISH).get_data(as_text=True)
    assert 'value="VHS Baunatal"' in shown and "choose the file again" in shown


def test_every_form_of_the_app_can_be_given_back(app):
    """Each form class derives from web/forms.Form, whose forms open with kept entries (the
    app has imported every form module)."""
    from flask_wtf import FlaskForm

    from volunteers.web.pages.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("volunteers.")]
    assert len(ours) > 30
    assert [f"{cls.__module__}.{cls.__qualname__}" for cls in ours if not issubclass(cls, Form)] == []


def test_logging_out_after_the_timeout_only_says_why(ctx, app, client):
    _log_in(client, factories.coordinator(locale="en"), "/coordinator/")
    tokens = form_tokens(client, "/coordinator/")
    _idle(app, client)
    sent = client.post("/logout", data=tokens, headers=ENGLISH)
    page = client.get(sent.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "no activity for" in page and "not been saved" not in page and _kept() == 0
