"""The volunteer's hours and allowances per month and year, and the PDF hour sheet of a month:
months counted as the settlement counts them (the settled month, else the Berlin calendar
month), only confirmed assignments paid, the rest shown apart; the PDF read back says what
the page says; each person sees only their own; downloads are audited."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from pypdf import PdfReader
from sqlalchemy import select, update

from tests import factories
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.models import Assignment, AuditEvent, SupportRequest
from volunteers.models.enums import AssignmentState, Mode, Outcome, Programme
from volunteers.services import hours

YEAR = 2026
CONFIRMED = AssignmentState.CONFIRMED


def _assignment(organisation, profile, at: datetime, **values) -> Assignment:
    mode = values.pop("mode", Mode.ON_SITE)
    place_name = values.pop("place_name", "Kassel")
    assignment = factories.past_assignment(organisation, profile, client_reference="K-SECRET-7", **values)
    db.session.execute(
        update(SupportRequest)
        .where(SupportRequest.id == assignment.request_id)
        .values(starts_at=at, mode=mode, place_id=factories.place(place_name).id)
    )
    assignment.appointment_at = at
    db.session.commit()
    return assignment


def _paid(minutes: int | None, km: int | None, cents: int, **values) -> dict:
    return {
        "state": values.pop("state", CONFIRMED),
        "outcome": values.pop("outcome", Outcome.TOOK_PLACE),
        "duration_minutes": minutes,
        "travel_km": km,
        "amount_cents": cents,
        **values,
    }


def _year_of_work(profile):
    """March: one in Kassel, and one at 00:30 on 1 April in Berlin (still 31 March in UTC),
    which is April's; one of February moved to March; one reported and one disputed in May (not
    yet confirmed); one the volunteer did not go to (not counted); one of another volunteer."""
    _staff, organisation = factories.organisation_user()
    _assignment(organisation, profile, datetime(YEAR, 3, 10, 9, tzinfo=UTC), **_paid(90, 24, 2720))
    _assignment(
        organisation,
        profile,
        datetime(YEAR, 3, 31, 22, 30, tzinfo=UTC),
        place_name="Baunatal",
        **_paid(60, 12, 2360),
    )
    _assignment(
        organisation,
        profile,
        datetime(YEAR, 2, 20, 9, tzinfo=UTC),
        **_paid(120, 0, 2000, state=AssignmentState.SETTLED, settled_month=date(YEAR, 3, 1), mode=Mode.PHONE),
    )
    _assignment(
        organisation, profile, datetime(YEAR, 5, 5, 9, tzinfo=UTC), **_paid(45, 0, 2000, state=AssignmentState.REPORTED)
    )
    _assignment(
        organisation, profile, datetime(YEAR, 5, 6, 9, tzinfo=UTC), **_paid(30, 0, 2000, state=AssignmentState.DISPUTED)
    )
    _assignment(
        organisation,
        profile,
        datetime(YEAR, 3, 12, 9, tzinfo=UTC),
        **_paid(None, None, 0, outcome=Outcome.VOLUNTEER_ABSENT),
    )
    other = factories.active_volunteer()
    _assignment(organisation, other.profile, datetime(YEAR, 3, 11, 9, tzinfo=UTC), **_paid(300, 100, 9000))
    return organisation


def test_months_are_counted_as_the_settlement_counts_them(ctx):
    person = factories.active_volunteer()
    _year_of_work(person.profile)

    figures = hours.year_of(person.profile, YEAR, date(YEAR, 12, 7))

    march, april, may = figures.months[2], figures.months[3], figures.months[4]
    assert (march.paid.assignments, march.paid.minutes, march.paid.km, march.paid.cents) == (2, 210, 24, 4720)
    assert (april.paid.assignments, april.paid.minutes, april.paid.km, april.paid.cents) == (1, 60, 12, 2360)
    assert figures.months[1].paid.assignments == 0  # February's moved to March
    assert (may.paid.assignments, may.unconfirmed.assignments, may.unconfirmed.minutes) == (0, 2, 75)
    assert (figures.paid.assignments, figures.paid.cents, figures.unconfirmed.assignments) == (3, 7080, 2)
    assert figures.allowance.limit == 96_000 and figures.allowance.left == 96_000 - 7080


def test_the_hours_page_shows_each_month_and_the_year_against_the_limits(ctx, client, login, count_queries):
    person = factories.active_volunteer(locale="en")
    person.profile.programme = Programme.LOTSE
    db.session.commit()
    _year_of_work(person.profile)
    login(client, person)

    with count_queries() as queries:
        response = client.get(f"/volunteer/hours/{YEAR}")
    assert response.status_code == 200
    assert len(queries) < 15  # grouped in the database, not a query per month or assignment
    text = _page(response)
    assert "March 2 3,5 24 47,20 € – PDF" in text
    allowance = "Tax-free allowance: Volunteer allowance (Ehrenamtspauschale), 960,00 € a year."
    assert f"{allowance} Paid in 2026: 70,80 €." in text
    assert "889,20 € remain." in text
    assert "Hours in 2026: 4,5 of at most 276 a year. 271,5 hours remain." in text
    assert "In any one week at most 6 hours" in text
    assert "Not yet confirmed: 2 assignments (1,25 hours, 40,00 €)" in text
    assert "3 paid assignments, 4,5 hours, 36 km, 70,80 € in total" in text
    assert f"/volunteer/hours/{YEAR}/3/hour-sheet.pdf" in response.get_data(as_text=True)


def _flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _page(response) -> str:
    return _flat(visible_text(response.get_data(as_text=True)))


def _pdf_text(body: bytes) -> str:
    return _flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))


def test_the_hour_sheet_read_back_says_what_the_page_says(ctx, client, login):
    person = factories.active_volunteer(given_name="Selam", family_name="Gebre-Müller")
    _year_of_work(person.profile)
    login(client, person)
    page = _page(client.get(f"/volunteer/hours/{YEAR}"))
    march_row = re.search(r"März (\d+) (\S+) (\d+) (\S+ €) – PDF", page)
    assert march_row, page

    response = client.get(f"/volunteer/hours/{YEAR}/3/hour-sheet.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = _pdf_text(response.data)
    assert "Stundenzettel – März 2026" in text
    assert "Selam Gebre-Müller" in text and "WIR-Vielfaltszentrum" in text
    _count, sheet_hours, sheet_km, sheet_amount = march_row.groups()
    assert f"Summe {sheet_hours} {sheet_km} {sheet_amount}" in text
    assert "10. März 2026 Kassel 1,5 24 27,20 €" in text
    assert "20. Feb. 2026 Per Telefon 2 0 20,00 €" in text  # moved to March; a phone call has no place
    assert "Baunatal" not in text  # 1 April in Berlin: April's sheet
    assert "K-SECRET-7" not in text and "Behörden" not in text  # never the client or the topic
    assert "Unterschrift" in text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hour_sheet.downloaded")).one()
    assert event.actor_id == person.id and event.subject_user_id == person.id
    assert event.details == {"month": f"{YEAR}-03"}


def test_a_coordinator_downloads_any_volunteers_sheet_in_their_language(ctx, client, login):
    person = factories.active_volunteer()
    _year_of_work(person.profile)
    centre = factories.coordinator(locale="en")
    login(client, centre)

    record = client.get(f"/coordinator/volunteers/{person.profile.id}")
    assert f"/coordinator/volunteers/{person.profile.id}/hours" in record.get_data(as_text=True)
    page = client.get(f"/coordinator/volunteers/{person.profile.id}/hours/{YEAR}")
    assert page.status_code == 200
    assert "Hours and allowances of Test" in _page(page) and "April 1 1 12 23,60 € – PDF" in _page(page)
    response = client.get(f"/coordinator/volunteers/{person.profile.id}/hours/{YEAR}/4/hour-sheet.pdf")

    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "Hour sheet – April 2026" in text and "Baunatal" in text and "Total 1 12" in text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hour_sheet.downloaded")).one()
    assert event.actor_id == centre.id and event.subject_user_id == person.id


def test_unknown_volunteers_months_and_years_are_404(ctx, client, login):
    login(client, factories.coordinator())
    assert client.get("/coordinator/volunteers/999999/hours").status_code == 404
    assert client.get(f"/coordinator/volunteers/999999/hours/{YEAR}/3/hour-sheet.pdf").status_code == 404
    person = factories.active_volunteer()
    assert client.get(f"/coordinator/volunteers/{person.profile.id}/hours/{YEAR}/13/hour-sheet.pdf").status_code == 404
    assert client.get(f"/coordinator/volunteers/{person.profile.id}/hours/1999").status_code == 404
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hour_sheet.downloaded")).all()


def test_a_volunteer_sees_only_their_own_hours(ctx, client, login):
    other = factories.active_volunteer()
    _year_of_work(other.profile)
    person = factories.active_volunteer()
    login(client, person)

    text = _page(client.get(f"/volunteer/hours/{YEAR}"))
    assert "0 bezahlte Einsätze" in text
    assert client.get(f"/coordinator/volunteers/{other.profile.id}/hours/{YEAR}").status_code == 403
    sheet = client.get(f"/coordinator/volunteers/{other.profile.id}/hours/{YEAR}/3/hour-sheet.pdf")
    assert sheet.status_code == 403
    own = _pdf_text(client.get(f"/volunteer/hours/{YEAR}/3/hour-sheet.pdf").data)
    assert "Kassel 1,5" not in own and "Summe 0 0 0,00 €" in own


def test_organisations_are_refused(ctx, client, login):
    staff, _organisation = factories.organisation_user()
    person = factories.active_volunteer()
    login(client, staff)
    assert client.get("/volunteer/hours").status_code == 403
    assert client.get(f"/volunteer/hours/{YEAR}/3/hour-sheet.pdf").status_code == 403
    assert client.get(f"/coordinator/volunteers/{person.profile.id}/hours/{YEAR}/3/hour-sheet.pdf").status_code == 403


def test_an_adjustment_line_is_paid_in_its_month_on_the_page_and_the_hour_sheet(ctx, client, login):
    from volunteers.models import AdjustmentLine, SettlementMonth
    from volunteers.models.enums import MonthState

    person = factories.active_volunteer(locale="en")
    _year_of_work(person.profile)
    corrected = db.session.scalar(
        select(Assignment).where(Assignment.profile_id == person.profile.id, Assignment.duration_minutes == 90)
    )
    db.session.add(SettlementMonth(month=date(YEAR, 6, 1), state=MonthState.OPEN))
    db.session.flush()
    db.session.add(
        AdjustmentLine(
            assignment_id=corrected.id,
            month=date(YEAR, 6, 1),
            minutes_difference=30,
            km_difference=12,
            cents_difference=360,
            reason="Ticket handed in late: 12 km more.",
        )
    )
    db.session.commit()
    login(client, person)
    text = _page(client.get(f"/volunteer/hours/{YEAR}"))
    # June pays the adjustment: no assignment of its own, half an hour, 12 km, 3.60 EUR.
    assert "June 0 0,5 12 3,60 € – PDF" in text
    assert "3 paid assignments, 5 hours, 48 km, 74,40 € in total" in text
    sheet = client.get(f"/volunteer/hours/{YEAR}/6/hour-sheet.pdf")
    assert sheet.status_code == 200
    pdf = _pdf_text(sheet.get_data())
    assert "Ticket handed in late: 12 km more." in pdf and "10 Mar 2026" in pdf
    assert "3,60 €" in pdf
