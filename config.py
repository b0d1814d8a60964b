"""Settings, all read from environment variables (a `.env` file in the repository root works too).

`VOLUNTEERS_ENV` picks the profile: `production` (the default, strict), `development`
(the demo: generates a SECRET_KEY under instance/) or `testing` (used by the test suite).
The README lists every variable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("VOLUNTEERS_INSTANCE_PATH", ROOT / "instance"))

load_dotenv(ROOT / ".env")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from exc


def _development_secret_key() -> str:
    """A key generated once and kept under instance/, so sessions survive a restart."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV_NAME = "production"
    TESTING = False

    CENTRE_NAME = os.environ.get("CENTRE_NAME", "WIR-Vielfaltszentrum Landkreis Kassel")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    #: Shown on the data-protection and accessibility pages and at the foot of every mail.
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "wir@wir-vielfalt.example")
    #: The centre's phone number, shown as written at the foot of every mail; empty: none shown.
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "").strip()
    DATA_PROTECTION_EMAIL = os.environ.get("DATA_PROTECTION_EMAIL", "datenschutz@wir-vielfalt.example")

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'volunteers.sqlite3'}")
    # hide_parameters: a logged database error shows the SQL, never the values (personal data).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    # The interface offers German (the default), English (the language of the source texts)
    # and every further catalogue under volunteers/translations/ (see volunteers/i18n.py).
    BABEL_DEFAULT_LOCALE = "de"
    SOURCE_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "volunteers" / "translations")

    # A CSRF token lives as long as the session: long forms must not be lost.
    WTF_CSRF_TIME_LIMIT = None
    # Files are limited per field (proofs 5 MB, imports 2 MB) and cut while they arrive
    # (web/files/uploads.py); the request limit sits far above, so that a too-large photo or scan is
    # an error at its field with the rest of the form kept, not a bare 413.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 64 * 1024 * 1024)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # How long a login lasts (volunteers/web/security/sessions.py): ended after so many minutes without
    # a request, and so many hours after the password was entered, whatever happens; shorter
    # for coordinators, who see health-related data. "Stay logged in" skips the inactivity
    # timeout for volunteers and organisation staff, never the lifetime.
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 120)
    SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 24 * 30)
    COORDINATOR_SESSION_IDLE_MINUTES = _env_int("COORDINATOR_SESSION_IDLE_MINUTES", 30)
    COORDINATOR_SESSION_MAX_HOURS = _env_int("COORDINATOR_SESSION_MAX_HOURS", 12)

    # Second factor (authenticator app) for coordinators: `required` (they set it up before
    # anything else) or `optional` (offered, as to everyone). See services/second_factor.py.
    COORDINATOR_SECOND_FACTOR = os.environ.get("COORDINATOR_SECOND_FACTOR") or "required"

    # Number of reverse proxies in front (for ProxyFix); 0 means none.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@wir-vielfalt.example")
    # Flask-Mail would otherwise suppress sending whenever TESTING is set.
    MAIL_SUPPRESS_SEND = False
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 30)
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 10)
    MAIL_LEASE_SECONDS = _env_int("MAIL_LEASE_SECONDS", 300)
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE / "mail"))

    # Support requests: working days between a request and its appointment (unless urgent),
    # minutes kept free between two assignments of a volunteer, hours to answer an offer.
    LEAD_TIME_WORKING_DAYS = _env_int("LEAD_TIME_WORKING_DAYS", 3)
    TRAVEL_BUFFER_MINUTES = _env_int("TRAVEL_BUFFER_MINUTES", 30)
    OFFER_RESPONSE_HOURS = _env_int("OFFER_RESPONSE_HOURS", 48)
    # After the appointment: days the organisation has to confirm a report before it counts
    # as confirmed without an answer.
    CONFIRMATION_DAYS = _env_int("CONFIRMATION_DAYS", 14)
    # A volunteer who cancels less than this many hours before the appointment cancels at
    # short notice: coordinators are alerted, and the request's candidates come first.
    SHORT_NOTICE_HOURS = _env_int("SHORT_NOTICE_HOURS", 48)
    # Funded assignments per client and organisation in a year (the Hessian subsidy rule);
    # more need a coordinator's exception with a reason.
    FUNDED_ASSIGNMENTS_PER_CLIENT = _env_int("FUNDED_ASSIGNMENTS_PER_CLIENT", 5)

    # Argon2id cost (RFC 9106 second recommended option).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4

    @classmethod
    def finalise(cls, config: dict) -> None:
        """Checks run once the profile is chosen and overrides are applied."""
        if not config.get("SECRET_KEY"):
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value, for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        for name in (
            "SESSION_IDLE_MINUTES",
            "SESSION_MAX_HOURS",
            "COORDINATOR_SESSION_IDLE_MINUTES",
            "COORDINATOR_SESSION_MAX_HOURS",
        ):
            if config[name] < 1:
                raise ConfigError(f"{name} must be at least 1, not {config[name]}")
        if config["SHORT_NOTICE_HOURS"] < 0:
            raise ConfigError(f"SHORT_NOTICE_HOURS must be 0 or more, not {config['SHORT_NOTICE_HOURS']}")
        if config["COORDINATOR_SECOND_FACTOR"] not in ("required", "optional"):
            raise ConfigError(
                f"COORDINATOR_SECOND_FACTOR must be required or optional, not {config['COORDINATOR_SECOND_FACTOR']!r}"
            )
        # The cookie's own signature age is only an outer bound; the limits above are
        # checked against the login time inside it.
        config["PERMANENT_SESSION_LIFETIME"] = timedelta(
            hours=max(config["SESSION_MAX_HOURS"], config["COORDINATOR_SESSION_MAX_HOURS"])
        )
        https = config["BASE_URL"].startswith("https://")
        # Secure cookies whenever the site is served over HTTPS.
        config["SESSION_COOKIE_SECURE"] = https
        config["REMEMBER_COOKIE_SECURE"] = https


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # The demo logins work with the password alone (README); set `required` to try it.
    COORDINATOR_SECOND_FACTOR = os.environ.get("COORDINATOR_SECOND_FACTOR") or "optional"
    # A number to show where a page says "call the centre" (an example number, not a real line).
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "0561 1003-1234").strip()

    @classmethod
    def finalise(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _development_secret_key()
        super().finalise(config)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    # Cheap hashing: the suite logs in hundreds of times.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    MAIL_TIMEOUT = 2
    MAIL_FILE_DIR = None
    # Tests that need `required` set it; the others log coordinators in with a password.
    COORDINATOR_SECOND_FACTOR = "optional"


PROFILES = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def select_profile(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("VOLUNTEERS_ENV", "production")
    try:
        return PROFILES[name]
    except KeyError as exc:
        raise ConfigError(f"VOLUNTEERS_ENV must be one of {', '.join(PROFILES)}, not {name!r}") from exc
