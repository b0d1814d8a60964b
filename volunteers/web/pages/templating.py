"""What every template can use: the locale, text direction, navigation, formatting."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context
from flask_babel import get_locale
from flask_login import current_user

from ... import phones
from ...formatting import FILTERS as DATE_FILTERS
from ...i18n import language_name, supported_locales, text_direction
from ...jobs import job_label
from ...labels import WEEKDAYS, label, language_levels, languages_spoken
from ...models import InvitationRole, OrganisationStatus, OutboxStatus
from ...models.enums import (
    AssignmentState,
    Channel,
    ContactChannel,
    DayPart,
    GenderPreference,
    HardRule,
    OfferAction,
    QualificationRule,
    QualificationStatus,
    RankingFactor,
    RequestState,
    VolunteerStatus,
    WithdrawalCause,
)
from ...notifications.problems import delivery_problem
from ...permissions import Role, roles_of
from ...services import audit, requests, transitions
from ...services.assignment_lists import AssignmentList
from ...services.eligibility import offered_areas, offered_kinds
from ...texts import localized
from .places import place_label


def _layout_context() -> dict:
    if not has_request_context():  # mails are rendered by the CLI and the worker too
        return {}
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    user_roles = roles_of(current_user) if current_user.is_authenticated else []
    return {
        "page_locale": locale,
        "page_direction": text_direction(locale),
        "page_languages": [(code, language_name(code)) for code in supported_locales()],
        "centre_name": current_app.config["CENTRE_NAME"],
        "user_roles": user_roles,
        "Role": Role,
    }


def first_error(errors) -> str:
    """The first message of a field's errors; a list of rows (FieldList) holds one per row."""
    for error in errors.values() if isinstance(errors, dict) else errors:
        found = error if not isinstance(error, dict | list | tuple) else first_error(error)
        if found:
            return str(found)
    return ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["first_error"] = first_error
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(DATE_FILTERS)
    app.jinja_env.globals["place_label"] = place_label
    app.jinja_env.filters["phone"] = phones.display
    app.jinja_env.filters["tel_uri"] = phones.tel_uri
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["may_cancel"] = requests.may_cancel
    app.jinja_env.globals["languages_spoken"] = languages_spoken
    app.jinja_env.globals["language_levels"] = language_levels
    app.jinja_env.globals["describe_audit"] = audit.describe
    app.jinja_env.globals["job_label"] = job_label
    app.jinja_env.globals["delivery_problem"] = delivery_problem
    app.jinja_env.globals["WEEKDAYS"] = WEEKDAYS
    app.jinja_env.globals["offer_actions"] = transitions.offer_actions
    # Templates compare with members, never with a state's string value (tests/unit/test_layout_vocabulary.py).
    for vocabulary in (
        AssignmentList,
        AssignmentState,
        Channel,
        ContactChannel,
        DayPart,
        GenderPreference,
        HardRule,
        InvitationRole,
        OfferAction,
        OrganisationStatus,
        OutboxStatus,
        QualificationRule,
        QualificationStatus,
        RankingFactor,
        RequestState,
        VolunteerStatus,
        WithdrawalCause,
    ):
        app.jinja_env.globals[vocabulary.__name__] = vocabulary
    app.jinja_env.globals["offered_areas"] = offered_areas
    app.jinja_env.globals["offered_kinds"] = offered_kinds
    app.context_processor(_layout_context)
