"""Unique ids on a page with errors in two forms side by side. (Every page of every role, with
its ids and references, is checked by the walk: tests/web/test_every_page.py.)"""

from __future__ import annotations

from tests.page_checks import id_problems


def test_the_volunteer_page_with_errors_in_each_form_keeps_ids_unique(app, ctx, client, login):
    """The status and exclusion forms both have a reason: each error links to its own field."""
    from tests import factories
    from tests.conftest import submit

    person = factories.volunteer(locale="en")
    factories.organisation()
    login(client, factories.coordinator())
    page = f"/coordinator/volunteers/{person.profile.id}"
    status = submit(client, f"{page}/status", {"status-to_status": "active", "status-reason": ""}, page=page)
    exclusion = submit(client, f"{page}/exclusions", {"exclusion-reason": ""}, page=page)
    for response in (status, exclusion):
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert id_problems(text) == []
    assert 'href="#status-reason"' in status.get_data(as_text=True)
    assert '<label for="status-reason">' in status.get_data(as_text=True)
    assert 'href="#exclusion-organisation_id"' in exclusion.get_data(as_text=True)
