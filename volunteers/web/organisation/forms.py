from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField

from ..auth.forms import locale_choices
from ..edge.once import OnceForm
from ..pages.forms import email_field, name_field


class InviteForm(OnceForm):
    given_name = name_field(_l("Given name"), "off", _l("Enter the given name."))
    family_name = name_field(_l("Family name"), "off", _l("Enter the family name."))
    email = email_field(own=False)
    locale = RadioField(_l("Language of the invitation mail"), choices=locale_choices, default="de")


class MemberInviteForm(InviteForm):
    make_admin = BooleanField(_l("May invite further colleagues (administrator)"))
