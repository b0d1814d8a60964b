"""Trainings with proofs, verified or rejected by coordinators; declarations signed."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, form_tokens
from tests.smtp import body_text
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import DeclarationSignature, DeclarationVersion, ProofFile, Qualification
from volunteers.models.enums import QualificationStatus
from volunteers.services.proofs import MAX_PROOF_BYTES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _log(client, proof=None, filename="zertifikat.pdf", **changes):
    data = {
        "qualification_type": str(factories.qualification_type("health-guide-gkv").id),
        "other_description": "",
        "provider": "AOK Hessen",
        "completed_on": (today() - timedelta(days=30)).isoformat(),
        "teaching_units": "36",
        **form_tokens(client, "/volunteer/trainings/new"),
    }
    data.update(changes)
    if proof is not None:
        data["proof"] = (io.BytesIO(proof), filename)
    return client.post("/volunteer/trainings/new", data=data, content_type="multipart/form-data")


def test_a_training_with_a_pdf_proof_waits_for_verification(ctx, client, login):
    account = factories.volunteer()
    login(client, account)
    response = _log(client, PDF)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    training = db.session.scalar(select(Qualification))
    assert training.status is QualificationStatus.PENDING and training.has_proof
    proof = db.session.scalar(select(ProofFile))
    assert proof.content_type == "application/pdf" and proof.data == PDF and proof.filename == "zertifikat.pdf"
    home = client.get("/volunteer/").get_data(as_text=True)
    assert f"/volunteer/trainings/{training.id}/proof" in home

    download = client.get(f"/volunteer/trainings/{training.id}/proof")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Type"] == "application/pdf"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_a_too_large_file_is_a_field_error_and_the_rest_of_the_form_stays(ctx, client, login):
    login(client, factories.volunteer())
    response = _log(client, PDF + b"0" * MAX_PROOF_BYTES, provider="Volkshochschule Kassel")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="proof-error"' in page
    assert 'value="Volkshochschule Kassel"' in page
    assert db.session.scalar(select(func.count(Qualification.id))) == 0


def test_html_renamed_to_pdf_is_refused(ctx, client, login):
    login(client, factories.volunteer())
    response = _log(client, b"<!doctype html><script>alert(1)</script>", filename="certificate.pdf")
    assert response.status_code == 400 and 'id="proof-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProofFile.id))) == 0


def test_dot_dot_slash_in_the_file_name_is_harmless(ctx, client, login):
    login(client, factories.volunteer())
    assert _log(client, PDF, filename="../../../etc/passwd.pdf").status_code == 302
    proof = db.session.scalar(select(ProofFile))
    assert "/" not in proof.filename and not proof.filename.startswith(".")


def test_another_volunteers_proof_is_404(ctx, app, client, login):
    owner = factories.volunteer()
    login(client, owner)
    _log(client, PDF)
    training = db.session.scalar(select(Qualification))
    stranger = app.test_client()
    login(stranger, factories.volunteer())
    assert stranger.get(f"/volunteer/trainings/{training.id}/proof").status_code == 404
    staff, _ = factories.organisation_user()
    organisation = app.test_client()
    login(organisation, staff)
    assert organisation.get(f"/volunteer/trainings/{training.id}/proof").status_code == 403
    assert client.get("/volunteer/trainings/999999/proof").status_code == 404


def test_other_training_needs_a_description_and_dates_in_the_future_are_refused(ctx, client, login):
    login(client, factories.volunteer())
    response = _log(client, qualification_type="0", other_description="")
    assert 'id="other_description-error"' in response.get_data(as_text=True)
    future = _log(client, completed_on=(today() + timedelta(days=1)).isoformat())
    assert 'id="completed_on-error"' in future.get_data(as_text=True)
    assert _log(client, qualification_type="0", other_description="Erste-Hilfe-Kurs").status_code == 302


def test_signing_declarations(ctx, client, login):
    account = factories.volunteer()
    login(client, account)
    page = client.get("/volunteer/declarations").get_data(as_text=True)
    versions = db.session.scalars(select(DeclarationVersion)).all()
    assert len(versions) == 2
    for version in versions:
        assert f"/volunteer/declarations/{version.id}/sign" in page
        response = client.post(
            f"/volunteer/declarations/{version.id}/sign",
            data={"csrf_token": csrf_token(client, "/volunteer/declarations")},
        )
        assert response.status_code == 302
    signatures = db.session.scalars(select(DeclarationSignature)).all()
    assert {s.version_id for s in signatures} == {v.id for v in versions}
    assert all(s.profile_id == account.profile.id and s.signed_at for s in signatures)
    # Signing twice adds nothing.
    client.post(
        f"/volunteer/declarations/{versions[0].id}/sign",
        data={"csrf_token": csrf_token(client, "/volunteer/declarations")},
    )
    assert db.session.scalar(select(func.count(DeclarationSignature.id))) == 2


def test_a_new_text_asks_everyone_to_sign_again(ctx, client, login):
    account = factories.active_volunteer()
    first = db.session.scalars(select(DeclarationVersion)).first()
    newer = DeclarationVersion(
        declaration_id=first.declaration_id,
        number=2,
        bodies={"de": "Neuer Text", "en": "New text"},
        effective_from=today() + timedelta(days=30),
    )
    db.session.add(newer)
    db.session.commit()
    login(client, account)
    page = client.get("/volunteer/declarations").get_data(as_text=True)
    assert f"/volunteer/declarations/{newer.id}/sign" in page
    old = client.post(
        f"/volunteer/declarations/{first.id}/sign", data={"csrf_token": csrf_token(client, "/volunteer/declarations")}
    )
    assert old.status_code == 302  # refused with a message: only the newest text is signed
    assert (
        db.session.scalar(
            select(func.count(DeclarationSignature.id)).where(DeclarationSignature.version_id == first.id)
        )
        == 1
    )  # from the factory


def test_a_rejected_training_mail_gives_the_reason(ctx, app, client, login, deliver, smtp_server):
    from volunteers.services import qualifications

    account = factories.volunteer(locale="en")
    login(client, account)
    _log(client, PDF)
    training = db.session.scalar(select(Qualification))
    coordinator = factories.coordinator()
    qualifications.reject(coordinator, training, "The certificate is not readable.")
    db.session.commit()
    deliver()
    [mail] = smtp_server.to(account.email)
    assert "The certificate is not readable." in body_text(mail)
    assert "/volunteer/" in body_text(mail)
