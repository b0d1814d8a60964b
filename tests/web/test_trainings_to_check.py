"""The list of trainings to check: verify with one tap, or reject through the confirmation page
with a reason, both right from the list and back to it."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.web.test_trainings import PDF, _log
from volunteers.extensions import db
from volunteers.models import Qualification
from volunteers.models.enums import QualificationStatus

LIST = "/coordinator/trainings"


def _row(page: str, name: str) -> str:
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if name in row]
    assert len(rows) == 1, name
    return rows[0]


def _logged_trainings(app, login) -> tuple[Qualification, Qualification]:
    for given_name in ("Amina", "Dawit"):
        client = app.test_client()
        login(client, factories.volunteer(given_name=given_name, locale="en"))
        assert _log(client, PDF).status_code == 302
    first, second = db.session.scalars(select(Qualification).order_by(Qualification.id)).all()
    return first, second


def test_a_training_is_rejected_from_the_list_with_a_reason_and_the_list_comes_back(ctx, app, client, login):
    amina, _dawit = _logged_trainings(app, login)
    login(client, factories.coordinator(locale="en"))
    page = client.get(LIST).get_data(as_text=True)
    assert "open the volunteer's page" not in page
    reject = html.unescape(re.search(r'href="([^"]*/reject[^"]*)"', _row(page, "Amina")).group(1))
    assert reject.startswith(f"/coordinator/trainings/{amina.id}/reject")

    confirmation = client.get(reject).get_data(as_text=True)
    assert "Reject this training?" in confirmation
    assert f'href="{LIST}"' in confirmation  # "No, go back" returns to the list
    assert db.session.get(Qualification, amina.id).status is QualificationStatus.PENDING

    without_reason = submit(client, reject, {"reason": ""}, page=reject)
    assert without_reason.status_code == 400
    assert db.session.get(Qualification, amina.id).status is QualificationStatus.PENDING

    done = submit(client, reject, {"reason": "The certificate is not readable."}, page=reject)
    assert done.status_code == 302 and done.headers["Location"] == LIST
    rejected = db.session.get(Qualification, amina.id)
    assert rejected.status is QualificationStatus.REJECTED
    assert rejected.rejection_reason == "The certificate is not readable."
    after = client.get(LIST).get_data(as_text=True)
    assert "The training is rejected" in after
    assert "Amina" not in after and "Dawit" in after

    # Opened again (a second tab): it says so, and goes back to the list.
    again = client.get(reject)
    assert again.status_code == 302 and again.headers["Location"] == LIST


def test_a_training_is_verified_from_the_list_with_one_tap(ctx, app, client, login):
    _amina, dawit = _logged_trainings(app, login)
    login(client, factories.coordinator(locale="en"))
    page = client.get(LIST).get_data(as_text=True)
    verify = html.unescape(re.search(r'<form method="post" action="([^"]*/verify[^"]*)"', _row(page, "Dawit")).group(1))
    done = submit(client, verify, page=LIST)
    assert done.status_code == 302 and done.headers["Location"] == LIST
    assert db.session.get(Qualification, dawit.id).status is QualificationStatus.VERIFIED
