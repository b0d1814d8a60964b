"""Logging a training: the kind starts on an empty choice (nothing chosen for the volunteer),
and a date of completion long before anyone could have taken it is refused."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests import factories
from tests.pages import visible_text
from tests.web.test_trainings import _log
from volunteers.extensions import db
from volunteers.models import Qualification


def test_the_training_starts_on_please_choose(ctx, client, login):
    login(client, factories.volunteer(locale="en"))
    page = client.get("/volunteer/trainings/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="qualification_type".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select_html)
    assert options[0][1].strip() == "Please choose"
    assert not any("selected" in attributes for attributes, _label in options[1:])


def test_a_training_sent_without_a_choice_asks_for_one(ctx, client, login):
    login(client, factories.volunteer(locale="en"))
    response = _log(client, qualification_type="")
    assert response.status_code == 400
    assert "Choose the training, or “Other training” and describe it." in visible_text(response.get_data(as_text=True))
    assert db.session.scalar(select(Qualification)) is None


def test_a_completion_date_in_1900_is_refused(ctx, client, login):
    login(client, factories.volunteer(locale="en"))
    response = _log(client, completed_on="1900-01-01", provider="Volkshochschule Kassel")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="completed_on-error"' in page
    assert "Enter the date on the certificate: it cannot be before 1950." in visible_text(page)
    assert "Volkshochschule Kassel" in page
    assert db.session.scalar(select(Qualification)) is None
