"""The support-request pages, through the pages people use (CSRF on): the request form and its
rules, who may see what, the coordinators' board and request page, the link in an offer mail,
the volunteer's assignments and the exclusions coordinators record.

Page texts are checked in English (the users here chose English); the mails' languages are
tested in tests/mail/test_request_mails.py."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import holidays
import pytest
from sqlalchemy import func, select, update

from tests import factories
from tests.conftest import csrf_token, submit
from tests.mailbox import path_of_link
from volunteers.clock import BERLIN, today
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import (
    ActionToken,
    AvailabilitySlot,
    Exclusion,
    Offer,
    OrganisationStatus,
    OutboxMessage,
    RequestEvent,
    SupportRequest,
)
from volunteers.models.enums import DayPart, LanguageLevel, OfferState, RequestState, ResponseChannel
from volunteers.services import offers
from volunteers.services.workdays import add_working_days, earliest_appointment, is_working_day

EXPIRED_LINK = "This link has expired or has already been used."


# ---------------------------------------------------------------------------------------------
# Reading pages


class _FormReader(HTMLParser):
    """The values a browser would send for the form posting to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.values: dict[str, list[str]] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._inside = attributes.get("action") == self.action
            return
        if not self._inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values.setdefault(name, []).append(attributes.get("value") or "on")
            elif kind not in ("submit", "button"):
                self.values.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values.setdefault(self._select, []).append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(page: str, action: str) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(page)
    return {name: values[0].lstrip("\r\n") for name, values in reader.values.items() if values}


def field_error(page: str, field: str) -> str | None:
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.S)
    return re.sub(r"\s+", " ", match.group(1)) if match else None


def assert_typed_values_kept(page: str, action: str, sent: dict) -> None:
    shown = form_values(page, action)
    for name, value in sent.items():
        if name == "csrf_token":
            continue
        assert shown.get(name, "") == value, f"{name}: typed {value!r}, shown {shown.get(name)!r}"


def request_ids(page: str, prefix: str = "/coordinator/requests/") -> list[int]:
    return [int(number) for number in re.findall(rf'href="{re.escape(prefix)}(\d+)"', page)]


def row_of(page: str, href: str) -> str:
    rows = [row for row in page.split("<tr") if f'href="{href}"' in row]
    assert len(rows) == 1, href
    return rows[0]


def flashed(page: str) -> str:
    return re.sub(r"\s+", " ", page)


# ---------------------------------------------------------------------------------------------
# Making things


def _form(**changes) -> dict:
    return factories.request_form(**{"version": "", **changes})


def _requests() -> int:
    return db.session.scalar(select(func.count(SupportRequest.id)))


def _new_url(organisation) -> str:
    return f"/organisation/{organisation.id}/requests/new"


def _staff():
    return factories.organisation_user(locale="en")


def _offered(deliver, smtp_server, **request_values):
    """An open request offered to one volunteer; the answer link from the offer mail."""
    staff, organisation = _staff()
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    request_values.setdefault("starts_at", factories.next_weekday(1, 9, weeks=2))
    record = factories.support_request(organisation, created_by_id=staff.id, **request_values)
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    deliver()
    [mail] = smtp_server.to(person.email)
    return person, record, offer, path_of_link(mail, "/offer/")


def _accept(coordinator, record, person) -> Offer:
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    return offer


# ---------------------------------------------------------------------------------------------
# The form: lead time and urgency


def test_a_request_sooner_than_three_working_days_is_an_error_at_the_date(ctx, client, login):
    staff, organisation = _staff()
    login(client, staff)
    earliest = earliest_appointment(today(), 3)
    too_soon = add_working_days(today(), 2)
    sent = _form(day=too_soon.isoformat(), duration_minutes="75", minors_involved="y", urgent_reason="")
    response = submit(client, _new_url(organisation), sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = field_error(page, "day")
    assert message is not None, page[:3000]
    assert f"{earliest.day} {earliest:%B} {earliest.year}" in message  # "8 December 2026"
    assert _requests() == 0
    assert_typed_values_kept(page, _new_url(organisation), sent)

    accepted = submit(client, _new_url(organisation), _form(day=earliest.isoformat()))
    assert accepted.status_code == 302
    assert _requests() == 1


def _corpus_christi_ahead(after: date) -> date:
    """The next Corpus Christi, a public holiday in Hessen (not in all of Germany)."""
    for year in range(after.year, after.year + 3):
        hessian = set(holidays.Germany(subdiv="HE", years=year)) - set(holidays.Germany(years=year))
        for day in sorted(hessian):
            if day - timedelta(days=2) > after and day.weekday() == 3:
                return day
    raise AssertionError("no Hessian holiday on a Thursday ahead")


def test_the_lead_time_counts_working_days_across_a_hessian_holiday(ctx, client, login, monkeypatch):
    # Asked on the Tuesday of Corpus Christi week: Wednesday, (Thursday is a holiday), Friday,
    # Monday. Friday is three weekdays ahead but only two working days.
    holiday = _corpus_christi_ahead(today())
    tuesday = holiday - timedelta(days=2)
    friday, monday = holiday + timedelta(days=1), holiday + timedelta(days=4)
    assert not is_working_day(holiday)
    assert earliest_appointment(tuesday, 3) == monday
    monkeypatch.setattr("volunteers.web.organisation.requests.today", lambda: tuesday)
    staff, organisation = _staff()
    login(client, staff)
    sent = _form(day=friday.isoformat())
    response = submit(client, _new_url(organisation), sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = field_error(page, "day")
    assert message is not None and f"{monday.day} {monday:%B} {monday.year}" in message
    assert_typed_values_kept(page, _new_url(organisation), sent)
    assert _requests() == 0

    assert submit(client, _new_url(organisation), _form(day=monday.isoformat())).status_code == 302
    record = db.session.scalar(select(SupportRequest))
    assert record.starts_at.astimezone(BERLIN).date() == monday


def test_urgent_needs_a_reason_and_with_one_may_be_sooner(ctx, client, login):
    staff, organisation = _staff()
    login(client, staff)
    soon = add_working_days(today(), 1).isoformat()
    without = _form(day=soon, urgent="y", urgent_reason="   ", meeting_point="Rathaus, Zimmer 4")
    response = submit(client, _new_url(organisation), without)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error(page, "urgent_reason") is not None, page[:3000]
    assert field_error(page, "day") is None
    assert_typed_values_kept(page, _new_url(organisation), without)
    assert _requests() == 0

    reason = "The office set the appointment at short notice."
    accepted = submit(client, _new_url(organisation), _form(day=soon, urgent="y", urgent_reason=reason))
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:3000]
    record = db.session.scalar(select(SupportRequest))
    assert record.urgent and record.urgent_reason == reason


# ---------------------------------------------------------------------------------------------
# The form: the other rules


def _alternative_day() -> str:
    return (earliest_appointment(today(), 3) + timedelta(days=8)).isoformat()


@pytest.mark.parametrize(
    ("fields", "changes"),
    [
        (("consent_confirmed",), {"consent_confirmed": None}),
        (("not_excluded_confirmed",), {"not_excluded_confirmed": None}),
        (("client_reference",), {"client_reference": "K 2026 017"}),
        (("client_reference",), {"client_reference": "Maria Mustermann"}),
        (("place_id",), {"place_id": "0"}),
        (("alternative_day", "alternative_start"), {"alternative_day": "ALTERNATIVE", "alternative_start": ""}),
    ],
    ids=["no-consent", "no-exclusion-confirmation", "reference-with-spaces", "name-like", "no-place", "alt-no-time"],
)
def test_each_missing_or_wrong_entry_is_an_error_at_its_field(ctx, client, login, fields, changes):
    staff, organisation = _staff()
    login(client, staff)
    if changes.get("alternative_day") == "ALTERNATIVE":
        changes = {**changes, "alternative_day": _alternative_day()}
    sent = _form(**changes)
    response = submit(client, _new_url(organisation), sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = {field: field_error(page, field) for field in fields}
    assert any(errors.values()), page[:3000]
    others = re.findall(r'id="([a-z_]+)-error"', page)
    assert set(others) <= set(fields), others
    assert _requests() == 0
    assert_typed_values_kept(page, _new_url(organisation), sent)


# ---------------------------------------------------------------------------------------------
# Who sees what


def test_organisations_see_only_their_own_requests_and_get_404_for_others(ctx, client, login):
    staff, organisation = _staff()
    _other_staff, other = _staff()
    theirs = factories.support_request(other, client_reference="K-OTHER")
    mine = factories.support_request(organisation, client_reference="K-MINE")
    login(client, staff)
    token = csrf_token(client, "/organisation/requests")
    for record_id in (theirs.id, 999_999):
        assert client.get(f"/organisation/requests/{record_id}").status_code == 404
        assert client.get(f"/organisation/requests/{record_id}/edit").status_code == 404
        edit = client.post(f"/organisation/requests/{record_id}/edit", data={**_form(), "csrf_token": token})
        assert edit.status_code == 404
        cancel = client.post(f"/organisation/requests/{record_id}/cancel", data={"csrf_token": token})
        assert cancel.status_code == 404
    assert client.get(_new_url(other)).status_code == 404
    listing = client.get("/organisation/requests").get_data(as_text=True)
    assert "K-MINE" in listing and "K-OTHER" not in listing
    db.session.expire_all()
    record = db.session.get(SupportRequest, theirs.id)
    assert record.state is RequestState.OPEN and record.version == theirs.version
    assert client.get(f"/organisation/requests/{mine.id}").status_code == 200


def test_a_pending_organisation_cannot_open_the_request_form(ctx, client, login):
    staff, organisation = factories.organisation_user(status=OrganisationStatus.PENDING, locale="en")
    login(client, staff)
    response = client.get(_new_url(organisation))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisation/{organisation.id}")
    page = flashed(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Requests can be submitted once the centre has approved the organisation." in page
    posted = submit(client, _new_url(organisation), _form(), page=f"/organisation/{organisation.id}")
    assert posted.status_code == 302
    assert _requests() == 0


def test_a_volunteer_cannot_open_organisation_or_coordinator_request_pages(ctx, client, login):
    _staff_user, organisation = _staff()
    record = factories.support_request(organisation)
    login(client, factories.available_volunteer(locale="en"))
    for path in (
        "/organisation/requests",
        f"/organisation/requests/{record.id}",
        f"/organisation/requests/{record.id}/edit",
        _new_url(organisation),
        "/coordinator/requests",
        f"/coordinator/requests/{record.id}",
        f"/coordinator/requests/{record.id}/edit",
        "/coordinator/requests/new",
    ):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/volunteer/assignments")
    for path in (f"/organisation/requests/{record.id}/cancel", f"/coordinator/requests/{record.id}/cancel"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    assert db.session.get(SupportRequest, record.id).state is RequestState.OPEN


# ---------------------------------------------------------------------------------------------
# Entered by the centre, editing


def test_a_coordinator_enters_a_request_on_an_organisations_behalf(ctx, app, client, other_client, login):
    staff, organisation = _staff()
    _unrelated_staff, _unrelated = _staff()
    coordinator = factories.coordinator(locale="en")
    colleague = factories.coordinator(locale="de")
    login(client, coordinator)
    response = submit(
        client,
        "/coordinator/requests/new",
        {**_form(client_reference="K-PHONE-1"), "organisation_id": str(organisation.id)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    record = db.session.scalar(select(SupportRequest))
    assert response.headers["Location"].endswith(f"/coordinator/requests/{record.id}")
    assert record.organisation_id == organisation.id and record.entered_by_centre
    [event] = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == record.id)).all()
    assert event.note == "entered by the centre" and event.actor_id == coordinator.id
    # The other coordinators hear of it; the one who typed it in is not told what they just did.
    told = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.event == "request_new")))
    assert told == {colleague.email}

    login(other_client, staff)
    listing = other_client.get("/organisation/requests").get_data(as_text=True)
    assert f'href="/organisation/requests/{record.id}"' in listing and "K-PHONE-1" in listing
    page = other_client.get(f"/organisation/requests/{record.id}").get_data(as_text=True)
    assert "entered by the centre" in page
    history = page[page.index('id="history-title"') :]
    assert "Request submitted" in history and "the centre" in history
    outsider = app.test_client()
    login(outsider, _unrelated_staff)
    assert "K-PHONE-1" not in outsider.get("/organisation/requests").get_data(as_text=True)
    assert outsider.get(f"/organisation/requests/{record.id}").status_code == 404


def test_an_organisation_cannot_edit_once_a_volunteer_is_confirmed(ctx, client, login):
    staff, organisation = _staff()
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(place_name="Kassel")
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    _accept(coordinator, record, person)
    login(client, staff)
    page = client.get(f"/organisation/requests/{record.id}").get_data(as_text=True)
    assert f"/organisation/requests/{record.id}/edit" not in page
    opened = client.get(f"/organisation/requests/{record.id}/edit", follow_redirects=True)
    assert opened.status_code == 200
    assert "This request can no longer be changed here. Please call the centre." in flashed(
        opened.get_data(as_text=True)
    )
    version = db.session.get(SupportRequest, record.id).version
    posted = submit(
        client,
        f"/organisation/requests/{record.id}/edit",
        _form(version=str(version), meeting_point="Somewhere else"),
        page=f"/organisation/requests/{record.id}",
    )
    assert posted.status_code == 302
    db.session.expire_all()
    assert db.session.get(SupportRequest, record.id).meeting_point == "Kreishaus, Eingang A"


def test_a_stale_edit_says_so_and_keeps_what_was_typed(ctx, client, login):
    staff, organisation = _staff()
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    url = f"/organisation/requests/{record.id}/edit"
    contact_before = record.contact_on_site
    login(client, staff)
    first_tab = form_values(client.get(url).get_data(as_text=True), url)
    second_tab = form_values(client.get(url).get_data(as_text=True), url)
    assert first_tab["version"] == str(record.version)
    del first_tab["csrf_token"], second_tab["csrf_token"]

    saved = submit(client, url, {**second_tab, "meeting_point": "Rathaus, Zimmer 4"})
    assert saved.status_code == 302
    typed = {**first_tab, "contact_on_site": "Herr Schmidt, 0561 2222"}
    response = submit(client, url, typed)
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 409)
    assert "The request was changed in the meantime." in flashed(page), "the stale-edit message is not on the page"
    assert_typed_values_kept(page, url, {k: v for k, v in typed.items() if k != "version"})
    db.session.expire_all()
    current = db.session.get(SupportRequest, record.id)
    assert current.meeting_point == "Rathaus, Zimmer 4" and current.contact_on_site == contact_before
    assert form_values(page, url)["version"] == str(current.version)


# ---------------------------------------------------------------------------------------------
# The link in an offer mail


def _offer_state(offer_id: int) -> OfferState:
    db.session.expire_all()
    return db.session.get(Offer, offer_id).state


ENGLISH = {"Accept-Language": "en"}


def test_the_offer_link_answers_without_login_and_a_get_changes_nothing(ctx, app, deliver, smtp_server):
    _person, record, offer, link = _offered(deliver, smtp_server)
    visitor = app.test_client()
    for _ in range(2):
        page = visitor.get(link, headers=ENGLISH)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert 'name="answer" value="accept"' in text and 'name="answer" value="decline"' in text
    assert _offer_state(offer.id) is OfferState.OFFERED
    assert db.session.scalar(select(ActionToken.used_at).where(ActionToken.offer_id == offer.id)) is None

    answered = submit(visitor, link, {"answer": "accept"}, headers=ENGLISH)
    assert answered.status_code == 200
    assert _offer_state(offer.id) is OfferState.ACCEPTED
    current = db.session.get(Offer, offer.id)
    assert current.response_channel is ResponseChannel.LINK
    assert db.session.get(SupportRequest, record.id).state is RequestState.FILLED


def test_declining_by_the_link_asks_first(ctx, app, deliver, smtp_server):
    _person, record, offer, link = _offered(deliver, smtp_server)
    visitor = app.test_client()
    asked = submit(visitor, link, {"answer": "decline"}, headers=ENGLISH)
    assert asked.status_code == 200
    page = flashed(asked.get_data(as_text=True))
    assert "Decline this request?" in page and "The centre sees your answer at once" in page
    assert 'name="confirmed" value="yes"' in page and f'href="{link}"' in page  # the way back
    assert _offer_state(offer.id) is OfferState.OFFERED
    assert db.session.scalar(select(ActionToken.used_at).where(ActionToken.offer_id == offer.id)) is None

    assert submit(visitor, link, {"answer": "decline", "confirmed": "yes"}).status_code == 200
    assert _offer_state(offer.id) is OfferState.DECLINED
    assert db.session.get(SupportRequest, record.id).state is RequestState.OPEN


def _assert_dead_link(visitor, link: str, offer_id: int, state: OfferState) -> None:
    page = visitor.get(link, headers=ENGLISH)
    assert page.status_code in (409, 410), page.status_code
    text = page.get_data(as_text=True)
    assert 'name="answer"' not in text
    assert EXPIRED_LINK in text or "expired" in text
    for answer in ("accept", "decline"):
        posted = submit(visitor, link, {"answer": answer}, page="/", headers=ENGLISH)
        assert posted.status_code in (409, 410), posted.status_code
        assert "expired" in posted.get_data(as_text=True) or "already" in posted.get_data(as_text=True)
    assert _offer_state(offer_id) is state


def test_a_used_link_works_once(ctx, app, deliver, smtp_server):
    _person, _record, offer, link = _offered(deliver, smtp_server)
    visitor = app.test_client()
    assert submit(visitor, link, {"answer": "accept"}).status_code == 200
    page = visitor.get(link, headers=ENGLISH)
    assert page.status_code == 410 and EXPIRED_LINK in page.get_data(as_text=True)
    _assert_dead_link(visitor, link, offer.id, OfferState.ACCEPTED)


def test_an_expired_token_gives_a_clear_page(ctx, app, deliver, smtp_server):
    _person, _record, offer, link = _offered(deliver, smtp_server)
    db.session.execute(
        update(ActionToken).where(ActionToken.offer_id == offer.id).values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    visitor = app.test_client()
    page = visitor.get(link, headers=ENGLISH)
    assert page.status_code == 410 and EXPIRED_LINK in page.get_data(as_text=True)
    german = visitor.get(link, headers={"Accept-Language": "de"})
    assert german.status_code == 410 and "Dieser Link ist abgelaufen" in german.get_data(as_text=True)
    _assert_dead_link(visitor, link, offer.id, OfferState.OFFERED)


def test_an_expired_offer_gives_a_clear_page_not_buttons(ctx, app, deliver, smtp_server):
    _person, _record, offer, link = _offered(deliver, smtp_server)
    db.session.execute(update(Offer).where(Offer.id == offer.id).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    _assert_dead_link(app.test_client(), link, offer.id, OfferState.OFFERED)


def test_an_offer_answered_in_the_portal_no_longer_shows_buttons_at_its_link(ctx, app, deliver, smtp_server):
    person, _record, offer, link = _offered(deliver, smtp_server)
    offers.answer_in_portal(person, db.session.get(Offer, offer.id), accept=False)
    db.session.commit()
    _assert_dead_link(app.test_client(), link, offer.id, OfferState.DECLINED)


def test_tampered_and_unknown_links_give_a_clear_page(ctx, app, deliver, smtp_server):
    _person, _record, offer, link = _offered(deliver, smtp_server)
    token = link.rsplit("/", 1)[1]
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    visitor = app.test_client()
    for bad in (f"/offer/{tampered}", "/offer/no-such-token", "/offer/" + "x" * 300, f"/offer/{token[:-1]}"):
        _assert_dead_link(visitor, bad, offer.id, OfferState.OFFERED)
    assert visitor.get(link).status_code == 200  # the real link still works


# ---------------------------------------------------------------------------------------------
# The coordinators' board and request page


def _board_request(organisation, reference: str, *, state=RequestState.OPEN, age: timedelta, **values):
    values.setdefault("starts_at", factories.next_weekday(1, 9, weeks=2))
    record = factories.support_request(organisation, client_reference=reference, created_at=utcnow() - age, **values)
    if state is not RequestState.OPEN:
        record.state = state
        db.session.commit()
    return record


def test_the_board_has_tabs_by_state(ctx, client, login):
    """Each tab shows its states; the order is tested in test_board.py (here all share a date)."""
    _staff_user, organisation = _staff()
    urgent = {"urgent": True, "urgent_reason": "Short notice"}
    newest = _board_request(organisation, "K-1", age=timedelta(hours=2))
    oldest = _board_request(organisation, "K-2", age=timedelta(days=6))
    partly = _board_request(organisation, "K-3", age=timedelta(days=3), state=RequestState.PARTLY_FILLED)
    urgent_new = _board_request(organisation, "K-4", age=timedelta(hours=1), **urgent)
    urgent_old = _board_request(organisation, "K-5", age=timedelta(days=2), **urgent)
    filled = _board_request(organisation, "K-6", age=timedelta(days=9), state=RequestState.FILLED)
    unmatched = _board_request(organisation, "K-7", age=timedelta(days=9), state=RequestState.UNMATCHED)
    cancelled = _board_request(organisation, "K-8", age=timedelta(days=9), state=RequestState.CANCELLED)
    login(client, factories.coordinator(locale="en"))

    default = client.get("/coordinator/requests").get_data(as_text=True)
    expected = [newest.id, oldest.id, partly.id, urgent_new.id, urgent_old.id]
    assert request_ids(default) == expected
    assert request_ids(client.get("/coordinator/requests?tab=to_fill").get_data(as_text=True)) == expected
    for tab, record in (("filled", filled), ("unmatched", unmatched), ("cancelled", cancelled)):
        response = client.get(f"/coordinator/requests?tab={tab}")
        assert response.status_code == 200
        assert request_ids(response.get_data(as_text=True)) == [record.id], tab
    assert re.search(r'href="/coordinator/requests\?tab=to_fill&amp;sort=date"\s+aria-current="page"', default)
    filled_tab = client.get("/coordinator/requests?tab=filled").get_data(as_text=True)
    assert re.search(r'href="/coordinator/requests\?tab=filled&amp;sort=date"\s+aria-current="page"', filled_tab)


def test_an_open_request_less_than_two_days_ahead_is_highlighted(ctx, client, login):
    _staff_user, organisation = _staff()
    now = utcnow()
    close = _board_request(organisation, "K-1", age=timedelta(days=1), starts_at=now + timedelta(hours=30))
    later = _board_request(organisation, "K-2", age=timedelta(days=2))
    close_partly = _board_request(
        organisation,
        "K-3",
        age=timedelta(days=3),
        state=RequestState.PARTLY_FILLED,
        starts_at=now + timedelta(hours=40),
    )
    close_filled = _board_request(
        organisation, "K-4", age=timedelta(days=3), state=RequestState.FILLED, starts_at=now + timedelta(hours=20)
    )
    login(client, factories.coordinator(locale="en"))
    page = client.get("/coordinator/requests").get_data(as_text=True)
    for record, highlighted in ((close, True), (close_partly, True), (later, False)):
        row = row_of(page, f"/coordinator/requests/{record.id}")
        assert ("row--alert" in row) is highlighted, record.client_reference
        assert ("in less than two days" in row) is highlighted, record.client_reference
    filled_page = client.get("/coordinator/requests?tab=filled").get_data(as_text=True)
    assert "row--alert" not in row_of(filled_page, f"/coordinator/requests/{close_filled.id}")


def _many_requests(count: int) -> None:
    places = ["Kassel", "Baunatal", "Hofgeismar"]
    languages = ["tir", "prs", "ara"]
    for number in range(count):
        _staff_user, organisation = factories.organisation_user()
        _board_request(
            organisation,
            f"K-{number}",
            age=timedelta(hours=number + 1),
            place_name=places[number % 3],
            language_code=languages[number % 3],
            urgent=number % 4 == 0,
            starts_at=utcnow() + timedelta(hours=20 + 10 * number),
        )


def test_the_board_runs_the_same_number_of_queries_for_3_and_20_requests(ctx, client, login, count_queries):
    login(client, factories.coordinator(locale="en"))
    _many_requests(3)
    assert client.get("/coordinator/requests").status_code == 200  # warm up
    with count_queries() as few:
        assert client.get("/coordinator/requests").status_code == 200
    _many_requests(17)
    with count_queries() as many:
        page = client.get("/coordinator/requests")
    assert page.status_code == 200 and len(request_ids(page.get_data(as_text=True))) == 20
    assert len(few) == len(many), (len(few), len(many))


def test_when_nobody_speaks_the_variety_the_funnel_says_so(ctx, client, login):
    _staff_user, organisation = _staff()
    factories.available_volunteer(place_name="Kassel")  # speaks Tigrinya
    record = factories.support_request(
        organisation, language_code="prs", starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    login(client, factories.coordinator(locale="en"))
    page = flashed(client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True))
    assert "Nobody passes every rule at the moment." in page
    funnel = page[page.index('<ol class="funnel">') : page.index("</ol>", page.index('<ol class="funnel">'))]
    assert "0 speak Dari" in funnel
    assert funnel.count("<li>") == 9


def test_the_funnel_shows_which_rule_excluded_them_and_what_the_alternative_would_find(ctx, client, login):
    from volunteers.models.enums import Mobility

    _staff_user, organisation = _staff()
    person = factories.active_volunteer(languages={"tir": LanguageLevel.NATIVE}, place_name="Kassel")
    person.profile.availability.append(AvailabilitySlot(weekday=1, day_part=DayPart.MORNING))
    person.profile.mobility = Mobility.PUBLIC_TRANSPORT
    person.profile.max_travel_km = 40
    db.session.commit()
    evening = factories.next_weekday(1, 18, weeks=2)
    morning = factories.next_weekday(1, 9, weeks=3)
    record = factories.support_request(organisation, starts_at=evening, alternative_starts_at=morning)
    login(client, factories.coordinator(locale="en"))
    page = flashed(client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True))
    assert "Nobody passes every rule at the moment." in page
    assert f'id="candidate-{person.profile.id}"' not in page
    for line in (
        "1 speaks Tigrinya",
        "1 of them is active",
        "1 may do this work on the day",
        "0 are available then",
    ):
        assert line in page, line
    assert "With the alternative slot, 1 volunteer would qualify." in page


# ---------------------------------------------------------------------------------------------
# The volunteer's assignments


def test_the_volunteer_answers_in_the_portal_and_cancelling_reopens_the_request(
    ctx, app, client, login, deliver, smtp_server
):
    staff, organisation = _staff()
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    asked = factories.support_request(
        organisation,
        created_by_id=staff.id,
        client_reference="K-ASKED",
        starts_at=factories.next_weekday(1, 9, weeks=2),
        contact_on_site="Frau Becker, 0561 1003-0",
    )
    declined = factories.support_request(
        organisation, created_by_id=staff.id, client_reference="K-NO", starts_at=factories.next_weekday(3, 9, weeks=2)
    )
    confirmed = factories.support_request(
        organisation,
        created_by_id=staff.id,
        client_reference="K-YES",
        starts_at=factories.next_weekday(2, 9, weeks=2),
        contact_on_site="Herr Yilmaz, 0561 2222",
    )
    [open_offer] = offers.make_offers(coordinator, asked, [person.profile.id])
    [to_decline] = offers.make_offers(coordinator, declined, [person.profile.id])
    accepted = _accept(coordinator, confirmed, person)
    db.session.commit()
    login(client, person)
    page = client.get("/volunteer/assignments").get_data(as_text=True)
    for offer in (open_offer, to_decline):
        assert re.search(rf'<form method="post" action="/volunteer/offers/{offer.id}/accept"', page)
        assert f'href="/volunteer/offers/{offer.id}/decline"' in page  # asks first
    assert f'href="/volunteer/offers/{accepted.id}/cancel"' in page
    assert "Herr Yilmaz, 0561 2222" in page  # confirmed: the contact on site
    assert "Frau Becker" not in page  # only asked: not yet
    for reference in ("K-ASKED", "K-NO", "K-YES"):
        assert reference not in page  # never the client reference
    assert client.get(f"/volunteer/offers/{open_offer.id}/accept").status_code == 405

    assert submit(client, f"/volunteer/offers/{open_offer.id}/accept", page="/volunteer/assignments").status_code == 302
    assert submit(client, f"/volunteer/offers/{to_decline.id}/decline", page="/volunteer/assignments").status_code == (
        302
    )
    assert _offer_state(open_offer.id) is OfferState.ACCEPTED
    assert _offer_state(to_decline.id) is OfferState.DECLINED

    smtp_server.clear()
    deliver()
    smtp_server.clear()
    cancelled = submit(
        client, f"/volunteer/offers/{accepted.id}/cancel", {"reason": "A fever"}, page="/volunteer/assignments"
    )
    assert cancelled.status_code == 302
    assert _offer_state(accepted.id) is OfferState.CANCELLED_BY_VOLUNTEER
    record = db.session.get(SupportRequest, confirmed.id)
    assert record.state is RequestState.OPEN and record.places_filled == 0
    deliver()
    told = db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.event == "volunteer_cancelled")).all()
    assert staff.email in told and coordinator.email in told
    assert smtp_server.to(staff.email), "the organisation was not told"
    after = client.get("/volunteer/assignments").get_data(as_text=True)
    assert "Herr Yilmaz" not in after


# ---------------------------------------------------------------------------------------------
# Exclusions


def _candidates(client, record) -> set[int]:
    page = client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    return {int(number) for number in re.findall(r'id="candidate-(\d+)"', page)}


def test_an_exclusion_keeps_a_volunteer_out_of_that_organisations_candidates(ctx, client, login):
    _staff_user, organisation = _staff()
    _other_staff, other = _staff()
    person = factories.available_volunteer(place_name="Kassel")
    starts = factories.next_weekday(1, 9, weeks=2)
    first = factories.support_request(organisation, client_reference="K-1", starts_at=starts)
    second = factories.support_request(organisation, client_reference="K-2", starts_at=starts)
    elsewhere = factories.support_request(other, client_reference="K-1", starts_at=starts)
    pid = person.profile.id
    login(client, factories.coordinator(locale="en"))
    assert all(pid in _candidates(client, record) for record in (first, second, elsewhere))

    volunteer_page = f"/coordinator/volunteers/{pid}"
    response = submit(
        client,
        f"/coordinator/volunteers/{pid}/exclusions",
        {
            "exclusion-organisation_id": str(organisation.id),
            "exclusion-client_reference": "",
            "exclusion-reason": "Conflict of interest",
        },
        page=volunteer_page,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "Conflict of interest" in client.get(volunteer_page).get_data(as_text=True)
    assert pid not in _candidates(client, first) and pid not in _candidates(client, second)
    assert pid in _candidates(client, elsewhere)
    exclusion = db.session.scalar(select(Exclusion))
    assert submit(client, f"/coordinator/exclusions/{exclusion.id}/remove", page=volunteer_page).status_code == 302
    assert db.session.scalar(select(func.count(Exclusion.id))) == 0
    assert pid in _candidates(client, first) and pid in _candidates(client, second)

    only_client = submit(
        client,
        f"/coordinator/volunteers/{pid}/exclusions",
        {
            "exclusion-organisation_id": str(organisation.id),
            "exclusion-client_reference": "K-1",
            "exclusion-reason": "Knows the family",
        },
        page=volunteer_page,
    )
    assert only_client.status_code == 302
    assert pid not in _candidates(client, first)
    assert pid in _candidates(client, second) and pid in _candidates(client, elsewhere)
