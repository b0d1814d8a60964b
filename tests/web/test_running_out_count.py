"""The work queue's count of what runs out and the list it links to agree (the refresher due
and the police certificate ending on the last day of the window included)."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.pages import visible_text
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import User


def test_the_work_queue_counts_what_the_expiring_list_shows(app, ctx, client, login):
    seed_demo()
    db.session.commit()
    login(
        client, db.session.scalar(select(User).where(User.email == "jonas.becker@wir-vielfalt.example")), DEMO_PASSWORD
    )
    home = visible_text(client.get("/coordinator/").get_data(as_text=True))
    counted = re.search(r"(\d+) trainings? or police certificates? runs? out within 30 days", home)
    assert counted, home
    listed = visible_text(client.get("/coordinator/expiring?days=30").get_data(as_text=True))
    shown = re.search(r"(\d+) runs? out in this time", listed)
    assert shown, listed
    assert int(shown.group(1)) >= 2  # the demo has a refresher due and a certificate ending in 30 days
    assert counted.group(1) == shown.group(1)
    # Each training is named in the reader's language, not left empty after its kind.
    assert re.search(r"Refresher due: \S", listed), listed
    assert not re.search(r"(Qualification|Refresher due):\s*(\d|$)", listed, re.MULTILINE), listed
