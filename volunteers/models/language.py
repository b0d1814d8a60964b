from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .retention import Retention


class Language(db.Model):
    """A language variety that is matched on its own (Dari and Farsi are two rows).

    Reference data inserted by a migration.
    """

    __tablename__ = "languages"
    __retention__ = Retention.REFERENCE

    #: ISO 639-3 code, e.g. `prs` for Dari.
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name_de: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))

    def name(self, locale: str) -> str:
        return self.name_de if locale.startswith("de") else self.name_en

    def __repr__(self) -> str:
        return f"<Language {self.code}>"
