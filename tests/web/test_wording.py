"""Words that mean what they say: "Plätze" to fill are not "Orte"; "(optional)" once per
field; no "e.V.." after a name; messages address the person who reads them."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests import factories
from tests.pages import visible_text

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
