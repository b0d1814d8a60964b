"""The accounts list names an organisation's administrator plainly."""

from __future__ import annotations

from tests import factories
from tests.pages import visible_text


def test_an_organisation_admin_shows_as_administration(ctx, client, login):
    _admin, organisation = factories.organisation_user()
    login(client, factories.coordinator(locale="de"))
    page = visible_text(client.get("/coordinator/accounts").get_data(as_text=True))
    assert f"{organisation.name} (Administration)" in page
    assert "(Verwaltungsrecht)" not in page
