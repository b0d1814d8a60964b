"""Files for spreadsheet programs: the volunteer list and the import template, as CSV and as
Excel workbook. Opened with ";" or with "," as separator, no cell ever starts a formula;
umlauts stay intact; every download of personal data is in the audit log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import AuditEvent, ProofFile, Qualification
from volunteers.models.enums import LanguageLevel
from volunteers.services.spreadsheets import FORMULA_STARTS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE = [
    ("Mariam,=1+2", "Osman;@SUM(A1)"),
    ('x, "=HYPERLINK(""http://evil"")', "-2+3"),
    ("Jürgen", "Größ\t=1"),
]


def _volunteers() -> None:
    for given, family in HOSTILE:
        factories.active_volunteer(given_name=given, family_name=family, languages={"tir": LanguageLevel.C1})


def _parts(line: str) -> list[str]:
    """What a program may make a cell of, whichever of ";", "," and tab it splits at, and however
    it treats quotes and spaces: every piece between separators, stripped."""
    pieces = [line]
    for separator in (";", ",", "\t"):
        pieces = [part for piece in pieces for part in piece.split(separator)]
    return [piece.strip(' "') for piece in pieces]


def test_a_comma_or_a_semicolon_never_starts_a_formula(ctx, client, login):
    _volunteers()
    login(client, factories.coordinator())
    response = client.get("/coordinator/volunteers.csv?language=tir")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    for line in text.splitlines():
        for part in _parts(line):
            assert not part.startswith(FORMULA_STARTS), (line, part)
    for delimiter in (";", ",", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for cell in row:
                for part in _parts(cell):
                    assert not part.startswith(FORMULA_STARTS), (delimiter, cell)
    # Read with ";", as German Excel opens it, every name is there, only neutralised.
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 1 + len(HOSTILE)
    names = {(row[0], row[1]) for row in rows[1:]}
    assert ("Mariam,'=1+2", "Osman;'@SUM(A1)") in names
    assert ("Jürgen", "Größ\t'=1") in names


def test_the_list_as_an_excel_workbook_keeps_every_name_as_text(ctx, client, login):
    _volunteers()
    login(client, factories.coordinator(locale="de"))
    page = client.get("/coordinator/volunteers").get_data(as_text=True)
    assert 'href="/coordinator/volunteers.xlsx"' in page and 'href="/coordinator/volunteers.csv"' in page
    response = client.get("/coordinator/volunteers.xlsx?language=tir")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][:2] == ["Vorname", "Nachname"]
    assert {(row[0].value, row[1].value) for row in rows[1:]} == set(HOSTILE)  # exactly as typed
    for row in rows:
        for cell in row:
            assert cell.data_type == ("s" if cell.value else "n"), (cell.coordinate, cell.value)  # never a formula
            if cell.value and str(cell.value).startswith(FORMULA_STARTS):
                assert cell.quotePrefix, cell.coordinate


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_import_template_as_a_workbook_is_a_file_the_import_accepts(ctx, client, login, locale):
    login(client, factories.coordinator(locale=locale))
    page = client.get("/coordinator/volunteers/import").get_data(as_text=True)
    assert 'href="/coordinator/volunteers/import/template.xlsx"' in page
    response = client.get("/coordinator/volunteers/import/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [cell.value for cell in next(book.active.iter_rows())]
    assert header[0] == ("Vorname" if locale == "de" else "given_name")
    uploaded = client.post(
        "/coordinator/volunteers/import",
        data={
            "csrf_token": csrf_token(client, "/coordinator/volunteers/import"),
            "file": (io.BytesIO(response.data), "template.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)[:2000]
    assert "error-summary" not in client.get(uploaded.headers["Location"]).get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# Every download of personal data leaves a trace


def _training_with_proof(account) -> Qualification:
    training = Qualification(
        profile_id=account.profile.id,
        type=factories.qualification_type("health-guide-gkv"),
        provider="AOK Hessen",
        completed_on=today() - timedelta(days=10),
        has_proof=True,
    )
    db.session.add(training)
    db.session.flush()
    db.session.add(
        ProofFile(
            qualification_id=training.id,
            filename="zertifikat.pdf",
            content_type="application/pdf",
            data=PDF,
            size=len(PDF),
            sha256="0" * 64,
        )
    )
    db.session.commit()
    return training


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_proof_downloads_are_audited(ctx, client, other_client, login):
    account = factories.volunteer()
    training = _training_with_proof(account)
    coordinator = factories.coordinator(locale="en")
    login(client, account)
    assert client.get(f"/volunteer/trainings/{training.id}/proof").data == PDF
    login(other_client, coordinator)
    assert other_client.get(f"/coordinator/trainings/{training.id}/proof").data == PDF

    events = _events("proof.downloaded")
    assert [(e.actor_id, e.subject_user_id, e.details) for e in events] == [
        (account.id, account.id, {"qualification": training.id}),
        (coordinator.id, account.id, {"qualification": training.id}),
    ]
    page = other_client.get("/coordinator/audit").get_data(as_text=True)
    assert page.count("Proof of training downloaded") == 2


def test_exports_are_audited_with_ids_only(ctx, client, login):
    people = [factories.active_volunteer(languages={"tir": LanguageLevel.C1}) for _ in range(2)]
    factories.active_volunteer(languages={"ara": LanguageLevel.C1})
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    # The name search travels in the session, never into the log.
    client.post(
        "/coordinator/volunteers", data={"q": "Person", "csrf_token": csrf_token(client, "/coordinator/volunteers")}
    )
    assert client.get("/coordinator/volunteers.csv?language=tir").status_code == 200
    assert client.get("/coordinator/volunteers.xlsx?language=tir").status_code == 200

    events = _events("volunteers.exported")
    assert [(e.actor_id, e.details["format"], e.details["count"]) for e in events] == [
        (coordinator.id, "csv", 2),
        (coordinator.id, "xlsx", 2),
    ]
    expected = sorted(person.profile.id for person in people)
    for event in events:
        assert sorted(event.details["profiles"]) == expected
        assert set(event.details) == {"format", "count", "profiles"}
    page = client.get("/coordinator/audit").get_data(as_text=True)
    assert "Volunteer list downloaded (CSV, 2 volunteers)" in page
    assert "Volunteer list downloaded (XLSX, 2 volunteers)" in page
