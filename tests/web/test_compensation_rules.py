"""Coordinators keep the compensation rules: the list per programme with the rule in force
marked; a new rule from a day after today (amounts in euros with a German decimal comma, hours
as hours; errors at their fields); a rule not yet in force deleted after asking. A rule change
never alters what a past assignment is paid. Audited; closed to everyone else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.pages import visible_text
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import AuditEvent, CompensationRule
from volunteers.models.enums import AssignmentState, Outcome, Programme
from volunteers.services import compensation

NEW = "/coordinator/compensation/new"


def _text(response) -> str:
    return " ".join(visible_text(response.get_data(as_text=True)).replace("\xa0", " ").split())


def _form(**changes) -> dict:
    return {
        "programme": "lotse",
        "effective_from": (today() + timedelta(days=30)).isoformat(),
        "per_assignment": "",
        "per_hour": "6,50",
        "per_km": "0,35",
        "weekly_hours": "7,5",
        "yearly_hours": "300",
        **changes,
    }


def _rules(programme: Programme) -> list[CompensationRule]:
    return list(
        db.session.scalars(
            select(CompensationRule)
            .where(CompensationRule.programme == programme)
            .order_by(CompensationRule.effective_from)
        )
    )


def test_the_rules_page_marks_the_rule_in_force(ctx, client, login):
    login(client, factories.coordinator(locale="en"))
    text = _text(client.get("/coordinator/compensation"))
    assert "WIR-Lotse, by the hour" in text
    assert "1 Jan 2026 0,00 € 5,00 € 0,30 € 6 276 In force" in text
    assert "1 Jan 2026 20,00 € 0,00 € 0,30 € no limit no limit In force" in text


def test_a_new_rule_is_saved_from_a_later_day_with_euros_and_hours(ctx, client, login):
    centre = factories.coordinator()
    login(client, centre)

    response = submit(client, NEW, _form())

    assert response.status_code == 302
    rule = _rules(Programme.LOTSE)[-1]
    assert rule.effective_from == today() + timedelta(days=30)
    assert (rule.per_assignment_cents, rule.per_hour_cents, rule.per_km_cents) == (0, 650, 35)
    assert (rule.weekly_minutes, rule.yearly_minutes) == (450, 300 * 60)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "compensation_rule.added")).one()
    assert event.actor_id == centre.id and event.details["rule"] == rule.id
    text = _text(client.get("/coordinator/compensation"))
    assert "6,50 € 0,35 € 7,5 300 Gilt noch nicht Löschen" in text


def test_the_form_says_what_is_wrong_next_to_each_field_and_keeps_what_was_typed(ctx, client, login):
    login(client, factories.coordinator(locale="en"))
    before = len(_rules(Programme.LOTSE))

    response = submit(
        client,
        NEW,
        _form(effective_from=today().isoformat(), per_hour="fünf", per_km="0,305", weekly_hours="-2"),
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    text = _text(response)
    # Every error at once, the day among them, each naming what it is about (the summary lists them).
    assert "Choose a day after today: assignments until today keep the rule of their day." in text
    assert "Enter the amount per hour in euros, e.g. 5 or 5,50." in text
    assert "Enter the travel allowance per kilometre in euros, e.g. 0,30." in text
    assert "Enter the hours a week as a number above 0" in text
    assert 'value="fünf"' in html and 'value="0,305"' in html
    assert 'aria-invalid="true"' in html
    assert len(_rules(Programme.LOTSE)) == before

    response = submit(client, NEW, _form(effective_from=today().isoformat()))
    assert response.status_code == 400
    assert "Choose a day after today" in _text(response)
    assert len(_rules(Programme.LOTSE)) == before

    # A rule that would pay nothing is not a rule.
    response = submit(client, NEW, _form(per_assignment="", per_hour="", per_km="0,30"))
    assert response.status_code == 400
    assert "This rule would pay nothing" in _text(response)
    assert len(_rules(Programme.LOTSE)) == before


def test_a_second_rule_from_the_same_day_is_refused_at_the_date(ctx, client, login):
    login(client, factories.coordinator(locale="en"))
    assert submit(client, NEW, _form()).status_code == 302
    response = submit(client, NEW, _form(per_hour="7"))
    assert response.status_code == 400
    assert "This programme has a rule from that day already" in _text(response)
    assert len(_rules(Programme.LOTSE)) == 2


def test_a_future_rule_is_deleted_after_asking_and_a_rule_in_force_stays(ctx, client, login):
    centre = factories.coordinator(locale="en")
    login(client, centre)
    submit(client, NEW, _form())
    seeded, future = _rules(Programme.LOTSE)
    url = f"/coordinator/compensation/{future.id}/delete"

    asked = client.get(url)
    assert asked.status_code == 200
    assert "Delete this compensation rule?" in _text(asked) and "6,50 €" in _text(asked)
    assert len(_rules(Programme.LOTSE)) == 2

    assert submit(client, url, {}).status_code == 302
    assert [rule.id for rule in _rules(Programme.LOTSE)] == [seeded.id]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "compensation_rule.deleted")).one()

    refused = client.get(f"/coordinator/compensation/{seeded.id}/delete", follow_redirects=True)
    assert "This rule is in force already" in _text(refused)
    assert client.get("/coordinator/compensation/999999/delete").status_code == 404
    assert len(_rules(Programme.LOTSE)) == 1


def test_a_rule_change_never_alters_a_past_assignments_amount(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    person = factories.active_volunteer()
    person.profile.programme = Programme.LOTSE
    assignment = factories.past_assignment(
        organisation,
        person.profile,
        days_ago=2,
        state=AssignmentState.CONFIRMED,
        outcome=Outcome.TOOK_PLACE,
        duration_minutes=120,
        travel_km=10,
    )
    assignment.amount_cents = compensation.amount_for(assignment)
    db.session.commit()
    assert assignment.amount_cents == 2 * 500 + 10 * 30
    login(client, factories.coordinator())

    for day in (1, 40):
        changed = _form(effective_from=(today() + timedelta(days=day)).isoformat(), per_hour="50", per_km="2")
        assert submit(client, NEW, changed).status_code == 302
        # nor the day before it, the earliest a rule can begin
        assert submit(client, NEW, _form(effective_from=today().isoformat(), per_hour="50")).status_code == 400

    db.session.expire_all()
    assert assignment.amount_cents == 1300  # stored
    assert compensation.amount_for(assignment) == 1300  # worked out again, as a correction does


def test_nobody_else_sees_the_rules(ctx, client, login):
    staff, _organisation = factories.organisation_user()
    login(client, staff)
    assert client.get("/coordinator/compensation").status_code == 403
    assert client.get(NEW).status_code == 403
    other = factories.active_volunteer()
    client.post("/logout", data={"csrf_token": ""})
    fresh = client.application.test_client()
    login(fresh, other)
    assert fresh.get("/coordinator/compensation").status_code == 403
