"""An organisation's administrators keep its details up to date (address, contact person,
phone, email, website, description); the form is shared with the coordinators' page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from ...extensions import db
from ...models import Membership, Organisation
from ...services import organisation_details
from ..edge.service_errors import attempt, form_status, submitted_version
from ..pages.forms import Form, phone_field
from .blueprint import bp


def _website(value: str | None) -> str | None:
    """A website as people type it ("www.example.org") becomes a link (https://www.example.org)."""
    value = (value or "").strip()
    if value and not re.match(r"^https?://", value, re.IGNORECASE):
        value = f"https://{value}"
    return value or None


def web_address(form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme.lower() not in ("http", "https") or "." not in parts.netloc or " " in field.data:
        raise ValidationError(_l("Enter a web address like www.example.org."))


class DetailsForm(Form):
    version = HiddenField()
    street = StringField(
        _l("Street and number"),
        validators=[Optional(), Length(max=120, message=_l("Use at most %(num)d characters.", num=120))],
        render_kw={"autocomplete": "street-address"},
    )
    postal_code = StringField(
        _l("Postal code"),
        validators=[Optional(), Regexp(r"^\d{5}$", message=_l("Enter the five digits of the postal code."))],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    place_id = SelectField(
        _lp("location", "Place"), coerce=int, validators=[DataRequired(message=_l("Choose a place."))]
    )
    contact_user_id = SelectField(
        _l("Contact person"),
        coerce=int,
        description=_l("The member the centre writes to about the organisation and its requests."),
        validators=[DataRequired(message=_l("Choose the contact person."))],
    )
    phone = phone_field()
    email = StringField(
        _l("Email address of the organisation"),
        validators=[
            Optional(),
            Length(max=254, message=_l("The email address is too long.")),
            Email(message=_l("Enter an email address like name@example.org."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
    website = StringField(
        _l("Website"),
        filters=[_website],
        validators=[Optional(), Length(max=200, message=_l("Use at most %(num)d characters.", num=200)), web_address],
        render_kw={"autocomplete": "url", "inputmode": "url", "spellcheck": "false"},
    )
    description = TextAreaField(
        _l("What the organisation does"),
        description=_l("A few sentences: whom you support, in which languages, where."),
        validators=[Optional(), Length(max=1000, message=_l("Use at most %(num)d characters.", num=1000))],
    )

    def __init__(self, organisation: Organisation, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from ..pages.places import place_choices

        self.place_id.choices = place_choices()
        self.contact_user_id.choices = [
            SelectChoice(0, _l("Choose a member")),
            *(SelectChoice(m.id, m.full_name) for m in organisation_details.members(organisation)),
        ]

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> DetailsForm:
        return cls(
            organisation,
            formdata=None,
            data={
                "version": str(organisation.version),
                "name": organisation.name,
                "street": organisation.street,
                "postal_code": organisation.postal_code,
                "place_id": organisation.place_id,
                "contact_user_id": organisation.contact_user_id or 0,
                "phone": organisation.phone,
                "email": organisation.email,
                "website": organisation.website,
                "description": organisation.description,
            },
        )

    def details(self) -> organisation_details.Details:
        name = getattr(self, "name", None)
        return organisation_details.Details(
            name=name.data if name is not None else None,
            street=self.street.data,
            postal_code=self.postal_code.data,
            place_id=self.place_id.data,
            contact_user_id=self.contact_user_id.data or None,
            phone=self.phone.data,
            email=self.email.data,
            website=self.website.data,
            description=self.description.data,
        )


def save_details(organisation: Organisation, form: DetailsForm) -> bool:
    """Applies a submitted form, committing once; False with the message on the form if refused
    (a stale edit included). The coordinators' page uses it too."""
    return bool(
        attempt(
            lambda: organisation_details.update(current_user, organisation, form.details(), submitted_version(form)),
            form,
            record=organisation,
            stale=organisation_details.STALE,
        )
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_details(organisation_id: int):
    # Not theirs: 404, no hint that it exists.
    item = db.one_or_404(
        select(Membership).where(Membership.organisation_id == organisation_id, Membership.user_id == current_user.id)
    )
    if not item.is_admin:
        abort(403)
    organisation = item.organisation
    form = DetailsForm(organisation) if request.method == "POST" else DetailsForm.for_organisation(organisation)
    if form.validate_on_submit() and save_details(organisation, form):
        flash(_("The details are saved; the centre sees what changed."), "success")
        return redirect(url_for("organisation.detail", organisation_id=organisation.id))
    return render_template("organisation/edit.html", form=form, organisation=organisation), form_status(form)
