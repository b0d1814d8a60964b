"""Every page a person can reach, in one walk: for each role, in German and in English, every
GET route of the app (from `app.url_map`) with every real id of the world (tests/walk_data.py),
the pages behind the links in its mails, the pages those pages link to with a query (filters,
tabs, second pages), the error pages met on the way, and the pages that only a sent form shows
(`Sent`: a confirmation asked by POST, the login's second step and its 429 page, recovery
codes). A GET route that no role reaches and that is not listed in `NOT_PAGES` with a reason
fails tests/web/test_every_page.py, so a new page is walked without being listed anywhere.

The web scans (tests/web/test_every_page.py) check every page of the walk; the browser test
(tests/browser/test_every_page.py) visits the same pages at 375 px."""

from __future__ import annotations

import html as html_escape
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import AnyConverter, RequestRedirect, Rule

from tests.conftest import submit
from tests.pages import form_values
from tests.walk_data import DOMAIN, World, mail_links, person
from volunteers.clock import today
from volunteers.demo import DEMO_PASSWORD
from volunteers.extensions import db
from volunteers.services.throttle import EMAIL_AND_CLIENT

LOCALES = ("de", "en")


@dataclass(frozen=True)
class Role:
    #: The account (its address before the @) that walks in German, and in English; None: a visitor.
    german: str | None
    english: str | None = None

    def account(self, locale: str) -> str | None:
        return self.english if locale == "en" and self.english else self.german


ROLES = {
    "visitor": Role(None),
    "volunteer": Role("amina.haddad"),
    "applicant": Role("farid.sultani"),
    "organisation member": Role("lina.mahmoud"),
    "organisation admin": Role("selam.gebre"),  # with two-step login
    "volunteer and organisation admin": Role("samir.nasser"),
    "organisation awaiting approval": Role("mariia.bondar"),
    "coordinator": Role("koordination", "jonas.becker"),
}

#: GET routes that show no page, and why.
NOT_PAGES = {
    "static": "style sheet, icons and images",
    "public.health": "for monitoring: a status in JSON",
    "auth.home": "sends each person on to their start page",
    "coordinator.volunteers_export": "a download: the volunteer list as a workbook or CSV",
    "coordinator.import_template": "a download: an empty import file",
    "coordinator.settlement_export": "a download: a settlement month as a workbook or CSV",
    "coordinator.training_proof": "a download: the proof of a training",
    "volunteer.proof": "a download: the proof of one's own training",
    "volunteer.hour_sheet": "a download: one's own hour sheet of a month (PDF)",
    "coordinator.volunteer_hour_sheet": "a download: a volunteer's hour sheet of a month (PDF)",
    "public.calendar_feed": "a calendar (text/calendar) that calendar apps fetch from its secret address",
}


@dataclass(frozen=True)
class Sent:
    """A page only a sent form shows: the form on `page` whose action is `action`, as it is
    filled there, with `changes`, sent with `button` (name, value) if given, up to `times` times
    (until it shows `status`)."""

    page: str
    action: str
    changes: dict[str, str] = field(default_factory=dict)
    button: tuple[str, str] | None = None
    times: int = 1
    #: The status of the page it shows.
    status: int = 200


def sent_forms(role: str, world: World, locale: str) -> list[Sent]:
    """The pages of `role` that only a sent form shows, sent in `locale`'s pass (a mail link
    answered once is used up: each pass answers its own)."""
    if role == "visitor":
        offered = next(path for path in mail_links(f"amina.haddad@{DOMAIN}") if path.startswith("/offer/"))
        answered = world.answer_links[locale]
        answer = {"de": "decline", "en": "accept"}[locale]
        return [
            Sent("/login", "/login", {"email": f"selam.gebre@{DOMAIN}", "password": DEMO_PASSWORD}),
            Sent("/password/forgot", "/password/forgot", {"email": f"lina.mahmoud@{DOMAIN}"}),
            Sent("/login/unlock", "/login/unlock", {"email": f"lina.mahmoud@{DOMAIN}"}),
            Sent(offered, offered, button=("answer", "decline")),  # asks first
            Sent(answered, answered, {"confirmed": "yes"}, button=("answer", answer)),
            Sent(world.report_links[locale], world.report_links[locale], {"outcome": "took_place"}),
            Sent(world.confirm_links[locale], world.confirm_links[locale], button=("answer", "confirm")),
            Sent(
                "/login",
                "/login",
                {"email": "nobody@example.org", "password": "not the password"},
                times=EMAIL_AND_CLIENT.free_failures + 6,
                status=429,
            ),
        ]
    if role == "volunteer":
        # The calendar feed's address, shown once: turned on in the German pass, so the English
        # one walks the feed that is on and gives it a new address.
        feed = (
            Sent("/volunteer/calendar", "/volunteer/calendar/on")
            if locale == "de"
            else Sent("/volunteer/calendar/renew", "/volunteer/calendar/renew")
        )
        return [
            Sent("/volunteer/profile", "/volunteer/profile", {"languages-0-code": "", "languages-0-level": ""}),
            feed,
        ]
    if role == "organisation admin":
        return [
            Sent(
                "/account/security",
                "/account/second-factor/recovery-codes",
                {"renew-current_password": DEMO_PASSWORD},
            )
        ]
    if role == "coordinator":
        record = f"/coordinator/volunteers/{person('amina.haddad').profile.id}"
        return [
            Sent(record, f"{record}/status", {"status-to_status": "paused", "status-reason": "Elternzeit"}),
            Sent("/coordinator/volunteers", "/coordinator/volunteers", {"q": "Haddad"}),
        ]
    return []


def filtered(role: str) -> list[str]:
    """Pages a filter form (a GET form) shows, which no link leads to."""
    if role == "coordinator":
        from volunteers.clock import today
        from volunteers.models import Place

        baunatal = db.session.scalar(select(Place.id).where(Place.name == "Baunatal"))
        return [
            "/coordinator/volunteers?language=prs&min_level=C1",
            f"/coordinator/volunteers?place={baunatal}&area=language&kind=interpreting"
            f"&qualified_on={today().isoformat()}&status=active&expiring_soon=y",
        ]
    return []


@dataclass
class Visit:
    role: str
    locale: str
    #: How the page was reached: "GET /x", or "POST /y from /x".
    how: str
    url: str
    endpoint: str | None
    status: int
    html: str

    @property
    def kind(self) -> tuple:
        """Pages of one route with the same query keys, the first or a later page of a list,
        the same status, reached the same way, look alike but for their data."""
        pairs = [pair.partition("=") for pair in urlsplit(self.url).query.split("&") if pair]
        keys = tuple(sorted({key for key, _, _ in pairs if not key.endswith("page")}))
        later = any(key.endswith("page") and value not in ("", "1") for key, _, value in pairs)
        return (self.endpoint, keys, later, self.status, self.how.startswith("POST"))


def _ids(model, column=None) -> list:
    column = column if column is not None else model.id
    return list(db.session.scalars(select(column).order_by(column)))


def real_values(world: World) -> dict[str, list]:
    """Every value of the world each URL argument can take (without the filler of lists)."""
    from volunteers.models import (
        NOTE_MODELS,
        Absence,
        Assignment,
        CompensationRule,
        Declaration,
        Exclusion,
        Invitation,
        Language,
        Offer,
        Organisation,
        Qualification,
        QualificationType,
        SettlementMonth,
        SupportRequest,
        User,
        VolunteerImport,
        VolunteerProfile,
    )

    found = {
        "code": _ids(Language, Language.code),
        "note_id": sorted({note_id for model in NOTE_MODELS.values() for note_id in _ids(model)}),
        "profile_id": _ids(VolunteerProfile),
        "organisation_id": _ids(Organisation),
        "request_id": _ids(SupportRequest),
        "type_id": _ids(QualificationType),
        "declaration_id": _ids(Declaration),
        "qualification_id": _ids(Qualification),
        "offer_id": _ids(Offer),
        "user_id": _ids(User),
        "exclusion_id": _ids(Exclusion),
        "absence_id": _ids(Absence),
        "import_id": _ids(VolunteerImport),
        "invitation_id": _ids(Invitation),
        "assignment_id": _ids(Assignment),
        "rule_id": _ids(CompensationRule),
        "year": [today().year],
        "month": [row.month.strftime("%Y-%m") for row in db.session.scalars(select(SettlementMonth))],
    }
    return {name: [v for v in values if v not in world.filler.get(name, ())] for name, values in found.items()}


def _requirement_pairs() -> list[dict]:
    from volunteers.models import Requirement

    rows = db.session.execute(select(Requirement.area, Requirement.kind).order_by(Requirement.id)).all()
    return [{"area": area.value, "kind": kind.value} for area, kind in rows]


def _mail_tokens(app: Flask, world: World) -> dict[str, list[str]]:
    """The paths of mail links that carry a token, by the route they open (but those a sent
    form uses up)."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, list[str]] = {}
    for path in mail_links():
        if path in world.used_links:
            continue
        try:
            endpoint, arguments = adapter.match(path, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect) as error:
            raise AssertionError(f"a mail links to {path}, which opens no page: {error!r}") from error
        if "token" in arguments and path not in found.get(endpoint, []):
            found.setdefault(endpoint, []).append(path)
    return found


def urls_of(app: Flask, rule: Rule, values: dict[str, list], tokens: dict[str, list[str]]) -> list[str]:
    """The URLs of one GET route with every real value of its arguments."""
    if rule.endpoint == "coordinator.edit_requirement":
        combinations = _requirement_pairs()
    elif "token" in rule.arguments:
        return tokens.get(rule.endpoint, [])
    else:
        combinations = [{}]
        for argument in sorted(rule.arguments):
            converter = rule._converters[argument]
            # An argument the walk knows no values of leaves the route unwalked (see NOT_PAGES).
            choices = sorted(converter.items) if isinstance(converter, AnyConverter) else values.get(argument, [])
            combinations = [{**c, argument: choice} for c in combinations for choice in choices]
    with app.test_request_context():
        return [url_for(rule.endpoint, **c) for c in combinations]


def endpoint_of(app: Flask, url: str) -> str | None:
    try:
        return app.url_map.bind("localhost").match(urlsplit(url).path, method="GET")[0]
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None


def log_in(client: FlaskClient, local: str, world: World) -> None:
    """Through the login form; an account with two-step login gives one of its recovery codes."""
    response = submit(client, "/login", {"email": f"{local}@{DOMAIN}", "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    if response.headers["Location"].endswith("/login/code"):
        response = submit(client, "/login/code", {"code": world.recovery_codes.pop()})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]


def switch_language(client: FlaskClient, locale: str) -> None:
    submit(client, "/language", {"locale": locale, "next": "/privacy"}, page="/privacy")


_QUERY_LINK = re.compile(r'href="(/[^"#?]*\?[^"#]+)')


def _linked_with_query(page: str) -> list[str]:
    return [html_escape.unescape(link) for link in _QUERY_LINK.findall(page)]


def send(client: FlaskClient, sent: Sent):
    """The form as the page shows it filled, with the changes; the page that answers."""
    page = client.get(sent.page).get_data(as_text=True)
    data = form_values(page, sent.action, sent.page)
    data.update({name: [value] for name, value in sent.changes.items()})
    if sent.button:
        data[sent.button[0]] = [sent.button[1]]
    for _ in range(sent.times):
        response = client.post(sent.action, data=data, follow_redirects=True)
        if response.status_code == sent.status:
            # Repeated until the page it shows: the login's delay after three failures lasts two
            # seconds, which a slow machine's password check may outlast; each failure more
            # doubles it.
            break
    return response


def walk(
    app: Flask,
    world: World,
    role: str,
    *,
    locales: tuple[str, ...] = LOCALES,
    send_forms: bool = True,
    skip: set[str] | None = None,
) -> Iterator[Visit]:
    """Every page of `role`, in each locale. Endpoints in `skip` are not opened again (the
    caller may add to it while walking)."""
    skip = skip if skip is not None else set()
    values, tokens = real_values(world), _mail_tokens(app, world)
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in NOT_PAGES]
    client, signed_in = None, object()
    for locale in locales:
        account = ROLES[role].account(locale)
        if client is None or account != signed_in:
            client, signed_in = app.test_client(), account
            if account is not None:
                log_in(client, account, world)
        switch_language(client, locale)
        queue = [(rule.endpoint, url) for rule in rules for url in urls_of(app, rule, values, tokens)]
        queue += [(endpoint_of(app, url), url) for url in filtered(role)]
        seen: set[tuple] = set()
        errors: set[tuple] = set()
        closed: set[str] = set()  # to this role, whichever id
        while queue:
            endpoint, url = queue.pop(0)
            if endpoint in skip or endpoint in closed:
                continue
            response = client.get(url)
            if response.status_code == 403 or (response.location and "/login?" in response.location):
                closed.add(endpoint)
            if response.mimetype != "text/html" or response.status_code in (301, 302, 303):
                continue
            if response.status_code != 200:  # one of each error page: most are alike
                error = (response.status_code, None if response.status_code in (403, 404) else endpoint)
                if error in errors:
                    continue
                errors.add(error)
            page = response.get_data(as_text=True)
            yield Visit(role, locale, f"GET {url}", url, endpoint, response.status_code, page)
            for link in _linked_with_query(page) if response.status_code == 200 else []:
                linked = endpoint_of(app, link)
                # One of each: /accounts/5/deactivate?page=2 stands for the other accounts' too.
                key = (linked, tuple(sorted(urlsplit(link).query.split("&"))))
                if key not in seen and linked is not None and linked not in NOT_PAGES:
                    seen.add(key)
                    queue.append((linked, link))
        for sent in sent_forms(role, world, locale) if send_forms else []:
            response = send(client, sent)
            url = response.request.path + (
                f"?{response.request.query_string.decode()}" if response.request.query_string else ""
            )
            page = response.get_data(as_text=True)
            how = f"POST {sent.action} from {sent.page}"
            assert response.status_code == sent.status, (role, locale, how, response.status_code, url)
            yield Visit(role, locale, how, url, endpoint_of(app, url), response.status_code, page)
