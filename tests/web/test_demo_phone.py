"""The demo has a phone number for the centre, so "please call the centre" names one."""

from __future__ import annotations

from volunteers import create_app


def test_the_demo_configuration_names_the_centres_phone(monkeypatch, tmp_path):
    monkeypatch.delenv("CONTACT_PHONE", raising=False)
    app = create_app("development", {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    assert app.config["CONTACT_PHONE"] == "0561 1003-1234"
