"""Destructive actions ask first, without JavaScript: the button on the page is a link to a
confirmation page (GET: what will happen, who will be told, and a reason field where one makes
sense); only that page's POST does it. A refusal (someone changed it in the meantime) is shown
on the confirmation page with the reason typed kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import redirect, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...labels import label
from ...services.rate_limits import Action
from ...services.transitions import find
from ..pages.forms import Form
from ..security.rate_limit import over_limit, wait_message
from .service_errors import attempt, form_status


class ReasonForm(Form):
    """An optional reason; its label and hint are set per action (`reason_form`)."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class RequiredReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=2000)],
    )


def reason_form(label_text, hint=None, required: bool = False, required_message=None) -> FlaskForm:
    form = RequiredReasonForm() if required else ReasonForm()
    form.reason.label.text = label_text
    form.reason.description = hint or ""
    if required and required_message:
        # A list of this field's own: the class's validators are shared by every request.
        form.reason.validators = [DataRequired(message=required_message), *form.reason.validators[1:]]
    return form


@dataclass
class Confirmation:
    """What the confirmation page says. `told` empty: nobody gets a mail."""

    title: object
    confirm_label: object
    back_url: str
    facts: Sequence[tuple[object, object]] = ()
    happens: Sequence[object] = ()
    told: Sequence[object] = ()
    note: object | None = None
    back_label: object = field(default_factory=lambda: _l("No, go back"))
    #: Hidden fields the POST carries (a choice made on the page before, for example).
    hidden: Sequence[tuple[str, str]] = ()
    #: Where the POST goes; the page's own address when None.
    action: str | None = None
    #: False for a step that undoes harm (reopening a rejection): the button is a safe one.
    danger: bool = True


def training_facts(training) -> list[tuple[object, object]]:
    from flask_babel import get_locale
    from flask_babel import gettext as _

    from ...formatting import format_date

    name = training.type.name(str(get_locale())) if training.type else training.other_description
    return [
        (_("Volunteer"), training.profile.user.full_name),
        (_("Training"), name),
        (_("Completed on"), format_date(training.completed_on, "long")),
        (_("Provider"), training.provider),
    ]


def render_confirmation(confirmation: Confirmation, form: FlaskForm, status: int = 200):
    return render_template("confirm.html", confirmation=confirmation, form=form), status


def no_longer_possible(record, target) -> str | None:
    """The message when the transition table no longer allows the move (someone else acted)."""
    if find(type(record), record.state, target) is not None:
        return None
    return str(
        _l(
            "This is no longer possible: it is now “%(state)s”. The page shows the current state.",
            state=label(record.state),
        )
    )


def confirm_then(
    confirmation: Callable[[], Confirmation],
    form: FlaskForm,
    change: Callable[[], object],
    done: str,
    then: str,
    limit: Action | None = None,
):
    """The GET shows the confirmation; its POST makes the change, commits once, flashes `done`
    and redirects to `then`. A refusal comes back on the confirmation page, built afresh (the
    record as it is now). A change that mails someone names its rate `limit`: over it, the
    page comes back as a 429 with the reason typed."""
    if form.validate_on_submit():
        if limit is not None and (wait := over_limit(limit)):
            form.form_errors.append(wait_message(wait))
            page, _status = render_confirmation(confirmation(), form)
            return page, 429, {"Retry-After": str(wait)}
        if attempt(change, form, done=done):
            return redirect(then)
        return render_confirmation(confirmation(), form, 409)
    return render_confirmation(confirmation(), form, form_status(form))
