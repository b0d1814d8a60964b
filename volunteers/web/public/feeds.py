"""A volunteer's calendar feed, fetched by calendar apps without a session: the secret token in
the address is the credential (services/calendar_feeds.py). An unknown, renewed or stopped
token is a 404 like any address that does not exist."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ...notifications import calendar
from ...services import calendar_feeds
from ...services.rate_limits import Action
from ..security.rate_limit import over_limit, wait_message
from .blueprint import bp


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    feed = calendar_feeds.find(token)
    # Unknown tokens count against the client too: guessing is throttled like fetching.
    if wait := over_limit(Action.CALENDAR_FEED, account=feed.profile.user if feed else None):
        return Response(
            wait_message(wait),
            429,
            {"Retry-After": str(wait), "Cache-Control": "no-store"},
            mimetype="text/plain",
        )
    if feed is None:
        abort(404)
    volunteer = feed.profile.user
    offers = calendar_feeds.fetched(feed)
    with force_locale(volunteer.locale):
        name = _("My assignments: %(centre)s", centre=current_app.config["CENTRE_NAME"])
        body = calendar.feed(offers, volunteer.locale, name)
    response = Response(body, mimetype="text/calendar")
    # Personal data: kept by the calendar app only, never by a shared proxy; asked again each
    # time, and an unchanged feed (the same bytes: see calendar.last_changed) answers 304.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.add_etag()
    return response.make_conditional(request)


# The fetch writes (the rate-limit count, the time it was used): on SQLite its transaction
# takes the write lock from the start, as every writing request does (db_types.py).
calendar_feed.writes_on_get = True  # type: ignore[attr-defined]
