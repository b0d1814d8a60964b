"""A file over its field's limit, however large, is an error at that field with everything else
kept; only a request above MAX_CONTENT_LENGTH is refused, with a page in the site's layout that
says what to do."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, form_tokens
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import Qualification, VolunteerImport
from volunteers.web.security.headers import CONTENT_SECURITY_POLICY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Larger than the request limit was before (16 MB): a photo of a certificate can be.
HUGE = 17 * 1024 * 1024


def _training(client, page: str, url: str, proof: bytes):
    return client.post(
        url,
        data={
            "qualification_type": str(factories.qualification_type("health-guide-gkv").id),
            "other_description": "",
            "provider": "Volkshochschule Kassel",
            "completed_on": (today() - timedelta(days=30)).isoformat(),
            "teaching_units": "36",
            **form_tokens(client, page),
            "proof": (io.BytesIO(proof), "zertifikat.pdf"),
        },
        content_type="multipart/form-data",
    )


def _assert_field_error_and_kept(response, field: str) -> str:
    assert response.status_code == 400, response.status_code
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert "5 MB" in page or "2 MB" in page
    return page


def test_a_huge_proof_is_an_error_at_its_field_and_the_form_is_kept(ctx, client, login):
    login(client, factories.volunteer())
    response = _training(client, "/volunteer/trainings/new", "/volunteer/trainings/new", PDF + b"0" * HUGE)
    page = _assert_field_error_and_kept(response, "proof")
    assert 'value="Volkshochschule Kassel"' in page and 'value="36"' in page
    assert db.session.scalar(select(func.count(Qualification.id))) == 0


def test_a_huge_proof_recorded_by_a_coordinator_too(ctx, client, login):
    account = factories.volunteer()
    login(client, factories.coordinator())
    url = f"/coordinator/volunteers/{account.profile.id}/trainings/new"
    page = _assert_field_error_and_kept(_training(client, url, url, PDF + b"0" * HUGE), "proof")
    assert 'value="Volkshochschule Kassel"' in page
    assert db.session.scalar(select(func.count(Qualification.id))) == 0


def test_a_huge_import_file_is_an_error_at_its_field(ctx, client, login):
    login(client, factories.coordinator(locale="en"))
    response = client.post(
        "/coordinator/volunteers/import",
        data={
            "csrf_token": csrf_token(client, "/coordinator/volunteers/import"),
            "file": (io.BytesIO(b"given_name;family_name;email\n" + b"x" * HUGE), "pool.csv"),
        },
        content_type="multipart/form-data",
    )
    page = _assert_field_error_and_kept(response, "file")
    assert "larger than 2 MB" in page
    assert db.session.scalar(select(func.count(VolunteerImport.id))) == 0


def test_a_request_above_the_limit_gets_a_page_in_the_layout_that_says_what_to_do(ctx, app, client, login, monkeypatch):
    login(client, factories.volunteer(locale="en"))
    token = csrf_token(client, "/volunteer/trainings/new")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = client.post(
        "/volunteer/trainings/new",
        data={"csrf_token": token, "provider": "VHS", "proof": (io.BytesIO(PDF + b"0" * 2 * 1024 * 1024), "a.pdf")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = response.get_data(as_text=True)
    assert '<main id="main"' in page and 'class="site-footer"' in page
    assert "larger than 1 MB" in page and "Go back in your browser" in page
