"""Every mail tells how to reach the centre: its name, contact address and (when configured)
phone number, in the recipient's language, in the text and the HTML part."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import render_template
from flask_babel import force_locale
from jinja2 import nodes

from tests import factories
from tests.conftest import submit
from tests.smtp import body_html, body_text

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
PHONE = "0561 1003-1234"
FOOTER_LINE = {
    "de": "Bitte antworten Sie nicht darauf",
    "en": "Please do not reply to it",
}


def _mail_templates() -> list[Path]:
    return sorted(path for path in EMAIL_TEMPLATES.glob("*.*") if not path.name.startswith(("_", "base.")))


def test_every_mail_template_extends_the_base_that_carries_the_footer(app):
    """The footer lives in base.txt|html outside any block, so a mail that extends the base and
    fills only `body` cannot lose it."""
    templates = _mail_templates()
    assert len(templates) > 40
    for path in templates:
        tree = app.jinja_env.parse(path.read_text())
        [extends] = list(tree.find_all(nodes.Extends))
        assert extends.template.value == f"email/base{path.suffix}", path.name
        assert {block.name for block in tree.find_all(nodes.Block)} == {"body"}, path.name


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_the_footer_names_the_centre_its_address_and_phone(app, monkeypatch, locale, suffix):
    monkeypatch.setitem(app.config, "CONTACT_PHONE", PHONE)
    with app.test_request_context(), force_locale(locale):
        text = render_template(f"email/base{suffix}", mail_locale=locale, subject="x")
        assert app.config["CENTRE_NAME"] in text
        assert app.config["CONTACT_EMAIL"] in text
        assert PHONE in text
        assert FOOTER_LINE[locale] in text
        if suffix == ".html":
            assert f'href="mailto:{app.config["CONTACT_EMAIL"]}"' in text
            assert 'href="tel:05611003-1234"' in text
        monkeypatch.setitem(app.config, "CONTACT_PHONE", "")
        assert PHONE not in render_template(f"email/base{suffix}", mail_locale=locale, subject="x")


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_delivered_mail_carries_the_centres_contact(ctx, app, client, deliver, smtp_server, monkeypatch, locale):
    monkeypatch.setitem(app.config, "CONTACT_PHONE", PHONE)
    account = factories.user(locale=locale)
    submit(client, "/password/forgot", {"email": account.email})
    deliver()
    [message] = smtp_server.to(account.email)
    for part in (body_text(message), body_html(message)):
        assert app.config["CONTACT_EMAIL"] in part and PHONE in part and app.config["CENTRE_NAME"] in part
        assert FOOTER_LINE[locale] in part
