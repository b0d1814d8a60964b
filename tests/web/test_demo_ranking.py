"""The demo shows a real ranking: an open request with several ranked candidates, each for
different reasons, so the shortlist (tick several and offer) can be tried."""

from __future__ import annotations

from sqlalchemy import select

from tests.pages import visible_text
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import SupportRequest, User
from volunteers.models.enums import RequestState
from volunteers.services.candidates import rank


def test_an_open_demo_request_has_four_to_six_ranked_candidates_with_differing_reasons(app, ctx, client, login):
    seed_demo()
    db.session.commit()
    open_requests = db.session.scalars(
        select(SupportRequest).where(SupportRequest.state.in_([RequestState.OPEN, RequestState.PARTLY_FILLED]))
    ).all()
    rankings = {record.client_reference: rank(record).result.ranked for record in open_requests}
    best = max(rankings, key=lambda reference: len(rankings[reference]))
    ranked = rankings[best]
    assert 4 <= len(ranked) <= 6, {reference: len(found) for reference, found in rankings.items()}
    assert len({tuple(str(reason) for reason in row.reasons) for row in ranked}) == len(ranked)
    record = next(record for record in open_requests if record.client_reference == best)
    desk = db.session.scalar(select(User).where(User.email == "jonas.becker@wir-vielfalt.example"))
    login(client, desk, DEMO_PASSWORD)
    page = client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    assert page.count('type="checkbox"') >= 4, visible_text(page)[:3000]
