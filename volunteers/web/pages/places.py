"""Places in forms and on pages: "elsewhere" is translated, the rest are proper names."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import SelectChoice

from ...extensions import db
from ...labels import place_label
from ...models import Place


def place_choices() -> list[SelectChoice]:
    places = db.session.scalars(select(Place).order_by(Place.sort_order)).all()
    return [SelectChoice(place.id, place_label(place)) for place in places]


def get_place(place_id: int | None) -> Place | None:
    return db.session.get(Place, place_id) if place_id else None
