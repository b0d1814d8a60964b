"""The demo's notes and organisation descriptions are written in German, like the pages they
show on."""

from __future__ import annotations

from sqlalchemy import select

from volunteers.demo import seed_demo
from volunteers.extensions import db
from volunteers.models import Organisation, OrganisationNote, RequestNote, VolunteerNote

ENGLISH = (" the ", " and ", " would ", " of ", " ask ")


def test_demo_notes_and_descriptions_are_german(app, ctx):
    seed_demo()
    db.session.commit()
    texts = [
        note.body
        for model in (VolunteerNote, OrganisationNote, RequestNote)
        for note in db.session.scalars(select(model))
    ]
    texts += [o.description for o in db.session.scalars(select(Organisation)) if o.description]
    assert texts
    english = [text for text in texts if any(word in f" {text.lower()} " for word in ENGLISH)]
    assert not english
