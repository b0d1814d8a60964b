"""What runs out soon is on the volunteer's own page (with what to do) and on the coordinators'
record of them, as the reminder mails and the list of what runs out say it."""

from __future__ import annotations

from sqlalchemy import select

from tests.pages import visible_text
from volunteers.clock import today
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import User
from volunteers.services import expiry


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_the_volunteer_and_the_coordinator_see_what_runs_out_for_that_volunteer(app, ctx, client, login):
    seed_demo()
    db.session.commit()
    soon = [e for e in expiry.endings(today(), expiry.SOON_DAYS) if e.what in ("refresher", "police_certificate")]
    assert {e.what for e in soon} == {"refresher", "police_certificate"}, "the demo has both"
    for ending in soon:
        volunteer = ending.profile.user
        volunteer.locale = "en"
        db.session.commit()
        assert [(e.what, e.until) for e in expiry.endings_of(ending.profile, today()) if e.what == ending.what] == [
            (ending.what, ending.until)
        ]
        own = client.application.test_client()
        login(own, volunteer, DEMO_PASSWORD)
        home = visible_text(own.get("/volunteer/").get_data(as_text=True))
        assert "Runs out soon" in home
        if ending.what == "refresher":
            assert "a refresher is due by" in home and "Log the new training or refresher under Trainings" in home
        else:
            assert "Police certificate: valid until" in home and "Apply for a new certificate" in home
    coordinator = client.application.test_client()
    centre = _user("koordination@wir-vielfalt.example")
    centre.locale = "en"
    db.session.commit()
    login(coordinator, centre, DEMO_PASSWORD)
    record = visible_text(coordinator.get(f"/coordinator/volunteers/{soon[0].profile.id}").get_data(as_text=True))
    assert "Runs out soon" in record and "Log the new training" not in record
