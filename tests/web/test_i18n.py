"""German first, English complete; the switch is remembered per user; dates by locale."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from volunteers.extensions import db
from volunteers.models import User

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "volunteers" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_visitors_get_german_unless_their_browser_asks_for_english(client):
    assert '<html lang="de" dir="ltr">' in client.get("/").get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english
    assert "Log in" in english
    french = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="de"' in french
    assert "Anmelden" in client.get("/").get_data(as_text=True)


def test_a_visitor_switches_language_and_it_stays(client):
    response = submit(client, "/language", {"locale": "en", "next": "/privacy"}, page="/privacy")
    assert response.headers["Location"] == "/privacy"
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)
    # Not a way to leave the site:
    away = submit(client, "/language", {"locale": "de", "next": "https://evil.example/"}, page="/")
    assert away.headers["Location"] == "/"


def test_switching_on_a_page_that_answered_a_form_goes_to_the_page_above_it(ctx, client, login):
    """The page that answered a form (POST only) cannot be opened again: a 405 was all the switch
    gave there (found on the calendar feed's address page)."""
    login(client, factories.volunteer(locale="de"))
    answered = submit(client, "/language", {"locale": "en", "next": "/volunteer/calendar/on"}, page="/volunteer/")
    assert answered.headers["Location"] == "/volunteer/calendar"
    assert client.get(answered.headers["Location"]).status_code == 200
    unknown = submit(client, "/language", {"locale": "en", "next": "/nowhere/at/all"}, page="/volunteer/")
    assert unknown.headers["Location"] == "/nowhere/at/all"  # a 404 is the page's own answer


def test_a_signed_in_users_choice_is_saved_and_follows_them(ctx, app, client, login):
    user = factories.volunteer(locale="de")
    login(client, user)
    submit(client, "/language", {"locale": "en", "next": "/volunteer/"}, page="/volunteer/")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    elsewhere = app.test_client()
    login(elsewhere, user)
    page = elsewhere.get("/volunteer/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_unknown_languages_are_ignored(ctx, client, login):
    user = factories.volunteer(locale="de")
    login(client, user)
    submit(client, "/language", {"locale": "xx", "next": "/volunteer/"}, page="/volunteer/")
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "de"


def test_dates_are_shown_in_berlin_time_and_the_users_format(ctx, client, login):
    user = factories.volunteer(locale="de")
    user.created_at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET / still 29 March in Berlin
    user.last_login_at = None
    db.session.commit()
    login(client, user)
    german = client.get("/volunteer/").get_data(as_text=True)
    assert "29. März 2026" in german
    submit(client, "/language", {"locale": "en", "next": "/volunteer/"}, page="/volunteer/")
    english = client.get("/volunteer/").get_data(as_text=True)
    assert "29 March 2026" in english


def test_the_german_catalogue_is_complete_and_its_placeholders_match():
    catalogue = read_po(CATALOGUE.open("rb"))
    missing, fuzzy, mismatched = [], [], []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(ids[0])
        if message.fuzzy:
            fuzzy.append(ids[0])
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for translated in strings:
            if translated and set(PLACEHOLDER.findall(translated)) - expected:
                mismatched.append(ids[0])
            if translated and len(ids) == 1 and expected - set(PLACEHOLDER.findall(translated)):
                mismatched.append(ids[0])
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    assert not mismatched, f"placeholders differ: {mismatched[:10]}"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "ngettext:1,2",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(template.open("rb")) if m.id}
    in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(CATALOGUE.open("rb")) if m.id}
    assert not in_code - in_catalogue, f"run scripts/translations.sh update: {sorted(in_code - in_catalogue)[:10]}"


def test_a_new_language_needs_only_a_catalogue_and_turns_the_layout_right_to_left(database_url, tmp_path):
    import shutil

    from babel.messages.mofile import write_mo

    from volunteers import create_app

    translations = tmp_path / "translations"
    shutil.copytree(CATALOGUE.parents[2], translations)
    arabic = translations / "ar" / "LC_MESSAGES"
    arabic.mkdir(parents=True)
    catalogue = read_po(CATALOGUE.open("rb"), locale="ar")
    with (arabic / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    shutil.copy(CATALOGUE, arabic / "messages.po")

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BABEL_TRANSLATION_DIRECTORIES": str(translations),
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
        },
    )
    assert app.config["LANGUAGES"] == ("de", "en", "ar")
    page = app.test_client().get("/register/volunteer", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert 'lang="ar"' in page and "العربية" in page  # in the switch and as a choice for mails
