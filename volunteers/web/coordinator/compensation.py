"""The compensation rules per programme (services/compensation_rules.py): the list with the
rule in force marked, a new rule from a later day, and deleting a rule not yet in force."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import today
from ...extensions import db
from ...formatting import format_date, format_money
from ...labels import label
from ...models import CompensationRule
from ...models.enums import Programme
from ...services import compensation_rules
from ..edge.confirm import Confirmation, confirm_then
from ..edge.service_errors import attempt, form_status
from ..pages.forms import ConfirmForm
from .blueprint import bp
from .forms.compensation import CompensationRuleForm


@bp.route("/compensation")
def compensation():
    day = today()
    return render_template(
        "coordinator/compensation.html",
        programmes=compensation_rules.rules_by_programme(day),
        may_delete=lambda rule: compensation_rules.may_delete(rule, day),
    )


@bp.route("/compensation/new", methods=["GET", "POST"])
def new_compensation_rule():
    form = CompensationRuleForm()
    if form.validate_on_submit():
        added = attempt(
            lambda: compensation_rules.add_rule(
                current_user,
                today(),
                programme=Programme(form.programme.data),
                effective_from=form.effective_from.data,
                per_assignment_cents=form.per_assignment.cents or 0,
                per_hour_cents=form.per_hour.cents or 0,
                per_km_cents=form.per_km.cents or 0,
                weekly_minutes=form.weekly_hours.minutes,
                yearly_minutes=form.yearly_hours.minutes,
            ),
            form,
            done=_("The new rule is saved. It applies from the day you chose."),
        )
        if added:
            return redirect(url_for("coordinator.compensation"))
    return render_template("coordinator/compensation_new.html", form=form), form_status(form)


@bp.route("/compensation/<int:rule_id>/delete", methods=["GET", "POST"])
def delete_compensation_rule(rule_id: int):
    rule = db.get_or_404(CompensationRule, rule_id)
    if not compensation_rules.may_delete(rule, today()):
        flash(str(compensation_rules.IN_FORCE), "error")
        return redirect(url_for("coordinator.compensation"))

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Delete this compensation rule?"),
            facts=[
                (_("Programme"), label(rule.programme)),
                (_("Applies from"), format_date(rule.effective_from, "long")),
                (_("Amount per assignment"), format_money(rule.per_assignment_cents)),
                (_("Amount per hour"), format_money(rule.per_hour_cents)),
                (_("Per kilometre"), format_money(rule.per_km_cents)),
            ],
            happens=[
                _("The rule is deleted; the rule in force before it goes on applying after that day."),
                _("No assignment changes: the rule has not applied to any yet."),
            ],
            confirm_label=_("Yes, delete the rule"),
            back_url=url_for("coordinator.compensation"),
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: compensation_rules.delete_rule(current_user, rule, today()),
        _("The rule is deleted."),
        url_for("coordinator.compensation"),
    )
