"""The demo shows the funding side with something on every page: a client at four of five
funded assignments with a fifth request waiting, Dawit flagged near his yearly allowance, closed
months and open ones (one with an open item), and an adjustment line for a ticket handed in
after closing. Loading again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.pages import visible_text
from volunteers.clock import today
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.demo.funding import CLIENT_AT_CAP, NEAR_ALLOWANCE_CENTS
from volunteers.extensions import db
from volunteers.models import AdjustmentLine, SettlementMonth, SupportRequest, User
from volunteers.models.enums import MonthState, RequestState
from volunteers.services import compensation, settlement


def _user(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{local}@wir-vielfalt.example"))


def _page(app, login, local: str, path: str) -> str:
    visitor = app.test_client()
    login(visitor, _user(local), DEMO_PASSWORD)
    response = visitor.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 200, (local, path)
    return visible_text(response.get_data(as_text=True))


def test_the_demo_shows_the_cap_the_allowance_and_the_settlement(app, ctx, login):
    seed_demo()
    db.session.commit()
    waiting = db.session.scalar(
        select(SupportRequest).where(
            SupportRequest.client_reference == CLIENT_AT_CAP, SupportRequest.state == RequestState.OPEN
        )
    )
    year = waiting.starts_at.year
    request_page = _page(app, login, "jonas.becker", f"/coordinator/requests/{waiting.id}")
    assert f"Client {CLIENT_AT_CAP}: 4 of 5 funded assignments in {year}" in request_page

    dawit = _user("dawit.tesfaye")
    rules = compensation.rules(dawit.profile.programme)
    paid = compensation.totals(dawit.profile, today(), rules).year_paid_cents
    assert NEAR_ALLOWANCE_CENTS < paid <= compensation.ALLOWANCE_CENTS[dawit.profile.tax_allowance]
    tigrinya = db.session.scalar(select(SupportRequest).where(SupportRequest.client_reference == "DEMO-ER-014"))
    ranking = _page(app, login, "jonas.becker", f"/coordinator/requests/{tigrinya.id}")
    # He was asked already: his offer, waiting for his answer, carries the flag.
    assert "would pass the yearly allowance" in ranking

    months = db.session.scalars(select(SettlementMonth).order_by(SettlementMonth.month)).all()
    assert {m.state for m in months} == set(MonthState)
    listing = _page(app, login, "koordination", "/coordinator/settlement")
    closed = next(m for m in months if m.state is MonthState.CLOSED)
    with_items = [
        m
        for m in months
        if m.is_open and db.session.scalar(select(func.count()).select_from(settlement.open_items(m.month).subquery()))
    ]
    assert with_items, "an open month shows its open items"
    closed_page = _page(app, login, "jonas.becker", f"/coordinator/settlement/{settlement.month_key(closed.month)}")
    assert "Dawit Tesfaye" in closed_page or "Amina Haddad" in closed_page
    [line] = db.session.scalars(select(AdjustmentLine)).all()
    adjusted = _page(app, login, "jonas.becker", f"/coordinator/settlement/{settlement.month_key(line.month)}")
    assert line.reason in adjusted
    assert settlement.month_key(closed.month) in listing or closed.month.strftime("%Y") in listing

    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(SettlementMonth.id))) == len(months)
    assert db.session.scalar(select(func.count(AdjustmentLine.id))) == 1
