"""A used offer link does not ask "Can you help?" above saying it has expired."""

from __future__ import annotations

from tests.pages import visible_text


def test_an_unknown_or_used_offer_link_has_a_heading_that_fits(ctx, client):
    response = client.get("/offer/not-a-real-token", headers={"Accept-Language": "en"})
    assert response.status_code == 410
    page = visible_text(response.get_data(as_text=True))
    assert "This link has expired or has already been used." in page
    assert "Can you help?" not in page
