"""Rate limits for everything that sends mail or hashes a password.

Each action has a limit per client address, per account (for signed-in actions) and overall,
counted in fixed windows in the database with an atomic upsert, so several web workers (and
parallel requests) share one count. A request is checked before any hashing or mail. Subjects
are stored as keyed hashes, never as addresses.

The limits are generous for people (a training evening where twenty new volunteers register
on the centre's network fits) and small for scripts: one client cannot send more than a few
mails to strangers an hour, and a flood from many clients stops at the overall limit instead
of slowing the coordinators' pages down with Argon2 work.

Forms that mail an address a visitor typed are also single-use: their token is spent once
(`spend_form_token`), so a captured submission cannot be replayed.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete

from ..db_types import upsert, utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import RateLimitCounter, User


class Action(enum.Enum):
    #: Registering a volunteer or an organisation (a password hash and a mail), also adding
    #: an organisation to a signed-in account (mails the coordinators).
    REGISTER = "register"
    #: "Forgotten your password?" and "let this browser in": a mail to a typed address.
    MAIL_LINK = "mail_link"
    #: Setting a password from a mail link (reset, invitation): a password hash.
    NEW_PASSWORD = "new_password"  # noqa: S105 (an action, not a secret)
    #: Signed-in actions that check the current password (change it, change the address,
    #: the second factor's settings): an Argon2 verification, sometimes a hash and a mail.
    PASSWORD_CHECK = "password_check"  # noqa: S105 (an action, not a secret)
    #: Invitations sent by coordinators and organisation admins.
    INVITATION = "invitation"
    #: Submitting, changing or cancelling a support request (organisation staff, and
    #: coordinators for requests taken by phone): mails every coordinator, or the volunteers
    #: asked or confirmed, and the organisation when the centre cancels. Also an organisation's
    #: objection to a volunteer's report (mails every coordinator).
    REQUEST = "request"
    #: Coordinators' offers, and the answers they record or withdraw for a volunteer (by
    #: phone): mails volunteers, and the organisation once someone is confirmed; also a
    #: volunteer's report of an appointment taken by phone (the organisation is asked to confirm).
    OFFER = "offer"
    #: A volunteer's own answers in the portal (accepting an offer, cancelling an assignment,
    #: reporting an appointment) and pausing: mails the organisation and the coordinators, or
    #: withdraws offers by mail.
    ANSWER = "answer"
    #: Coordinators' decisions that mail the person concerned: a training verified, rejected or
    #: reopened; a volunteer's status; an organisation approved or rejected; someone's
    #: two-step login reset; an account deactivated (its open offers withdrawn); a failed
    #: mail sent again; an organisation's dispute about a report resolved.
    DECISION = "decision"
    #: A calendar app fetching a volunteer's feed (no mail, no password, but a public address
    #: that reads the database): per client, per feed (the account that owns it) and overall.
    CALENDAR_FEED = "calendar_feed"


@dataclass(frozen=True)
class Limit:
    per_client: int
    #: None: the action is not done by a signed-in account.
    per_account: int | None
    overall: int
    window: timedelta


HOUR = timedelta(hours=1)

LIMITS: dict[Action, Limit] = {
    Action.REGISTER: Limit(per_client=30, per_account=5, overall=200, window=HOUR),
    Action.MAIL_LINK: Limit(per_client=10, per_account=None, overall=200, window=HOUR),
    Action.NEW_PASSWORD: Limit(per_client=20, per_account=None, overall=200, window=HOUR),
    Action.PASSWORD_CHECK: Limit(per_client=30, per_account=10, overall=500, window=HOUR),
    Action.INVITATION: Limit(per_client=60, per_account=30, overall=300, window=HOUR),
    # Sized for a county office: about ten requests a working day in all (the busiest pools in
    # Hessen have 2,000 appointments a year), a few coordinators behind one address, and
    # after a training evening twenty volunteers' proofs to check at once. An account's hour
    # holds several times a busy day's work; a script in a stolen account stops after that.
    Action.REQUEST: Limit(per_client=200, per_account=30, overall=400, window=HOUR),
    Action.OFFER: Limit(per_client=300, per_account=60, overall=600, window=HOUR),
    Action.ANSWER: Limit(per_client=200, per_account=20, overall=400, window=HOUR),
    Action.DECISION: Limit(per_client=400, per_account=150, overall=800, window=HOUR),
    # Calendar apps fetch every 5 minutes to every day (Thunderbird can be set to every minute);
    # Google and Microsoft fetch every subscriber's feed from a few shared addresses, so the
    # client's allowance holds a whole pool of several hundred volunteers.
    Action.CALENDAR_FEED: Limit(per_client=1200, per_account=60, overall=6000, window=HOUR),
}

#: How long a spent form token is remembered; older tokens are refused as expired.
FORM_TOKEN_AGE = timedelta(hours=24)


def _digest(*parts: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def _count(key: str, window: timedelta, now: datetime) -> tuple[int, datetime]:
    """Adds one to the key's count in the current window; returns the count and the window's end."""
    start = _window_start(now, window)
    end = start + window
    statement = upsert(RateLimitCounter).values(key=key, window_start=start, count=1, expires_at=end)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "count": case(
                (RateLimitCounter.window_start == statement.excluded.window_start, RateLimitCounter.count + 1),
                else_=1,
            ),
            "window_start": statement.excluded.window_start,
            "expires_at": statement.excluded.expires_at,
        },
    ).returning(RateLimitCounter.count)
    return db.session.execute(statement).scalar_one(), end


def hit(action: Action, *, client: str, user: User | None = None, now: datetime | None = None) -> int:
    """Counts one request. Returns 0 if it may go on, else the seconds until it may.

    Per client first, then per account, then overall; a request refused by one is not
    counted in the next, so one client cannot use up everyone's allowance."""
    now = now or utcnow()
    limit = LIMITS[action]
    subjects: list[tuple[str, int]] = [(f"{action.value}:c:{_digest(action.value, client)}", limit.per_client)]
    if user is not None and limit.per_account is not None:
        subjects.append((f"{action.value}:u:{_digest(action.value, str(user.id))}", limit.per_account))
    subjects.append((f"{action.value}:all", limit.overall))
    for key, allowed in subjects:
        count, window_end = _count(key, limit.window, now)
        if count > allowed:
            return max(1, int((window_end - now).total_seconds() + 0.999))
    return 0


def spend_form_token(token: str, now: datetime | None = None) -> bool:
    """Marks a submitted form's token as used; False if it was used before (a replay)."""
    now = now or utcnow()
    statement = (
        upsert(RateLimitCounter)
        .values(key=f"form:{_digest('form', token)}", window_start=now, count=1, expires_at=now + FORM_TOKEN_AGE)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(RateLimitCounter.key)
    )
    return db.session.execute(statement).first() is not None


def purge(now: datetime | None = None) -> int:
    return rows_changed(delete(RateLimitCounter).where(RateLimitCounter.expires_at < (now or utcnow())))
