from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime
from ..extensions import Model
from ..texts import in_sql, localized
from .retention import Retention


class Language(Model):
    """A language, or a variety of one, that is matched on its own (Dari and Farsi are two
    rows; Levantine Arabic is a variety of Arabic).

    Reference data: the migrations insert the list, coordinators add to it, rename and retire
    entries (services/languages.py, which also says how a variety is matched).
    """

    __tablename__ = "languages"
    __retention__ = Retention.REFERENCE

    #: ISO 639-3 code, e.g. `prs` for Dari; `qaa`–`qtz` (reserved for local use) for an entry
    #: without one.
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    #: Its name per UI locale, e.g. {"de": "Dari", "en": "Dari"}; German always (texts.py).
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    #: The language this is a variety of (one level only: a variety has no varieties).
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("languages.code"), index=True)
    #: When coordinators stopped offering it for new entries; those who have it keep it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped[Language | None] = relationship(remote_side=[code], back_populates="varieties")
    varieties: Mapped[list[Language]] = relationship(
        back_populates="parent", order_by=lambda: in_sql(Language.names, "de")
    )

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def name(self, locale: str) -> str:
        return localized(self.names, locale)

    def __repr__(self) -> str:
        return f"<Language {self.code}>"
