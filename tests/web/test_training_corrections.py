"""Mistakes with trainings can be put right: a volunteer withdraws a training nobody has checked
yet (its proof goes with it), and a coordinator reopens a rejection with a reason the volunteer
reads in a mail; both are in the record's history."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import form_tokens, submit
from tests.smtp import body_text
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import AuditEvent, ProofFile, Qualification
from volunteers.models.enums import QualificationStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENGLISH = {"Accept-Language": "en"}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _log(client) -> Qualification:
    data = {
        **form_tokens(client, "/volunteer/trainings/new"),
        "qualification_type": str(factories.qualification_type("health-guide-gkv").id),
        "other_description": "",
        "provider": "AOK Hessen",
        "completed_on": (today() - timedelta(days=30)).isoformat(),
        "teaching_units": "36",
        "proof": (io.BytesIO(PDF), "zertifikat.pdf"),
    }
    assert client.post("/volunteer/trainings/new", data=data, content_type="multipart/form-data").status_code == 302
    return db.session.scalar(select(Qualification).order_by(Qualification.id.desc()))


def _actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_volunteer_withdraws_an_unchecked_training_with_its_proof_after_confirming(ctx, app, client, login):
    person = factories.volunteer(locale="en")
    login(client, person)
    training = _log(client)
    url = f"/volunteer/trainings/{training.id}/withdraw"
    home = client.get("/volunteer/").get_data(as_text=True)
    assert f'class="link--danger" href="{url}"' in home

    asked = client.get(url, headers=ENGLISH)
    assert asked.status_code == 200
    assert "Withdraw this training?" in _text(asked) and "deleted, with its proof" in _text(asked)
    assert db.session.scalar(select(func.count(ProofFile.id))) == 1

    assert submit(client, url).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Qualification.id))) == 0
    assert db.session.scalar(select(func.count(ProofFile.id))) == 0
    assert "qualification.withdrawn" in _actions()
    assert client.get(url).status_code == 404

    stranger = app.test_client()
    login(stranger, factories.volunteer())
    other = _log(client)
    assert stranger.get(f"/volunteer/trainings/{other.id}/withdraw").status_code == 404
    assert submit(stranger, f"/volunteer/trainings/{other.id}/withdraw", page="/volunteer/").status_code == 404
    assert db.session.get(Qualification, other.id) is not None


def test_a_checked_training_cannot_be_withdrawn(ctx, client, login):
    person = factories.volunteer(locale="en")
    login(client, person)
    training = _log(client)
    db.session.get(Qualification, training.id).status = QualificationStatus.VERIFIED
    db.session.commit()
    url = f"/volunteer/trainings/{training.id}/withdraw"
    assert f'href="{url}"' not in client.get("/volunteer/").get_data(as_text=True)
    response = submit(client, url, page="/volunteer/")
    assert response.status_code == 302
    assert "checked already" in _text(client.get(response.headers["Location"], headers=ENGLISH))
    assert db.session.get(Qualification, training.id) is not None


def test_a_coordinator_reopens_a_rejection_with_a_reason_and_the_volunteer_is_told(
    ctx, app, client, login, deliver, smtp_server
):
    person = factories.volunteer(locale="en")
    own = app.test_client()
    login(own, person)
    training = _log(own)
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    reject = f"/coordinator/trainings/{training.id}/reject"
    assert submit(client, reject, {"reason": "The certificate is unreadable."}).status_code == 302
    deliver()
    smtp_server.clear()

    url = f"/coordinator/trainings/{training.id}/reopen"
    record = f"/coordinator/volunteers/{person.profile.id}"
    assert f'href="{url}"' in client.get(record).get_data(as_text=True)
    asked = client.get(url, headers=ENGLISH)
    assert asked.status_code == 200 and "The certificate is unreadable." in _text(asked)
    assert 'class="button button--danger"' not in asked.get_data(as_text=True)  # undoing harm is safe
    assert submit(client, url, {"reason": ""}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.REJECTED

    assert submit(client, url, {"reason": "The original arrived by post; it is readable."}).status_code == 302
    db.session.expire_all()
    reopened = db.session.get(Qualification, training.id)
    assert reopened.status is QualificationStatus.PENDING
    assert reopened.reopen_reason == "The original arrived by post; it is readable."
    assert reopened.reopened_by_id == coordinator.id and reopened.decided_at is None
    assert "qualification.reopened" in _actions()
    assert "Training rejection reopened" in _text(client.get(record, headers=ENGLISH))
    deliver()
    [mail] = smtp_server.to(person.email)
    assert "The original arrived by post; it is readable." in body_text(mail)

    smtp_server.clear()
    verify = f"/coordinator/trainings/{training.id}/verify"
    assert submit(client, verify, page=record).status_code == 302
    deliver()
    [verified] = smtp_server.to(person.email)  # decided again: told again
    assert "verified" in verified["Subject"]
    assert submit(client, url, {"reason": "again"}, page=record).status_code == 302  # no longer rejected
    db.session.expire_all()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.VERIFIED
