"""The volunteer's calendar feed (services/calendar_feeds.py): turning it on shows its address
once, with how to add it in common calendar apps; a new address and turning it off ask first.
The address is shown on the page that answers the POST, never stored or put in a redirect."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...formatting import format_datetime
from ...models import CalendarFeed
from ...models.enums import VolunteerStatus
from ...notifications.links import portal_url
from ...services import calendar_feeds
from ..edge.confirm import Confirmation, confirm_then, render_confirmation
from ..edge.service_errors import attempt, form_status
from ..pages.forms import ConfirmForm
from .blueprint import bp
from .routes import own_profile


@bp.route("/calendar")
def calendar_feed():
    profile = own_profile()
    return render_template(
        "volunteer/calendar.html",
        feed=calendar_feeds.feed_of(profile),
        may_turn_on=profile.status is not VolunteerStatus.RETIRED,
        form=ConfirmForm(),
    )


def _address_page(token: str, renewed: bool):
    address = portal_url("public.calendar_feed", token=token)
    return render_template("volunteer/calendar_address.html", address=address, renewed=renewed)


def _back():
    return redirect(url_for("volunteer.calendar_feed"))


@bp.post("/calendar/on")
def turn_on_calendar_feed():
    profile = own_profile()
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return _back()
    made = attempt(lambda: calendar_feeds.turn_on(current_user, profile))
    if not made:
        return _back()
    return _address_page(made.result, renewed=False)


def _facts(feed: CalendarFeed) -> list[tuple[object, object]]:
    fetched = format_datetime(feed.last_used_at) if feed.last_used_at else _("Not yet")
    return [
        (_("Address made on"), format_datetime(feed.created_at)),
        (_("Last fetched by a calendar app"), fetched),
    ]


@bp.route("/calendar/renew", methods=["GET", "POST"])
def renew_calendar_feed():
    profile = own_profile()
    feed = calendar_feeds.feed_of(profile)
    if feed is None:
        flash(str(calendar_feeds.NOT_ON), "info")
        return _back()
    confirmation = Confirmation(
        title=_("Give your calendar feed a new address?"),
        facts=_facts(feed),
        happens=[
            _("You get a new address, shown once, to add to your calendar apps."),
            _(
                "The old address stops working at once: calendars that use it show none of your "
                "assignments until you add the new one."
            ),
        ],
        confirm_label=_("Yes, make a new address"),
        back_url=url_for("volunteer.calendar_feed"),
    )
    form = ConfirmForm()
    if form.validate_on_submit():
        renewed = attempt(lambda: calendar_feeds.renew(current_user, profile), form)
        if renewed:
            return _address_page(renewed.result, renewed=True)
        return render_confirmation(confirmation, form, 409)
    return render_confirmation(confirmation, form, form_status(form))


@bp.route("/calendar/off", methods=["GET", "POST"])
def turn_off_calendar_feed():
    profile = own_profile()
    feed = calendar_feeds.feed_of(profile)
    if feed is None:
        flash(_("Your calendar feed is off already."), "info")
        return _back()

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Turn off your calendar feed?"),
            facts=_facts(feed),
            happens=[
                _(
                    "Its address stops working at once: your calendar apps receive no more "
                    "assignments (most remove them at their next refresh; you can also remove the "
                    "subscription there)."
                ),
                _("Your assignments stay in the portal, and mails about them still come."),
                _("You can turn it on again at any time; it then gets a new address."),
            ],
            confirm_label=_("Yes, turn it off"),
            back_url=url_for("volunteer.calendar_feed"),
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: calendar_feeds.turn_off(current_user, profile),
        _("Your calendar feed is off; its address no longer works."),
        url_for("volunteer.calendar_feed"),
    )
