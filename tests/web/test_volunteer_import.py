"""Importing the existing pool from a CSV or .xlsx export: a preview with each row's errors,
then all rows in one transaction or none; refused files are field errors; other
coordinators' uploads are 404, other roles 403; a fixed number of queries for validation."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, submit
from volunteers.extensions import db
from volunteers.models import (
    AuditEvent,
    Language,
    OutboxMessage,
    StatusChange,
    User,
    VolunteerImport,
    VolunteerLanguage,
    VolunteerProfile,
)
from volunteers.models.enums import Gender, LanguageLevel, Mobility, VolunteerStatus
from volunteers.services.volunteer_import import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

UPLOAD = "/coordinator/volunteers/import"
GERMAN_HEADER = (
    "Vorname;Nachname;E-Mail;Telefon;Ort;Sprachen;Deutschniveau;Bereiche;Tätigkeiten;Geschlecht;Mobilität;"
    "max_travel_km;Status"
)


def csv_file(*rows: str, header: str = GERMAN_HEADER, bom: bool = True, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, filename: str = "pool.csv"):
    token = csrf_token(client, UPLOAD)
    return client.post(
        UPLOAD,
        data={"file": (io.BytesIO(content), filename), "csrf_token": token},
        content_type="multipart/form-data",
    )


def uploaded(client, content: bytes, filename: str = "pool.csv") -> str:
    """Uploads a readable file and returns its preview URL."""
    response = upload(client, content, filename)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert re.fullmatch(r"/coordinator/volunteers/import/\d+", location), location
    return location


def confirm(client, preview: str):
    return submit(client, preview, page=preview)


def row_html(page: str, number: int) -> str:
    match = re.search(rf'<tr id="row-{number}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no row {number}"
    return match.group(1)


def volunteer_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.is_volunteer.is_(True)))


def imported_events() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "volunteer.imported")).all()


def by_name(given_name: str) -> User:
    return db.session.scalar(select(User).where(User.given_name == given_name))


@pytest.fixture
def coordinator(ctx, client, login):
    person = factories.coordinator(locale="en")
    login(client, person)
    return person


# ---------------------------------------------------------------------------------------------
# Importing


def test_a_csv_with_semicolons_and_bom_imports_every_volunteer_with_their_details(coordinator, client, app):
    content = csv_file(
        'Amina;Yusuf;amina@example.org;;Hofgeismar;"tir:native; ara:C1";B2;Sprache, Gesundheit;'
        "Dolmetschen, Begleitung;weiblich;ÖPNV;25;aktiv",
        "Dawit;Tesfaye;;0561 123456;kassel;Tigrinya:Muttersprache;B1;language;interpreting;männlich;Auto;;",
        'Farid;Ahmadi;FARID@Example.org;;Anderer Ort;"prs:C2, Persisch (Farsi):B2";C1;health;mentoring;;'
        "nur remote;0;pausiert",
    )
    preview = uploaded(client, content)
    page = client.get(preview).get_data(as_text=True)
    assert "Import 3 volunteers" in page
    assert "error-summary" not in page
    assert "Tigrinya: Native; Arabic: C1" in row_html(page, 2) and "Kassel (city)" in row_html(page, 3)

    response = confirm(client, preview)
    assert response.status_code == 302
    expected = "coordinator.volunteers" if "coordinator.volunteers" in app.view_functions else "coordinator.home"
    with app.test_request_context():
        from flask import url_for

        assert response.headers["Location"] == url_for(expected)
    assert "3 volunteers imported" in client.get(response.headers["Location"]).get_data(as_text=True)

    assert volunteer_count() == 3
    amina = by_name("Amina")
    assert amina.email == "amina@example.org" and amina.password_hash is None and amina.is_volunteer
    profile = amina.profile
    assert profile.home_place.name == "Hofgeismar"
    assert {(entry.language_code, entry.level) for entry in profile.languages} == {
        ("tir", LanguageLevel.NATIVE),
        ("ara", LanguageLevel.C1),
    }
    assert profile.german_level is LanguageLevel.B2
    assert profile.area_language and profile.area_health
    assert profile.kind_interpreting and profile.kind_accompanying and not profile.kind_mentoring
    assert profile.gender is Gender.FEMALE and profile.mobility is Mobility.PUBLIC_TRANSPORT
    assert profile.max_travel_km == 25 and profile.status is VolunteerStatus.ACTIVE
    changes = db.session.scalars(
        select(StatusChange).where(StatusChange.profile_id == profile.id).order_by(StatusChange.id)
    ).all()
    assert [(c.from_status, c.to_status) for c in changes] == [
        (None, VolunteerStatus.APPLICANT),
        (VolunteerStatus.APPLICANT, VolunteerStatus.ACTIVE),
    ]
    assert changes[1].reason == "Imported" and changes[1].changed_by_id == coordinator.id

    dawit = by_name("Dawit").profile
    assert dawit.user.email is None and dawit.phone == "+49561123456"
    assert dawit.home_place.name == "Kassel" and dawit.status is VolunteerStatus.APPLICANT
    assert db.session.scalar(select(func.count(StatusChange.id)).where(StatusChange.profile_id == dawit.id)) == 1

    farid = by_name("Farid")
    assert farid.email == "farid@example.org"
    assert farid.profile.home_place.name == "Anderer Ort" and farid.profile.max_travel_km == 0
    assert {entry.language_code for entry in farid.profile.languages} == {"prs", "pes"}
    assert farid.profile.status is VolunteerStatus.PAUSED and farid.profile.mobility is Mobility.REMOTE_ONLY

    events = imported_events()
    assert len(events) == 1 and events[0].details == {"count": 3} and events[0].actor_id == coordinator.id
    done = db.session.scalar(select(VolunteerImport))
    assert done.imported_at is not None and done.content == b""
    # No mail on import: invitations go out per volunteer later.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_an_xlsx_workbook_in_any_column_order_works(coordinator, client):
    content = xlsx_file(
        [
            ["Status", "FAMILY_NAME", "given name", "E-Mail", "phone", "Languages", "max_travel_km", "place"],
            ["active", "Osman", "Leyla", "leyla@example.org", 4956112345, "kmr:native, tur:C1", 30, "Vellmar"],
            [None, None, None, None, None, None, None, None],
            ["applicant", "Bondarenko", "Olena", None, "0170 1234567", "ukr:native; rus:C2", 12.0, "Baunatal"],
        ]
    )
    preview = uploaded(client, content, "Pool Übersicht.xlsx")
    page = client.get(preview).get_data(as_text=True)
    assert "Import 2 volunteers" in page
    assert 'id="row-2"' in page and 'id="row-4"' in page  # the blank row 3 is skipped, numbers kept
    assert confirm(client, preview).status_code == 302
    leyla = by_name("Leyla").profile
    assert leyla.phone == "+494956112345" and leyla.max_travel_km == 30 and leyla.status is VolunteerStatus.ACTIVE
    assert by_name("Olena").profile.max_travel_km == 12
    assert volunteer_count() == 2


def test_windows_1252_with_commas_is_read(coordinator, client):
    content = csv_file(
        "Jürgen,Müller,jm@example.org,,Söhrewald,,,Gesundheit,,,,,",
        header="Vorname,Nachname,E-Mail,Telefon,Ort,Sprachen,Deutschniveau,Bereiche,Tätigkeiten,Geschlecht,"
        "Mobilität,max_travel_km,Status",
        bom=False,
        encoding="cp1252",
    )
    preview = uploaded(client, content)
    assert confirm(client, preview).status_code == 302
    person = by_name("Jürgen")
    assert person.family_name == "Müller" and person.profile.home_place.name == "Söhrewald"


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row(coordinator, client):
    content = b"sep=,\r\ngiven_name,family_name,phone\r\n;Anna;,Semi;colon,0561 123456\r\n"
    page = client.get(uploaded(client, content)).get_data(as_text=True)
    assert "OK" in row_html(page, 2) and ";Anna;" in row_html(page, 2)


@pytest.mark.parametrize("locale", ["en", "de"])
def test_the_template_is_a_file_the_import_accepts(ctx, client, login, locale):
    login(client, factories.coordinator(locale=locale))
    response = client.get("/coordinator/volunteers/import/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert len(response.data.decode("utf-8-sig").strip().splitlines()) == 2
    preview = uploaded(client, response.data, "template.csv")
    assert "error-summary" not in client.get(preview).get_data(as_text=True)


def test_the_upload_page_explains_the_columns_and_links_the_template(coordinator, client):
    page = client.get(UPLOAD).get_data(as_text=True)
    for column in ("given_name", "Vorname", "languages", "german_level", "max_travel_km", "status"):
        assert column in page
    assert 'href="/coordinator/volunteers/import/template.csv"' in page
    assert 'enctype="multipart/form-data"' in page and '<label for="file">' in page


# ---------------------------------------------------------------------------------------------
# Errors per row: shown in the preview, and nothing is imported


def test_one_bad_row_shows_its_error_and_nothing_is_imported_even_if_confirmed(coordinator, client):
    content = csv_file(
        "Amina;Yusuf;amina@example.org;;Hofgeismar;tir:native;B2;;;;;;",
        ";Tesfaye;dawit@example.org;;Kasel;;;;;;;;",
        "Farid;Ahmadi;farid@example.org;;;;;;;;;;",
    )
    preview = uploaded(client, content)
    page = client.get(preview).get_data(as_text=True)
    bad = row_html(page, 3)
    assert "The given name is missing." in bad and "Unknown place “Kasel”." in bad
    assert "The given name is missing." not in row_html(page, 2)
    assert "1 row has errors" in page and 'href="#row-3"' in page
    assert "Upload a corrected file" in page
    assert f'action="{preview}"' not in page  # no import button

    response = confirm(client, preview)
    assert response.status_code == 409
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert volunteer_count() == 0 and imported_events() == []
    assert db.session.scalar(select(VolunteerImport)).imported_at is None


def test_each_kind_of_row_error_is_named_at_its_row(coordinator, client):
    rows = {
        2: ("Anna;A;not-an-email;;;;;;;;;;", "is not a valid email address"),
        3: ("Bea;B;;;;;;;;;;;", "Give an email address or a phone number"),
        4: ("Cem;C;c@example.org;;;xyz:C1;;;;;;;", "Unknown language “xyz”"),
        5: ("Dana;D;d@example.org;;;ara:C7;;;;;;;", "Unknown level “C7” for “ara”"),
        6: ("Emil;E;e@example.org;;;deu:native;;;;;;;", "German goes in the column german_level"),
        7: ("Fatma;F;f@example.org;;;;;Sport;;;;;", "Unknown area “Sport”"),
        8: ("Gül;G;g@example.org;;;;;;Kochen;;;;", "Unknown kind of work “Kochen”"),
        9: ("Hans;H;h@example.org;;;;;;;;;;retired-ish", "Unknown status “retired-ish”"),
        10: ("Ida;I;i@example.org;;;;;;;;;zehn;", "“zehn” is not a whole number"),
        11: ("Jan;J;j@example.org;;;;;;;;;-3;", "“-3” is not a whole number"),
        12: ("Kim;K;k@example.org;;;;Z9;;;;;;", "Unknown level of German “Z9”"),
        13: ("Lea;L;l@example.org;;;ara;;;;;;;", "Give a level for “ara”"),
        14: ("Mo;M;m@example.org;;;ara:C1, Arabisch:B2;;;;;;;", "“Arabisch” is listed twice"),
        15: ("Nia;N;n@example.org;;;;;;;alien;;;", "Unknown gender “alien”"),
        16: ("Ole;O;o@example.org;;;;;;;;Rakete;;", "Unknown mobility “Rakete”"),
        17: ("Pia;P;p@example.org;abc;;;;;;;;;", "“abc” is not a phone number"),
        18: ("Quinn;Q;q@example.org;;;Kurdisch:C1;;;;;;;", "Unknown language “Kurdisch”"),
        19: ("Rana;R;r@example.org;;;;;;;;;;;extra", "column without a name"),
    }
    preview = uploaded(client, csv_file(*(line for line, _ in rows.values())))
    page = client.get(preview).get_data(as_text=True)
    for number, (_line, message) in rows.items():
        assert message in row_html(page, number), (number, message)
    assert f"{len(rows)} rows have errors" in page
    assert confirm(client, preview).status_code == 409
    assert volunteer_count() == 0


def test_duplicate_addresses_in_the_file_and_against_accounts_are_errors(coordinator, client):
    factories.volunteer(email="taken@example.org")
    content = csv_file(
        "Anna;A;Taken@Example.org;;;;;;;;;;",
        "Bea;B;twice@example.org;;;;;;;;;;",
        "Cem;C;ok@example.org;;;;;;;;;;",
        "Dana;D;TWICE@example.org;;;;;;;;;;",
    )
    page = client.get(uploaded(client, content)).get_data(as_text=True)
    assert "An account with this email address exists already." in row_html(page, 2)
    assert "The same email address is in row 5 too." in row_html(page, 3)
    assert "The same email address is in row 3 too." in row_html(page, 5)
    assert "OK" in row_html(page, 4)
    assert "3 rows have errors" in page


def test_an_address_registered_between_preview_and_import_stops_the_whole_import(coordinator, client):
    content = csv_file("Anna;A;anna@example.org;;;;;;;;;;", "Bea;B;bea@example.org;;;;;;;;;;")
    preview = uploaded(client, content)
    assert "Import 2 volunteers" in client.get(preview).get_data(as_text=True)
    factories.volunteer(email="bea@example.org")
    response = confirm(client, preview)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "An account with this email address exists already." in row_html(page, 3)
    assert by_name("Anna") is None and volunteer_count() == 1
    assert db.session.scalar(select(VolunteerImport)).imported_at is None


def test_formulas_are_never_evaluated_and_cells_starting_with_equals_are_text(coordinator, client):
    csv_content = csv_file("=cmd|' /C calc'!A0;+SUM(A1);formula@example.org;;;;;;;;;;")
    assert confirm(client, uploaded(client, csv_content)).status_code == 302
    person = db.session.scalar(select(User).where(User.email == "formula@example.org"))
    assert person.given_name == "=cmd|' /C calc'!A0" and person.family_name == "+SUM(A1)"

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["given_name", "family_name", "email", "phone"])
    sheet.append(["Text", "Cell", "text@example.org", None])
    sheet["A2"].value = '=HYPERLINK("http://evil.example")'
    sheet["A2"].data_type = "s"  # typed text that starts with "=", as Excel keeps it with a leading '
    sheet["D2"] = "=1+1"  # a real formula, saved without a computed value
    buffer = io.BytesIO()
    book.save(buffer)
    assert confirm(client, uploaded(client, buffer.getvalue(), "pool.xlsx")).status_code == 302
    person = db.session.scalar(select(User).where(User.email == "text@example.org"))
    assert person.given_name == '=HYPERLINK("http://evil.example")'
    assert person.profile.phone is None  # the formula was neither stored nor calculated


def test_the_preview_escapes_what_the_file_says(coordinator, client):
    content = csv_file('<script>alert(1)</script>;"<b>x</b>";;;<img src=x onerror=alert(1)>;;;;;;;;')
    page = client.get(uploaded(client, content)).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<b>x</b>" not in page


# ---------------------------------------------------------------------------------------------
# Files refused as a whole: a field error in the form, nothing stored


ZIP_NOT_XLSX = io.BytesIO()
with zipfile.ZipFile(ZIP_NOT_XLSX, "w") as _archive:
    _archive.writestr("word/document.xml", "<w/>")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table></body></html>", "pool.csv", "not a CSV"),
        (bytes(range(256)) * 40, "pool.csv", "not a CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "pool.xlsx", "not a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "pool.xls", "Choose a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "pool.csv", "Old Excel files"),
        (ZIP_NOT_XLSX.getvalue(), "pool.xlsx", "not a CSV"),
        (b"PK\x03\x04 broken archive", "pool.xlsx", "could not be read"),
        (b"given_name;family_name\nA;B\n", "pool.txt", "Choose a CSV file"),
        (b"", "pool.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "pool.csv", "The first row must name the columns"),
        (b"Name;Adresse\nA;B\n", "pool.csv", "The first row must name the columns"),
        (
            b"Vorname;Nachname;E-Mail;Notizen;Geburtstag\nA;B;c@example.org;x;y\n",
            "pool.csv",
            "does not know: “Notizen”, “Geburtstag”",
        ),
        (b"given_name;family_name;email\n", "pool.csv", "no volunteers below it"),
        (b"given_name;email\nA;a@example.org\n", "pool.csv", "The column “family_name” is missing"),
        (b"given_name;family_name;place\nA;B;Baunatal\n", "pool.csv", "needs a column email or phone"),
        (b"Vorname;given_name;Nachname;email\nA;A;B;x@example.org\n", "pool.csv", "in the header twice"),
    ],
)
def test_files_that_are_not_an_export_are_a_field_error(coordinator, client, content, filename, message):
    response = upload(client, content, filename)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and message in page, page[:3000]
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count(VolunteerImport.id))) == 0
    # The page keeps working.
    assert client.get(UPLOAD).status_code == 200
    uploaded(client, csv_file("Anna;A;anna@example.org;;;;;;;;;;"))


def test_no_file_chosen_is_a_field_error(coordinator, client):
    response = submit(client, UPLOAD, {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the file to upload." in response.get_data(as_text=True)


def test_a_file_that_is_too_large_is_a_field_error_not_a_413(coordinator, client):
    line = "Anna;Example;;0561 1;;;;;;;;;" + " " * 1000
    content = csv_file(*([line] * (MAX_IMPORT_BYTES // len(line) + 2)))
    assert len(content) > MAX_IMPORT_BYTES
    response = upload(client, content)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(VolunteerImport.id))) == 0


def test_more_than_the_row_limit_is_a_field_error(coordinator, client):
    content = csv_file(*[f"P{number};Q;;1;;;;;;;;;" for number in range(MAX_IMPORT_ROWS + 1)])
    response = upload(client, content)
    assert response.status_code == 400
    assert f"more than {MAX_IMPORT_ROWS} rows" in response.get_data(as_text=True)


def test_an_upload_without_csrf_token_is_refused_and_stores_nothing(coordinator, client):
    response = client.post(
        UPLOAD,
        data={"file": (io.BytesIO(csv_file("Anna;A;a@example.org;;;;;;;;;;")), "pool.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(VolunteerImport.id))) == 0


# ---------------------------------------------------------------------------------------------
# Who may


def test_another_coordinator_cannot_see_or_confirm_my_import(coordinator, client, other_client, login):
    preview = uploaded(client, csv_file("Anna;A;anna@example.org;;;;;;;;;;"))
    login(other_client, factories.coordinator(locale="en"))
    assert other_client.get(preview).status_code == 404
    assert submit(other_client, preview, page=UPLOAD).status_code == 404
    assert client.get("/coordinator/volunteers/import/999999").status_code == 404
    assert submit(client, "/coordinator/volunteers/import/999999", page=UPLOAD).status_code == 404
    assert volunteer_count() == 0
    assert db.session.scalar(select(VolunteerImport)).imported_at is None


@pytest.mark.parametrize("role", ["volunteer", "organisation"])
def test_volunteers_and_organisations_get_403(ctx, client, other_client, login, role):
    owner = factories.coordinator(locale="en")
    login(other_client, owner)
    preview = uploaded(other_client, csv_file("Anna;A;anna@example.org;;;;;;;;;;"))
    person = factories.volunteer() if role == "volunteer" else factories.organisation_user()[0]
    login(client, person)
    token = csrf_token(client, "/privacy")
    for path in (UPLOAD, "/coordinator/volunteers/import/template.csv", preview):
        assert client.get(path).status_code == 403, path
    assert client.post(preview, data={"csrf_token": token}).status_code == 403
    upload_response = client.post(
        UPLOAD,
        data={"file": (io.BytesIO(b"given_name;family_name;email\nA;B;c@example.org\n"), "x.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert upload_response.status_code == 403
    assert db.session.scalar(select(func.count(VolunteerImport.id))) == 1


def test_confirming_twice_imports_once(coordinator, client):
    preview = uploaded(client, csv_file("Anna;A;anna@example.org;;;;;;;;;;", "Bea;B;;0561 222222;;;;;;;;;"))
    assert confirm(client, preview).status_code == 302
    second = confirm(client, preview)
    assert second.status_code == 302 and second.headers["Location"] == preview
    page = client.get(preview).get_data(as_text=True)
    assert "imported already" in page and "This file was imported on" in page
    assert f'action="{preview}"' not in page
    assert volunteer_count() == 2 and len(imported_events()) == 1


def test_a_confirmation_with_an_expired_token_imports_nothing(coordinator, client):
    preview = uploaded(client, csv_file("Anna;A;anna@example.org;;;;;;;;;;"))
    response = client.post(preview, data={"csrf_token": "expired"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert volunteer_count() == 0
    assert db.session.scalar(select(VolunteerImport)).imported_at is None


# ---------------------------------------------------------------------------------------------
# Queries: validation costs the same for 5 rows as for 50


def _pool(count: int, start: int) -> bytes:
    return csv_file(
        *[
            f'Person{start + n};Example;p{start + n}@example.org;;Hofgeismar;"tir:native; ara:C1";B2;'
            "Sprache;Dolmetschen;weiblich;Auto;20;aktiv"
            for n in range(count)
        ]
    )


def _reference_queries(statements: list[str]) -> list[str]:
    """Loading places, languages, and the accounts with the file's addresses (one IN query)."""
    return [
        s
        for s in statements
        if re.search(r"\bFROM (places|languages)\b", s) or (re.search(r"\bFROM users\b", s) and " IN " in s)
    ]


def test_preview_and_import_validate_with_the_same_queries_for_5_and_50_rows(coordinator, client, count_queries):
    few_preview, many_preview = uploaded(client, _pool(5, 0)), uploaded(client, _pool(50, 100))
    with count_queries() as few:
        assert client.get(few_preview).status_code == 200
    with count_queries() as many:
        assert client.get(many_preview).status_code == 200
    assert len(few) == len(many)
    assert len(_reference_queries(few)) == 3

    token = csrf_token(client, UPLOAD)
    with count_queries() as few:
        assert client.post(few_preview, data={"csrf_token": token}).status_code == 302
    with count_queries() as many:
        assert client.post(many_preview, data={"csrf_token": token}).status_code == 302
    # The checks before the import: the same three queries however many rows.
    assert len(_reference_queries(few)) == len(_reference_queries(many)) == 3
    # Creating the volunteers goes through create_volunteer, one volunteer at a time: a fixed
    # cost per row (its address check and the inserts), nothing that grows with the file.
    per_row, rest = divmod(len(many) - len(few), 45)
    assert rest == 0 and per_row <= 7, (len(few), len(many))
    assert volunteer_count() == 55
    assert db.session.scalar(select(func.count(VolunteerLanguage.id))) == 110
    active = select(func.count(VolunteerProfile.id)).where(VolunteerProfile.status == VolunteerStatus.ACTIVE)
    assert db.session.scalar(active) == 55


def test_languages_are_matched_by_code_and_by_name(coordinator, client):
    names = db.session.scalars(select(Language).where(Language.code.in_(["pus", "ckb"]))).all()
    assert len(names) == 2
    content = csv_file("Anna;A;a@example.org;;;pus:c1, kurdisch (sorani):native, sorani:B1;;;;;;;")
    page = client.get(uploaded(client, content)).get_data(as_text=True)
    assert "“sorani” is listed twice" in row_html(page, 2)
    content = csv_file('Anna;A;a@example.org;;;"PUS:c1; Kurdish (Sorani):Native; Farsi:a2";;;;;;;')
    preview = uploaded(client, content)
    assert confirm(client, preview).status_code == 302
    assert {entry.language_code for entry in by_name("Anna").profile.languages} == {"pus", "ckb", "pes"}


@pytest.mark.parametrize(
    ("locale", "spoken"),
    [("en", "Dari: Native; Persian (Farsi): C1"), ("de", "Dari: Muttersprache; Persisch (Farsi): C1")],
)
def test_the_preview_names_languages_as_every_other_page_does(ctx, client, login, locale, spoken):
    login(client, factories.coordinator(locale=locale))
    preview = uploaded(client, csv_file('Farid;Sultani;farid@example.org;;;"prs:Muttersprache; pes:C1";B2;;;;;;'))
    assert spoken in row_html(client.get(preview).get_data(as_text=True), 2)
    assert confirm(client, preview).status_code == 302
    # The list of volunteers names each language the same way once they are imported.
    listing = client.get("/coordinator/volunteers").get_data(as_text=True)
    assert all(part in listing for part in spoken.split("; "))
