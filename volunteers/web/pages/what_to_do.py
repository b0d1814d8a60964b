"""What a volunteer can do about an offer they can no longer accept: change what they can
change themselves, or call the centre."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ...models import Offer
from ...models.enums import HardRule, OfferState
from ...services.candidates import rules_broken

#: Rules the volunteer can put right on their own pages, and where.
FIXABLE = {
    HardRule.AVAILABLE: "volunteer.availability",
    HardRule.LANGUAGE: "volunteer.profile",
    HardRule.DISTANCE: "volunteer.profile",
}


def what_to_do(offer: Offer | None) -> Markup | None:
    """After an acceptance was refused: the way out for the first rule the offer breaks (none
    when it breaks none any more, or is no longer open)."""
    if offer is None or offer.state is not OfferState.OFFERED:
        return None
    broken = rules_broken(offer.request, offer.profile_id)
    if not broken:
        return None
    endpoint = FIXABLE.get(broken[0])
    if endpoint == "volunteer.availability":
        text = _(
            'If you can come after all, <a href="%(url)s">change your availability or absences</a>, then accept again.'
        )
    elif endpoint:
        text = _('If you can come after all, <a href="%(url)s">change your profile</a>, then accept again.')
    else:
        phone = current_app.config.get("CONTACT_PHONE")
        if phone:
            return Markup.escape(_("Please call the centre: %(phone)s.", phone=phone))
        return Markup.escape(_("Please contact the centre."))
    # The sentence is our own catalogue's (a link inside it reads better than one after it);
    # the address is escaped by Markup's %.
    return Markup(text) % {"url": url_for(endpoint)}  # noqa: S704
