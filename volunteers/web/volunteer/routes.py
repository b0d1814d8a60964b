"""The volunteer's home: their state, what is missing to be fully active, and what is next."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...clock import today
from ...db_types import utcnow
from ...extensions import db
from ...models import Consent, Offer, Qualification, VolunteerProfile
from ...models.enums import OfferState
from ...services import eligibility, expiry
from ...services.onboarding import certificates_of, declaration_states
from .blueprint import bp


def own_profile() -> VolunteerProfile:
    """The signed-in volunteer's profile (made when the role was granted)."""
    return db.one_or_404(
        select(VolunteerProfile)
        .where(VolunteerProfile.user_id == current_user.id)
        .options(selectinload(VolunteerProfile.languages), selectinload(VolunteerProfile.home_place))
    )


def trainings_of(profile: VolunteerProfile) -> list[Qualification]:
    return list(
        db.session.scalars(
            select(Qualification)
            .where(Qualification.profile_id == profile.id)
            .options(selectinload(Qualification.type))
            .order_by(Qualification.completed_on.desc(), Qualification.id.desc())
        )
    )


@bp.route("/")
def home():
    profile = own_profile()
    day = today()
    consent = db.session.scalar(
        select(Consent).where(Consent.user_id == current_user.id).order_by(Consent.given_at.desc()).limit(1)
    )
    waiting, answer_by = db.session.execute(
        select(func.count(Offer.id), func.min(Offer.expires_at)).where(
            Offer.profile_id == profile.id, Offer.state == OfferState.OFFERED, Offer.expires_at > utcnow()
        )
    ).one()
    return render_template(
        "volunteer/home.html",
        profile=profile,
        consent=consent,
        waiting=waiting,
        answer_by=answer_by,
        readiness=eligibility.readiness(profile, day),
        trainings=trainings_of(profile),
        declarations=declaration_states(profile, day),
        certificates=certificates_of(profile),
        soon=expiry.endings_of(profile, day),
        today=day,
    )
