"""A rejected organisation's home shows the centre's reason and promises no rights."""

from __future__ import annotations

from tests import factories
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.models import OrganisationStatus


def test_a_rejected_organisations_home_shows_the_reason(ctx, client, login):
    admin, organisation = factories.organisation_user(status=OrganisationStatus.REJECTED, locale="de")
    organisation.rejection_reason = "Der Verein hat keinen Sitz im Landkreis."
    db.session.commit()
    login(client, admin)
    page = visible_text(client.get("/organisation/").get_data(as_text=True))
    assert "Der Verein hat keinen Sitz im Landkreis." in page
    assert "Sie dürfen Kolleginnen und Kollegen einladen" not in page
