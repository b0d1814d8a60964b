"""What someone typed into a form they sent after their login had timed out: kept for them
for a short while, so that after logging in again the form opens filled in (web/kept_forms.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention


class KeptForm(Model):
    __tablename__ = "kept_forms"
    __retention__ = Retention.SHORT_LIVED

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Only this account gets the entries back.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random handle the browser's session holds.
    handle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The page (a path on this site) whose form the entries go back into.
    return_to: Mapped[str] = mapped_column(String(500))
    #: The submitted fields as JSON, [[name, value], ...]; never passwords, tokens or files.
    fields: Mapped[str] = mapped_column(Text)
    #: The form carried files, which are not kept: the page asks for them again.
    files_left_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: `flask tick` deletes the row after this; a login after it finds nothing.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
