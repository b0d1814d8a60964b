"""The demo shows every page after the appointment with something on it: assignments in every
state before the settlement on the coordinators' pages, "Report how it went" for Amina and Jean,
the Syrian association's appointments to confirm. Loading again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.pages import visible_text
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import Assignment, RequestEvent, User
from volunteers.models.enums import AssignmentState, EventSubject


def _user(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{local}@wir-vielfalt.example"))


def _pages(app, login, local: str, *paths: str) -> dict[str, str]:
    visitor = app.test_client()
    login(visitor, _user(local), DEMO_PASSWORD)
    pages = {}
    for path in paths:
        response = visitor.get(path)
        assert response.status_code == 200, (local, path)
        pages[path] = visible_text(response.get_data(as_text=True))
    return pages


def test_the_demo_has_assignments_in_every_state(app, ctx, login):
    seed_demo()
    db.session.commit()
    found = db.session.scalars(select(Assignment)).all()
    assert {a.state for a in found} == set(AssignmentState)
    assert any(a.confirmed_automatically for a in found) and any(a.answered_by_id for a in found)
    assert any(a.long_detour for a in found) and any(a.wants_reflection_talk for a in found)
    assert all(a.dispute_reason for a in found if a.state is AssignmentState.DISPUTED)
    events = db.session.scalar(
        select(func.count()).select_from(RequestEvent).where(RequestEvent.subject == EventSubject.ASSIGNMENT)
    )
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Assignment.id))) == len(found)
    assert (
        db.session.scalar(
            select(func.count()).select_from(RequestEvent).where(RequestEvent.subject == EventSubject.ASSIGNMENT)
        )
        == events
    )

    lists = [f"/coordinator/assignments?show={show}" for show in ("missing", "disputed", "reflection", "reported")]
    desk = _pages(app, login, "jonas.becker", "/coordinator/", *lists)
    assert "1 report still missing after the last reminder" in desk["/coordinator/"]
    assert "1 report disputed by the organisation, to resolve" in desk["/coordinator/"]
    assert "1 reflection talk a volunteer asked for" in desk["/coordinator/"]
    for path in lists:
        assert "Nothing in this list." not in desk[path], path
    one_in_each_state = {a.state: a for a in found}.values()
    for assignment in one_in_each_state:
        page = _pages(app, login, "jonas.becker", f"/coordinator/requests/{assignment.request_id}")
        assert "After the appointment" in next(iter(page.values()))
    detour = next(a for a in found if a.long_detour)
    page = _pages(app, login, "jonas.becker", f"/coordinator/requests/{detour.request_id}")
    assert "long detour" in next(iter(page.values()))

    for local in ("amina.haddad", "jean.mukendi"):  # "Report how it went" on a past assignment
        waiting = next(a for a in found if a.profile.user.email.startswith(local))
        assert waiting.state is AssignmentState.AWAITING_REPORT
        volunteer = app.test_client()
        login(volunteer, _user(local), DEMO_PASSWORD)
        page = volunteer.get("/volunteer/assignments").get_data(as_text=True)
        assert f'href="/volunteer/offers/{waiting.offer_id}/report"' in page, local
    to_confirm = next(a for a in found if a.state is AssignmentState.REPORTED)
    samir = app.test_client()
    login(samir, _user("samir.nasser"), DEMO_PASSWORD)
    page = samir.get("/organisation/to-confirm").get_data(as_text=True)
    assert f"/organisation/assignments/{to_confirm.id}/confirm" in page
