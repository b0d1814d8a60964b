"""Words that mean what they say: "Plätze" to fill are not "Orte"; "(optional)" once per
field; no "e.V.." after a name; messages address the person who reads them."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests import factories
from tests import world as worlds
from tests.pages import tree, visible_text, visit_all

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


OPTIONAL = re.compile(r"\boptional\b", re.IGNORECASE)


def _fields_and_what_they_say(html: str) -> list[tuple[str, str]]:
    """(field, its label or legend with the hints and errors tied to it) for every field."""
    root = tree(html)
    by_id = {node.attrs["id"]: node for node in root.iter() if node.attrs.get("id")}

    def described(node) -> str:
        ids = (node.attrs.get("aria-describedby") or "").split()
        return " ".join(by_id[i].text() for i in ids if i in by_id)

    fields = []
    for node in root.iter():
        if node.tag == "label" and node.attrs.get("for") in by_id:
            control = by_id[node.attrs["for"]]
            fields.append((node.attrs["for"], f"{node.text()} {described(control)}"))
        elif node.tag == "legend":
            fieldset = node.parent
            fields.append((node.text().strip(), f"{node.text()} {described(fieldset)}"))
    return fields


@pytest.mark.parametrize("locale", ["de", "en"])
def test_no_field_says_optional_twice(ctx, app, login, locale):
    world = worlds.build(locale)
    twice, fields = [], 0
    for role, path, html in visit_all(app, login, world, locale):
        for field, says in _fields_and_what_they_say(html):
            fields += 1
            if len(OPTIONAL.findall(says)) > 1:
                twice.append((role, path, field, " ".join(says.split())))
    assert twice == []
    assert fields > 100


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
