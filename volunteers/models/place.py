from __future__ import annotations

import enum

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import str_enum
from ..extensions import Model
from .retention import Retention


class PlaceKind(enum.Enum):
    TOWN = "town"
    MUNICIPALITY = "municipality"
    CITY = "city"
    ELSEWHERE = "elsewhere"


class Place(Model):
    """A municipality of Landkreis Kassel, the city of Kassel, or "elsewhere".

    Rows are reference data inserted by a migration; everything that has a place refers here.
    """

    __tablename__ = "places"
    __retention__ = Retention.REFERENCE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Official municipality key (AGS); None for "elsewhere".
    ags: Mapped[str | None] = mapped_column(String(8), unique=True)
    #: Official German name; the English interface shows the same name.
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[PlaceKind] = mapped_column(str_enum(PlaceKind, "place_kind"))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    #: Centre coordinate in decimal degrees (WGS 84); None for "elsewhere".
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: Order in lists: municipalities alphabetically, then Kassel, then "elsewhere".
    sort_order: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Place {self.name}>"
