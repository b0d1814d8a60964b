"""The demo data loads and every request page it leads to renders, for each role."""

from __future__ import annotations

from sqlalchemy import select

from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import SupportRequest, User
from volunteers.models.enums import RequestState


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_demo_requests_cover_every_state_and_their_pages_render(app, ctx, client, other_client, login):
    seed_demo()
    db.session.commit()
    requests = list(db.session.scalars(select(SupportRequest).order_by(SupportRequest.id)))
    assert {record.state for record in requests} == {
        RequestState.OPEN,
        RequestState.PARTLY_FILLED,
        RequestState.FILLED,
        RequestState.CANCELLED,
        RequestState.UNMATCHED,
    }

    login(client, _user("koordination@wir-vielfalt.example"), DEMO_PASSWORD)
    board = client.get("/coordinator/requests")
    assert board.status_code == 200
    for record in requests:
        page = client.get(f"/coordinator/requests/{record.id}")
        assert page.status_code == 200, record.client_reference
        assert record.client_reference in page.get_data(as_text=True)

    login(other_client, _user("samir.nasser@wir-vielfalt.example"), DEMO_PASSWORD)
    own = [record for record in requests if record.organisation.name.startswith("Deutsch-Syrischer")]
    assert own
    assert other_client.get("/organisation/requests").status_code == 200
    for record in requests:
        expected = 200 if record in own else 404
        assert other_client.get(f"/organisation/requests/{record.id}").status_code == expected

    volunteer = app.test_client()
    login(volunteer, _user("amina.haddad@wir-vielfalt.example"), DEMO_PASSWORD)
    assignments = volunteer.get("/volunteer/assignments")
    assert assignments.status_code == 200
    text = assignments.get_data(as_text=True)
    assert "Grundschule, Sekretariat" in text  # her confirmed assignment, with where to meet
    assert "DEMO-SY-028" not in text  # volunteers never see the reference
