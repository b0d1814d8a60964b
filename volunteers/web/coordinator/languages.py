"""Coordinators keep the list of languages and varieties: add, rename, make an entry a variety
of a language, retire and bring back, delete one nobody uses (after asking)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...extensions import db
from ...models import Language
from ...services import languages
from ...texts import as_fields, from_fields, in_sql
from ..edge.service_errors import attempt, form_status
from ..pages.forms import ConfirmForm, Form
from ..pages.pagination import paginate
from .blueprint import bp

LANGUAGES_PER_PAGE = 50


def _name_column():
    return in_sql(Language.names, get_locale())


def _parent_choices(editing: Language | None) -> list[SelectChoice]:
    """Languages that can have varieties: not varieties themselves, not German."""
    query = (
        select(Language.code, _name_column())
        .where(Language.parent_code.is_(None), Language.code != languages.GERMAN)
        .order_by(_name_column())
    )
    if editing is not None:
        query = query.where(Language.code != editing.code)
    rows = db.session.execute(query).all()
    return [SelectChoice("", _l("None: a language of its own")), *(SelectChoice(code, name) for code, name in rows)]


class LanguageForm(Form):
    name_de = StringField(
        _l("German name"),
        validators=[
            DataRequired(message=_l("Enter the name.")),
            Length(max=80, message=_l("Use at most %(num)d characters.", num=80)),
        ],
        description=_l("For example Levantinisches Arabisch."),
        render_kw={"lang": "de"},
    )
    name_en = StringField(
        _l("English name"),
        validators=[
            DataRequired(message=_l("Enter the name.")),
            Length(max=80, message=_l("Use at most %(num)d characters.", num=80)),
        ],
        description=_l("For example Levantine Arabic."),
        render_kw={"lang": "en"},
    )
    parent_code = SelectField(
        _l("A variety of"),
        validators=[Optional()],
        invalid_choice_message=_l("Choose the language from the list."),
        description=_l(
            "Varieties are matched on their own. A request for the language in general also finds speakers of "
            "its varieties; a request for a variety finds only speakers of that variety."
        ),
    )

    def __init__(self, *args, editing: Language | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parent_code.choices = _parent_choices(editing)

    def values(self, code: str | None = None) -> languages.LanguageInput:
        return languages.LanguageInput(
            names=from_fields(self, "name"), parent_code=self.parent_code.data or None, code=code
        )


class NewLanguageForm(LanguageForm):
    code = StringField(
        _l("ISO 639-3 code"),
        validators=[
            Optional(),
            Length(max=3, message=_l("Use the three letters of the ISO 639-3 code, or leave it empty.")),
        ],
        description=_l("Three letters, for example apc for Levantine Arabic. Empty: the app gives a local code."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


@bp.route("/languages")
def languages_list():
    name = _name_column()
    page = paginate(
        select(Language).where(Language.parent_code.is_(None)).order_by(name, Language.code),
        per_page=LANGUAGES_PER_PAGE,
    )
    parents = [language.code for language in page.items]
    varieties: dict[str, list[Language]] = {code: [] for code in parents}
    for variety in db.session.scalars(
        select(Language).where(Language.parent_code.in_(parents)).order_by(name, Language.code)
    ):
        varieties[variety.parent_code].append(variety)
    codes = parents + [v.code for group in varieties.values() for v in group]
    return render_template(
        "coordinator/languages/list.html",
        page=page,
        varieties=varieties,
        usage=languages.usage(codes),
        form=ConfirmForm(),
    )


@bp.route("/languages/new", methods=["GET", "POST"])
def new_language():
    form = NewLanguageForm()
    if form.validate_on_submit() and (
        added := attempt(lambda: languages.add(current_user, form.values(form.code.data)), form)
    ):
        language = added.result
        flash(
            _("%(name)s is added with the code %(code)s.", name=language.name(str(get_locale())), code=language.code),
            "success",
        )
        return redirect(url_for("coordinator.languages_list"))
    return render_template("coordinator/languages/form.html", form=form, language=None), form_status(form)


@bp.route("/languages/<code>/edit", methods=["GET", "POST"])
def edit_language(code: str):
    language = db.get_or_404(Language, code)
    if request.method == "POST":
        form = LanguageForm(editing=language)
    else:
        data = {**as_fields("name", language.names), "parent_code": language.parent_code or ""}
        form = LanguageForm(editing=language, data=data)
    if form.validate_on_submit() and attempt(
        lambda: languages.change(current_user, language, form.values()), form, done=_("The entry is saved.")
    ):
        return redirect(url_for("coordinator.languages_list"))
    return render_template(
        "coordinator/languages/form.html",
        form=form,
        language=language,
        usage=languages.usage([language.code])[language.code],
        confirm_form=ConfirmForm(),
    ), form_status(form)


@bp.post("/languages/<code>/<any(retire, reactivate):action>")
def retire_language(code: str, action: str):
    language = db.get_or_404(Language, code)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    else:
        retiring = action == "retire"
        attempt(
            lambda: languages.set_retired(current_user, language, retiring),
            done=_("It is no longer offered for new entries; those who have it keep it.")
            if retiring
            else _("It is offered again."),
        )
    return redirect(url_for("coordinator.edit_language", code=language.code))


@bp.route("/languages/<code>/delete", methods=["GET", "POST"])
def delete_language(code: str):
    """Asks first; refuses an entry in use (retire it instead)."""
    language = db.get_or_404(Language, code)
    form = ConfirmForm()
    if form.validate_on_submit():
        if attempt(lambda: languages.delete(current_user, language), done=_("The entry is deleted.")):
            return redirect(url_for("coordinator.languages_list"))
        return redirect(url_for("coordinator.edit_language", code=code))
    if form.is_submitted():
        flash(_("The form had expired. Please try again."), "error")
    return render_template(
        "coordinator/languages/delete.html",
        language=language,
        usage=languages.usage([language.code])[language.code],
        form=form,
    )
