"""The coordinators' catalogue: training types, requirements per area and kind of work, and
the texts of the declarations volunteers sign."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ...clock import today
from ...extensions import db
from ...formatting import format_date
from ...models import CreatedRecord, Declaration, DeclarationVersion, QualificationType
from ...models.enums import Area, LanguageLevel, QualificationArea, WorkKind
from ...services import catalogue as catalogue_service
from ...texts import as_fields, from_fields, localized
from ..edge.once import create_once
from ..edge.service_errors import attempt, form_status
from .blueprint import bp
from .forms.catalogue import DeclarationVersionForm, QualificationTypeForm, RequirementForm

#: How far ahead a new declaration text takes effect unless the coordinator says otherwise.
DEFAULT_NOTICE_DAYS = 30


def _locale() -> str:
    return str(get_locale() or "de")


def _type_label(kind: QualificationType) -> str:
    name = kind.name(_locale())
    return name if kind.active else _("%(name)s (retired)", name=name)


def _type_choices(types: list[QualificationType], keep: set[int] = frozenset(), exclude: int | None = None):
    """Checkboxes of the types: active ones, and retired ones only where already chosen."""
    return [
        SelectChoice(kind.id, _type_label(kind))
        for kind in types
        if kind.id != exclude and (kind.active or kind.id in keep)
    ]


# ---------------------------------------------------------------------------------------------
# Training types


@bp.route("/catalogue")
def catalogue():
    return render_template("coordinator/catalogue/types.html", types=catalogue_service.all_types(), locale=_locale())


def _type_form(kind: QualificationType | None, types: list[QualificationType]) -> QualificationTypeForm:
    if kind is None:
        form = QualificationTypeForm()
        keep_refreshers: set[int] = set()
        keep_includes: set[int] = set()
    else:
        keep_refreshers = {other.id for other in kind.refreshers}
        keep_includes = {other.id for other in kind.includes}
        form = QualificationTypeForm(
            data={
                "code": kind.code,
                **as_fields("name", kind.names),
                "area": kind.area.value,
                "teaching_units": kind.teaching_units,
                "validity_months": kind.validity_months,
                "refresher_months": kind.refresher_months,
                "refreshers": sorted(keep_refreshers),
                "includes": sorted(keep_includes),
                "active": kind.active,
                "sort_order": kind.sort_order,
            }
        )
    own_id = kind.id if kind is not None else None
    form.refreshers.choices = _type_choices(types, keep_refreshers, exclude=own_id)
    form.includes.choices = _type_choices(types, keep_includes, exclude=own_id)
    return form


def _type_data(form: QualificationTypeForm) -> catalogue_service.TypeData:
    return catalogue_service.TypeData(
        code=form.code.data or "",
        names=from_fields(form, "name"),
        area=QualificationArea(form.area.data),
        teaching_units=form.teaching_units.data,
        validity_months=form.validity_months.data,
        refresher_months=form.refresher_months.data,
        refresher_ids=list(form.refreshers.data or ()),
        include_ids=list(form.includes.data or ()),
        active=bool(form.active.data),
        sort_order=form.sort_order.data if form.sort_order.data is not None else 100,
    )


@bp.route("/catalogue/new", methods=["GET", "POST"])
def new_qualification_type():
    types = catalogue_service.all_types()
    form = _type_form(None, types)
    if form.validate_on_submit():
        data = _type_data(form)
        created = create_once(
            form, CreatedRecord.QUALIFICATION_TYPE, lambda: catalogue_service.create_type(current_user, data)
        )
        if created is not None:
            if not created.again:
                name = localized(from_fields(form, "name"), _locale())
                flash(_("The training “%(name)s” has been added.", name=name.strip()), "success")
            return redirect(url_for("coordinator.catalogue"))
    return render_template("coordinator/catalogue/type_form.html", form=form, kind=None), form_status(form)


@bp.route("/catalogue/<int:type_id>", methods=["GET", "POST"])
def edit_qualification_type(type_id: int):
    types = catalogue_service.all_types()
    kind = db.get_or_404(QualificationType, type_id)  # loaded with the others just now
    form = _type_form(kind, types)
    if form.validate_on_submit() and attempt(
        lambda: catalogue_service.update_type(current_user, kind, _type_data(form)),
        form,
        done=_("The changes have been saved."),
    ):
        return redirect(url_for("coordinator.catalogue"))
    # After a refused change the session was rolled back: read the type afresh for the heading.
    kind = db.get_or_404(QualificationType, type_id)
    return render_template("coordinator/catalogue/type_form.html", form=form, kind=kind, locale=_locale()), form_status(
        form
    )


# ---------------------------------------------------------------------------------------------
# Requirements


@bp.route("/requirements")
def requirements():
    return render_template(
        "coordinator/catalogue/requirements.html", rows=catalogue_service.requirement_table(), locale=_locale()
    )


def _area_and_kind(area: str, kind: str) -> tuple[Area, WorkKind]:
    try:
        return Area(area), WorkKind(kind)
    except ValueError:
        abort(404)


def _level(value: str | None) -> LanguageLevel | None:
    return LanguageLevel(value) if value else None


@bp.route("/requirements/<area>/<kind>", methods=["GET", "POST"])
def edit_requirement(area: str, kind: str):
    area_value, kind_value = _area_and_kind(area, kind)
    requirement = catalogue_service.get_requirement(area_value, kind_value)
    types = catalogue_service.all_types()
    if requirement is None:
        form = RequirementForm(data={"needs_police_certificate": True, "extended_certificate_for_minors": True})
        chosen: set[int] = set()
    else:
        groups = {number: sorted(a.type_id for a in requirement.accepted if a.group == number) for number in (1, 2)}
        chosen = {a.type_id for a in requirement.accepted}
        form = RequirementForm(
            data={
                "min_german_level": requirement.min_german_level.value if requirement.min_german_level else "",
                "min_language_level": requirement.min_language_level.value if requirement.min_language_level else "",
                "needs_police_certificate": requirement.needs_police_certificate,
                "extended_certificate_for_minors": requirement.extended_certificate_for_minors,
                "group1": groups[1],
                "group2": groups[2],
            }
        )
    form.group1.choices = _type_choices(types, chosen)
    form.group2.choices = _type_choices(types, chosen)
    if form.validate_on_submit():
        data = catalogue_service.RequirementData(
            min_german_level=_level(form.min_german_level.data),
            min_language_level=_level(form.min_language_level.data),
            needs_police_certificate=bool(form.needs_police_certificate.data),
            extended_certificate_for_minors=bool(form.extended_certificate_for_minors.data),
            group1=list(form.group1.data or ()),
            group2=list(form.group2.data or ()),
        )
        # Two coordinators creating the same requirement at once: attempt() says so at the form.
        if attempt(
            lambda: catalogue_service.save_requirement(current_user, area_value, kind_value, data),
            form,
            done=_(
                "The requirement for %(work)s has been saved.",
                work=catalogue_service.requirement_title(area_value, kind_value),
            ),
        ):
            return redirect(url_for("coordinator.requirements"))
    return render_template(
        "coordinator/catalogue/requirement_form.html",
        form=form,
        area=area_value,
        kind=kind_value,
        title=catalogue_service.requirement_title(area_value, kind_value),
        exists=requirement is not None,
    ), form_status(form)


# ---------------------------------------------------------------------------------------------
# Declarations


@bp.route("/declarations")
def declarations():
    day = today()
    return render_template(
        "coordinator/catalogue/declarations.html",
        overviews=catalogue_service.declaration_overview(day),
        today=day,
        locale=_locale(),
    )


def _declaration_or_404(declaration_id: int) -> Declaration:
    return db.one_or_404(
        select(Declaration).where(Declaration.id == declaration_id).options(selectinload(Declaration.versions))
    )


@bp.route("/declarations/<int:declaration_id>/versions/new", methods=["GET", "POST"])
def new_declaration_version(declaration_id: int):
    declaration = _declaration_or_404(declaration_id)
    newest = declaration.versions[-1] if declaration.versions else None
    day = today()
    form = DeclarationVersionForm(
        data={
            **as_fields("body", newest.bodies if newest else None),
            "effective_from": max(day + timedelta(days=DEFAULT_NOTICE_DAYS), newest.effective_from if newest else day),
        }
    )
    if form.validate_on_submit() and (
        created := create_once(
            form,
            CreatedRecord.DECLARATION_VERSION,
            lambda: catalogue_service.add_declaration_version(
                current_user, declaration, from_fields(form, "body"), form.effective_from.data, day
            ),
        )
    ):
        if not created.again:
            flash(
                _(
                    "Version %(number)d has been added. Volunteers are asked to sign it; it is required from "
                    "%(date)s on.",
                    number=db.get_or_404(DeclarationVersion, created.record_id).number,  # in the session already
                    date=format_date(form.effective_from.data, "long"),
                ),
                "success",
            )
        return redirect(url_for("coordinator.declarations"))
    # After a refused change the session was rolled back: read the declaration afresh.
    declaration = _declaration_or_404(declaration_id)
    return render_template(
        "coordinator/catalogue/declaration_version_form.html",
        form=form,
        declaration=declaration,
        newest=declaration.versions[-1] if declaration.versions else None,
        locale=_locale(),
    ), form_status(form)
