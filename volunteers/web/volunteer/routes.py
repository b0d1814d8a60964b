"""The volunteer's area. The profile and qualifications arrive with the next issue."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Consent
from .blueprint import bp


@bp.route("/")
def home():
    consent = db.session.scalar(
        select(Consent).where(Consent.user_id == current_user.id).order_by(Consent.given_at.desc()).limit(1)
    )
    return render_template("volunteer/home.html", consent=consent)
