"""Words that mean what they say: "Plätze" to fill are not "Orte"; "(optional)" comes from the
form macro only; messages address the person who reads them. ("(optional)" said twice and
"e.V.." after a name are looked for on every page and in every mail by the walk:
tests/web/test_every_page.py.)"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests import factories
from tests.conftest import submit
from tests.page_checks import OPTIONAL
from tests.pages import tree, visible_text
from volunteers.extensions import db
from volunteers.models.enums import ContactChannel

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "volunteers" / "translations" / "de" / "LC_MESSAGES" / "messages.po"


def _column_headers(html: str) -> list[str]:
    """The text of each <th scope="col">, in order."""
    return [visible_text(cell).strip() for cell in re.findall(r'<th scope="col">(.*?)</th>', html, flags=re.S)]


def test_the_board_counts_places_to_fill_as_plaetze_and_the_import_lists_orte(ctx, client, login):
    coordinator = factories.coordinator()
    _, organisation = factories.organisation_user()
    factories.support_request(organisation, places_needed=2)
    login(client, coordinator)
    board = client.get("/coordinator/requests").get_data(as_text=True)
    headers = _column_headers(board)
    assert "Plätze" in headers and "Orte" not in headers, headers
    assert "0/2" in visible_text(board)
    columns = visible_text(client.get("/coordinator/volunteers/import").get_data(as_text=True))
    assert "\nOrte" in columns or "Orte\n" in columns


def test_ambiguous_words_carry_a_context_and_their_german_fits_it():
    """In English a place is a location or a seat; German needs "Ort" or "Platz". A bare
    "Place" or "Places" must not reach the catalogue without saying which it is."""
    catalogue = read_po(CATALOGUE.open("rb"))
    seen = []
    for message in catalogue:
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        if not re.fullmatch(r"Places?", singular or ""):
            continue
        seen.append((message.context, message.string))
        assert message.context, f"{singular!r} needs a context (location, or places to fill)"
        wanted = "Ort" if "location" in message.context else "Platz" if "fill" in message.context else None
        assert wanted and wanted in str(message.string).replace("Plätze", "Platz"), (message.context, message.string)
    assert {context for context, _ in seen} >= {"location", "locations", "places to fill"}


def test_optional_is_said_by_the_form_macro_only():
    """A label never carries "(optional)" itself: `field(..., optional=true)` adds it."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    import volunteers.web

    for module in pkgutil.walk_packages(volunteers.web.__path__, "volunteers.web."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    labelled = []
    for form in subclasses(FlaskForm):
        for name, value in vars(form).items():
            if isinstance(value, UnboundField):
                text = str(value.kwargs.get("label") or (value.args[0] if value.args else ""))
                labelled.append(name)
                assert not OPTIONAL.search(text), f"{form.__name__}.{name}: {text}"
    assert len(labelled) > 50


def _labels(html: str) -> list[str]:
    """What a form and its page say about the person: labels, legends, captions, headings."""
    root = tree(html)
    return [
        " ".join(node.text().split())
        for node in root.iter()
        if node.tag in {"label", "legend", "caption", "h1", "h2", "h3", "dt", "dd"}
    ]


ADDRESSED = {
    "de": re.compile(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres|Ihnen|mich|mir|mein\w*|Mein\w*)\b"),
    "en": re.compile(r"\b(you|your|You|Your|me|my|My)\b"),
}


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_coordinator_reads_about_the_volunteer_not_about_themselves(ctx, app, client, login, locale):
    account = factories.active_volunteer()
    account.profile.contact_channel = ContactChannel.PHONE
    db.session.commit()
    login(client, factories.coordinator(locale=locale))
    profile_id = account.profile.id
    wrong = []
    for path in (
        f"/coordinator/volunteers/{profile_id}",
        f"/coordinator/volunteers/{profile_id}/edit",
        f"/coordinator/volunteers/{profile_id}/availability",
        f"/coordinator/volunteers/{profile_id}/trainings/new",
    ):
        html = client.get(path).get_data(as_text=True)
        wrong += [(path, text) for text in _labels(html) if ADDRESSED[locale].search(text)]
        hints = [" ".join(n.text().split()) for n in tree(html).iter() if n.attrs.get("class") == "hint"]
        wrong += [(path, hint) for hint in hints if re.search(r"\b(Nur Sie|Only you)\b", hint)]
        for name in ("given_name", "family_name", "phone"):
            control = next((n for n in tree(html).iter() if n.attrs.get("id") == name), None)
            if control is not None and control.attrs.get("autocomplete") != "off":
                wrong.append((path, f"{name} offers the coordinator's own {control.attrs.get('autocomplete')}"))
    assert not wrong, "\n".join(map(str, wrong))

    # The volunteer is still spoken to on their own pages.
    own, volunteer_client = factories.active_volunteer(locale=locale), app.test_client()
    login(volunteer_client, own)
    profile = " ".join(_labels(volunteer_client.get("/volunteer/profile").get_data(as_text=True)))
    assert ADDRESSED[locale].search(profile)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_colleagues_missing_address_is_not_called_yours(ctx, app, client, login, locale):
    staff, organisation = factories.organisation_user(locale=locale)
    login(client, staff)
    url = f"/organisation/{organisation.id}"
    response = submit(client, f"{url}/invite", {"given_name": "Samira", "family_name": "Haddad", "email": ""}, page=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = " ".join(next(n for n in tree(html).iter() if n.attrs.get("id") == "email-error").text().split())
    assert error.endswith("Bitte geben Sie die E-Mail-Adresse ein." if locale == "de" else "Enter the email address.")
    control = next(n for n in tree(html).iter() if n.attrs.get("id") == "email")
    assert control.attrs.get("autocomplete") == "off"

    desk = app.test_client()
    login(desk, factories.coordinator(locale=locale))
    response = submit(desk, "/coordinator/invitations", {"given_name": "Mira", "family_name": "Schäfer", "email": ""})
    error = " ".join(
        next(n for n in tree(response.get_data(as_text=True)).iter() if n.attrs.get("id") == "email-error")
        .text()
        .split()
    )
    assert "Ihre" not in error and "your" not in error
