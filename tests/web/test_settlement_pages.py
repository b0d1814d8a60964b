"""The monthly settlement as coordinators use it: open a month, see per volunteer what it pays
and what is open, move an open item (asked first, with a reason), close (asked first; refused
while items are open, or from an older page), correct a settled assignment (an adjustment in
the next month), and download the month: the workbook's and the CSV file's figures are the
page's. Other roles and unknown months get nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories
from tests.after_appointment import send_form
from tests.conftest import submit
from tests.pages import text_of, tree, visible_text
from volunteers.clock import local
from volunteers.extensions import db
from volunteers.models import AdjustmentLine, Assignment, AuditEvent, SettlementMonth
from volunteers.models.enums import Actor, AssignmentState, MonthState, Outcome
from volunteers.services import assignments
from volunteers.services.assignments import Report
from volunteers.services.transitions import By


@pytest.fixture
def centre(ctx, client, login):
    """A coordinator reading English, signed in."""
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    return coordinator


def _key(assignment: Assignment) -> str:
    return local(assignment.appointment_at).strftime("%Y-%m")


def _confirmed(minutes: int = 90, km: int = 20, name=("Amina", "Haddad")) -> Assignment:
    staff, _, person, assignment = factories.ended_assignment(days_ago=2, volunteer_name=name)
    assignments.report(
        By(Actor.VOLUNTEER, person),
        assignment,
        Report(
            outcome=Outcome.TOOK_PLACE,
            started_at=assignment.appointment_at,
            duration_minutes=minutes,
            travel_km=km,
            long_detour_confirmed=True,
        ),
    )
    assignments.confirm(By(Actor.ORGANISATION, staff), assignment)
    db.session.commit()
    return assignment


def _open(client, key: str):
    return submit(client, "/coordinator/settlement", {"month": key})


def _euros(text: str) -> float:
    """ "23,00 €", "1,5" or "1.234" as a number (English is written as in Germany: en_DE)."""
    digits = re.sub(r"[^\d,.\-+]", "", text)
    if "," in digits and digits.rfind(",") > digits.rfind("."):
        digits = digits.replace(".", "").replace(",", ".")
    else:
        digits = digits.replace(",", "")
    return float(digits)


def _totals_on_page(html: str) -> dict[str, tuple[float, float, float]]:
    """Per volunteer (the table's caption): the total row's hours, kilometres and amount."""
    found = {}
    for table in (node for node in tree(html).iter() if node.tag == "table"):
        caption = next((n for n in table.iter() if n.tag == "caption"), None)
        foot = next((n for n in table.iter() if n.tag == "tfoot"), None)
        if caption is None or foot is None:
            continue
        cells = [text_of(n).strip() for n in foot.iter() if n.tag == "td"]
        name = text_of(caption).split("·")[0].strip()
        found[name] = (_euros(cells[0]), _euros(cells[1]), _euros(cells[2]))
    return found


def test_a_coordinator_opens_a_month_and_sees_what_it_pays(centre, client):
    assignment = _confirmed(minutes=90, km=20)
    key = _key(assignment)
    response = _open(client, key)
    assert response.status_code == 302 and response.location.endswith(f"/coordinator/settlement/{key}")
    again = _open(client, key)  # sent twice: the month that exists, nothing twice
    assert again.status_code == 302 and again.location.endswith(f"/coordinator/settlement/{key}")
    assert db.session.scalar(select(func.count(SettlementMonth.id))) == 1
    listing = visible_text(client.get("/coordinator/settlement").get_data(as_text=True))
    assert "Open" in listing
    page = client.get(f"/coordinator/settlement/{key}").get_data(as_text=True)
    totals = _totals_on_page(page)
    hours, km, amount = totals["Amina Haddad"]
    assert (hours, km) == (1.5, 20) and amount == assignment.amount_cents / 100
    assert "Paid this year so far" in visible_text(page)


def test_a_future_month_is_not_offered_and_a_made_up_one_refused(centre, client):
    response = _open(client, "2099-01")
    assert response.status_code == 400
    assert "Only a past month or the current one can be opened." in visible_text(response.get_data(as_text=True))
    assert _open(client, "someday").status_code == 400
    assert db.session.scalar(select(func.count(SettlementMonth.id))) == 0


def test_unknown_months_and_other_months_items_are_404(centre, client):
    assignment = _confirmed()
    key = _key(assignment)
    assert client.get("/coordinator/settlement/2026-13").status_code == 404
    assert client.get(f"/coordinator/settlement/{key}").status_code == 404  # not opened yet
    _open(client, key)
    assert client.get("/coordinator/settlement/2001-01/close").status_code == 404
    assert client.get(f"/coordinator/settlement/{key}/items/999999/move").status_code == 404
    assert client.get("/coordinator/settlement/2001-01/export.csv").status_code == 404


def test_volunteers_and_organisations_are_refused(ctx, client, login):
    assignment = _confirmed()
    key = _key(assignment)
    coordinator = factories.coordinator()
    from volunteers.services import settlement

    settlement.open_month(coordinator, date.fromisoformat(f"{key}-01"), date.fromisoformat(f"{key}-28"))
    db.session.commit()
    for user in (assignment.profile.user, assignment.request.organisation.contact):
        fresh = client.application.test_client()
        login(fresh, user)
        for path in (
            "/coordinator/settlement",
            f"/coordinator/settlement/{key}",
            f"/coordinator/settlement/{key}/export.xlsx",
            f"/coordinator/settlement/{key}/close",
        ):
            assert fresh.get(path).status_code == 403, (user.email, path)


def test_closing_asks_first_names_open_items_and_moving_one_needs_a_reason(centre, client):
    paid = _confirmed()
    _, _, _, waiting = factories.ended_assignment(days_ago=2, volunteer_name=("Bashir", "Noori"))
    key = _key(paid)
    _open(client, key)
    close_page = f"/coordinator/settlement/{key}/close"
    asked = client.get(close_page)
    assert asked.status_code == 200 and "Close the month" in visible_text(asked.get_data(as_text=True))
    refused = submit(client, close_page, {"version": "1"})
    assert refused.status_code == 409
    assert "Bashir Noori" in visible_text(refused.get_data(as_text=True))
    assert db.session.scalar(select(SettlementMonth.state)) is MonthState.OPEN
    month_page = client.get(f"/coordinator/settlement/{key}").get_data(as_text=True)
    move = f"/coordinator/settlement/{key}/items/{waiting.id}/move"
    assert move in month_page
    without_reason = submit(client, move, {"reason": "", "version": str(waiting.version)})
    assert without_reason.status_code == 400 and "Say why" in visible_text(without_reason.get_data(as_text=True))
    moved = submit(client, move, {"reason": "The volunteer is abroad.", "version": str(waiting.version)})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, waiting.id).state is AssignmentState.AWAITING_REPORT
    stale = submit(client, close_page, {"version": "0"})
    assert stale.status_code == 409 and "changed in the meantime" in visible_text(stale.get_data(as_text=True))
    closed = submit(client, close_page, {"version": "1"})
    assert closed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, paid.id).state is AssignmentState.SETTLED
    assert client.get(close_page).status_code == 302  # a closed month's close page sends back to it
    again = submit(client, close_page, {"version": "2"}, page="/coordinator/settlement")
    assert again.status_code == 409 and "closed already" in visible_text(again.get_data(as_text=True))


def test_a_settled_assignment_is_corrected_by_an_adjustment_in_the_next_month(centre, client):
    paid = _confirmed(minutes=90, km=20)
    key = _key(paid)
    _open(client, key)
    assert submit(client, f"/coordinator/settlement/{key}/close", {"version": "1"}).status_code == 302
    db.session.expire_all()
    paid = db.session.get(Assignment, paid.id)
    correct = f"/coordinator/assignments/{paid.id}/correct"
    page = client.get(correct)
    assert page.status_code == 200 and "adjustment line" in visible_text(page.get_data(as_text=True))
    response = send_form(client, correct, {"duration_minutes": "120", "reason": "The timesheet says two hours."})
    assert response.status_code == 302, visible_text(response.get_data(as_text=True))[:800]
    db.session.expire_all()
    assert db.session.get(Assignment, paid.id).duration_minutes == 90  # the settled figures stay
    line = db.session.scalars(select(AdjustmentLine)).one()
    assert line.minutes_difference == 30
    next_key = line.month.strftime("%Y-%m")
    month_page = client.get(f"/coordinator/settlement/{next_key}").get_data(as_text=True)
    hours, _km, amount = _totals_on_page(month_page)["Amina Haddad"]
    assert hours == 0.5 and amount == line.cents_difference / 100


def test_the_workbook_and_the_csv_file_show_the_page_s_figures_and_are_audited(centre, client):
    first = _confirmed(minutes=90, km=20, name=("Amina", "Haddad"))
    _confirmed(minutes=45, km=0, name=("Bashir", "Noori"))
    key = _key(first)
    _open(client, key)
    on_page = _totals_on_page(client.get(f"/coordinator/settlement/{key}").get_data(as_text=True))
    assert set(on_page) == {"Amina Haddad", "Bashir Noori"}

    response = client.get(f"/coordinator/settlement/{key}/export.xlsx")
    assert response.status_code == 200
    assert f"filename=settlement-{key}.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    summary = book.worksheets[0]
    header = [cell.value for cell in summary[1]]
    assert summary.freeze_panes == "A2" and summary["A1"].font.bold
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in summary.iter_rows(min_row=2, values_only=True)}
    for name, (hours, km, amount) in on_page.items():
        assert rows[name]["Hours"] == hours and rows[name]["Kilometres"] == km
        assert rows[name]["To pay (EUR)"] == pytest.approx(amount)
    assert "€" in summary.cell(row=2, column=header.index("To pay (EUR)") + 1).number_format
    assert [sheet.title for sheet in book.worksheets[1:]] == ["Amina Haddad", "Bashir Noori"]
    detail = book["Amina Haddad"]
    assert isinstance(detail["A2"].value, __import__("datetime").datetime)

    response = client.get(f"/coordinator/settlement/{key}/export.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert f"settlement-{key}.csv" in response.headers["Content-Disposition"]
    reader = csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")
    header, *lines = list(reader)
    sums: dict[str, list[float]] = {}
    for line in lines:
        record = dict(zip(header, line, strict=True))
        totals = sums.setdefault(record["Volunteer"], [0.0, 0.0, 0.0])
        totals[0] += float(record["Hours"].replace(",", "."))
        totals[1] += float(record["Kilometres"].replace(",", "."))
        totals[2] += float(record["Amount (EUR)"].replace(",", "."))
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", record["Date"])
    for name, (hours, km, amount) in on_page.items():
        assert sums[name] == pytest.approx([hours, km, amount])
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settlement.exported")).all()
    assert len(audited) == 2


def test_a_month_s_page_and_its_workbook_take_the_same_statements_for_one_volunteer_or_three(
    centre, client, count_queries
):
    first = _confirmed(name=("Amina", "Haddad"))
    key = _key(first)
    _open(client, key)
    page = f"/coordinator/settlement/{key}"
    client.get(page)  # the session's first page loads what every page needs
    with count_queries() as few:
        assert client.get(page).status_code == 200
    with count_queries() as few_export:
        assert client.get(f"{page}/export.xlsx").status_code == 200
    _confirmed(name=("Bashir", "Noori"))
    _confirmed(name=("Dawit", "Tesfaye"))
    with count_queries() as many:
        assert client.get(page).status_code == 200
    with count_queries() as many_export:
        assert client.get(f"{page}/export.xlsx").status_code == 200
    assert len(many) == len(few), "\n".join(many)
    assert len(many_export) == len(few_export), "\n".join(many_export)
